/**
 * The gallery of enrolled descriptors and its exact 1:N search.
 *
 * Every descriptor (Human's faceres: 1024 float32, L2-normalised) is kept as given in one
 * contiguous Float32Array, and the similarity reported for a match is its dot product with the
 * query computed from those floats ({@link dotExact}: float64 sums, the arithmetic of a naive
 * loop). Search is exact: always the same top-k as scoring every descriptor, never an
 * approximation. Most descriptors are ruled out by integer scans whose error is bounded per
 * descriptor (proved, not estimated):
 *
 * 1. On add, a descriptor x (zero-padded to Dp, a power of two ≥ 128) is rotated by a fixed
 *    orthogonal R (random signs, then a normalised Walsh-Hadamard transform: every coordinate
 *    becomes a mix of all, so values look Gaussian and quantise well) and centred on c (the
 *    rotated mean of the gallery when it reached 64 and 1024 descriptors): y = R·x − c.
 *    Dot products survive: q·x = q'·c + q'·y with q' = R·q. y is quantised twice with a scale
 *    of its own: 4-bit codes (y ≈ a4·(u − 7.5), u ∈ 0..15; Dp/2 bytes) and int8 codes
 *    (y ≈ a8·v, v ∈ −127..127; Dp bytes), each with its exact residual norm ‖y − a4·(u − 7.5)‖,
 *    ‖y − a8·v‖.
 * 2. The query is rotated the same way and quantised (int16, or int8 for relaxed SIMD; and int16
 *    for stage 2), keeping its own residual norm ‖δq‖.
 * 3. Stage 1 (WebAssembly SIMD, {@link QuantKernels}) estimates every descriptor's similarity
 *    from its 4-bit codes, with an upper bound by Cauchy-Schwarz: |q·x − estimate| ≤
 *    ‖q'‖·‖δy‖ + a4·‖u − 7.5‖·‖δq‖ (+ 1e-9 relative slack for float rounding).
 * 4. The k best estimates are scored exactly; the k-th best of those similarities, τ, is at most
 *    the true k-th best, so a descriptor whose bound is under τ cannot be in the top k.
 * 5. Stage 2 re-estimates the survivors from their int8 codes (bound ~15× tighter); those still
 *    reaching τ are scored exactly and sorted.
 *
 * Speed depends on how far apart the best similarities are from the rest (the 4-bit bound is
 * ±0.05-0.1): on faceres-like galleries of 100k, stage 1 leaves a few to ~1500 descriptors for
 * real queries; a query like no face (uniformly random) leaves ~20-30%. bench/analytics has the
 * numbers (about 11-14 ms at 100k on one core of the CI machine, vs ~220 ms for the naive loop).
 *
 * Ties in similarity are broken by enrolment order (earlier first), as a naive loop over the
 * descriptors in enrolment order would. Memory a descriptor: 4 B × dimension (floats) +
 * Dp/2 + 16 (4-bit codes, scale, residual) + Dp (int8 codes) + 24 bytes: 5.7 KB for faceres,
 * 570 MB for 100k.
 */
import { mulberry32 } from '@argus/shared';
import { int16QueryLimit, QuantKernels, relaxedQueryAt } from './quantKernels.js';

export interface GalleryMatch {
  /** The enrolled subject (e.g. a supervised person's id). */
  subjectId: string;
  /** Cosine similarity, -1..1 (the dot product of the query with the enrolled descriptor). */
  similarity: number;
}

/** Which WebAssembly SIMD runs the 4-bit scan (both give the same result). */
export type GallerySimd = 'standard' | 'relaxed';

export interface FaceGalleryOptions {
  /** Galleries smaller than this are searched with a plain float loop (default 256 descriptors). */
  exactScanBelow?: number;
  /** 4-bit scan kernel: 'auto' (default) takes relaxed SIMD where the runtime has it (Node ≥ 22; Node 20 only with --experimental-wasm-relaxed-simd). */
  simd?: GallerySimd | 'auto';
}

