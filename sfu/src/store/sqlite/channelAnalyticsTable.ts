import type { Database } from 'better-sqlite3';
import type { BehaviourRule, ChannelAnalytics, ChannelAnalyticsInput } from '@argus/shared';
import type { Actor, ChannelAnalyticsRepository } from '../store.js';
import { found, type AuditWriter } from './sqliteSupport.js';

interface Row {
  channel_id: string;
  sign_in: number;
  rules: string;
  updated_at: number;
}
const toSettings = (row: Row): ChannelAnalytics => ({
  channelId: row.channel_id,
  signIn: row.sign_in === 1,
  rules: JSON.parse(row.rules) as BehaviourRule[],
  updatedAt: row.updated_at,
});

/** Cameras' analytics settings in SQLite (rules as a JSON array). */
export class SqliteChannelAnalytics implements ChannelAnalyticsRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async list(): Promise<ChannelAnalytics[]> {
    return (this.db.prepare('SELECT * FROM channel_analytics ORDER BY channel_id').all() as Row[]).map(toSettings);
  }

  async get(channelId: string): Promise<ChannelAnalytics | null> {
    const row = this.db.prepare('SELECT * FROM channel_analytics WHERE channel_id = ?').get(channelId) as Row | undefined;
    return row ? toSettings(row) : null;
  }

  async set(channelId: string, input: ChannelAnalyticsInput, by: Actor): Promise<ChannelAnalytics> {
    const at = Date.now();
    return this.db.transaction(() => {
      const channel = found(this.db.prepare('SELECT org_unit_id FROM channels WHERE id = ?').get(channelId) as { org_unit_id: string } | undefined, `channel ${channelId}`);
      this.db
        .prepare(
          `INSERT INTO channel_analytics (channel_id, sign_in, rules, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (channel_id) DO UPDATE SET sign_in = excluded.sign_in, rules = excluded.rules, updated_at = excluded.updated_at`,
        )
        .run(channelId, input.signIn ? 1 : 0, JSON.stringify(input.rules), at);
      this.audit.write({
        at,
        userId: by.userId,
        username: by.username,
        address: by.address,
        action: 'analytics.configure',
        targetType: 'channel',
        targetId: channelId,
        orgUnitId: channel.org_unit_id,
        // The whole setting, so an auditor can see what a change did.
        detail: { signIn: input.signIn, rules: input.rules },
      });
      return { channelId, signIn: input.signIn, rules: input.rules, updatedAt: at };
    })();
  }
}
