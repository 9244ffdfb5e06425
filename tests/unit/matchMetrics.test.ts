import { describe, expect, it } from 'vitest';
import { FaceGallery, l2Normalise, pairSimilarities, rank1, verificationAt } from '@argus/analytics';

/** Verification and identification metrics, and the gallery's exact top-k, on hand-made vectors. */
describe('match metrics', () => {
  it('picks the lowest threshold within the FAR and reports the TAR there', () => {
    const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000 - 0.5); // -0.5 .. 0.499
    const genuine = [0.3, 0.45, 0.6, 0.7];
    const at = verificationAt(genuine, impostor, 1e-3);
    // One impostor (0.499) may pass at FAR 1e-3: the threshold sits just above the second highest.
    expect(at.threshold).toBeCloseTo(0.498, 3);
    expect(at.far).toBeLessThanOrEqual(1e-3);
    expect(at.tar).toBe(0.5);
    expect(() => verificationAt([], impostor, 1e-3)).toThrow(RangeError);
  });

  it('splits pairs by label and scores leave-one-out rank-1', () => {
    const v = (...xs: number[]) => l2Normalise(xs);
    const labels = ['a', 'a', 'b', 'b', 'c'];
    const descriptors = [v(1, 0, 0), v(0.9, 0.1, 0), v(0, 1, 0), v(0.1, 0.9, 0), v(0.7, 0.7, 0)];
    const { genuine, impostor } = pairSimilarities(labels, descriptors);
    expect(genuine).toHaveLength(2);
    expect(impostor).toHaveLength(8);
    expect(rank1(labels, descriptors)).toEqual({ rate: 1, probes: 4 });
  });

  it('keeps the k best descriptors of the gallery in order, and grows past its first capacity', () => {
    const gallery = new FaceGallery(3, 1);
    const v = (...xs: number[]) => l2Normalise(xs);
    gallery.add('x', v(1, 0, 0));
    gallery.add('y', v(0, 1, 0));
    gallery.add('z', v(0.8, 0.6, 0));
    const top = gallery.search(v(1, 0.1, 0), 2);
    expect(top.map((m) => m.subjectId)).toEqual(['x', 'z']);
    expect(top[0]!.similarity).toBeGreaterThan(top[1]!.similarity);
    expect(() => gallery.search(new Float32Array(4))).toThrow(RangeError);
  });
});