/** How the last {@link FaceGallery.search} went: descriptors left after each stage. */
export interface GallerySearchStats {
  /** Descriptors in the gallery. */
  rows: number;
  /** Descriptors whose 4-bit upper bound reached τ (scored again from int8 codes). */
  stage1: number;
  /** Descriptors whose int8 upper bound reached τ (scored exactly). */
  stage2: number;
  /** Descriptors scored exactly in float (including the k used to set τ). */
  exact: number;
  /** Milliseconds in: query rotation and quantisation; the 4-bit scan; its bounds and τ; the int8 scan and its bounds; exact scoring and sorting. */
  ms: { query: number; scan4: number; bounds: number; scan8: number; exact: number };
}

/** The float loop every similarity comes from (float64 sums of float32 products, four lanes). */
export function dotExact(matrix: Float32Array, at: number, query: Float32Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    s0 += matrix[at + j]! * query[j]!;
    s1 += matrix[at + j + 1]! * query[j + 1]!;
    s2 += matrix[at + j + 2]! * query[j + 2]!;
    s3 += matrix[at + j + 3]! * query[j + 3]!;
  }
  for (; j < d; j++) s0 += matrix[at + j]! * query[j]!;
  return s0 + s1 + s2 + s3;
}

/** Relative float slack added to every bound (covers float64 rounding in rotation and sums). */
const SLACK = 1e-9;
/** Gallery sizes at which the centre c is recomputed and every descriptor re-quantised. */
const RECENTRE_AT = new Set([64, 1024]);

export class FaceGallery {
  /** Padded, rotated dimension: a power of two ≥ max(dimension, 128). */
  private readonly dp: number;
  private readonly signs: Float64Array;
  private readonly centre: Float64Array;
  private centreNorm = 0;
  private readonly exactScanBelow: number;
  private capacity: number;
  private matrix: Float32Array;
  private readonly subjects: string[] = [];
  /** Enrolment sequence number of each row (tie-break). */
  private seq: Float64Array;
  private nextSeq = 0;
  /** Bytes a 4-bit row takes in the stage-1 memory: dp/2 codes, then float64 a4 and ‖y − a4·w‖. */
  private readonly stride4: number;
  private kernel: GallerySimd;
  /** Per row: int8 scale and residual norm ‖y − a8·v‖. */
  private a8: Float64Array;
  private e8: Float64Array;
  private count = 0;
  private readonly k4 = new QuantKernels();
  private readonly k8 = new QuantKernels();
  private readonly work: Float64Array;
  /** Largest a4·‖w‖, a8·‖v‖ and ‖x‖ of any row encoded since the last re-centring (upper bounds). */
  private maxN4 = 0;
  private maxN8 = 0;
  private maxXn = 0;
  private stats: GallerySearchStats = { rows: 0, stage1: 0, stage2: 0, exact: 0, ms: { query: 0, scan4: 0, bounds: 0, scan8: 0, exact: 0 } };

