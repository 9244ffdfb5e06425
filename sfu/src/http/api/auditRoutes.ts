import { stringify } from 'csv-stringify/sync';
import { auditExportQuery, auditQuery, type AuditEntry } from '@argus/shared';
import { actorOf } from '../../auth/principal.js';
import { scopeIds } from '../../scope/scopeRules.js';
import { HANDLED, type ApiDeps, type ApiRouteTable } from './apiRouter.js';

/** Times in exports are shown in China Standard Time, as operators read them. */
const EXPORT_TIME_ZONE = 'Asia/Shanghai';
const exportTime = new Intl.DateTimeFormat('sv-SE', { timeZone: EXPORT_TIME_ZONE, dateStyle: 'short', timeStyle: 'medium' });

const CSV_COLUMNS = ['id', 'time_utc+8', 'at_ms', 'user_id', 'username', 'action', 'outcome', 'target_type', 'target_id', 'org_unit_id', 'address', 'detail'] as const;

/**
 * A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
 * gets a leading `'`, so it shows as text (OWASP "CSV injection"): usernames are stored as
 * typed at the login page, by anyone.
 */
const inert = (cell: string): string => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/** One audit entry as a CSV record, in {@link CSV_COLUMNS} order. */
export function auditCsvRecord(entry: AuditEntry): string[] {
  return [
    String(entry.id),
    exportTime.format(new Date(entry.at)),
    String(entry.at),
    ...[entry.userId, entry.username, entry.action, entry.outcome, entry.targetType, entry.targetId, entry.orgUnitId, entry.address].map((cell) => inert(cell ?? '')),
    JSON.stringify(entry.detail),
  ];
}

/**
 * `GET /api/audit` (a page, newest first) and `GET /api/audit.csv` (an export, itself audited).
 * Auditors see entries of their subtree; province auditors see every entry.
 */
export function addAuditRoutes(api: ApiRouteTable, deps: ApiDeps): void {
  api.route('GET', '/api/audit', { permission: 'audit.read', query: auditQuery }, async ({ principal, query }) =>
    deps.store.audit.query({ ...query, orgUnitIds: scopeIds(deps.catalog.tree, principal) }),
  );

  api.route('GET', '/api/audit.csv', { permission: 'audit.read', query: auditExportQuery }, async ({ principal, query, res }) => {
    const page = await deps.store.audit.query({ ...query, orgUnitIds: scopeIds(deps.catalog.tree, principal) });
    await deps.store.audit.append({
      at: Date.now(),
      ...actorOf(principal),
      action: 'audit.export',
      targetType: 'audit',
      orgUnitId: principal.user.orgUnitId,
      detail: { filter: query, rows: page.entries.length },
    });
    // A byte-order mark so spreadsheet programs read the UTF-8 (Chinese names) correctly.
    const csv = '\uFEFF' + stringify([[...CSV_COLUMNS], ...page.entries.map(auditCsvRecord)], { record_delimiter: 'windows' });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="argus-audit-${stamp}.csv"`,
      'cache-control': 'no-store',
    });
    res.end(csv);
    return HANDLED;
  });
}
