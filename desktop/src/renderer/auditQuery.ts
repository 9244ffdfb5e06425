import type { AuditAction } from '@argus/shared';
import type { AuditQueryInput } from './api/apiClient.js';
import { DISPLAY_UTC_OFFSET_MS } from './format.js';

/**
 * The audit page's filter form as typed: times as `<input type="datetime-local">` values read
 * in UTC+8 (as the table shows them), the username as typed (the server matches it exactly,
 * ignoring case), the action one of {@link AUDIT_ACTIONS} or '' for any, the rest as text.
 */
export interface AuditFilters {
  from: string;
  to: string;
  username: string;
  action: string;
  targetType: string;
  targetId: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { from: '', to: '', username: '', action: '', targetType: '', targetId: '' };

/** Audited actions (shared/src/domain.ts `AuditAction`), the choices of the action filter. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'auth.password-change',
  'view.start',
  'view.stop',
  'view.denied',
  'access.denied',
  'admin.create',
  'admin.update',
  'admin.delete',
  'audit.export',
  'persons.read',
  'faces.enrol',
  'faces.read',
  'faces.delete',
  'faces.match',
  'signins.read',
  'snapshot.read',
  'alert.raise',
  'alert.ack',
  'analytics.configure',
  'retention.purge',
] as const satisfies readonly AuditAction[];

/** Target types the server records, offered as suggestions in the target-type filter. */
export const AUDIT_TARGET_TYPES = ['channel', 'user', 'org-unit', 'centre', 'device', 'session', 'person', 'audit', 'sign-in', 'alert', 'capture'] as const;

/**
 * Epoch ms of a `datetime-local` value (`YYYY-MM-DDTHH:mm`, optionally with seconds) read as
 * UTC+8 (the time the table shows, whatever the computer's time zone); undefined for '' and
 * for anything unreadable.
 */
export function dateTimeInputToMs(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value.trim());
  if (!match) return undefined;
  // A fraction `.5` is 500 ms.
  const [, y, mo, d, h, mi, s, ms] = match.map((part, i) => (part === undefined ? 0 : Number(i === 7 ? part.padEnd(3, '0') : part))) as number[];
  if (h! > 23 || mi! > 59 || s! > 59) return undefined;
  const wall = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!));
  // Date.UTC rolls 2024-02-30 over into March: such a value is unreadable, not another day.
  if (Number.isNaN(wall.getTime()) || wall.getUTCMonth() !== mo! - 1 || wall.getUTCDate() !== d!) return undefined;
  return wall.getTime() - DISPLAY_UTC_OFFSET_MS;
}

/** What is wrong with the filters before asking the server: an unreadable time, or a start after the end. */
export function auditFilterProblem(filters: AuditFilters): 'bad-time' | 'from-after-to' | null {
  const from = dateTimeInputToMs(filters.from);
  const to = dateTimeInputToMs(filters.to);
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
  const from = dateTimeInputToMs(filters.from);
  const to = dateTimeInputToMs(filters.to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = /T\d{2}:\d{2}$/.test(filters.to.trim()) ? to + 59_999 : to;
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const username = text(filters.username);
  const action = text(filters.action);
  const targetType = text(filters.targetType);
  const targetId = text(filters.targetId);
  if (username !== undefined) query.username = username;
  if (action !== undefined) query.action = action;
  if (targetType !== undefined) query.targetType = targetType;
  if (targetId !== undefined) query.targetId = targetId;
  if (page.before !== undefined && page.before !== null) query.before = page.before;
  if (page.limit !== undefined) query.limit = page.limit;
  return query;
}
