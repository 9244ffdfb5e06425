import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../desktop/src/renderer/api/apiClient.js';
import { auditFilterProblem, auditQueryFromFilters, EMPTY_AUDIT_FILTERS, localDateTimeToMs } from '../../desktop/src/renderer/auditQuery.js';
import { formatDetail, formatTime } from '../../desktop/src/renderer/format.js';

describe('audit query', () => {
  it('reads datetime-local values as local time', () => {
    expect(localDateTimeToMs('2025-03-04T05:06')).toBe(new Date(2025, 2, 4, 5, 6).getTime());
    expect(localDateTimeToMs('2025-03-04T05:06:07')).toBe(new Date(2025, 2, 4, 5, 6, 7).getTime());
    expect(localDateTimeToMs('')).toBeUndefined();
    expect(localDateTimeToMs('2025-02-30T00:00')).toBeUndefined();
    expect(localDateTimeToMs('yesterday')).toBeUndefined();
  });

  it('turns the filters into the query: epoch ms, trimmed text, empty ones left out, "to" covering its minute', () => {
    const query = auditQueryFromFilters(
      { from: '2025-03-04T00:00', to: '2025-03-04T10:30', userId: ' u1 ', action: 'view.start', targetType: '', targetId: '  ' },
      { before: 500, limit: 100 },
    );
    expect(query).toEqual({
      from: new Date(2025, 2, 4).getTime(),
      to: new Date(2025, 2, 4, 10, 30).getTime() + 59_999,
      userId: 'u1',
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

  it('finds unreadable times and a start after the end before asking the server', () => {
    expect(auditFilterProblem(EMPTY_AUDIT_FILTERS)).toBeNull();
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTERS, from: '2025-03-05T00:00', to: '2025-03-04T00:00' })).toBe('from-after-to');
    expect(auditFilterProblem({ ...EMPTY_AUDIT_FILTERS, from: 'soon' })).toBe('bad-time');
  });

  it('formats times and details for the table', () => {
    expect(formatTime(new Date(2025, 0, 2, 3, 4, 5).getTime())).toBe('2025-01-02 03:04:05');
    expect(formatDetail({ durationMs: 1200, reason: 'closed', extra: { a: 1 } })).toBe('durationMs=1200, reason=closed, extra={"a":1}');
    expect(formatDetail({})).toBe('');
  });
});
