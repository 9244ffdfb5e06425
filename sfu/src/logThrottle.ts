import type { Logger } from './log.js';

export interface LogThrottleOptions {
  /** Lines of one kind written per window; the rest are counted. Default 20. */
  perWindow?: number;
  /** Window length, ms. Default 10,000. */
  windowMs?: number;
  /** Clock, ms (tests). */
  now?: () => number;
}

/**
 * Warnings about untrusted input (refused SIP messages, broken streams) written at a bounded
 * rate: per kind, at most `perWindow` lines per `windowMs`; what is held back is counted and
 * reported in one line (`N similar messages not logged`) with the next one that is written.
 * Someone flooding a port cannot flood the log, and nothing is silently forgotten.
 */
export class LogThrottle {
  private readonly kinds = new Map<string, { windowStart: number; written: number; suppressed: number }>();
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: Logger,
    options: LogThrottleOptions = {},
  ) {
    this.perWindow = options.perWindow ?? 20;
    this.windowMs = options.windowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Warn `message` unless this `kind` already used its lines in the current window. */
  warn(kind: string, message: string, fields?: Record<string, unknown>): void {
    const now = this.now();
    let state = this.kinds.get(kind);
    if (!state || now - state.windowStart >= this.windowMs) {
      const suppressed = state?.suppressed ?? 0;
      state = { windowStart: now, written: 0, suppressed: 0 };
      this.kinds.set(kind, state);
      if (suppressed > 0) this.log.warn(`${suppressed} similar messages not logged`, { kind });
      // Bounded memory: forget kinds that have been quiet for a window.
      if (this.kinds.size > 1000) for (const [key, value] of this.kinds) if (now - value.windowStart >= this.windowMs) this.kinds.delete(key);
    }
    if (state.written < this.perWindow) {
      state.written++;
      this.log.warn(message, fields);
    } else {
      state.suppressed++;
    }
  }
}
