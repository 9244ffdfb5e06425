import { describe, expect, it } from 'vitest';
import type { Logger } from '@argus/sfu';
import { LogThrottle } from '../../sfu/src/logThrottle.js';

/** Warnings about untrusted input at a bounded rate, with what was held back reported. */
describe('LogThrottle', () => {
  const lines: string[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`), child: () => log };

  it('writes at most perWindow lines per kind per window and reports the rest once', () => {
    let now = 0;
    const throttle = new LogThrottle(log, { perWindow: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 10; i++) throttle.warn('rejected', 'SIP message rejected', { i });
    throttle.warn('framing', 'stream cannot be framed');
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('SIP message rejected'))).toHaveLength(3);
    now = 1000;
    throttle.warn('rejected', 'SIP message rejected', { i: 10 });
    expect(lines.slice(4)).toEqual(['7 similar messages not logged {"kind":"rejected"}', 'SIP message rejected {"i":10}']);
  });
});
