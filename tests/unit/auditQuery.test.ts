import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../desktop/src/renderer/api/apiClient.js';
import { AUDIT_ACTIONS, auditFilterProblem, auditQueryFromFilters, dateTimeInputToMs, EMPTY_AUDIT_FILTERS } from '../../desktop/src/renderer/auditQuery.js';
import { formatDetail, formatTime } from '../../desktop/src/renderer/format.js';
import { en } from '../../desktop/src/renderer/locales/en.js';
import { zhCN } from '../../desktop/src/renderer/locales/zh-CN.js';

/** Epoch ms of a wall-clock time in UTC+8 (Asia/Shanghai, no daylight saving). */
const cst = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms) - 8 * 3600_000;

describe('audit query', () => {
  it('reads datetime-local values as UTC+8, whatever the time zone of the computer', () => {
    expect(dateTimeInputToMs('2025-03-04T05:06')).toBe(cst(2025, 3, 4, 5, 6));
    expect(dateTimeInputToMs('2025-03-04T05:06:07')).toBe(cst(2025, 3, 4, 5, 6, 7));
    expect(dateTimeInputToMs('2025-03-04T05:06:07.5')).toBe(cst(2025, 3, 4, 5, 6, 7, 500));
    // Midnight in Beijing is 16:00 UTC the day before.
    expect(new Date(dateTimeInputToMs('2025-03-04T00:00')!).toISOString()).toBe('2025-03-03T16:00:00.000Z');
    expect(dateTimeInputToMs('')).toBeUndefined();
    expect(dateTimeInputToMs('2025-02-30T00:00')).toBeUndefined();
    expect(dateTimeInputToMs('2025-03-04T24:00')).toBeUndefined();
    expect(dateTimeInputToMs('yesterday')).toBeUndefined();
  });

  it('turns the filters into the query: epoch ms, trimmed text, empty ones left out, "to" covering its minute', () => {
    const query = auditQueryFromFilters(
      { from: '2025-03-04T00:00', to: '2025-03-04T10:30', username: ' Zhang.San ', action: 'view.start', targetType: '', targetId: '  ' },
      { before: 500, limit: 100 },
    );
    expect(query).toEqual({
      from: cst(2025, 3, 4),
      to: cst(2025, 3, 4, 10, 30) + 59_999,
      username: 'Zhang.San',
      action: 'view.start',
      before: 500,
      limit: 100,
    });
    expect(auditQueryFromFilters(EMPTY_AUDIT_FILTERS)).toEqual({});
    expect(auditQueryFromFilters(EMPTY_AUDIT_FILTERS, { before: null })).toEqual({});
  });

  it('gives the CSV export the same filters as the table, without paging', () => {
    const filters = { ...EMPTY_AUDIT_FILTERS, targetType: 'channel', targetId: 'cam-1' };
    const client = new ApiClient({ fetch: () => Promise.reject(new Error('no fetch here')) });
    expect(client.auditCsvUrl(auditQueryFromFilters(filters, { before: 9, limit: 100 }))).toBe('/api/audit.csv?targetType=channel&targetId=cam-1');
  });

  it('names every action of the filter in both languages', () => {
    const label = (messages: typeof zhCN, action: string) => action.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], messages.auditActions);
    for (const action of AUDIT_ACTIONS) {
      expect(typeof label(zhCN, action), action).toBe('string');
      expect(typeof label(en, action), action).toBe('string');
    }
  });

  it('finds unreadable times and a start after the end before asking the server', () => {
    expect(auditFilterProblem(EMPTY_AUDIT_FILTERS)).toBeNull();
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTERS, from: '2025-03-05T00:00', to: '2025-03-04T00:00' })).toBe('from-after-to');
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTERS, from: 'soon' })).toBe('bad-time');
  });

  it('formats times and details for the table', () => {
    expect(formatTime(cst(2025, 1, 2, 3, 4, 5))).toBe('2025-01-02 03:04:05');
    expect(formatTime(Date.UTC(2024, 11, 31, 16, 0, 0))).toBe('2025-01-01 00:00:00');
    // What the filter reads is what the table shows.
    expect(formatTime(dateTimeInputToMs('2025-06-30T23:59:58')!)).toBe('2025-06-30 23:59:58');
    expect(formatDetail({ durationMs: 1200, reason: 'closed', extra: { a: 1 } })).toBe('durationMs=1200, reason=closed, extra={"a":1}');
    expect(formatDetail({})).toBe('');
  });
});
