import type { Database } from 'better-sqlite3';
import type { SupervisedPerson } from '@argus/shared';
import type { Actor, PersonRepository } from '../store.js';
import { definedFields, found, translateConstraint, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  name: string;
  case_number: string;
  org_unit_id: string;
  supervision_start: string;
  supervision_end: string;
  public_consent: number;
}
const COLUMNS = 'id, name, case_number, org_unit_id, supervision_start, supervision_end, public_consent';
const toPerson = (row: Row): SupervisedPerson => ({
  id: row.id,
  name: row.name,
  caseNumber: row.case_number,
  orgUnitId: row.org_unit_id,
  supervisionStart: row.supervision_start,
  supervisionEnd: row.supervision_end,
  publicConsent: row.public_consent === 1,
});

/** Supervised persons in SQLite. Audit rows name the person by id only, never by name. */
export class SqlitePersons implements PersonRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  private row(id: string): Row | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM supervised_persons WHERE id = ?`).get(id) as Row | undefined;
  }

  async list(): Promise<SupervisedPerson[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM supervised_persons ORDER BY org_unit_id, id`).all() as Row[]).map(toPerson);
  }

  async get(id: string): Promise<SupervisedPerson | null> {
    const row = this.row(id);
    return row ? toPerson(row) : null;
  }

  private write(person: SupervisedPerson, insert: boolean): void {
    const values = {
      id: person.id,
      name: person.name,
      case_number: person.caseNumber,
      org_unit_id: person.orgUnitId,
      supervision_start: person.supervisionStart,
      supervision_end: person.supervisionEnd,
      public_consent: person.publicConsent ? 1 : 0,
    };
    try {
      if (insert) {
        this.db.prepare(`INSERT INTO supervised_persons (${COLUMNS}) VALUES (@id, @name, @case_number, @org_unit_id, @supervision_start, @supervision_end, @public_consent)`).run(values);
      } else {
        this.db
          .prepare(
            `UPDATE supervised_persons SET name = @name, case_number = @case_number, org_unit_id = @org_unit_id,
               supervision_start = @supervision_start, supervision_end = @supervision_end, public_consent = @public_consent WHERE id = @id`,
          )
          .run(values);
      }
    } catch (error) {
      translateConstraint(error, `person ${person.id} (case number ${person.caseNumber})`);
    }
  }

  async create(person: SupervisedPerson, by: Actor): Promise<SupervisedPerson> {
    this.db.transaction(() => {
      found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(person.orgUnitId), `org unit ${person.orgUnitId}`);
      this.write(person, true);
      this.audit.change(by, 'admin.create', 'person', person.id, person.orgUnitId, {});
    })();
    return person;
  }

  async update(id: string, patch: Partial<Omit<SupervisedPerson, 'id'>>, by: Actor): Promise<SupervisedPerson> {
    return this.db.transaction(() => {
      const after: SupervisedPerson = { ...toPerson(found(this.row(id), `person ${id}`)), ...(definedFields(patch) as Partial<SupervisedPerson>) };
      if (patch.orgUnitId !== undefined) found(this.db.prepare('SELECT id FROM org_units WHERE id = ?').get(after.orgUnitId), `org unit ${after.orgUnitId}`);
      this.write(after, false);
      this.audit.change(by, 'admin.update', 'person', id, after.orgUnitId, { fields: Object.keys(definedFields(patch)) });
      return after;
    })();
  }

  async delete(id: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const before = found(this.row(id), `person ${id}`);
      this.db.prepare('DELETE FROM supervised_persons WHERE id = ?').run(id);
      this.audit.change(by, 'admin.delete', 'person', id, before.org_unit_id, {});
    })();
  }
}
