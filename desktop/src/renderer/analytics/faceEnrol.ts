import type { EnrolRejection, FaceEnrolInput, FaceEnrolResult, FaceTemplate } from '@argus/shared';
import { readFileAsBase64 } from './base64File.js';

/**
 * Face enrolment (人脸登记) of a supervised person, the parts without React: which picked
 * photos may be sent (shared `faceEnrolInput`: 1-5 photos, each at most 8 MiB), the request
 * body, and what became of each photo.
 */

export const MAX_ENROL_PHOTOS = 5;
/** Largest photo the server takes, bytes (8 MiB; its base64 limit is 11,200,000 characters). */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

/** A picked file, structurally (a `File`). */
export interface PickedPhoto {
  name: string;
  size: number;
  type: string;
}

/** Why a selection cannot be sent as it is. */
export type PhotoSelectionProblem = { kind: 'none-picked' } | { kind: 'too-many'; count: number } | { kind: 'too-large'; names: string[] } | { kind: 'not-image'; names: string[] };

/**
 * What is wrong with `photos` before anything is sent, or null when they may be sent. Files
 * whose type the browser does not know (empty) are let through: the server decodes and judges them.
 */
export function photoSelectionProblem(photos: readonly PickedPhoto[]): PhotoSelectionProblem | null {
  if (photos.length === 0) return { kind: 'none-picked' };
  if (photos.length > MAX_ENROL_PHOTOS) return { kind: 'too-many', count: photos.length };
  const notImage = photos.filter((p) => p.type !== '' && !p.type.startsWith('image/')).map((p) => p.name);
  if (notImage.length > 0) return { kind: 'not-image', names: notImage };
  const tooLarge = photos.filter((p) => p.size > MAX_PHOTO_BYTES).map((p) => p.name);
  if (tooLarge.length > 0) return { kind: 'too-large', names: tooLarge };
  return null;
}

/** The `POST /api/persons/:id/faces` body of `files`, read as base64 in order. */
export async function enrolBody(files: ReadonlyArray<Blob & { name: string }>): Promise<FaceEnrolInput> {
  const photos = await Promise.all(files.map(async (file) => ({ name: file.name.slice(0, 128), data: await readFileAsBase64(file) })));
  return { photos };
}

/** What became of one photo sent. */
export type PhotoOutcome =
  | { index: number; name: string; status: 'enrolled'; template: FaceTemplate | null }
  | { index: number; name: string; status: 'rejected'; reason: EnrolRejection; message: string };

/**
 * Each photo's outcome, in the order sent. The server names refused photos by index; the
 * others were enrolled, their templates in the same order as the photos.
 */
export function enrolOutcomes(names: readonly string[], result: FaceEnrolResult): PhotoOutcome[] {
  const rejected = new Map(result.rejected.map((r) => [r.index, r]));
  const templates = [...result.enrolled];
  return names.map((name, index) => {
    const refusal = rejected.get(index);
    if (refusal) return { index, name, status: 'rejected', reason: refusal.reason, message: refusal.message };
    return { index, name, status: 'enrolled', template: templates.shift() ?? null };
  });
}