  /**
   * @param dimension descriptor length (1024 for Human's faceres)
   * @param initialCapacity descriptors to make room for up front (grows by doubling)
   */
  constructor(readonly dimension: number, initialCapacity = 1024, options: FaceGalleryOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`dimension ${dimension}`);
    this.dp = Math.max(128, 2 ** Math.ceil(Math.log2(dimension)));
    const random = mulberry32(0x5eed1024);
    this.signs = Float64Array.from({ length: this.dp }, () => (random() < 0.5 ? -1 : 1));
    this.centre = new Float64Array(this.dp);
    this.work = new Float64Array(this.dp);
    this.exactScanBelow = options.exactScanBelow ?? 256;
    this.capacity = Math.max(1, initialCapacity);
    this.matrix = new Float32Array(dimension * this.capacity);
    this.seq = new Float64Array(this.capacity);
    this.a8 = new Float64Array(this.capacity);
    this.e8 = new Float64Array(this.capacity);
    this.stride4 = this.dp / 2 + 16;
    this.k4.ensure(this.capacity * this.stride4);
    this.k8.ensure(this.capacity * this.dp);
    const simd = options.simd ?? 'auto';
    this.kernel = simd === 'auto' ? (this.k4.hasRelaxed ? 'relaxed' : 'standard') : simd;
    this.simd = this.kernel;
  }

  /** The 4-bit scan kernel in use. @throws Error when set to 'relaxed' where the runtime lacks it */
  get simd(): GallerySimd {
    return this.kernel;
  }

  set simd(kernel: GallerySimd) {
    if (kernel === 'relaxed' && !this.k4.hasRelaxed) throw new Error('relaxed SIMD is not available in this runtime');
    this.kernel = kernel;
  }

  /** Descriptors held. */
  get size(): number {
    return this.count;
  }

  /** Stage counts of the last search (diagnostics for benches). */
  get lastSearch(): GallerySearchStats {
    return { ...this.stats, ms: { ...this.stats.ms } };
  }

  /**
   * Add one L2-normalised descriptor of `subjectId` (a person may have several). Cost: O(dimension)
   * (rotation, two quantisations: ~0.1 ms for faceres), except when the gallery reaches 64 and
   * 1024 descriptors, where every descriptor is re-quantised around a new centre (~0.15 s at
   * 1024, once).
   * @throws RangeError when its length is not {@link dimension} or a value is not finite
   */
  add(subjectId: string, descriptor: Float32Array): void {
    if (descriptor.length !== this.dimension) throw new RangeError(`descriptor of ${descriptor.length} values, gallery of ${this.dimension}`);
    for (let i = 0; i < descriptor.length; i++) if (!Number.isFinite(descriptor[i]!)) throw new RangeError(`descriptor value ${i} is not finite`);
    if (this.count === this.capacity) this.grow();
    const row = this.count++;
    this.matrix.set(descriptor, row * this.dimension);
    this.subjects[row] = subjectId;
    this.seq[row] = this.nextSeq++;
    if (RECENTRE_AT.has(this.count)) this.recentre();
    else this.encode(row);
  }

  /** Remove every descriptor of `subjectId` (retention, un-enrolment). O(size) to find them, O(dimension) each. @returns how many */
  remove(subjectId: string): number {
    let removed = 0;
    for (let row = this.count - 1; row >= 0; row--) {
      if (this.subjects[row] !== subjectId) continue;
      this.moveRow(this.count - 1, row);
      this.subjects.length = --this.count;
      removed++;
    }
    return removed;
  }

  /**
   * The `k` best descriptors for `query` (L2-normalised), best first (ties: earlier enrolment
   * first); a subject may appear more than once. Exactly the result of scoring every descriptor.
   * @param query `dimension` floats
   * @param k matches wanted (fewer when the gallery is smaller)
   * @throws RangeError when the query's length is not {@link dimension} or a value is not finite
   */
  search(query: Float32Array, k = 1): GalleryMatch[] {
    if (query.length !== this.dimension) throw new RangeError(`query of ${query.length} values, gallery of ${this.dimension}`);
    for (let i = 0; i < query.length; i++) if (!Number.isFinite(query[i]!)) throw new RangeError(`query value ${i} is not finite`);
    const n = this.count;
    k = Math.min(Math.floor(k), n);
    this.stats = { rows: n, stage1: n, stage2: n, exact: n, ms: { query: 0, scan4: 0, bounds: 0, scan8: 0, exact: 0 } };
    if (k <= 0) return [];
    if (n < this.exactScanBelow) {
      const rows = Array.from({ length: n }, (_, row) => row);
      return this.best(rows, this.scoreExact(rows, query), k);
    }
    return this.searchQuantised(query, k);
  }

  private searchQuantised(query: Float32Array, k: number): GalleryMatch[] {
    const n = this.count;
    const dp = this.dp;
    const t0 = performance.now();
    // The query, rotated (q') and quantised for stage 1 (int16, or int8 for relaxed SIMD) and stage 2 (int16).
    const q = this.rotate(query, 0, new Float64Array(dp));
    let qNorm2 = 0;
    let qMax = 0;
    let qc = 0;
    for (let i = 0; i < dp; i++) {
      qNorm2 += q[i]! * q[i]!;
      qMax = Math.max(qMax, Math.abs(q[i]!));
      qc += q[i]! * this.centre[i]!;
    }
    const qNorm = Math.sqrt(qNorm2);
    const relaxed = this.kernel === 'relaxed';
    const b1 = qMax / (relaxed ? 127 : int16QueryLimit(dp, 15)) || 1;
    const b2 = qMax / int16QueryLimit(dp, 127) || 1;
    const q1At = this.capacity * this.stride4;
    const out1At = q1At + 2 * dp;
    this.k4.ensure(out1At + 16 * n + 64);
    const q1 = relaxed ? new Int8Array(this.k4.memory.buffer, q1At, dp) : new Int16Array(this.k4.memory.buffer, q1At, dp);
    const codes8Bytes = this.capacity * dp;
    const q2At = codes8Bytes;
    const listAt = q2At + 2 * dp;
    const out2At = listAt + 4 * n;
    this.k8.ensure(out2At + 4 * n + 64);
    const q2 = new Int16Array(this.k8.memory.buffer, q2At, dp);
    let dq1 = 0;
    let dq2 = 0;
    let sum1 = 0;
    for (let i = 0; i < dp; i++) {
      const v1 = Math.round(q[i]! / b1);
      const v2 = Math.round(q[i]! / b2);
      q1[relaxed ? relaxedQueryAt(i) : i] = v1;
      q2[i] = v2;
      sum1 += v1;
      dq1 += (q[i]! - b1 * v1) * (q[i]! - b1 * v1);
      dq2 += (q[i]! - b2 * v2) * (q[i]! - b2 * v2);
    }
    dq1 = Math.sqrt(dq1);
    dq2 = Math.sqrt(dq2);
    const slack = SLACK * qNorm;

    // Query-wide bound terms: the query's quantisation error against the largest a·‖w‖, and the
    // float slack against the largest ‖x‖ (maxima only grow, so they stay upper bounds).
    const floatSlack = slack * (this.maxXn + this.centreNorm + 1);
    const c1 = dq1 * this.maxN4 + floatSlack;
    const c2 = dq2 * this.maxN8 + floatSlack;

    // Stage 1: every row's estimate from its 4-bit codes, and its upper bound UB (in the kernel).
    // τ is the k-th best exact similarity of the k best estimates (≤ the true k-th best): rows
    // with UB < τ cannot be in the top k.
    const t1 = performance.now();
    this.k4.scan4(0, n, this.stride4, q1At, out1At, qc, b1, 7.5 * sum1, qNorm, c1, relaxed);
    const t2 = performance.now();
    const pairs = new Float64Array(this.k4.memory.buffer, out1At, 2 * n);
    const heapValue = new Float64Array(k);
    const heapRow = new Int32Array(k);
    bestEstimates(pairs, n, heapValue, heapRow);
    const seeds = Array.from(heapRow);
    const tau = this.scoreExact(seeds, query).sort((x, y) => y - x)[k - 1]!;
    const list = new Int32Array(this.k8.memory.buffer, listAt, n);
    const m = reaching(pairs, n, tau, list);

    // Stage 2: the survivors from their int8 codes; those whose bound still reaches τ are finalists.
    const t3 = performance.now();
    this.k8.scan8(0, dp, listAt, m, q2At, out2At);
    const dots2 = new Int32Array(this.k8.memory.buffer, out2At, m);
    const finalists: number[] = [];
    const a8 = this.a8;
    const e8 = this.e8;
    for (let i = 0; i < m; i++) {
      const row = list[i]!;
      if (qc + a8[row]! * b2 * dots2[i]! + qNorm * e8[row]! + c2 >= tau) finalists.push(row);
    }
    const t4 = performance.now();
    const scores = this.scoreExact(finalists, query);
    const matches = this.best(finalists, scores, k);
    const t5 = performance.now();
    this.stats = { rows: n, stage1: m, stage2: finalists.length, exact: finalists.length + seeds.length, ms: { query: t1 - t0, scan4: t2 - t1, bounds: t3 - t2, scan8: t4 - t3, exact: t5 - t4 } };
    return matches;
  }

  /** Exact similarities of `rows` with `query`. */
  private scoreExact(rows: readonly number[], query: Float32Array): number[] {
    const d = this.dimension;
    return rows.map((row) => dotExact(this.matrix, row * d, query, d));
  }

  /** The `k` best of `rows` by score, ties by enrolment order. */
  private best(rows: readonly number[], scores: readonly number[], k: number): GalleryMatch[] {
    const order = rows.map((_, i) => i);
    order.sort((i, j) => scores[j]! - scores[i]! || this.seq[rows[i]!]! - this.seq[rows[j]!]!);
    return order.slice(0, k).map((i) => ({ subjectId: this.subjects[rows[i]!]!, similarity: scores[i]! }));
  }

  /** R·x for row `at` of `source` (zero-padded to dp): signs, Walsh-Hadamard, 1/√dp. */
  private rotate(source: Float32Array, at: number, out: Float64Array): Float64Array {
    const d = this.dimension;
    const dp = this.dp;
    for (let i = 0; i < d; i++) out[i] = source[at + i]! * this.signs[i]!;
    out.fill(0, d);
    for (let h = 1; h < dp; h *= 2) {
      for (let i = 0; i < dp; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const a = out[j]!;
          const b = out[j + h]!;
          out[j] = a + b;
          out[j + h] = a - b;
        }
      }
    }
    const scale = 1 / Math.sqrt(dp);
    for (let i = 0; i < dp; i++) out[i]! *= scale;
    return out;
  }

  /** Quantise row `row` (rotated, centred) into both code matrices and its bound terms. */
  private encode(row: number): void {
    const d = this.dimension;
    const dp = this.dp;
    const matrix = this.matrix;
    const centre = this.centre;
    const y = this.rotate(matrix, row * d, this.work);
    let norm = 0;
    for (let i = 0, at = row * d; i < d; i++) norm += matrix[at + i]! * matrix[at + i]!;
    this.maxXn = Math.max(this.maxXn, Math.sqrt(norm));
    let max = 0;
    for (let i = 0; i < dp; i++) {
      const v = y[i]! - centre[i]!;
      y[i] = v;
      if (Math.abs(v) > max) max = Math.abs(v);
    }
    // 4-bit: u = clamp(round(y/a + 7.5), 0, 15), y ≈ a·(u − 7.5), with the scale of least residual.
    const a4 = bestScale(y, max / 7.5, 7.5, 15, [0.6, 0.75, 0.9]);
    const inv4 = a4 > 0 ? 1 / a4 : 0;
    const codes4 = new Uint8Array(this.k4.memory.buffer, row * this.stride4, dp / 2);
    let e4 = 0;
    let w4 = 0;
    for (let i = 0; i < dp; i++) {
      const u = Math.min(15, Math.max(0, Math.round(y[i]! * inv4 + 7.5)));
      const w = u - 7.5;
      const r = y[i]! - a4 * w;
      e4 += r * r;
      w4 += w * w;
      // nibbleAt(i) of quantKernels, inlined: lane i & 7 of chunk i >> 5, nibble group (i >> 3) & 3.
      const group = (i >> 3) & 3;
      const byte = 16 * (i >> 5) + 2 * (i & 7) + (group >> 1);
      codes4[byte] = (group & 1) === 0 ? (codes4[byte]! & 0xf0) | u : (codes4[byte]! & 0x0f) | (u << 4);
    }
    new Float64Array(this.k4.memory.buffer, row * this.stride4 + dp / 2, 2).set([a4, Math.sqrt(e4)]);
    this.maxN4 = Math.max(this.maxN4, a4 * Math.sqrt(w4));
    // int8: v = clamp(round(y/a), −127, 127), y ≈ a·v.
    const a8 = max / 127;
    const inv8 = a8 > 0 ? 1 / a8 : 0;
    const codes8 = new Int8Array(this.k8.memory.buffer, row * dp, dp);
    let e8 = 0;
    let w8 = 0;
    for (let i = 0; i < dp; i++) {
      const v = Math.min(127, Math.max(-127, Math.round(y[i]! * inv8)));
      codes8[i] = v;
      const r = y[i]! - a8 * v;
      e8 += r * r;
      w8 += v * v;
    }
    this.a8[row] = a8;
    this.e8[row] = Math.sqrt(e8);
    this.maxN8 = Math.max(this.maxN8, a8 * Math.sqrt(w8));
  }

  /** c = the rotated mean of every descriptor held; every row re-quantised around it. */
  private recentre(): void {
    const sum = new Float64Array(this.dp);
    for (let row = 0; row < this.count; row++) {
      const z = this.rotate(this.matrix, row * this.dimension, this.work);
      for (let i = 0; i < this.dp; i++) sum[i]! += z[i]!;
    }
    let norm = 0;
    for (let i = 0; i < this.dp; i++) {
      this.centre[i] = sum[i]! / this.count;
      norm += this.centre[i]! * this.centre[i]!;
    }
    this.centreNorm = Math.sqrt(norm);
    this.maxN4 = this.maxN8 = this.maxXn = 0;
    for (let row = 0; row < this.count; row++) this.encode(row);
  }

  /** Copy row `from` over row `to` (everything a row has). */
  private moveRow(from: number, to: number): void {
    if (from === to) return;
    const d = this.dimension;
    const dp = this.dp;
    this.matrix.copyWithin(to * d, from * d, (from + 1) * d);
    this.subjects[to] = this.subjects[from]!;
    for (const column of [this.seq, this.a8, this.e8]) column[to] = column[from]!;
    new Uint8Array(this.k4.memory.buffer).copyWithin(to * this.stride4, from * this.stride4, (from + 1) * this.stride4);
    new Uint8Array(this.k8.memory.buffer).copyWithin(to * dp, from * dp, (from + 1) * dp);
  }

  /** Double the capacity (code memories grow in place; float columns are copied). */
  private grow(): void {
    const capacity = this.capacity * 2;
    const widen = <T extends Float32Array | Float64Array>(old: T, make: (length: number) => T, per = 1): T => {
      const grown = make(capacity * per);
      grown.set(old);
      return grown;
    };
    this.matrix = widen(this.matrix, (l) => new Float32Array(l), this.dimension);
    const f64 = (l: number) => new Float64Array(l);
    this.seq = widen(this.seq, f64);
    this.a8 = widen(this.a8, f64);
    this.e8 = widen(this.e8, f64);
    // Codes stay at offset 0: the scratch regions after them move, which needs no copy.
    this.k4.ensure(capacity * this.stride4);
    this.k8.ensure(capacity * this.dp);
    this.capacity = capacity;
  }
}

