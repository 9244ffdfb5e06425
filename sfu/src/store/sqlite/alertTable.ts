import type { Database } from 'better-sqlite3';
import type { BehaviourAlert, BehaviourRuleKind, ZonePoint } from '@argus/shared';
import type { Actor, AlertInput, AlertRepository } from '../store.js';
import { found, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: number;
  channel_id: string;
  channel_name: string;
  org_unit_id: string;
  rule_id: string;
  rule_kind: BehaviourRuleKind;
  rule_name: string;
  zone: string;
  at: number;
  detail: string;
  has_snapshot: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}
const SELECT = `SELECT id, channel_id, channel_name, org_unit_id, rule_id, rule_kind, rule_name, zone, at, detail,
  snapshot IS NOT NULL AS has_snapshot, acknowledged_at, acknowledged_by FROM alerts`;
const toAlert = (row: Row): BehaviourAlert => ({
  id: row.id,
  channelId: row.channel_id,
  channelName: row.channel_name,
  orgUnitId: row.org_unit_id,
  ruleId: row.rule_id,
  ruleKind: row.rule_kind,
  ruleName: row.rule_name,
  zone: JSON.parse(row.zone) as ZonePoint[],
  at: row.at,
  detail: JSON.parse(row.detail) as Record<string, unknown>,
  hasSnapshot: row.has_snapshot === 1,
  acknowledgedAt: row.acknowledged_at,
  acknowledgedBy: row.acknowledged_by,
});

/** Behaviour alerts in SQLite. */
export class SqliteAlerts implements AlertRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  private row(id: number): Row | undefined {
    return this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
  }

  async record(input: AlertInput): Promise<BehaviourAlert> {
    return this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO alerts (channel_id, channel_name, org_unit_id, rule_id, rule_kind, rule_name, zone, at, detail, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.channelId, input.channelName, input.orgUnitId, input.rule.id, input.rule.kind, input.rule.name, JSON.stringify(input.rule.zone), input.at, JSON.stringify(input.detail), input.snapshot ? Buffer.from(input.snapshot) : null);
      const id = Number(info.lastInsertRowid);
      this.audit.write({ at: input.at, userId: null, username: 'analytics', address: null, action: 'alert.raise', targetType: 'channel', targetId: input.channelId, orgUnitId: input.orgUnitId, detail: { alertId: id, rule: input.rule.id, kind: input.rule.kind } });
      return toAlert(this.row(id)!);
    })();
  }

  async list(filter: { open?: boolean; orgUnitIds: ReadonlySet<string> | null; limit: number }): Promise<BehaviourAlert[]> {
    const where = filter.open === true ? 'WHERE acknowledged_at IS NULL' : filter.open === false ? 'WHERE acknowledged_at IS NOT NULL' : '';
    const rows = this.db.prepare(`${SELECT} ${where} ORDER BY id DESC LIMIT ?`).all(filter.orgUnitIds ? 100_000 : filter.limit) as Row[];
    const scope = filter.orgUnitIds;
    return rows.filter((row) => !scope || scope.has(row.org_unit_id)).slice(0, filter.limit).map(toAlert);
  }

  async get(id: number): Promise<BehaviourAlert | null> {
    const row = this.row(id);
    return row ? toAlert(row) : null;
  }

  async snapshot(id: number): Promise<Uint8Array | null> {
    const row = this.db.prepare('SELECT snapshot FROM alerts WHERE id = ?').get(id) as { snapshot: Buffer | null } | undefined;
    return row?.snapshot ? new Uint8Array(row.snapshot) : null;
  }

  async lastAt(channelId: string, ruleId: string): Promise<number | null> {
    const row = this.db.prepare('SELECT MAX(at) AS at FROM alerts WHERE channel_id = ? AND rule_id = ?').get(channelId, ruleId) as { at: number | null };
    return row.at;
  }

  async acknowledge(id: number, by: Actor): Promise<BehaviourAlert> {
    return this.db.transaction(() => {
      const before = found(this.row(id), `alert ${id}`);
      if (before.acknowledged_at !== null) return toAlert(before);
      const at = Date.now();
      this.db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?').run(at, by.username, id);
      this.audit.write({ at, userId: by.userId, username: by.username, address: by.address, action: 'alert.ack', targetType: 'alert', targetId: String(id), orgUnitId: before.org_unit_id, detail: { channelId: before.channel_id, rule: before.rule_id } });
      return toAlert(this.row(id)!);
    })();
  }
}
