import type { Database } from 'better-sqlite3';
import type { OrgLevel, OrgUnit } from '@argus/shared';
import { ConflictError, NotFoundError, type Actor, type OrgUnitRepository } from '../store.js';
import { found, translateConstraint, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  parent_id: string | null;
  level: OrgLevel;
  name: string;
}
const toOrgUnit = (row: Row): OrgUnit => ({ id: row.id, parentId: row.parent_id, level: row.level, name: row.name });

/** How many leading digits a child's code shares with a parent of this level. */
const CODE_PREFIX: Record<OrgLevel, number> = { province: 2, city: 4, county: 6, township: 9 };

/** Which level may sit under which (province → city → county → township). */
const CHILD_LEVEL: Record<OrgLevel, OrgLevel | null> = { province: 'city', city: 'county', county: 'township', township: null };

/** Org units in SQLite. Parents are listed before children (tree order by depth, then id). */
export class SqliteOrgUnits implements OrgUnitRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async list(): Promise<OrgUnit[]> {
    const rows = this.db
      .prepare(
        `SELECT id, parent_id, level, name FROM org_units
         ORDER BY CASE level WHEN 'province' THEN 0 WHEN 'city' THEN 1 WHEN 'county' THEN 2 ELSE 3 END, id`,
      )
      .all() as Row[];
    return rows.map(toOrgUnit);
  }

  async get(id: string): Promise<OrgUnit | null> {
    const row = this.db.prepare('SELECT id, parent_id, level, name FROM org_units WHERE id = ?').get(id) as Row | undefined;
    return row ? toOrgUnit(row) : null;
  }

  async create(unit: OrgUnit, by: Actor): Promise<OrgUnit> {
    this.db.transaction(() => {
      if (unit.parentId === null) {
        if (unit.level !== 'province') throw new ConflictError('only the province has no parent');
        const root = this.db.prepare('SELECT id FROM org_units WHERE parent_id IS NULL').get();
        if (root) throw new ConflictError('the province already exists');
      } else {
        const parent = found(this.db.prepare('SELECT level FROM org_units WHERE id = ?').get(unit.parentId) as { level: OrgLevel } | undefined, `parent org unit ${unit.parentId}`);
        if (CHILD_LEVEL[parent.level] !== unit.level) {
          throw new ConflictError(`a ${unit.level} cannot sit under a ${parent.level}${CHILD_LEVEL[parent.level] ? ` (expected ${CHILD_LEVEL[parent.level]})` : ''}`);
        }
        // Division codes nest (GB/T 2260): a city shares its province's first 2 digits, a county its city's first 4, a township its county's 6.
        const prefix = unit.parentId.slice(0, CODE_PREFIX[parent.level]);
        if (!unit.id.startsWith(prefix) || (unit.level !== 'township' && unit.id.length !== 6) || (unit.level === 'township' && unit.id.length !== 9)) {
          throw new ConflictError(`the ${unit.level} code ${unit.id} must ${unit.level === 'township' ? 'have 9 digits and ' : 'have 6 digits and '}start with ${prefix}, its parent's code`);
        }
      }
      try {
        this.db.prepare('INSERT INTO org_units (id, parent_id, level, name) VALUES (?, ?, ?, ?)').run(unit.id, unit.parentId, unit.level, unit.name);
      } catch (error) {
        translateConstraint(error, `org unit ${unit.id}`);
      }
      this.audit.change(by, 'admin.create', 'org-unit', unit.id, unit.id, { parentId: unit.parentId, level: unit.level, name: unit.name });
    })();
    return unit;
  }

  async rename(id: string, name: string, by: Actor): Promise<OrgUnit> {
    return this.db.transaction(() => {
      const before = found(this.db.prepare('SELECT id, parent_id, level, name FROM org_units WHERE id = ?').get(id) as Row | undefined, `org unit ${id}`);
      this.db.prepare('UPDATE org_units SET name = ? WHERE id = ?').run(name, id);
      this.audit.change(by, 'admin.update', 'org-unit', id, id, { name: { from: before.name, to: name } });
      return toOrgUnit({ ...before, name });
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const unit = this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(id);
      if (!unit) throw new NotFoundError(`org unit ${id} not found`);
      const uses = this.db
        .prepare(
          `SELECT (SELECT count(*) FROM org_units WHERE parent_id = @id) AS children,
                  (SELECT count(*) FROM command_centres WHERE org_unit_id = @id) AS centres,
                  (SELECT count(*) FROM devices WHERE org_unit_id = @id) AS devices,
                  (SELECT count(*) FROM channels WHERE org_unit_id = @id) AS channels,
                  (SELECT count(*) FROM users WHERE org_unit_id = @id) AS users,
                  (SELECT count(*) FROM supervised_persons WHERE org_unit_id = @id) AS persons`,
        )
        .get({ id }) as Record<string, number>;
      const blocking = Object.entries(uses).filter(([, n]) => n > 0);
      if (blocking.length > 0) {
        throw new ConflictError(`org unit ${id} still has ${blocking.map(([what, n]) => `${n} ${what}`).join(', ')}`);
      }
      this.db.prepare('DELETE FROM org_units WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'org-unit', id, id, {});
    })();
  }
}