/** The rows of the k = `heapValue.length` best estimates (even entries of `pairs`), into a min-heap. */
function bestEstimates(pairs: Float64Array, n: number, heapValue: Float64Array, heapRow: Int32Array): void {
  const k = heapValue.length;
  let size = 0;
  /** The k-th best estimate so far (−∞ until there are k). */
  let kth = -Infinity;
  for (let row = 0; row < n; row++) {
    const estimate = pairs[2 * row]!;
    if (estimate <= kth) continue;
    if (size < k) heapPush(heapValue, heapRow, size++, estimate, row);
    else heapReplaceTop(heapValue, heapRow, size, estimate, row);
    if (size === k) kth = heapValue[0]!;
  }
}

/** The rows whose upper bound (odd entries of `pairs`) reaches `tau`, into `list`. @returns how many */
function reaching(pairs: Float64Array, n: number, tau: number, list: Int32Array): number {
  let m = 0;
  for (let row = 0; row < n; row++) if (pairs[2 * row + 1]! >= tau) list[m++] = row;
  return m;
}

/**
 * The scale a = t × `base` (t from `fractions`) whose codes u = clamp(round(y/a + offset), 0, top)
 * leave the least residual ‖y − a·(u − offset)‖; 0 when `base` is 0 (y = 0).
 */
