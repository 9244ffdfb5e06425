import type { Database } from 'better-sqlite3';
import type { CapturePurge, CaptureRepository } from '../store.js';
import type { AuditWriter } from './sqliteSupport.js';

/** Unknown faces, and retention over every stored capture (unknown faces, sign-in and alert snapshots). */
export class SqliteCaptures implements CaptureRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async recordUnknownFace(channelId: string, at: number, snapshot: Uint8Array): Promise<number> {
    return Number(this.db.prepare('INSERT INTO unknown_faces (channel_id, at, snapshot) VALUES (?, ?, ?)').run(channelId, at, Buffer.from(snapshot)).lastInsertRowid);
  }

  async purge(unknownBefore: number, capturesBefore: number): Promise<CapturePurge> {
    return this.db.transaction(() => {
      const result: CapturePurge = {
        unknownFaces: this.db.prepare('DELETE FROM unknown_faces WHERE at < ?').run(unknownBefore).changes,
        signInSnapshots: this.db.prepare('UPDATE sign_ins SET snapshot = NULL WHERE at < ? AND snapshot IS NOT NULL').run(capturesBefore).changes,
        alertSnapshots: this.db.prepare('UPDATE alerts SET snapshot = NULL WHERE at < ? AND snapshot IS NOT NULL').run(capturesBefore).changes,
      };
      if (result.unknownFaces + result.signInSnapshots + result.alertSnapshots > 0) {
        this.audit.write({ at: Date.now(), userId: null, username: 'system', address: null, action: 'retention.purge', targetType: 'capture', detail: { ...result, unknownBefore, capturesBefore } });
      }
      return result;
    })();
  }

  async unknownFaceCount(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM unknown_faces').get() as { n: number }).n;
  }
}
