import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, decodeImage, FaceEngine, FaceGallery, type FaceObservation } from '@argus/analytics';
import { sharedData } from '../support/paths.js';

/**
 * Face descriptors with the real analytics stack (Human's faceres on tfjs-backend-wasm, models
 * from the npm package, images decoded by ffmpeg) on labelled photos from ../shared/data/faces:
 * enrol two photos of each of eight people, then identify their other photos by exact 1:N search.
 */
const PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];

describe('face engine and gallery on real photos', () => {
  let engine: FaceEngine;
  const faces = new Map<string, FaceObservation[]>();

  beforeAll(async () => {
    engine = await FaceEngine.create();
    for (const person of PEOPLE) {
      const dir = sharedData(`faces/bbt/${person}`);
      const found: FaceObservation[] = [];
      for (const file of readdirSync(dir).sort()) {
        // The 150 px crops hold one person; the largest face is theirs.
        const observed = await engine.describe(await decodeImage(path.join(dir, file)));
        const largest = observed.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
        if (largest) found.push(largest);
      }
      faces.set(person, found);
    }
  }, 120_000);

  afterAll(() => faces.clear());

  it('describes every crop with a unit-length 1024-value descriptor and antispoof/liveness scores', () => {
    // Blazeface is tuned for faces that fill less of the frame than these tight crops: it may miss one.
    expect([...faces.values()].reduce((n, found) => n + found.length, 0)).toBeGreaterThanOrEqual(38);
    for (const [person, found] of faces) {
      expect(found.length, person).toBeGreaterThanOrEqual(4);
      for (const face of found) {
        expect(face.descriptor).toHaveLength(1024);
        expect(cosine(face.descriptor, face.descriptor)).toBeCloseTo(1, 4);
        expect(face.real).toBeGreaterThanOrEqual(0);
        expect(face.live).toBeLessThanOrEqual(1);
      }
    }
  });

  it('identifies held-out photos by 1:N search after enrolling two photos per person', () => {
    const gallery = new FaceGallery(1024);
    for (const [person, found] of faces) for (const face of found.slice(0, 2)) gallery.add(person, face.descriptor);
    expect(gallery.size).toBe(16);
    let right = 0;
    let total = 0;
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (const [person, found] of faces) {
      for (const face of found.slice(2)) {
        total++;
        const [best] = gallery.search(face.descriptor, 1);
        if (best?.subjectId === person) right++;
        for (const [other, theirs] of faces) for (const enrolled of theirs.slice(0, 2)) (other === person ? genuine : impostor).push(cosine(face.descriptor, enrolled.descriptor));
      }
    }
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    // Rank-1 identification over 24 held-out photos of 8 people, and separated score distributions.
    expect(right / total).toBeGreaterThanOrEqual(0.9);
    expect(mean(genuine)).toBeGreaterThan(mean(impostor) + 0.25);
    // Un-enrolling removes a person's every descriptor.
    expect(gallery.remove('amy')).toBe(2);
    expect(gallery.search(faces.get('amy')![2]!.descriptor, 16).some((m) => m.subjectId === 'amy')).toBe(false);
  });

  it('finds several faces in a group photo and refuses a file that is not an image', async () => {
    const group = await engine.describe(await decodeImage(sharedData('faces/bbt/group/bbt1.jpg')));
    expect(group.length).toBeGreaterThanOrEqual(3);
    await expect(decodeImage(sharedData('gb28181/es/srs_avatar.h264').replace('srs_avatar.h264', 'missing.jpg'))).rejects.toThrow();
  });
});
