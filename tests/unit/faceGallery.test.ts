import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@argus/shared';
import { FaceGallery, type GalleryMatch, type GallerySimd } from '../../analytics/src/gallery/faceGallery.js';
import { int16QueryLimit, nibbleAt, QuantKernels, relaxedQueryAt, relaxedSimdSupported } from '../../analytics/src/gallery/quantKernels.js';

// Node 20 has relaxed SIMD behind a flag (Node 22 by default): on, so both scan kernels are tested.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const KERNELS: GallerySimd[] = ['standard', 'relaxed'];
import { SyntheticFaces } from '../../analytics/src/gallery/syntheticFaces.js';

/**
 * The reference: every enrolled descriptor scored by a plain float loop (the gallery's original
 * search), in enrolment order; the best k by similarity, ties to the earlier enrolment.
 */
class NaiveGallery {
  private readonly rows: Array<{ subjectId: string; descriptor: Float32Array }> = [];

  add(subjectId: string, descriptor: Float32Array): void {
    this.rows.push({ subjectId, descriptor: Float32Array.from(descriptor) });
  }

  remove(subjectId: string): number {
    const before = this.rows.length;
    this.rows.splice(0, this.rows.length, ...this.rows.filter((row) => row.subjectId !== subjectId));
    return before - this.rows.length;
  }

  search(query: Float32Array, k: number): GalleryMatch[] {
    const bestScores: number[] = [];
    const bestIds: string[] = [];
    if (k <= 0) return [];
    for (const { subjectId, descriptor: m } of this.rows) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < m.length; j += 4) {
        s0 += m[j]! * query[j]!;
        s1 += m[j + 1]! * query[j + 1]!;
        s2 += m[j + 2]! * query[j + 2]!;
        s3 += m[j + 3]! * query[j + 3]!;
      }
      for (; j < m.length; j++) s0 += m[j]! * query[j]!;
      const score = s0 + s1 + s2 + s3;
      if (bestScores.length === k && score <= bestScores[k - 1]!) continue;
      let i = bestScores.length === k ? k - 1 : bestScores.length;
      while (i > 0 && bestScores[i - 1]! < score) {
        bestScores[i] = bestScores[i - 1]!;
        bestIds[i] = bestIds[i - 1]!;
        i--;
      }
      bestScores[i] = score;
      bestIds[i] = subjectId;
      bestScores.length = Math.min(bestScores.length, k);
      bestIds.length = bestScores.length;
    }
    return bestIds.map((subjectId, i) => ({ subjectId, similarity: bestScores[i]! }));
  }
}

/** Both galleries, fed the same descriptors. `exactScanBelow: 0` forces the quantised search at every size. */
function pair(dimension: number, options: { exactScanBelow?: number; simd?: GallerySimd } = { exactScanBelow: 0 }) {
  const gallery = new FaceGallery(dimension, 16, options);
  const naive = new NaiveGallery();
  return {
    gallery,
    naive,
    add(subjectId: string, descriptor: Float32Array) {
      gallery.add(subjectId, descriptor);
      naive.add(subjectId, descriptor);
    },
    remove(subjectId: string) {
      const removed = gallery.remove(subjectId);
      expect(naive.remove(subjectId)).toBe(removed);
      return removed;
    },
    /** The gallery's top-k equals the naive loop's: same ids in the same order, similarities within 1e-6. */
    check(query: Float32Array, k: number) {
      const got = gallery.search(query, k);
      const want = naive.search(query, k);
      expect(got.map((m) => m.subjectId)).toEqual(want.map((m) => m.subjectId));
      got.forEach((m, i) => expect(Math.abs(m.similarity - want[i]!.similarity)).toBeLessThanOrEqual(1e-6));
      return got;
    },
  };
}

const unit = (values: ArrayLike<number>): Float32Array => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  const norm = Math.sqrt(sum) || 1;
  return Float32Array.from(values, (v) => v / norm);
};