function bestScale(y: Float64Array, base: number, offset: number, top: number, fractions: readonly number[]): number {
  if (!(base > 0)) return 0;
  let best = 0;
  let bestError = Infinity;
  for (const t of fractions) {
    const a = t * base;
    const inv = 1 / a;
    let error = 0;
    for (let i = 0; i < y.length; i++) {
      const x = Math.round(y[i]! * inv + offset);
      const u = x < 0 ? 0 : x > top ? top : x;
      const r = y[i]! - a * (u - offset);
      error += r * r;
    }
    if (error < bestError) {
      bestError = error;
      best = a;
    }
  }
  return best;
}

/** Min-heap (by value) of `size` entries in parallel arrays: push one. */
function heapPush(values: Float64Array, rows: Int32Array, size: number, value: number, row: number): void {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (values[parent]! <= value) break;
    values[i] = values[parent]!;
    rows[i] = rows[parent]!;
    i = parent;
  }
  values[i] = value;
  rows[i] = row;
}

/** Replace the smallest entry of a full min-heap with (value, row). */
function heapReplaceTop(values: Float64Array, rows: Int32Array, size: number, value: number, row: number): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && values[right]! < values[left]! ? right : left;
    if (values[child]! >= value) break;
    values[i] = values[child]!;
    rows[i] = rows[child]!;
    i = child;
  }
  values[i] = value;
  rows[i] = row;
}
