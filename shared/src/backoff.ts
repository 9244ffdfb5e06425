/**
 * Reconnect backoff for supervised sources (cameras, upstream platforms).
 *
 * The n-th retry (0-based) waits `initialMs * 2^n`, capped at `maxMs`:
 * with the defaults 1 s, 2 s, 4 s, 8 s, 16 s, 30 s, 30 s, ...
 */
export interface BackoffPolicy {
  /** Delay before the first retry, ms (> 0). */
  initialMs: number;
  /** Upper bound of any delay, ms (>= initialMs). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (0 = first retry after a failure), in ms.
 * @throws RangeError when `attempt` is negative or not an integer, or the policy is inconsistent.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  if (!(policy.initialMs > 0) || !(policy.maxMs >= policy.initialMs)) {
    throw new RangeError(`bad backoff policy: initialMs=${policy.initialMs} maxMs=${policy.maxMs}`);
  }
  // 2^attempt overflows to Infinity for large attempts; Math.min then yields maxMs.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** attempt);
}
