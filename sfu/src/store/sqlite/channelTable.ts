import type { Database } from 'better-sqlite3';
import type { Channel, ChannelSource } from '@argus/shared';
import type { Actor, ChannelInput, ChannelRepository, RtspSecret } from '../store.js';
import { definedFields, found, translateConstraint, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  device_id: string;
  org_unit_id: string;
  name: string;
  source_type: 'rtsp' | 'gb28181' | 'webrtc';
  rtsp_url: string | null;
  rtsp_username: string | null;
  rtsp_password: string | null;
  gb_channel_id: string | null;
  ptz: number;
  enabled: number;
}
const COLUMNS = 'id, device_id, org_unit_id, name, source_type, rtsp_url, rtsp_username, rtsp_password, gb_channel_id, ptz, enabled';

function sourceOf(row: Row): ChannelSource {
  switch (row.source_type) {
    case 'rtsp':
      return { type: 'rtsp', url: row.rtsp_url ?? '', username: row.rtsp_username, hasPassword: row.rtsp_password !== null };
    case 'gb28181':
      return { type: 'gb28181', gbChannelId: row.gb_channel_id ?? '' };
    default:
      return { type: 'webrtc' };
  }
}
const toChannel = (row: Row): Channel => ({
  id: row.id,
  deviceId: row.device_id,
  orgUnitId: row.org_unit_id,
  name: row.name,
  source: sourceOf(row),
  ptz: row.ptz === 1,
  enabled: row.enabled === 1,
});

/** Whether two RTSP URLs name the same server (scheme, host and port). */
function sameServer(a: string | null, b: string): boolean {
  try {
    if (a === null) return false;
    const [x, y] = [new URL(a), new URL(b)];
    return x.protocol === y.protocol && x.host === y.host;
  } catch {
    return false;
  }
}

/** Channels in SQLite. RTSP passwords are stored for ingest and never leave through {@link toChannel}. */
export class SqliteChannels implements ChannelRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  private row(id: string): Row | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM channels WHERE id = ?`).get(id) as Row | undefined;
  }

  async list(): Promise<Channel[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM channels ORDER BY org_unit_id, id`).all() as Row[]).map(toChannel);
  }

  async get(id: string): Promise<Channel | null> {
    const row = this.row(id);
    return row ? toChannel(row) : null;
  }

  async rtspSecret(id: string): Promise<RtspSecret | null> {
    const row = this.row(id);
    if (!row || row.source_type !== 'rtsp' || !row.rtsp_url) return null;
    return { url: row.rtsp_url, username: row.rtsp_username, password: row.rtsp_password };
  }

  async rtspSecrets(): Promise<Map<string, RtspSecret>> {
    const rows = this.db.prepare(`SELECT id, rtsp_url, rtsp_username, rtsp_password FROM channels WHERE source_type = 'rtsp' AND rtsp_url IS NOT NULL`).all() as Array<{
      id: string;
      rtsp_url: string;
      rtsp_username: string | null;
      rtsp_password: string | null;
    }>;
    return new Map(rows.map((r) => [r.id, { url: r.rtsp_url, username: r.rtsp_username, password: r.rtsp_password }]));
  }

  /** Columns for a source as written; `keepPassword` is the stored password when the input omits it. */
  private sourceColumns(source: ChannelInput['source'], keepPassword: string | null) {
    return {
      source_type: source.type,
      rtsp_url: source.type === 'rtsp' ? source.url : null,
      rtsp_username: source.type === 'rtsp' ? (source.username ?? null) : null,
      rtsp_password: source.type === 'rtsp' ? (source.password === undefined ? keepPassword : source.password) : null,
      gb_channel_id: source.type === 'gb28181' ? source.gbChannelId : null,
    };
  }

  async create(input: ChannelInput, by: Actor): Promise<Channel> {
    return this.db.transaction(() => {
      const device = found(this.db.prepare('SELECT org_unit_id FROM devices WHERE id = ?').get(input.deviceId) as { org_unit_id: string } | undefined, `device ${input.deviceId}`);
      const orgUnitId = input.orgUnitId ?? device.org_unit_id;
      found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(orgUnitId), `org unit ${orgUnitId}`);
      try {
        this.db
          .prepare(
            `INSERT INTO channels (${COLUMNS}) VALUES (@id, @device_id, @org_unit_id, @name, @source_type, @rtsp_url, @rtsp_username, @rtsp_password, @gb_channel_id, @ptz, @enabled)`,
          )
          .run({
            id: input.id,
            device_id: input.deviceId,
            org_unit_id: orgUnitId,
            name: input.name,
            ...this.sourceColumns(input.source, null),
            ptz: input.ptz ? 1 : 0,
            enabled: input.enabled === false ? 0 : 1,
          });
      } catch (error) {
        translateConstraint(error, `channel ${input.id}`);
      }
      const channel = toChannel(this.row(input.id)!);
      this.audit.change(by, 'admin.create', 'channel', channel.id, channel.orgUnitId, { deviceId: channel.deviceId, name: channel.name, source: channel.source, ptz: channel.ptz, enabled: channel.enabled });
      return channel;
    })();
  }

  async update(id: string, patch: Partial<Omit<ChannelInput, 'id' | 'deviceId'>>, by: Actor): Promise<Channel> {
    return this.db.transaction(() => {
      const before = found(this.row(id), `channel ${id}`);
      if (patch.orgUnitId !== undefined) found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(patch.orgUnitId), `org unit ${patch.orgUnitId}`);
      // A stored password stays with its server only: a new host or port needs it given again.
      const keep = before.source_type === 'rtsp' && patch.source?.type === 'rtsp' && sameServer(before.rtsp_url, patch.source.url) ? before.rtsp_password : null;
      const source = patch.source ? this.sourceColumns(patch.source, keep) : {};
      const next: Row = {
        ...before,
        ...(patch.orgUnitId !== undefined ? { org_unit_id: patch.orgUnitId } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...source,
        ...(patch.ptz !== undefined ? { ptz: patch.ptz ? 1 : 0 } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      };
      try {
        this.db
          .prepare(
            `UPDATE channels SET org_unit_id = @org_unit_id, name = @name, source_type = @source_type, rtsp_url = @rtsp_url,
               rtsp_username = @rtsp_username, rtsp_password = @rtsp_password, gb_channel_id = @gb_channel_id, ptz = @ptz, enabled = @enabled
             WHERE id = @id`,
          )
          .run(next);
      } catch (error) {
        translateConstraint(error, `channel ${id}`);
      }
      const after = toChannel(next);
      const { source: _source, ...rest } = definedFields(patch) as Record<string, unknown>;
      // Never audit a password: only whether the source changed and whether one is set.
      this.audit.change(by, 'admin.update', 'channel', id, after.orgUnitId, { ...rest, ...(patch.source ? { source: after.source } : {}) });
      return after;
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.row(id), `channel ${id}`);
      this.db.prepare('DELETE FROM channels WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'channel', id, before.org_unit_id, { name: before.name, deviceId: before.device_id });
    })();
  }
}
