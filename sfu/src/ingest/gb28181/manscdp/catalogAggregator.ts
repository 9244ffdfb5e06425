import type { CatalogItem } from './manscdpTypes.js';

/**
 * Assemble a catalog answer sent as several Response Catalog messages (GB/T 28181-2016 A.2.6,
 * 设备目录信息查询应答: `<SumNum>` items in all, `<DeviceList Num>` in each message).
 *
 * Messages are grouped by (DeviceID, SN). An aggregation finishes when SumNum distinct items
 * (by item DeviceID) have arrived, when no message arrived for `idleTimeoutMs`, when it has run
 * `maxDurationMs`, or when it is evicted to bound memory; whatever arrived is kept and handed to
 * `onResult` exactly once. Messages may arrive in any order and more than once (UDP
 * retransmission); a message for an aggregation that already finished is reported `late`.
 *
 * Memory is bounded: at most `maxAggregations` at once (at most `maxPerDevice` per device), each
 * holding at most `maxItems` items, and `maxFinishedKeys` remembered finished keys.
 */

/** The part of a parsed catalog message the aggregator uses (a CatalogResponse fits). */
export interface CatalogPart {
  deviceId: string | null;
  sn: number | null;
  sumNum: number | null;
  items: readonly CatalogItem[];
}

export type CatalogEndReason =
  /** SumNum distinct items arrived. */
  | 'complete'
  /** No message for `idleTimeoutMs`, or `maxDurationMs` passed. */
  | 'timeout'
  /** `maxItems` items held: the rest of the answer is ignored. */
  | 'capped'
  /** Dropped to make room for newer aggregations (`maxAggregations`, `maxPerDevice`). */
  | 'evicted'
  /** {@link CatalogAggregator.close} ended it. */
  | 'closed';

export interface CatalogAggregate {
  deviceId: string;
  sn: number;
  /** The SumNum announced (the largest seen); null when no message arrived. */
  sumNum: number | null;
  /** Distinct items in first-arrival order; a repeated DeviceID keeps the latest content. */
  items: CatalogItem[];
  /** True when `items.length` reached `sumNum`. */
  complete: boolean;
  reason: CatalogEndReason;
  /** Messages accepted for this aggregation. */
  messages: number;
  /** Items that repeated a DeviceID already held. */
  duplicates: number;
  /** Milliseconds from the first message (or {@link CatalogAggregator.expect}) to the end. */
  elapsedMs: number;
}

export type CatalogAddOutcome =
  /** Held; more items are expected. */
  | { status: 'pending'; received: number; sumNum: number | null }
  /** This message finished the aggregation; `onResult` has been called. */
  | { status: 'finished'; reason: CatalogEndReason }
  /** The aggregation for this (DeviceID, SN) already finished: the items are the caller's to use or drop. */
  | { status: 'late'; items: readonly CatalogItem[] }
  /** Not aggregated: no DeviceID or no SN. */
  | { status: 'rejected'; reason: string };

/** Timer functions, injectable so tests control time. */
export interface AggregatorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CatalogAggregatorOptions {
  /** Called once per aggregation, from `add`, `close` or a timer: it must not throw. */
  onResult: (aggregate: CatalogAggregate) => void;
  /** Finish after this long without a message. Default 5,000 ms. */
  idleTimeoutMs?: number;
  /** Finish after this long in any case. Default 60,000 ms. */
  maxDurationMs?: number;
  /** Items held per aggregation. Default 20,000. */
  maxItems?: number;
  /** Aggregations at once. Default 1,024. */
  maxAggregations?: number;
  /** Aggregations at once for one DeviceID. Default 4. */
  maxPerDevice?: number;
  /** Finished keys remembered to recognise late messages. Default 4,096. */
  maxFinishedKeys?: number;
  /** Default: Date.now and the global timers. */
  clock?: AggregatorClock;
}

interface Aggregation {
  key: string;
  deviceId: string;
  sn: number;
  sumNum: number | null;
  items: Map<string, CatalogItem>;
  messages: number;
  duplicates: number;
  startedAt: number;
  lastAt: number;
  timer: unknown;
}

const systemClock: AggregatorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function keyOf(deviceId: string, sn: number): string {
  return `${deviceId}\u0000${sn}`;
}

export class CatalogAggregator {
  private readonly onResult: (aggregate: CatalogAggregate) => void;
  private readonly idleTimeoutMs: number;
  private readonly maxDurationMs: number;
  private readonly maxItems: number;
  private readonly maxAggregations: number;
  private readonly maxPerDevice: number;
  private readonly maxFinishedKeys: number;
  private readonly clock: AggregatorClock;
  /** Open aggregations in start order (Map keeps insertion order: the first is the oldest). */
  private readonly open = new Map<string, Aggregation>();
  /** Recently finished keys, oldest first. */
  private readonly finished = new Set<string>();

