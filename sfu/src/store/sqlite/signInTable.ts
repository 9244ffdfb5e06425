import type { Database } from 'better-sqlite3';
import type { SignInRecord } from '@argus/shared';
import type { SignInInput, SignInRepository } from '../store.js';
import type { AuditWriter } from './sqliteSupport.js';

interface Row {
  id: number;
  person_id: string;
  person_name: string;
  org_unit_id: string;
  site_org_unit_id: string;
  channel_id: string;
  channel_name: string;
  day: string;
  at: number;
  similarity: number;
  live: number;
  real: number;
  has_snapshot: number;
}
const SELECT = `SELECT s.id, s.person_id, p.name AS person_name, p.org_unit_id, s.site_org_unit_id, s.channel_id, s.channel_name,
  s.day, s.at, s.similarity, s.live, s.real, s.snapshot IS NOT NULL AS has_snapshot
  FROM sign_ins s JOIN supervised_persons p ON p.id = s.person_id`;
const toRecord = (row: Row): SignInRecord => ({
  id: row.id,
  personId: row.person_id,
  personName: row.person_name,
  orgUnitId: row.org_unit_id,
  siteOrgUnitId: row.site_org_unit_id,
  channelId: row.channel_id,
  channelName: row.channel_name,
  day: row.day,
  at: row.at,
  similarity: row.similarity,
  live: row.live,
  real: row.real,
  hasSnapshot: row.has_snapshot === 1,
});

/** Sign-ins in SQLite; the UNIQUE (person, day, site) constraint keeps one a day per site even across worker restarts. */
export class SqliteSignIns implements SignInRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async record(input: SignInInput): Promise<SignInRecord | null> {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO sign_ins (person_id, site_org_unit_id, channel_id, channel_name, day, at, similarity, live, real, snapshot)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, day, site_org_unit_id) DO NOTHING`,
        )
        .run(input.personId, input.siteOrgUnitId, input.channelId, input.channelName, input.day, input.at, input.similarity, input.live, input.real, input.snapshot ? Buffer.from(input.snapshot) : null);
      if (info.changes === 0) return null;
      const record = toRecord(this.db.prepare(`${SELECT} WHERE s.id = ?`).get(Number(info.lastInsertRowid)) as Row);
      this.audit.write({
        at: input.at,
        userId: null,
        username: 'analytics',
        address: null,
        action: 'faces.match',
        targetType: 'person',
        targetId: input.personId,
        orgUnitId: record.orgUnitId,
        detail: { signInId: record.id, channelId: input.channelId, similarity: Number(input.similarity.toFixed(3)) },
      });
      return record;
    })();
  }

  async list(filter: { day?: string; orgUnitIds: ReadonlySet<string> | null; limit: number }): Promise<SignInRecord[]> {
    const rows = (filter.day
      ? this.db.prepare(`${SELECT} WHERE s.day = ? ORDER BY s.at DESC, s.id DESC`).all(filter.day)
      : this.db.prepare(`${SELECT} ORDER BY s.at DESC, s.id DESC LIMIT ?`).all(filter.orgUnitIds ? 100_000 : filter.limit)) as Row[];
    const scope = filter.orgUnitIds;
    return rows.filter((row) => !scope || scope.has(row.org_unit_id)).slice(0, filter.limit).map(toRecord);
  }

  async get(id: number): Promise<SignInRecord | null> {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  async snapshot(id: number): Promise<Uint8Array | null> {
    const row = this.db.prepare('SELECT snapshot FROM sign_ins WHERE id = ?').get(id) as { snapshot: Buffer | null } | undefined;
    return row?.snapshot ? new Uint8Array(row.snapshot) : null;
  }
}
