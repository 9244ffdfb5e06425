import type { Database } from 'better-sqlite3';
import type { Device, DeviceKind } from '@argus/shared';
import type { Actor, DeviceInput, DeviceRepository } from '../store.js';
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
}
const COLUMNS = 'id, org_unit_id, kind, name, gb_device_id, manufacturer, model, created_at';
const toDevice = (row: Row): Device => ({
  id: row.id,
  orgUnitId: row.org_unit_id,
  kind: row.kind,
  name: row.name,
  gbDeviceId: row.gb_device_id,
  manufacturer: row.manufacturer,
  model: row.model,
  createdAt: row.created_at,
});

/** Devices in SQLite. */
export class SqliteDevices implements DeviceRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async list(): Promise<Device[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM devices ORDER BY org_unit_id, id`).all() as Row[]).map(toDevice);
  }

  async get(id: string): Promise<Device | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`).get(id) as Row | undefined;
    return row ? toDevice(row) : null;
  }

  async create(input: DeviceInput, by: Actor): Promise<Device> {
    const device: Device = {
      id: input.id,
      orgUnitId: input.orgUnitId,
      kind: input.kind,
      name: input.name,
      gbDeviceId: input.gbDeviceId ?? null,
      manufacturer: input.manufacturer ?? null,
      model: input.model ?? null,
      createdAt: Date.now(),
    };
    this.db.transaction(() => {
      found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(device.orgUnitId), `org unit ${device.orgUnitId}`);
      try {
        this.db
          .prepare(`INSERT INTO devices (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(device.id, device.orgUnitId, device.kind, device.name, device.gbDeviceId, device.manufacturer, device.model, device.createdAt);
      } catch (error) {
        translateConstraint(error, `device ${device.id}${device.gbDeviceId ? ` (GB/T 28181 id ${device.gbDeviceId})` : ''}`);
      }
      this.audit.change(by, 'admin.create', 'device', device.id, device.orgUnitId, { ...device, createdAt: undefined });
    })();
    return device;
  }

  async update(id: string, patch: Partial<Omit<DeviceInput, 'id' | 'kind'>>, by: Actor): Promise<Device> {
    return this.db.transaction(() => {
      const before = toDevice(found(this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`).get(id) as Row | undefined, `device ${id}`));
      const after: Device = { ...before, ...(definedFields(patch) as Partial<Device>) };
      if (patch.orgUnitId !== undefined) found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(after.orgUnitId), `org unit ${after.orgUnitId}`);
      try {
        this.db
          .prepare('UPDATE devices SET org_unit_id = ?, name = ?, gb_device_id = ?, manufacturer = ?, model = ? WHERE id = ?')
          .run(after.orgUnitId, after.name, after.gbDeviceId, after.manufacturer, after.model, id);
      } catch (error) {
        translateConstraint(error, `device ${id}`);
      }
      this.audit.change(by, 'admin.update', 'device', id, after.orgUnitId, definedFields(patch));
      return after;
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`).get(id) as Row | undefined, `device ${id}`);
      const channels = (this.db.prepare('SELECT id FROM channels WHERE device_id = ?').all(id) as Array<{ id: string }>).map((c) => c.id);
      this.db.prepare('DELETE FROM devices WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'device', id, before.org_unit_id, { name: before.name, channels });
    })();
  }
}
