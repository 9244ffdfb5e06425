import { describe, expect, it } from 'vitest';
import {
  CatalogAggregator,
  parseManscdp,
  type AggregatorClock,
  type CatalogAggregate,
  type CatalogAggregatorOptions,
  type CatalogItem,
  type CatalogPart,
  type CatalogResponse,
} from '../../../sfu/src/ingest/gb28181/manscdp/index.js';
import { flylabMessages, sipFileBodies } from './manscdpSamples.js';

/** A clock whose time moves only when told; timers fire in order as it passes them. */
class FakeClock implements AggregatorClock {
  private t = 1_000_000;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

const DEVICE = '34020000001110000001';

function item(n: number, name = `通道 ${n}`): CatalogItem {
  return {
    deviceId: `3402000000132${String(n).padStart(7, '0')}`, event: null, name, manufacturer: null, model: null, owner: null, civilCode: null, block: null,
    address: null, parental: null, parentId: null, businessGroupId: null, safetyWay: null, registerWay: null, certNum: null, certifiable: null,
    errCode: null, endTime: null, secrecy: null, ipAddress: null, port: null, status: 'ON', longitude: null, latitude: null, streamNum: null,
    ptzType: null, info: {}, extra: {},
  };
}

function part(sn: number, sumNum: number | null, ids: number[], deviceId: string | null = DEVICE): CatalogPart {
  return { deviceId, sn, sumNum, items: ids.map((n) => item(n)) };
}

function setup(options: Partial<CatalogAggregatorOptions> = {}) {
  const clock = new FakeClock();
  const results: CatalogAggregate[] = [];
  const agg = new CatalogAggregator({ onResult: (r) => results.push(r), clock, ...options });
  return { clock, results, agg };
}

const ids = (r: CatalogAggregate | undefined) => r?.items.map((i) => Number(i.deviceId.slice(-7)));

describe('CatalogAggregator', () => {
  it('completes when SumNum distinct items have arrived', () => {
    const { agg, results, clock } = setup();
    expect(agg.add(part(1, 5, [1, 2]))).toEqual({ status: 'pending', received: 2, sumNum: 5 });
    clock.advance(100);
    expect(agg.add(part(1, 5, [3, 4]))).toEqual({ status: 'pending', received: 4, sumNum: 5 });
    expect(results).toHaveLength(0);
    clock.advance(100);
    expect(agg.add(part(1, 5, [5]))).toEqual({ status: 'finished', reason: 'complete' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ deviceId: DEVICE, sn: 1, sumNum: 5, complete: true, reason: 'complete', messages: 3, duplicates: 0, elapsedMs: 200 });
    expect(ids(results[0])).toEqual([1, 2, 3, 4, 5]);
    expect(agg.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('takes messages out of order and duplicated (UDP retransmission), dedupes by DeviceID, keeps the latest content', () => {
    const { agg, results } = setup();
    agg.add(part(7, 6, [5, 6]));
    agg.add(part(7, 6, [5, 6]));
    agg.add({ deviceId: DEVICE, sn: 7, sumNum: 6, items: [{ ...item(5), status: 'OFF' }] });
    agg.add(part(7, 6, [1, 2]));
    expect(results).toHaveLength(0);
    agg.add(part(7, 6, [4, 3]));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ complete: true, messages: 5, duplicates: 3 });
    expect(ids(results[0])).toEqual([5, 6, 1, 2, 4, 3]);
    expect(results[0]!.items[0]!.status).toBe('OFF');
  });

  it('keeps what came when a message never arrives: idle timeout, reset by each message', () => {
    const { agg, results, clock } = setup({ idleTimeoutMs: 5_000 });
    agg.add(part(2, 8, [1, 2]));
    clock.advance(4_000);
    agg.add(part(2, 8, [3, 4]));
    clock.advance(4_000);
    expect(results).toHaveLength(0);
    clock.advance(1_000);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ complete: false, reason: 'timeout', sumNum: 8, elapsedMs: 9_000 });
    expect(ids(results[0])).toEqual([1, 2, 3, 4]);
  });

  it('ends a slow trickle at maxDurationMs', () => {
    const { agg, results, clock } = setup({ idleTimeoutMs: 5_000, maxDurationMs: 20_000 });
    for (let n = 1; n <= 10; n++) {
      if (results.length === 0) agg.add(part(3, 100, [n]));
      clock.advance(3_000);
    }
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ reason: 'timeout', elapsedMs: 20_000, complete: false });
    expect(results[0]!.items).toHaveLength(7);
  });

  it('reports messages for a finished aggregation as late, after completion or timeout', () => {
    const { agg, results, clock } = setup();
    agg.add(part(4, 1, [1]));
    expect(results).toHaveLength(1);
    expect(agg.add(part(4, 1, [1]))).toMatchObject({ status: 'late' });
    agg.add(part(5, 3, [1]));
    clock.advance(10_000);
    expect(results).toHaveLength(2);
    const late = agg.add(part(5, 3, [2, 3]));
    expect(late.status).toBe('late');
    expect(late.status === 'late' && late.items.map((i) => i.deviceId.slice(-1))).toEqual(['2', '3']);
    expect(results).toHaveLength(2);
  });

  it('expect(): a device that never answers ends in a timeout with nothing; SumNum 0 completes at once', () => {
    const { agg, results, clock } = setup();
    agg.expect(DEVICE, 10);
    clock.advance(5_000);
    expect(results).toEqual([expect.objectContaining({ deviceId: DEVICE, sn: 10, sumNum: null, items: [], complete: false, reason: 'timeout', messages: 0 })]);
    agg.expect(DEVICE, 11);
    expect(agg.add(part(11, 0, []))).toEqual({ status: 'finished', reason: 'complete' });
    expect(results[1]).toMatchObject({ sn: 11, sumNum: 0, complete: true });
    // A finished SN expected again (a retry) aggregates afresh.
    agg.expect(DEVICE, 10);
    expect(agg.add(part(10, 1, [1]))).toEqual({ status: 'finished', reason: 'complete' });
  });

  it('keys by (DeviceID, SN): other SNs and other devices aggregate apart', () => {
    const { agg, results } = setup();
    agg.add(part(1, 2, [1]));
    agg.add(part(2, 2, [1]));
    agg.add(part(1, 2, [1], '34020000001110000002'));
    expect(agg.size).toBe(3);
    agg.add(part(2, 2, [2]));
    expect(results.map((r) => [r.deviceId.slice(-1), r.sn])).toEqual([['1', 2]]);
  });

  it('uses the largest SumNum announced', () => {
    const { agg, results } = setup();
    agg.add(part(1, 2, [1]));
    expect(agg.add(part(1, 3, [2]))).toMatchObject({ status: 'pending', sumNum: 3 });
    agg.add(part(1, null, [3]));
    expect(results[0]).toMatchObject({ sumNum: 3, complete: true });
  });

  it('rejects parts without DeviceID or SN', () => {
    const { agg } = setup();
    expect(agg.add(part(1, 1, [1], null))).toEqual({ status: 'rejected', reason: 'no DeviceID' });
    expect(agg.add({ deviceId: DEVICE, sn: null, sumNum: 1, items: [] })).toEqual({ status: 'rejected', reason: 'no SN' });
    expect(agg.size).toBe(0);
  });

  it('bounds memory: items per aggregation, aggregations, aggregations per device, remembered keys', () => {
    const capped = setup({ maxItems: 10 });
    capped.agg.add(part(1, 100, Array.from({ length: 8 }, (_, i) => i + 1)));
    expect(capped.agg.add(part(1, 100, [9, 10, 11, 12]))).toEqual({ status: 'finished', reason: 'capped' });
    expect(capped.results[0]).toMatchObject({ reason: 'capped', complete: false });
    expect(capped.results[0]!.items).toHaveLength(10);

    const many = setup({ maxAggregations: 3, maxPerDevice: 10 });
    for (let d = 1; d <= 4; d++) many.agg.add(part(1, 2, [1], `3402000000111000000${d}`));
    expect(many.agg.size).toBe(3);
    expect(many.results).toEqual([expect.objectContaining({ deviceId: '34020000001110000001', reason: 'evicted', complete: false })]);

    const perDevice = setup({ maxPerDevice: 2 });
    for (let sn = 1; sn <= 3; sn++) perDevice.agg.add(part(sn, 2, [1]));
    perDevice.agg.add(part(1, 2, [1], '34020000001110000009'));
    expect(perDevice.agg.size).toBe(3);
    expect(perDevice.results.map((r) => [r.sn, r.reason])).toEqual([[1, 'evicted']]);

    const forget = setup({ maxFinishedKeys: 2 });
    for (let sn = 1; sn <= 3; sn++) forget.agg.add(part(sn, 1, [1]));
    expect(forget.agg.add(part(1, 2, [1])).status).toBe('pending'); // SN 1 forgotten: a new aggregation
    expect(forget.agg.add(part(3, 2, [1])).status).toBe('late');
  });

  it('close() ends a device’s aggregations with what arrived', () => {
    const { agg, results, clock } = setup();
    agg.add(part(1, 3, [1]));
    agg.add(part(2, 3, [1], '34020000001110000002'));
    agg.close(DEVICE);
    expect(results.map((r) => [r.deviceId.slice(-1), r.reason])).toEqual([['1', 'closed']]);
    agg.close();
    expect(results).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('assembles the real captures: 17 single-message Dahua answers, and the NVR answer missing 6 of 8 items', () => {
    const { agg, results, clock } = setup();
    for (const s of flylabMessages('catalog_responses_dahua.txt')) {
      expect(agg.add(parseManscdp(s.body).message as CatalogResponse)).toEqual({ status: 'finished', reason: 'complete' });
    }
    expect(results).toHaveLength(17);
    expect(new Set(results.map((r) => r.sn)).size).toBe(17);
    const nvr = parseManscdp(sipFileBodies().find((s) => s.name.startsWith('srs4_capture/15'))!.body).message as CatalogResponse;
    expect(agg.add(nvr)).toEqual({ status: 'pending', received: 2, sumNum: 8 });
    clock.advance(5_000);
    expect(results[17]).toMatchObject({ sn: 419315752, sumNum: 8, complete: false, reason: 'timeout' });
    expect(results[17]!.items.map((i) => i.name)).toEqual(['Camera 01', 'IPCamera 02']);
  });

  it('runs on the real clock by default', async () => {
    const results: CatalogAggregate[] = [];
    const agg = new CatalogAggregator({ onResult: (r) => results.push(r), idleTimeoutMs: 20 });
    agg.add(part(1, 2, [1]));
    await new Promise((r) => setTimeout(r, 80));
    expect(results).toEqual([expect.objectContaining({ reason: 'timeout', complete: false })]);
  });
});
