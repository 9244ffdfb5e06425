import type { Database } from 'better-sqlite3';
import type { AuditAction, AuditEntry, AuditOutcome, AuditPage } from '@argus/shared';
import type { AuditFilter, AuditRecord, AuditRepository } from '../store.js';
import type { AuditWriter } from './sqliteSupport.js';

interface Row {
  id: number;
  at: number;
  user_id: string | null;
  username: string | null;
  action: AuditAction;
  target_type: string | null;
  target_id: string | null;
  org_unit_id: string | null;
  address: string | null;
  outcome: AuditOutcome;
  detail: string;
}
const toEntry = (row: Row): AuditEntry => ({
  id: row.id,
  at: row.at,
  userId: row.user_id,
  username: row.username,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  orgUnitId: row.org_unit_id,
  address: row.address,
  outcome: row.outcome,
  detail: JSON.parse(row.detail) as Record<string, unknown>,
});

/** The audit log in SQLite; triggers in the schema refuse UPDATE and DELETE. */
export class SqliteAudit implements AuditRepository {
  constructor(
    private readonly db: Database,
    private readonly writer: AuditWriter,
  ) {}

  async append(record: AuditRecord): Promise<number> {
    return this.writer.write(record);
  }

  async query(filter: AuditFilter): Promise<AuditPage> {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const add = (clause: string, name: string, value: unknown) => {
      if (value === undefined) return;
      where.push(clause);
      params[name] = value;
    };
    add('at >= @from', 'from', filter.from);
    add('at <= @to', 'to', filter.to);
    add('user_id = @userId', 'userId', filter.userId);
    add('username = @username COLLATE NOCASE', 'username', filter.username);
    add('action = @action', 'action', filter.action);
    add('target_type = @targetType', 'targetType', filter.targetType);
    add('target_id = @targetId', 'targetId', filter.targetId);
    add('id < @before', 'before', filter.before);
    if (filter.orgUnitIds !== null) {
      // Scoped auditors see rows of their subtree only; the set is passed as a JSON array.
      where.push('org_unit_id IN (SELECT value FROM json_each(@orgUnits))');
      params.orgUnits = JSON.stringify([...filter.orgUnitIds]);
    }
    const sql = `SELECT id, at, user_id, username, action, target_type, target_id, org_unit_id, address, outcome, detail
                 FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all({ ...params, limit: filter.limit + 1 }) as Row[];
    const more = rows.length > filter.limit;
    const entries = rows.slice(0, filter.limit).map(toEntry);
    return { entries, nextBefore: more ? entries[entries.length - 1]!.id : null };
  }
}