  constructor(options: CatalogAggregatorOptions) {
    this.onResult = options.onResult;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5_000;
    this.maxDurationMs = options.maxDurationMs ?? 60_000;
    this.maxItems = options.maxItems ?? 20_000;
    this.maxAggregations = options.maxAggregations ?? 1_024;
    this.maxPerDevice = options.maxPerDevice ?? 4;
    this.maxFinishedKeys = options.maxFinishedKeys ?? 4_096;
    this.clock = options.clock ?? systemClock;
  }

  /** Open aggregations. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Start waiting for an answer before any message arrives (when the Catalog query is sent), so
   * a device that never answers ends in a `timeout` with no items.
   */
  expect(deviceId: string, sn: number): void {
    const key = keyOf(deviceId, sn);
    if (this.open.has(key)) return;
    this.finished.delete(key);
    this.start(key, deviceId, sn);
  }

  /** Add one parsed catalog message. */
  add(part: CatalogPart): CatalogAddOutcome {
    const deviceId = part.deviceId?.trim();
    if (!deviceId) return { status: 'rejected', reason: 'no DeviceID' };
    if (part.sn === null) return { status: 'rejected', reason: 'no SN' };
    const key = keyOf(deviceId, part.sn);
    let agg = this.open.get(key);
    if (!agg) {
      if (this.finished.has(key)) return { status: 'late', items: part.items };
      agg = this.start(key, deviceId, part.sn);
    }
    agg.messages++;
    agg.lastAt = this.clock.now();
    if (part.sumNum !== null && part.sumNum >= 0) agg.sumNum = Math.max(agg.sumNum ?? 0, part.sumNum);
    for (const item of part.items) {
      if (!item.deviceId) continue;
      if (agg.items.has(item.deviceId)) {
        agg.duplicates++;
        agg.items.set(item.deviceId, item);
        continue;
      }
      if (agg.items.size >= this.maxItems) {
        this.finish(agg, 'capped');
        return { status: 'finished', reason: 'capped' };
      }
      agg.items.set(item.deviceId, item);
    }
    if (agg.sumNum !== null && agg.items.size >= agg.sumNum) {
      this.finish(agg, 'complete');
      return { status: 'finished', reason: 'complete' };
    }
    this.arm(agg);
    return { status: 'pending', received: agg.items.size, sumNum: agg.sumNum };
  }

  /** Finish every open aggregation now (reason `closed`), e.g. when the device unregisters. */
  close(deviceId?: string): void {
    for (const agg of [...this.open.values()]) if (deviceId === undefined || agg.deviceId === deviceId) this.finish(agg, 'closed');
  }

  private start(key: string, deviceId: string, sn: number): Aggregation {
    let sameDevice = 0;
    for (const other of this.open.values()) if (other.deviceId === deviceId) sameDevice++;
    if (sameDevice >= this.maxPerDevice) {
      const oldest = [...this.open.values()].find((a) => a.deviceId === deviceId);
      if (oldest) this.finish(oldest, 'evicted');
    }
    if (this.open.size >= this.maxAggregations) {
      const oldest = this.open.values().next().value;
      if (oldest) this.finish(oldest, 'evicted');
    }
    const now = this.clock.now();
    const agg: Aggregation = { key, deviceId, sn, sumNum: null, items: new Map(), messages: 0, duplicates: 0, startedAt: now, lastAt: now, timer: undefined };
    this.open.set(key, agg);
    this.arm(agg);
    return agg;
  }

  /** (Re)schedule the aggregation's single timer: the idle timeout, capped by the total duration. */
  private arm(agg: Aggregation): void {
    if (agg.timer !== undefined) this.clock.clearTimeout(agg.timer);
    const now = this.clock.now();
    const delay = Math.max(0, Math.min(agg.lastAt + this.idleTimeoutMs, agg.startedAt + this.maxDurationMs) - now);
    agg.timer = this.clock.setTimeout(() => {
      agg.timer = undefined;
      if (this.open.get(agg.key) === agg) this.finish(agg, 'timeout');
    }, delay);
  }

  private finish(agg: Aggregation, reason: CatalogEndReason): void {
    if (agg.timer !== undefined) this.clock.clearTimeout(agg.timer);
    agg.timer = undefined;
    this.open.delete(agg.key);
    this.finished.delete(agg.key);
    this.finished.add(agg.key);
    while (this.finished.size > this.maxFinishedKeys) {
      const oldest = this.finished.values().next().value;
      if (oldest === undefined) break;
      this.finished.delete(oldest);
    }
    const items = [...agg.items.values()];
    this.onResult({
      deviceId: agg.deviceId,
      sn: agg.sn,
      sumNum: agg.sumNum,
      items,
      complete: agg.sumNum !== null && items.length >= agg.sumNum,
      reason,
      messages: agg.messages,
      duplicates: agg.duplicates,
      elapsedMs: this.clock.now() - agg.startedAt,
    });
  }
}
