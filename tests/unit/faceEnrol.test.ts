import { describe, expect, it } from 'vitest';
import { faceEnrolInput, type FaceEnrolResult, type FaceTemplate } from '@argus/shared';
import { bytesToBase64, readFileAsBase64 } from '../../desktop/src/renderer/analytics/base64File.js';
import { enrolBody, enrolOutcomes, MAX_PHOTO_BYTES, photoSelectionProblem } from '../../desktop/src/renderer/analytics/faceEnrol.js';

const template = (id: string): FaceTemplate => ({ id, personId: 'p1', createdAt: 1, faceWidthPx: 120, score: 0.9, hasPhoto: false });

describe('base64 of picked files', () => {
  it('matches Node’s encoder for every padding case and for files larger than one chunk', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 0x8000 - 1, 0x8000, 0x8000 + 1, 200_000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7919 + length) & 0xff);
      expect(bytesToBase64(bytes), `length ${length}`).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('reads a file (a Blob) without any data-URL prefix', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
    const base64 = await readFileAsBase64(new Blob([bytes], { type: 'image/jpeg' }));
    expect(base64).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64.startsWith('data:')).toBe(false);
  });

  it('builds the POST body the shared schema accepts, photos in the order picked', async () => {
    const jpeg = new Uint8Array(64).fill(0xab);
    const files = [new File([jpeg], 'front.jpg', { type: 'image/jpeg' }), new File([jpeg.slice(0, 32)], 'side.png', { type: 'image/png' })];
    const body = await enrolBody(files);
    expect(body.photos.map((p) => p.name)).toEqual(['front.jpg', 'side.png']);
    expect(Buffer.from(body.photos[1]!.data, 'base64')).toEqual(Buffer.from(jpeg.slice(0, 32)));
    expect(faceEnrolInput.safeParse(body).success).toBe(true);
  });
});

describe('photo selection', () => {
  const photo = (name: string, size = 1000, type = 'image/jpeg') => ({ name, size, type });

  it('takes 1 to 5 images of at most 8 MiB each', () => {
    expect(photoSelectionProblem([photo('a.jpg')])).toBeNull();
    expect(photoSelectionProblem([1, 2, 3, 4, 5].map((i) => photo(`${i}.jpg`, MAX_PHOTO_BYTES)))).toBeNull();
    expect(photoSelectionProblem([])).toEqual({ kind: 'none-picked' });
    expect(photoSelectionProblem([1, 2, 3, 4, 5, 6].map((i) => photo(`${i}.jpg`)))).toEqual({ kind: 'too-many', count: 6 });
    expect(photoSelectionProblem([photo('a.jpg'), photo('huge.jpg', MAX_PHOTO_BYTES + 1)])).toEqual({ kind: 'too-large', names: ['huge.jpg'] });
    expect(photoSelectionProblem([photo('notes.pdf', 10, 'application/pdf')])).toEqual({ kind: 'not-image', names: ['notes.pdf'] });
    // A type the browser does not know is left to the server to judge.
    expect(photoSelectionProblem([photo('scan.heic', 10, '')])).toBeNull();
  });

  it('keeps the 8 MiB limit within the server’s base64 limit', () => {
    const base64Length = Math.ceil(MAX_PHOTO_BYTES / 3) * 4;
    const schemaLimit = 11_200_000;
    expect(base64Length).toBeLessThanOrEqual(schemaLimit);
  });
});

describe('enrolment outcomes', () => {
  it('pairs every photo with its template or its refusal, in the order sent', () => {
    const result: FaceEnrolResult = {
      enrolled: [template('t-a'), template('t-c')],
      rejected: [
        { index: 1, name: 'b.jpg', reason: 'no-face', message: 'no face found' },
        { index: 3, name: 'd.jpg', reason: 'several-faces', message: '2 faces' },
      ],
    };
    const outcomes = enrolOutcomes(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'], result);
    expect(outcomes.map((o) => [o.name, o.status, o.status === 'enrolled' ? o.template?.id : o.reason])).toEqual([
      ['a.jpg', 'enrolled', 't-a'],
      ['b.jpg', 'rejected', 'no-face'],
      ['c.jpg', 'enrolled', 't-c'],
      ['d.jpg', 'rejected', 'several-faces'],
    ]);
  });

  it('reports every photo refused when none was enrolled', () => {
    const outcomes = enrolOutcomes(['x.png'], { enrolled: [], rejected: [{ index: 0, reason: 'unreadable', message: 'ffmpeg could not decode it' }] });
    expect(outcomes).toEqual([{ index: 0, name: 'x.png', status: 'rejected', reason: 'unreadable', message: 'ffmpeg could not decode it' }]);
  });
});