describe('FaceGallery exact search', () => {
  it.each(KERNELS)('matches the naive loop on a faceres-like gallery (genuine, stranger, isotropic and near-duplicate queries; k = 1, 5, 20; %s SIMD)', (simd) => {
    const faces = new SyntheticFaces({ seed: 11 });
    const p = pair(1024, { exactScanBelow: 0, simd });
    const people: Float64Array[] = [];
    const rows: Float32Array[] = [];
    // 3000 descriptors: past every re-centring size (64, 1024).
    while (p.gallery.size < 3000) {
      const person = faces.person();
      people.push(person);
      for (let i = 0; i < 1 + (people.length % 3); i++) {
        const d = faces.photo(person);
        rows.push(d);
        p.add(`p${people.length}`, d);
      }
    }
    const random = mulberry32(5);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    let pruned = 0;
    for (let i = 0; i < 8; i++) {
      for (const query of [faces.photo(pick(people)), faces.photo(faces.person()), faces.isotropic(), faces.jitter(pick(rows), 0.02)]) {
        for (const k of [1, 5, 20]) p.check(query, k);
        if (p.gallery.lastSearch.stage1 < p.gallery.size / 2) pruned++;
      }
    }
    // Not a timing: the bounds do rule most descriptors out for most queries.
    expect(pruned).toBeGreaterThan(16);
  });

  it('matches on an unstructured (isotropic) gallery, and in other dimensions (not a power of two, below 128)', () => {
    for (const dimension of [1024, 300, 37]) {
      const faces = new SyntheticFaces({ seed: dimension, dimension });
      const p = pair(dimension);
      for (let i = 0; i < 600; i++) p.add(`r${i}`, faces.isotropic());
      for (let i = 0; i < 6; i++) for (const k of [1, 3, 50]) p.check(faces.isotropic(), k);
    }
  });

  it.each(KERNELS)('breaks near-ties exactly like the naive loop (differences far below the quantisation step; %s SIMD)', (simd) => {
    const faces = new SyntheticFaces({ seed: 3 });
    const base = faces.photo(faces.person());
    const p = pair(1024, { exactScanBelow: 0, simd });
    const random = mulberry32(9);
    for (let i = 0; i < 400; i++) {
      // One float32 ulp-scale nudge in one or two values: similarities differ by ~1e-8 or tie exactly.
      const d = Float32Array.from(base);
      const at = Math.floor(random() * d.length);
      d[at] = d[at]! + (random() < 0.5 ? 1 : -1) * 2 ** -26 * Math.floor(random() * 3);
      p.add(`near${i}`, d);
    }
    // And a crowd just around it: similarities 0.95-0.9999, apart by less than the 4-bit bound
    // (and many by less than the int8 one), so only the exact scores can order them.
    for (let i = 0; i < 400; i++) p.add(`close${i}`, faces.jitter(base, 0.0003 + 0.007 * random()));
    for (let i = 0; i < 300; i++) p.add(`other${i}`, faces.photo(faces.person()));
    for (const k of [1, 2, 10, 100, 450, 900]) {
      p.check(base, k);
      p.check(faces.jitter(base, 0.001), k);
    }
  });

  it('orders exact duplicates by enrolment, also after the first is removed and re-enrolled', () => {
    const faces = new SyntheticFaces({ seed: 4 });
    const p = pair(1024);
    const twin = faces.photo(faces.person());
    for (let i = 0; i < 300; i++) p.add(`f${i}`, faces.photo(faces.person()));
    for (const id of ['a', 'b', 'c', 'd']) p.add(id, twin);
    for (let i = 0; i < 300; i++) p.add(`g${i}`, faces.photo(faces.person()));
    expect(p.check(twin, 4).map((m) => m.subjectId)).toEqual(['a', 'b', 'c', 'd']);
    expect(p.remove('a')).toBe(1);
    p.check(twin, 4);
    p.add('a', twin);
    expect(p.check(twin, 4).map((m) => m.subjectId)).toEqual(['b', 'c', 'd', 'a']);
  });

  it('handles the empty gallery, k = 0, k larger than the gallery, and the small-gallery float path', () => {
    const faces = new SyntheticFaces({ seed: 6 });
    const q = faces.isotropic();
    for (const options of [{ exactScanBelow: 0 }, { exactScanBelow: 256 }]) {
      const p = pair(1024, options);
      expect(p.gallery.search(q, 5)).toEqual([]);
      for (let i = 0; i < 40; i++) p.add(`s${i % 15}`, faces.photo(faces.person()));
      expect(p.check(q, 0)).toEqual([]);
      expect(p.check(q, 1000)).toHaveLength(40);
      p.check(q, 40);
      p.check(q, 39);
    }
  });

  it('stays exact after removals (every descriptor of a subject, swapped rows) and further enrolment', () => {
    const faces = new SyntheticFaces({ seed: 7 });
    const p = pair(1024);
    const people = Array.from({ length: 200 }, () => faces.person());
    people.forEach((person, i) => {
      for (let j = 0; j < 3; j++) p.add(`id${i}`, faces.photo(person));
    });
    const random = mulberry32(1);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 30; i++) p.remove(`id${Math.floor(random() * people.length)}`);
      expect(p.remove('nobody')).toBe(0);
      for (let i = 0; i < 20; i++) p.add(`new${round}-${i}`, faces.photo(people[Math.floor(random() * people.length)]!));
      for (let i = 0; i < 5; i++) for (const k of [1, 10]) p.check(faces.photo(people[Math.floor(random() * people.length)]!), k);
    }
    for (let i = 0; i < people.length; i++) p.remove(`id${i}`);
    for (let i = 0; i < 5; i++) p.check(faces.photo(people[i]!), 3);
  });

  it.each(KERNELS)('is exact on adversarial descriptors: spikes, sparse, constant, opposite, zero, unnormalised (%s SIMD)', (simd) => {
    const faces = new SyntheticFaces({ seed: 8 });
    const p = pair(1024, { exactScanBelow: 0, simd });
    const d = 1024;
    const query = faces.photo(faces.person());
    const spike = (at: number, height: number) => unit(Float32Array.from({ length: d }, (_, i) => (i === at ? height : 1e-3 * Math.sin(i))));
    for (let i = 0; i < 100; i++) p.add(`spike${i}`, spike(i * 7, i % 2 ? 1 : -1));
    for (let i = 0; i < 100; i++) p.add(`sparse${i}`, unit(Float32Array.from({ length: d }, (_, j) => (j % 97 === i % 97 ? query[j]! + 0.1 : 0))));
    p.add('constant', unit(new Float32Array(d).fill(1)));
    p.add('opposite', Float32Array.from(query, (v) => -v));
    p.add('zero', new Float32Array(d));
    p.add('scaled', Float32Array.from(query, (v) => 3 * v));
    p.add('tiny', Float32Array.from(query, (v) => 1e-20 * v));
    for (let i = 0; i < 200; i++) p.add(`face${i}`, faces.photo(faces.person()));
    for (const q of [query, Float32Array.from(query, (v) => -v), spike(14, 1), new Float32Array(d), unit(new Float32Array(d).fill(-1)), Float32Array.from(query, (v) => 100 * v)]) {
      for (const k of [1, 7, 600]) p.check(q, k);
    }
    expect(p.gallery.search(query, 1)[0]?.subjectId).toBe('scaled');
  });

  // White box: the stored residual norms are those of the stored codes, and a query aimed along
  // one descriptor's quantisation residual (the worst case of the bound) still finds it, though a
  // crowd of slightly less similar descriptors is estimated above it.
  it.each(KERNELS)('holds its bounds in the worst case: queries along a descriptor’s own quantisation residual (%s SIMD)', (simd) => {
    interface Internals {
      dp: number;
      stride4: number;
      centre: Float64Array;
      signs: Float64Array;
      matrix: Float32Array;
      a8: Float64Array;
      e8: Float64Array;
      k4: QuantKernels;
      k8: QuantKernels;
    }
    const hadamard = (v: Float64Array) => {
      for (let h = 1; h < v.length; h *= 2)
        for (let i = 0; i < v.length; i += 2 * h)
          for (let j = i; j < i + h; j++) [v[j], v[j + h]] = [v[j]! + v[j + h]!, v[j]! - v[j + h]!];
      for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(v.length);
      return v;
    };
    for (const which of ['d4', 'd8'] as const) {
      for (const beta of [1, 4]) {
        const faces = new SyntheticFaces({ seed: 12 });
        const p = pair(1024, { exactScanBelow: 0, simd });
        for (let i = 0; i < 1100; i++) p.add(`f${i}`, faces.photo(faces.person())); // past every re-centring
        const inside = p.gallery as unknown as Internals;
        const { dp, stride4 } = inside;
        const rotated = (x: ArrayLike<number>) => hadamard(Float64Array.from({ length: dp }, (_, i) => (x[i] ?? 0) * inside.signs[i]!));
        const unrotated = (v: Float64Array) => {
          const x = hadamard(Float64Array.from(v));
          return Float32Array.from({ length: 1024 }, (_, i) => x[i]! * inside.signs[i]!);
        };
        /** y = R·x − c of a row, and its residuals after the 4-bit and the int8 codes; checks the stored norms. */
        const residuals = (row: number) => {
          const y = rotated(inside.matrix.subarray(row * 1024, (row + 1) * 1024)).map((v, i) => v - inside.centre[i]!);
          const codes4 = new Uint8Array(inside.k4.memory.buffer, row * stride4, dp / 2);
          const [a4, e4] = new Float64Array(inside.k4.memory.buffer, row * stride4 + dp / 2, 2);
          const codes8 = new Int8Array(inside.k8.memory.buffer, row * dp, dp);
          const d4 = y.map((v, i) => v - a4! * (((codes4[nibbleAt(i).byte]! >> nibbleAt(i).shift) & 15) - 7.5));
          const d8 = y.map((v, i) => v - inside.a8[row]! * codes8[i]!);
          expect(Math.abs(Math.hypot(...d4) - e4!)).toBeLessThan(1e-9);
          expect(Math.abs(Math.hypot(...d8) - inside.e8[row]!)).toBeLessThan(1e-9);
          return { z: y.map((v, i) => v + inside.centre[i]!), d4, d8 };
        };
        if (which === 'd4' && beta === 1) for (let row = 0; row < 1100; row += 97) residuals(row);
        // The query: the target's own direction plus beta × its residual's (its estimate is off by
        // nearly the whole bound).
        const target = 500;
        const { z, [which]: d } = residuals(target);
        const norm = Math.hypot(...d);
        const query = unrotated(z.map((v, i) => v + (beta * d[i]!) / norm));
        // The crowd: the target plus noise orthogonal to the query, so each is a little less similar
        // than the target (by ~s·ν²/2, ν from 0.005 to 0.3) and estimated without that error.
        const x = Float64Array.from(inside.matrix.subarray(target * 1024, (target + 1) * 1024));
        const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
          let sum = 0;
          for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
          return sum;
        };
        const unitQ = Float64Array.from(query, (v) => v / Math.sqrt(dot(query, query)));
        const xq = dot(x, unitQ);
        const xPerp = x.map((v, j) => v - xq * unitQ[j]!);
        const unitX = xPerp.map((v) => v / Math.sqrt(dot(xPerp, xPerp)));
        const random = mulberry32(3);
        for (let i = 0; i < 150; i++) {
          // Noise orthogonal to the query and to the target: ‖x + s·n‖ = √(‖x‖² + s²), q·(x + s·n) = q·x.
          const g = Float64Array.from({ length: 1024 }, () => faces.gaussian());
          const [gq, gx] = [dot(g, unitQ), dot(g, unitX)];
          const noise = g.map((v, j) => v - gq * unitQ[j]! - gx * unitX[j]!);
          const size = 0.005 + 0.3 * random() ** 2;
          const scale = size / Math.sqrt(dot(noise, noise));
          const norm = Math.sqrt(dot(x, x) + size * size);
          p.add(`crowd${i}`, Float32Array.from(x, (v, j) => (v + scale * noise[j]!) / norm));
        }
        for (const k of [1, 3]) p.check(query, k);
        expect(p.gallery.search(query, 1)[0]?.subjectId).toBe(`f${target}`);
      }
    }
  });

  it('rejects descriptors and queries of the wrong length or with non-finite values', () => {
    const gallery = new FaceGallery(8);
    expect(() => gallery.add('x', new Float32Array(7))).toThrow(RangeError);
    expect(() => gallery.add('x', Float32Array.from([1, 0, 0, 0, 0, 0, 0, NaN]))).toThrow(RangeError);
    expect(() => gallery.search(new Float32Array(9))).toThrow(RangeError);
    expect(() => gallery.search(Float32Array.from([Infinity, 0, 0, 0, 0, 0, 0, 0]))).toThrow(RangeError);
    expect(gallery.size).toBe(0);
  });
});

