import type { Database } from 'better-sqlite3';
import { StoreError } from '../store.js';

/**
 * Versioned schema migrations, applied in order at start-up. The schema version lives in
 * SQLite's `PRAGMA user_version`; each migration runs in its own transaction together with
 * the version bump, so a failed migration leaves the previous version intact.
 *
 * Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const ROLE_CHECK = `role IN ('admin', 'operator', 'supervisor', 'presenter', 'auditor')`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'org tree, centres, devices, channels, users, sessions, audit log, settings',
    sql: `
      CREATE TABLE org_units (
        id TEXT PRIMARY KEY,
        parent_id TEXT REFERENCES org_units(id) ON DELETE RESTRICT,
        level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
        name TEXT NOT NULL,
        CHECK ((parent_id IS NULL) = (level = 'province'))
      );
      CREATE INDEX org_units_parent ON org_units(parent_id);

      CREATE TABLE command_centres (
        id TEXT PRIMARY KEY,
        org_unit_id TEXT NOT NULL REFERENCES org_units(id),
        name TEXT NOT NULL
      );
      CREATE INDEX command_centres_org ON command_centres(org_unit_id);

      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        org_unit_id TEXT NOT NULL REFERENCES org_units(id),
        kind TEXT NOT NULL CHECK (kind IN ('venue-camera', 'body-worn', 'vehicle', 'gb28181', 'webrtc-publisher')),
        name TEXT NOT NULL,
        gb_device_id TEXT UNIQUE,
        manufacturer TEXT,
        model TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX devices_org ON devices(org_unit_id);

      CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        org_unit_id TEXT NOT NULL REFERENCES org_units(id),
        name TEXT NOT NULL,
        source_type TEXT NOT NULL CHECK (source_type IN ('rtsp', 'gb28181', 'webrtc')),
        rtsp_url TEXT,
        rtsp_username TEXT,
        rtsp_password TEXT,
        gb_channel_id TEXT,
        ptz INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        CHECK (source_type <> 'rtsp' OR rtsp_url IS NOT NULL),
        CHECK (source_type <> 'gb28181' OR gb_channel_id IS NOT NULL)
      );
      CREATE INDEX channels_device ON channels(device_id);
      CREATE INDEX channels_org ON channels(org_unit_id);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        org_unit_id TEXT NOT NULL REFERENCES org_units(id),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        last_login_at INTEGER
      );
      CREATE INDEX users_org ON users(org_unit_id);

      CREATE TABLE user_roles (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (${ROLE_CHECK}),
        PRIMARY KEY (user_id, role)
      ) WITHOUT ROWID;

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        address TEXT
      );
      CREATE INDEX sessions_user ON sessions(user_id);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        user_id TEXT,
        username TEXT,
        action TEXT NOT NULL,
        target_type TEXT,
        target_id TEXT,
        org_unit_id TEXT,
        address TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE INDEX audit_log_user ON audit_log(user_id);
      CREATE INDEX audit_log_target ON audit_log(target_type, target_id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'supervised persons and live views',
    sql: `
      CREATE TABLE supervised_persons (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        case_number TEXT NOT NULL UNIQUE,
        org_unit_id TEXT NOT NULL REFERENCES org_units(id),
        supervision_start TEXT NOT NULL,
        supervision_end TEXT NOT NULL,
        public_consent INTEGER NOT NULL DEFAULT 0,
        CHECK (supervision_start <= supervision_end)
      );
      CREATE INDEX supervised_persons_org ON supervised_persons(org_unit_id);

      -- History rows: no foreign keys, so deleting a user or channel keeps who watched what.
      CREATE TABLE live_views (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL,
        username TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        org_unit_id TEXT NOT NULL,
        address TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT,
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      );
      CREATE INDEX live_views_open ON live_views(id) WHERE ended_at IS NULL;
      CREATE INDEX live_views_channel ON live_views(channel_id, started_at);
      -- A view is closed once; nothing else about it ever changes, and it is never deleted.
      CREATE TRIGGER live_views_close_once BEFORE UPDATE ON live_views
        WHEN OLD.ended_at IS NOT NULL OR NEW.ended_at IS NULL
          OR NEW.user_id IS NOT OLD.user_id OR NEW.channel_id IS NOT OLD.channel_id
          OR NEW.started_at IS NOT OLD.started_at OR NEW.org_unit_id IS NOT OLD.org_unit_id
        BEGIN SELECT RAISE(ABORT, 'a live view is closed once and never changed'); END;
      CREATE TRIGGER live_views_no_delete BEFORE DELETE ON live_views
        BEGIN SELECT RAISE(ABORT, 'live views are never deleted'); END;
    `,
  },
  {
    version: 3,
    name: 'passwords set by someone else must be changed by their user',
    sql: `
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 4,
    name: 'GB/T 28181 signalling: device SIP passwords, presence and contact',
    sql: `
      -- Write-only, like RTSP passwords: read for digest verification (GB/T 28181-2016 §9.1.2.1), never returned.
      ALTER TABLE devices ADD COLUMN sip_password TEXT;
      ALTER TABLE devices ADD COLUMN online INTEGER NOT NULL DEFAULT 0;
      -- Epoch ms of the last REGISTER or keepalive.
      ALTER TABLE devices ADD COLUMN last_seen_at INTEGER;
      -- JSON {"transport":"udp"|"tcp","address":"…","port":n}: where the device was seen on the wire (RFC 3581).
      ALTER TABLE devices ADD COLUMN sip_contact TEXT;
    `,
  },
  {
    version: 5,
    name: 'GB/T 28181 live play: per-device media transport',
    sql: `
      -- 'udp' | 'tcp-passive' | 'tcp-active' (GB/T 28181-2016 Appendix G); NULL follows the platform's default.
      ALTER TABLE devices ADD COLUMN gb_stream_mode TEXT CHECK (gb_stream_mode IN ('udp', 'tcp-passive', 'tcp-active'));
    `,
  },
  {
    version: 6,
    name: 'analytics: camera rules and sign-in points, face templates, sign-ins, alerts, unknown faces',
    sql: `
      -- What the analytics worker does with a camera: sign-in point flag and behaviour rules (JSON array).
      CREATE TABLE channel_analytics (
        channel_id TEXT PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
        sign_in INTEGER NOT NULL DEFAULT 0,
        rules TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL
      );
      -- Face templates of supervised persons: a 1024-float descriptor (little-endian float32),
      -- the photo only when configured. Sensitive: they go with the person.
      CREATE TABLE face_templates (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES supervised_persons(id) ON DELETE CASCADE,
        descriptor BLOB NOT NULL,
        photo BLOB,
        face_width_px INTEGER NOT NULL,
        score REAL NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX face_templates_person ON face_templates(person_id);
      -- One sign-in per person, day and site (the sign-in camera's org unit).
      CREATE TABLE sign_ins (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id TEXT NOT NULL REFERENCES supervised_persons(id) ON DELETE CASCADE,
        site_org_unit_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        day TEXT NOT NULL,
        at INTEGER NOT NULL,
        similarity REAL NOT NULL,
        live REAL NOT NULL,
        real REAL NOT NULL,
        -- JPEG face crop; NULL once retention has purged it.
        snapshot BLOB,
        UNIQUE (person_id, day, site_org_unit_id)
      );
      CREATE INDEX sign_ins_day ON sign_ins(day, at);
      CREATE INDEX sign_ins_at ON sign_ins(at);
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        org_unit_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        rule_kind TEXT NOT NULL CHECK (rule_kind IN ('intrusion', 'loitering', 'fall', 'crowding')),
        rule_name TEXT NOT NULL,
        zone TEXT NOT NULL,
        at INTEGER NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}',
        snapshot BLOB,
        acknowledged_at INTEGER,
        acknowledged_by TEXT
      );
      CREATE INDEX alerts_open ON alerts(id) WHERE acknowledged_at IS NULL;
      CREATE INDEX alerts_at ON alerts(at);
      CREATE INDEX alerts_rule ON alerts(channel_id, rule_id, at);
      -- Faces seen at sign-in cameras that matched nobody: kept only for the configured retention.
      CREATE TABLE unknown_faces (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        snapshot BLOB NOT NULL
      );
      CREATE INDEX unknown_faces_at ON unknown_faces(at);
    `,
  },
];

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Bring `db` to `target` (default: the latest version), applying each missing migration in
 * its own transaction. Returns the version the database is at afterwards.
 * @throws StoreError when the file's schema is newer than this build knows (a downgrade).
 */
export function migrate(db: Database, target = LATEST_SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new StoreError(`the database schema is version ${current}, newer than this build of Argus knows (${LATEST_SCHEMA_VERSION}); upgrade Argus`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
