import type { Database } from 'better-sqlite3';
import type { LiveView } from '@argus/shared';
import type { LiveViewRepository, ViewStart } from '../store.js';
import type { AuditWriter } from './sqliteSupport.js';

interface Row {
  id: number;
  user_id: string;
  username: string;
  channel_id: string;
  org_unit_id: string;
  address: string | null;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
}
const COLUMNS = 'id, user_id, username, channel_id, org_unit_id, address, started_at, ended_at, end_reason';
const toView = (row: Row): LiveView => ({
  id: row.id,
  userId: row.user_id,
  channelId: row.channel_id,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  endReason: row.end_reason,
});

/** Live views in SQLite; each start and stop writes its audit row in the same transaction. */
export class SqliteLiveViews implements LiveViewRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async start(view: ViewStart): Promise<number> {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare('INSERT INTO live_views (user_id, username, channel_id, org_unit_id, address, started_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(view.userId, view.username, view.channelId, view.orgUnitId, view.address, view.at).lastInsertRowid,
      );
      this.audit.write({
        at: view.at,
        userId: view.userId,
        username: view.username,
        action: 'view.start',
        targetType: 'channel',
        targetId: view.channelId,
        orgUnitId: view.orgUnitId,
        address: view.address,
        detail: { viewId: id },
      });
      return id;
    })();
  }

  /** Close one open row and audit it; returns the closed view or null when it was not open. */
  private close(row: Row, at: number, reason: string): LiveView | null {
    const endedAt = Math.max(at, row.started_at);
    const changed = this.db.prepare('UPDATE live_views SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL').run(endedAt, reason, row.id).changes;
    if (changed === 0) return null;
    this.audit.write({
      at: endedAt,
      userId: row.user_id,
      username: row.username,
      action: 'view.stop',
      targetType: 'channel',
      targetId: row.channel_id,
      orgUnitId: row.org_unit_id,
      address: row.address,
      detail: { viewId: row.id, startedAt: row.started_at, durationMs: endedAt - row.started_at, reason },
    });
    return toView({ ...row, ended_at: endedAt, end_reason: reason });
  }

  async end(id: number, at: number, reason: string): Promise<void> {
    this.db.transaction(() => {
      const row = this.db.prepare(`SELECT ${COLUMNS} FROM live_views WHERE id = ?`).get(id) as Row | undefined;
      if (row && row.ended_at === null) this.close(row, at, reason);
    })();
  }

  async open(): Promise<LiveView[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM live_views WHERE ended_at IS NULL ORDER BY id`).all() as Row[]).map(toView);
  }

  async get(id: number): Promise<LiveView | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM live_views WHERE id = ?`).get(id) as Row | undefined;
    return row ? toView(row) : null;
  }

  async closeOrphans(crashAt: number): Promise<LiveView[]> {
    return this.db.transaction(() => {
      const rows = this.db.prepare(`SELECT ${COLUMNS} FROM live_views WHERE ended_at IS NULL ORDER BY id`).all() as Row[];
      return rows.map((row) => this.close(row, crashAt, 'server-restart')).filter((v): v is LiveView => v !== null);
    })();
  }
}
