import type { AuditAction } from '@argus/shared';
import type { AuditQueryInput } from './api/apiClient.js';

/** The audit page's filter form as typed: times as `<input type="datetime-local">` values (local time), the rest as text. */
export interface AuditFilters {
  from: string;
  to: string;
  userId: string;
  action: string;
  targetType: string;
  targetId: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { from: '', to: '', userId: '', action: '', targetType: '', targetId: '' };

/** Audited actions (shared/src/domain.ts `AuditAction`), offered as suggestions in the action filter. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'view.start',
  'view.stop',
  'view.denied',
  'admin.create',
  'admin.update',
  'admin.delete',
  'audit.export',
  'persons.read',
] as const satisfies readonly AuditAction[];

/** Target types the server records, offered as suggestions in the target-type filter. */
export const AUDIT_TARGET_TYPES = ['channel', 'user', 'org-unit', 'centre', 'device', 'session', 'person'] as const;

/**
 * Epoch ms of a `datetime-local` value (`YYYY-MM-DDTHH:mm`, optionally with seconds) read as
 * local time; undefined for '' and for anything unreadable.
 */
export function localDateTimeToMs(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
  const date = new Date(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : (s ?? 0), Number.isNaN(ms) ? 0 : (ms ?? 0));
  // new Date() rolls 2024-02-30 over into March: such a value is unreadable, not another day.
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo! - 1 || date.getDate() !== d!) return undefined;
  return date.getTime();
}

/** What is wrong with the filters before asking the server: an unreadable time, or a start after the end. */
export function auditFilterProblem(filters: AuditFilters): 'bad-time' | 'from-after-to' | null {
  const from = localDateTimeToMs(filters.from);
  const to = localDateTimeToMs(filters.to);
  if ((filters.from.trim() !== '' && from === undefined) || (filters.to.trim() !== '' && to === undefined)) return 'bad-time';
  if (from !== undefined && to !== undefined && from > to) return 'from-after-to';
  return null;
}

/**
 * The query of `GET /api/audit` (and, without paging, of `/api/audit.csv`) for the filters:
 * times in epoch ms, text trimmed, empty filters left out. `to` covers its whole minute
 * (an operator picking 10:30 means "up to and including 10:30").
 */
export function auditQueryFromFilters(filters: AuditFilters, page: { before?: number | null; limit?: number } = {}): AuditQueryInput {
  const query: AuditQueryInput = {};
  const from = localDateTimeToMs(filters.from);
  const to = localDateTimeToMs(filters.to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = /T\d{2}:\d{2}$/.test(filters.to.trim()) ? to + 59_999 : to;
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const userId = text(filters.userId);
  const action = text(filters.action);
  const targetType = text(filters.targetType);
  const targetId = text(filters.targetId);
  if (userId !== undefined) query.userId = userId;
  if (action !== undefined) query.action = action;
  if (targetType !== undefined) query.targetType = targetType;
  if (targetId !== undefined) query.targetId = targetId;
  if (page.before !== undefined && page.before !== null) query.before = page.before;
  if (page.limit !== undefined) query.limit = page.limit;
  return query;
}
