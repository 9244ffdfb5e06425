import type { Database } from 'better-sqlite3';
import type { SessionRecord, SessionRepository } from '../store.js';

interface Row {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  address: string | null;
}
const toSession = (row: Row): SessionRecord => ({
  id: row.id,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  address: row.address,
});

/** Login sessions in SQLite: a token is honoured only while its session row is open and unexpired. */
export class SqliteSessions implements SessionRepository {
  constructor(private readonly db: Database) {}

  async create(session: Omit<SessionRecord, 'revokedAt'>): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id, user_id, created_at, expires_at, address) VALUES (?, ?, ?, ?, ?)')
      .run(session.id, session.userId, session.createdAt, session.expiresAt, session.address);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const row = this.db.prepare('SELECT id, user_id, created_at, expires_at, revoked_at, address FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSession(row) : null;
  }

  async revoke(id: string, at: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
  }

  async revokeAllForUser(userId: string, at: number, except = ''): Promise<string[]> {
    return this.db.transaction(() => {
      const ids = (this.db.prepare('SELECT id FROM sessions WHERE user_id = ? AND id <> ? AND revoked_at IS NULL AND expires_at > ?').all(userId, except, at) as Array<{ id: string }>).map((r) => r.id);
      this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL').run(at, userId, except);
      return ids;
    })();
  }

  async purgeExpired(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(before).changes;
  }
}
