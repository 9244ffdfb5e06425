import type { Database, Statement } from 'better-sqlite3';
import { ConflictError, NotFoundError, type Actor, type AuditRecord } from '../store.js';

/** Appends audit rows; used inside the same transaction as the change it records. */
export class AuditWriter {
  private readonly insert: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, user_id, username, action, target_type, target_id, org_unit_id, address, outcome, detail)
       VALUES (@at, @userId, @username, @action, @targetType, @targetId, @orgUnitId, @address, @outcome, @detail)`,
    );
  }

  /** Append one row; returns its id. */
  write(record: AuditRecord): number {
    const info = this.insert.run({
      at: record.at,
      userId: record.userId,
      username: record.username,
      action: record.action,
      targetType: record.targetType ?? null,
      targetId: record.targetId ?? null,
      orgUnitId: record.orgUnitId ?? null,
      address: record.address ?? null,
      outcome: record.outcome ?? 'ok',
      detail: JSON.stringify(record.detail ?? {}),
    });
    return Number(info.lastInsertRowid);
  }

  /** Audit an administrative change (`admin.create|update|delete`) of `targetType` `targetId` by `by`. */
  change(by: Actor, action: 'admin.create' | 'admin.update' | 'admin.delete', targetType: string, targetId: string, orgUnitId: string | null, detail: Record<string, unknown>): void {
    this.write({ at: Date.now(), userId: by.userId, username: by.username, address: by.address, action, targetType, targetId, orgUnitId, detail });
  }
}

/** SQLite's constraint errors as store errors; anything else is rethrown as is. */
export function translateConstraint(error: unknown, what: string): never {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError(`${what} already exists`);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new ConflictError(`${what}: other records still refer to it, or it refers to one that does not exist`);
  if (code === 'SQLITE_CONSTRAINT_CHECK') throw new ConflictError(`${what}: ${(error as Error).message}`);
  throw error;
}

/** @throws NotFoundError naming `what` when `row` is undefined. */
export function found<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new NotFoundError(`${what} not found`);
  return row;
}

/** The fields of `patch` that are defined, for audit details. Secrets must be removed by the caller. */
export function definedFields(patch: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