describe('QuantKernels', () => {
  it('has relaxed SIMD here (flag on), and FaceGallery picks it by default', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(new FaceGallery(8).simd).toBe('relaxed');
    expect(new FaceGallery(8, 1, { simd: 'standard' }).simd).toBe('standard');
  });

  it('scan4 (both variants) gives the exact dot and its bounds; scan8 equals an integer loop; no int32 overflow at the extremes', () => {
    const kernels = new QuantKernels(1 << 20);
    const codeBytes = 512;
    const stride = codeBytes + 16;
    const dims = 2 * codeBytes;
    const rows = 6;
    const random = mulberry32(2);
    const mem = () => kernels.memory.buffer;
    const bytes = new Uint8Array(mem(), 0, rows * stride);
    const params: Array<[number, number]> = [];
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < codeBytes; i++) bytes[r * stride + i] = r === 0 ? 0xff : Math.floor(random() * 256); // row 0: every code 15
      params.push([0.01 + random() * 0.01, random() * 0.1]);
      new Float64Array(mem(), r * stride + codeBytes, 2).set(params[r]!);
    }
    const limit4 = int16QueryLimit(dims, 15);
    const values = Array.from({ length: dims }, (_, i) => (i % 5 === 0 ? 1 : 2 * random() - 1));
    const scalars = { qc: 0.3, b: 1e-4, offset: 12345, qNorm: 0.9, c1: 1e-7 };
    for (const relaxed of [false, true]) {
      const limit = relaxed ? 127 : limit4;
      const query = Array.from(values, (v) => Math.round(v * limit));
      const queryAt = 65536;
      if (relaxed) {
        const q8 = new Int8Array(mem(), queryAt, dims);
        query.forEach((v, i) => (q8[relaxedQueryAt(i)] = v));
      } else new Int16Array(mem(), queryAt, dims).set(query);
      kernels.scan4(0, rows, stride, queryAt, 70000, scalars.qc, scalars.b, scalars.offset, scalars.qNorm, scalars.c1, relaxed);
      const out = new Float64Array(mem(), 70000, 2 * rows);
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        for (let i = 0; i < dims; i++) {
          const { byte, shift } = nibbleAt(i);
          dot += query[i]! * ((bytes[r * stride + byte]! >> shift) & 15);
        }
        const [a, e] = params[r]!;
        const estimate = scalars.qc + a * scalars.b * (dot - scalars.offset);
        expect(out[2 * r]).toBe(estimate);
        expect(out[2 * r + 1]).toBe(estimate + scalars.qNorm * e + scalars.c1);
      }
    }
    // Every nibble position and every relaxed query byte is used exactly once.
    expect(new Set(Array.from({ length: dims }, (_, i) => `${nibbleAt(i).byte}:${nibbleAt(i).shift}`)).size).toBe(dims);
    expect(new Set(Array.from({ length: dims }, (_, i) => relaxedQueryAt(i))).size).toBe(dims);
    // int8 rows × int16 query at the limit: every product 127 × limit (or its negative).
    const limit = int16QueryLimit(dims);
    const codes8 = new Int8Array(mem(), 131072, rows * dims);
    codes8.forEach((_, i) => (codes8[i] = Math.floor(random() * 255) - 127));
    codes8.fill(127, 0, dims);
    codes8.fill(-127, dims, 2 * dims);
    const q16At = 262144;
    const q16 = new Int16Array(mem(), q16At, dims).fill(limit);
    const listAt = 300000;
    new Int32Array(mem(), listAt, 4).set([0, 1, 5, 2]);
    kernels.scan8(131072, dims, listAt, 4, q16At, 300100);
    const out8 = new Int32Array(mem(), 300100, 4);
    [0, 1, 5, 2].forEach((row, i) => {
      let want = 0;
      for (let j = 0; j < dims; j++) want += codes8[row * dims + j]! * q16[j]!;
      expect(out8[i]).toBe(want);
    });
    expect(out8[0]).toBe(127 * limit * dims);
  });
});
