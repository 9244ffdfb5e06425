import type { Database } from 'better-sqlite3';
import type { ServerStateRepository } from '../store.js';

const HEARTBEAT_KEY = 'server.lastAliveAt';

/** The server's heartbeat and settings, as rows of the `settings` table. */
export class SqliteServerState implements ServerStateRepository {
  constructor(private readonly db: Database) {}

  async beat(at: number): Promise<void> {
    await this.setSetting(HEARTBEAT_KEY, String(at));
  }

  async lastBeat(): Promise<number | null> {
    const value = await this.getSetting(HEARTBEAT_KEY);
    return value === null ? null : Number(value);
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
