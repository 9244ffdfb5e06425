import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from '@argus/shared';

describe('backoffDelayMs', () => {
  it('starts at 1 s, doubles, and caps at 30 s by default', () => {
    const delays = Array.from({ length: 8 }, (_, attempt) => backoffDelayMs(attempt));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 1000, maxMs: 30_000 });
  });

  it('stays at the cap for huge attempt numbers (no overflow to Infinity or NaN)', () => {
    expect(backoffDelayMs(10_000)).toBe(30_000);
  });

  it('follows a custom policy', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelayMs(a, { initialMs: 100, maxMs: 500 }))).toEqual([100, 200, 400, 500]);
  });

  it('rejects bad attempts and policies', () => {
    expect(() => backoffDelayMs(-1)).toThrow(RangeError);
    expect(() => backoffDelayMs(1.5)).toThrow(RangeError);
    expect(() => backoffDelayMs(0, { initialMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => backoffDelayMs(0, { initialMs: 50, maxMs: 10 })).toThrow(RangeError);
  });
});
