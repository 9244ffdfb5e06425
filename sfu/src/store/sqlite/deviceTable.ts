import type { Database, Statement } from 'better-sqlite3';
import type { Device, DeviceKind, GbStreamMode } from '@argus/shared';
import type { Actor, DeviceInput, DevicePresence, DeviceRepository, SipContact } from '../store.js';
import { definedFields, found, translateConstraint, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  org_unit_id: string;
  kind: DeviceKind;
  name: string;
  gb_device_id: string | null;
  manufacturer: string | null;
  model: string | null;
  created_at: number;
  /** Whether a SIP password is set (1/0); the password column itself is never selected here. */
  has_sip_password: number;
  online: number;
  last_seen_at: number | null;
  gb_stream_mode: GbStreamMode | null;
}
const COLUMNS = 'id, org_unit_id, kind, name, gb_device_id, manufacturer, model, created_at, (sip_password IS NOT NULL) AS has_sip_password, online, last_seen_at, gb_stream_mode';
const INSERT_COLUMNS = 'id, org_unit_id, kind, name, gb_device_id, manufacturer, model, created_at, sip_password, gb_stream_mode';
const toDevice = (row: Row): Device => ({
  id: row.id,
  orgUnitId: row.org_unit_id,
  kind: row.kind,
  name: row.name,
  gbDeviceId: row.gb_device_id,
  manufacturer: row.manufacturer,
  model: row.model,
  createdAt: row.created_at,
  hasSipPassword: row.has_sip_password === 1,
  online: row.online === 1,
  lastSeenAt: row.last_seen_at,
  gbStreamMode: row.gb_stream_mode,
});

/** Read a stored `sip_contact` JSON value; null when absent or unreadable. */
function parseContact(text: string | null): SipContact | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<SipContact>;
    if ((value.transport === 'udp' || value.transport === 'tcp') && typeof value.address === 'string' && typeof value.port === 'number') {
      return { transport: value.transport, address: value.address, port: value.port };
    }
  } catch {
    // fall through
  }
  return null;
}

/** Devices in SQLite. SIP passwords are stored for digest verification and never leave through {@link toDevice}. */
export class SqliteDevices implements DeviceRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  private row(id: string): Row | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`).get(id) as Row | undefined;
  }

  async list(): Promise<Device[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM devices ORDER BY org_unit_id, id`).all() as Row[]).map(toDevice);
  }

  async get(id: string): Promise<Device | null> {
    const row = this.row(id);
    return row ? toDevice(row) : null;
  }

  async findByGbId(gbDeviceId: string): Promise<Device | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE gb_device_id = ?`).get(gbDeviceId) as Row | undefined;
    return row ? toDevice(row) : null;
  }

  async sipSecret(id: string): Promise<string | null> {
    const row = this.db.prepare('SELECT sip_password FROM devices WHERE id = ?').get(id) as { sip_password: string | null } | undefined;
    return row?.sip_password ?? null;
  }

  async sipContact(id: string): Promise<SipContact | null> {
    const row = this.db.prepare('SELECT sip_contact FROM devices WHERE id = ?').get(id) as { sip_contact: string | null } | undefined;
    return parseContact(row?.sip_contact ?? null);
  }

  /** Prepared once: presence is written for every device going online or offline (thousands at once). */
  private presenceStatements: { update: Statement; select: Statement } | null = null;

  async setPresence(id: string, presence: DevicePresence): Promise<Device> {
    this.presenceStatements ??= {
      update: this.db.prepare(`UPDATE devices SET online = ?, last_seen_at = CASE WHEN ? THEN ? ELSE last_seen_at END, sip_contact = COALESCE(?, sip_contact) WHERE id = ?`),
      select: this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`),
    };
    const { update, select } = this.presenceStatements;
    const { changes } = update.run(presence.online ? 1 : 0, presence.online ? 1 : 0, presence.at, presence.contact ? JSON.stringify(presence.contact) : null, id);
    if (changes === 0) found(undefined, `device ${id}`);
    return toDevice(select.get(id) as Row);
  }

  async create(input: DeviceInput, by: Actor): Promise<Device> {
    return this.db.transaction(() => {
      found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(input.orgUnitId), `org unit ${input.orgUnitId}`);
      const gbDeviceId = input.gbDeviceId ?? null;
      try {
        this.db
          .prepare(`INSERT INTO devices (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(input.id, input.orgUnitId, input.kind, input.name, gbDeviceId, input.manufacturer ?? null, input.model ?? null, Date.now(), input.sipPassword ?? null, input.gbStreamMode ?? null);
      } catch (error) {
        translateConstraint(error, `device ${input.id}${gbDeviceId ? ` (GB/T 28181 id ${gbDeviceId})` : ''}`);
      }
      const device = toDevice(this.row(input.id)!);
      // Never audit a password: only whether one is set.
      this.audit.change(by, 'admin.create', 'device', device.id, device.orgUnitId, { ...device, createdAt: undefined, online: undefined, lastSeenAt: undefined });
      return device;
    })();
  }

  async update(id: string, patch: Partial<Omit<DeviceInput, 'id' | 'kind'>>, by: Actor): Promise<Device> {
    return this.db.transaction(() => {
      const before = toDevice(found(this.row(id), `device ${id}`));
      const { sipPassword, ...fields } = definedFields(patch) as Partial<Omit<DeviceInput, 'id' | 'kind'>>;
      const after: Device = { ...before, ...(fields as Partial<Device>) };
      if (patch.orgUnitId !== undefined) found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(after.orgUnitId), `org unit ${after.orgUnitId}`);
      try {
        this.db
          .prepare('UPDATE devices SET org_unit_id = ?, name = ?, gb_device_id = ?, manufacturer = ?, model = ?, gb_stream_mode = ? WHERE id = ?')
          .run(after.orgUnitId, after.name, after.gbDeviceId, after.manufacturer, after.model, after.gbStreamMode, id);
        // Absent keeps the stored password, null clears it.
        if (patch.sipPassword !== undefined) this.db.prepare('UPDATE devices SET sip_password = ? WHERE id = ?').run(patch.sipPassword, id);
      } catch (error) {
        translateConstraint(error, `device ${id}`);
      }
      const detail: Record<string, unknown> = { ...fields };
      if (sipPassword !== undefined || patch.sipPassword === null) detail.sipPassword = patch.sipPassword === null ? 'cleared' : 'set';
      this.audit.change(by, 'admin.update', 'device', id, after.orgUnitId, detail);
      return toDevice(this.row(id)!);
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.row(id), `device ${id}`);
      const channels = (this.db.prepare('SELECT id FROM channels WHERE device_id = ?').all(id) as Array<{ id: string }>).map((c) => c.id);
      this.db.prepare('DELETE FROM devices WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'device', id, before.org_unit_id, { name: before.name, channels });
    })();
  }
}
