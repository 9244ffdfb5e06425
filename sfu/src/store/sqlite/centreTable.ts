import type { Database } from 'better-sqlite3';
import type { CommandCentre } from '@argus/shared';
import type { Actor, CentreRepository } from '../store.js';
import { definedFields, found, translateConstraint, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  org_unit_id: string;
  name: string;
}
const toCentre = (row: Row): CommandCentre => ({ id: row.id, orgUnitId: row.org_unit_id, name: row.name });

/** Command centres in SQLite. */
export class SqliteCentres implements CentreRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async list(): Promise<CommandCentre[]> {
    return (this.db.prepare('SELECT id, org_unit_id, name FROM command_centres ORDER BY org_unit_id, id').all() as Row[]).map(toCentre);
  }

  async get(id: string): Promise<CommandCentre | null> {
    const row = this.db.prepare('SELECT id, org_unit_id, name FROM command_centres WHERE id = ?').get(id) as Row | undefined;
    return row ? toCentre(row) : null;
  }

  async create(centre: CommandCentre, by: Actor): Promise<CommandCentre> {
    this.db.transaction(() => {
      found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(centre.orgUnitId), `org unit ${centre.orgUnitId}`);
      try {
        this.db.prepare('INSERT INTO command_centres (id, org_unit_id, name) VALUES (?, ?, ?)').run(centre.id, centre.orgUnitId, centre.name);
      } catch (error) {
        translateConstraint(error, `centre ${centre.id}`);
      }
      this.audit.change(by, 'admin.create', 'centre', centre.id, centre.orgUnitId, { orgUnitId: centre.orgUnitId, name: centre.name });
    })();
    return centre;
  }

  async update(id: string, patch: Partial<Omit<CommandCentre, 'id'>>, by: Actor): Promise<CommandCentre> {
    return this.db.transaction(() => {
      const before = toCentre(found(this.db.prepare('SELECT id, org_unit_id, name FROM command_centres WHERE id = ?').get(id) as Row | undefined, `centre ${id}`));
      const after = { ...before, ...definedFields(patch) } as CommandCentre;
      if (patch.orgUnitId !== undefined) found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(after.orgUnitId), `org unit ${after.orgUnitId}`);
      this.db.prepare('UPDATE command_centres SET org_unit_id = ?, name = ? WHERE id = ?').run(after.orgUnitId, after.name, id);
      this.audit.change(by, 'admin.update', 'centre', id, after.orgUnitId, definedFields(patch));
      return after;
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.db.prepare('SELECT id, org_unit_id, name FROM command_centres WHERE id = ?').get(id) as Row | undefined, `centre ${id}`);
      this.db.prepare('DELETE FROM command_centres WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'centre', id, before.org_unit_id, { name: before.name });
    })();
  }
}
