import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { FaceTemplate } from '@argus/shared';
import type { Actor, FaceTemplateInput, FaceTemplateRepository } from '../store.js';
import { found, type AuditWriter } from './sqliteSupport.js';

interface Row {
  id: string;
  person_id: string;
  face_width_px: number;
  score: number;
  created_at: number;
  has_photo: number;
}
const COLUMNS = 'id, person_id, face_width_px, score, created_at, photo IS NOT NULL AS has_photo';
const toTemplate = (row: Row): FaceTemplate => ({
  id: row.id,
  personId: row.person_id,
  faceWidthPx: row.face_width_px,
  score: row.score,
  createdAt: row.created_at,
  hasPhoto: row.has_photo === 1,
});

/** A descriptor as a BLOB: its float32 values, little-endian (x86 and ARM alike). */
export function descriptorBlob(descriptor: Float32Array): Buffer {
  return Buffer.from(descriptor.buffer, descriptor.byteOffset, descriptor.byteLength);
}

/** The descriptor stored by {@link descriptorBlob} (copied, so it is aligned). */
export function blobDescriptor(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.length);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, blob.length / 4);
}

/** Face templates in SQLite; audit rows name the person by id only. */
export class SqliteFaceTemplates implements FaceTemplateRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
  ) {}

  async listForPerson(personId: string): Promise<FaceTemplate[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM face_templates WHERE person_id = ? ORDER BY created_at, id`).all(personId) as Row[]).map(toTemplate);
  }

  async allDescriptors(): Promise<Array<{ templateId: string; personId: string; descriptor: Float32Array }>> {
    const rows = this.db.prepare('SELECT id, person_id, descriptor FROM face_templates ORDER BY person_id, id').all() as Array<{ id: string; person_id: string; descriptor: Buffer }>;
    return rows.map((row) => ({ templateId: row.id, personId: row.person_id, descriptor: blobDescriptor(row.descriptor) }));
  }

  async add(templates: FaceTemplateInput[], by: Actor): Promise<FaceTemplate[]> {
    const at = Date.now();
    return this.db.transaction(() => {
      const out: FaceTemplate[] = [];
      for (const template of templates) {
        const person = found(this.db.prepare('SELECT org_unit_id FROM supervised_persons WHERE id = ?').get(template.personId) as { org_unit_id: string } | undefined, `person ${template.personId}`);
        const id = randomUUID();
        this.db
          .prepare('INSERT INTO face_templates (id, person_id, descriptor, photo, face_width_px, score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(id, template.personId, descriptorBlob(template.descriptor), template.photo ? Buffer.from(template.photo) : null, Math.round(template.faceWidthPx), template.score, at);
        this.audit.write({ at, userId: by.userId, username: by.username, address: by.address, action: 'faces.enrol', targetType: 'person', targetId: template.personId, orgUnitId: person.org_unit_id, detail: { templateId: id, photoKept: template.photo !== null } });
        out.push({ id, personId: template.personId, faceWidthPx: Math.round(template.faceWidthPx), score: template.score, createdAt: at, hasPhoto: template.photo !== null });
      }
      return out;
    })();
  }

  async delete(personId: string, templateId: string, by: Actor): Promise<void> {
    this.db.transaction(() => {
      const row = found(
        this.db.prepare('SELECT p.org_unit_id FROM face_templates t JOIN supervised_persons p ON p.id = t.person_id WHERE t.id = ? AND t.person_id = ?').get(templateId, personId) as { org_unit_id: string } | undefined,
        `face template ${templateId} of person ${personId}`,
      );
      this.db.prepare('DELETE FROM face_templates WHERE id = ?').run(templateId);
      this.audit.write({ at: Date.now(), userId: by.userId, username: by.username, address: by.address, action: 'faces.delete', targetType: 'person', targetId: personId, orgUnitId: row.org_unit_id, detail: { templateId } });
    })();
  }

  async photo(personId: string, templateId: string): Promise<Uint8Array | null> {
    const row = this.db.prepare('SELECT photo FROM face_templates WHERE id = ? AND person_id = ?').get(templateId, personId) as { photo: Buffer | null } | undefined;
    return row?.photo ? new Uint8Array(row.photo) : null;
  }
}
