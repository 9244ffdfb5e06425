import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StoreError, type Store } from '../store.js';
import { migrate, LATEST_SCHEMA_VERSION } from './migrations.js';
import { AuditWriter } from './sqliteSupport.js';
import { SqliteOrgUnits } from './orgUnitTable.js';
import { SqliteCentres } from './centreTable.js';
import { SqliteDevices } from './deviceTable.js';
import { SqliteChannels } from './channelTable.js';
import { SqliteUsers } from './userTable.js';
import { SqliteSessions } from './sessionTable.js';
import { SqlitePersons } from './personTable.js';
import { SqliteLiveViews } from './liveViewTable.js';
import { SqliteAudit } from './auditTable.js';
import { SqliteServerState } from './serverStateTable.js';
import { SqliteChannelAnalytics } from './channelAnalyticsTable.js';
import { SqliteFaceTemplates } from './faceTemplateTable.js';
import { SqliteSignIns } from './signInTable.js';
import { SqliteAlerts } from './alertTable.js';
import { SqliteCaptures } from './captureTable.js';

export interface OpenSqliteOptions {
  /** Stop migrating at this version (tests of upgrades from an older schema). Default: latest. */
  schemaVersion?: number;
}

/**
 * Open (creating if needed) the SQLite store at `file` — `:memory:` for a throwaway one — with
 * WAL journaling, foreign keys on and `synchronous = NORMAL` (a process crash loses nothing
 * committed; a power cut may lose the last transactions), then apply pending migrations.
 * @throws StoreError when the file cannot be opened or its schema is newer than this build.
 */
export function openSqliteStore(file: string, options: OpenSqliteOptions = {}): Store {
  let db: Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    db = new BetterSqlite3(file);
    // The file holds password hashes, RTSP credentials and personal data: owner only (the WAL
    // and shared-memory files SQLite creates next to it take the same mode).
    if (file !== ':memory:') chmodSync(file, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new StoreError(`cannot open the database ${file}: ${(error as Error).message}`);
  }
  let schemaVersion: number;
  try {
    schemaVersion = migrate(db, options.schemaVersion ?? LATEST_SCHEMA_VERSION);
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot migrate the database ${file}: ${(error as Error).message}`);
  }
  const audit = new AuditWriter(db);
  return {
    orgUnits: new SqliteOrgUnits(db, audit),
    centres: new SqliteCentres(db, audit),
    devices: new SqliteDevices(db, audit),
    channels: new SqliteChannels(db, audit),
    users: new SqliteUsers(db, audit),
    sessions: new SqliteSessions(db),
    persons: new SqlitePersons(db, audit),
    views: new SqliteLiveViews(db, audit),
    audit: new SqliteAudit(db, audit),
    server: new SqliteServerState(db),
    channelAnalytics: new SqliteChannelAnalytics(db, audit),
    faceTemplates: new SqliteFaceTemplates(db, audit),
    signIns: new SqliteSignIns(db, audit),
    alerts: new SqliteAlerts(db, audit),
    captures: new SqliteCaptures(db, audit),
    schemaVersion,
    async close() {
      if (db.open) db.close();
    },
  };
}
