/**
 * Client transactions for the requests the platform sends (RFC 3261 §17.1): each request waits
 * for its final response, matched by the top Via branch and the CSeq method (§17.1.3).
 *
 * Over UDP the request is sent again while no response has come: after T1 (500 ms), then at
 * doubling intervals capped at T2 (4 s) (§17.1.1.2 Timer A for INVITE, §17.1.2.2 Timer E for
 * the rest). A provisional response (1xx) stops the retransmission of an INVITE; a non-INVITE
 * is then sent every T2. TCP is reliable: sent once. No final response within `timeoutMs`
 * (Timer B/F: 64 × T1 = 32 s by default) fails the transaction with `timeout`.
 */
import type { SipRequest, SipResponse } from './sip/index.js';
import { getCSeq, getTopVia } from './sip/index.js';
import type { SipPeer } from './sipTransport.js';

/** Why a client transaction failed. */
export type SipTransactionFailure = 'timeout' | 'unreachable' | 'closed';

export class SipTransactionError extends Error {
  override readonly name = 'SipTransactionError';
  constructor(
    readonly reason: SipTransactionFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SipClientTransactionsOptions {
  /** Sends one message; false when it could not be sent (no TCP connection, closed). */
  send: (peer: SipPeer, request: SipRequest) => boolean;
  /** RFC 3261 T1, ms (default 500). */
  t1Ms?: number;
  /** RFC 3261 T2, ms (default 4000). */
  t2Ms?: number;
}

export interface RequestOptions {
  /** Give up after this long without a final response, ms (default 64 × T1). */
  timeoutMs?: number;
  /** Called for each provisional (1xx) response. */
  onProvisional?: (response: SipResponse) => void;
}

interface Pending {
  method: string;
  peer: SipPeer;
  request: SipRequest;
  resolve: (response: SipResponse) => void;
  reject: (error: SipTransactionError) => void;
  onProvisional: ((response: SipResponse) => void) | undefined;
  retransmit: NodeJS.Timeout | null;
  timeout: NodeJS.Timeout;
  interval: number;
  provisional: boolean;
}

/** Counters for metrics and tests. */
export interface SipClientTransactionCounters {
  started: number;
  retransmissions: number;
  timeouts: number;
  /** Responses that matched no pending transaction (late, duplicated, or forged). */
  unmatchedResponses: number;
}

export class SipClientTransactions {
  private readonly pending = new Map<string, Pending>();
  private readonly t1: number;
  private readonly t2: number;
  readonly counters: SipClientTransactionCounters = { started: 0, retransmissions: 0, timeouts: 0, unmatchedResponses: 0 };
  private closed = false;

  constructor(private readonly options: SipClientTransactionsOptions) {
    this.t1 = options.t1Ms ?? 500;
    this.t2 = options.t2Ms ?? 4000;
  }

  /** Transactions waiting for a final response. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Send `request` to `peer` and resolve with its final response (any status ≥ 200).
   * @throws SipTransactionError `unreachable` when it cannot be sent, `timeout` without a final
   * response, `closed` when the platform closes first
   */
  request(peer: SipPeer, request: SipRequest, options: RequestOptions = {}): Promise<SipResponse> {
    if (this.closed) return Promise.reject(new SipTransactionError('closed', 'the SIP platform is closed'));
    const key = transactionKey(getTopVia(request).branch ?? '', getCSeq(request).method);
    return new Promise<SipResponse>((resolve, reject) => {
      if (!this.options.send(peer, request)) {
        reject(new SipTransactionError('unreachable', `${request.method} could not be sent to ${peer.transport}:${peer.address}:${peer.port}`));
        return;
      }
      this.counters.started++;
      const timeoutMs = options.timeoutMs ?? 64 * this.t1;
      const entry: Pending = {
        method: request.method,
        peer,
        request,
        resolve,
        reject,
        onProvisional: options.onProvisional,
        retransmit: null,
        interval: this.t1,
        provisional: false,
        timeout: setTimeout(() => {
          this.finish(key);
          this.counters.timeouts++;
          reject(new SipTransactionError('timeout', `no final answer to ${request.method} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.pending.set(key, entry);
      if (peer.transport === 'udp') this.scheduleRetransmit(key, entry);
    });
  }

  /** Hand a response to its transaction. @returns false when none was waiting for it. */
  onResponse(response: SipResponse): boolean {
    let key: string;
    try {
      key = transactionKey(getTopVia(response).branch ?? '', getCSeq(response).method);
    } catch {
      this.counters.unmatchedResponses++;
      return false;
    }
    const entry = this.pending.get(key);
    if (!entry) {
      this.counters.unmatchedResponses++;
      return false;
    }
    if (response.status < 200) {
      entry.provisional = true;
      if (entry.method === 'INVITE' && entry.retransmit) {
        clearTimeout(entry.retransmit);
        entry.retransmit = null;
      }
      entry.onProvisional?.(response);
      return true;
    }
    this.finish(key);
    entry.resolve(response);
    return true;
  }

  /** Fail every pending transaction with `closed`. */
  close(): void {
    this.closed = true;
    for (const [key, entry] of [...this.pending]) {
      this.finish(key);
      entry.reject(new SipTransactionError('closed', 'the SIP platform is closed'));
    }
  }

  private scheduleRetransmit(key: string, entry: Pending): void {
    entry.retransmit = setTimeout(() => {
      if (this.pending.get(key) !== entry) return;
      if (entry.method === 'INVITE' && entry.provisional) return;
      this.counters.retransmissions++;
      this.options.send(entry.peer, entry.request);
      entry.interval = entry.provisional ? this.t2 : Math.min(entry.interval * 2, this.t2);
      this.scheduleRetransmit(key, entry);
    }, entry.provisional ? this.t2 : entry.interval);
  }

  private finish(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    clearTimeout(entry.timeout);
    if (entry.retransmit) clearTimeout(entry.retransmit);
  }
}

function transactionKey(branch: string, method: string): string {
  // RFC 3261 §17.1.3: a CANCEL or ACK shares the branch of its INVITE but is its own transaction.
  return `${branch}|${method}`;
}
