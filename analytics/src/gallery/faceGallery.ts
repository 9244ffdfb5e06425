/**
 * The gallery of enrolled descriptors and its exact 1:N search: every descriptor (L2-normalised,
 * 1024 floats) in one contiguous Float32Array, scored against the query by dot product (cosine
 * similarity), the best `k` kept with a small sorted list. Exact: no approximation, so its
 * top-1 is the reference that a faster index must reproduce.
 */
export interface GalleryMatch {
  /** The enrolled subject (e.g. a supervised person's id). */
  subjectId: string;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

export class FaceGallery {
  private matrix: Float32Array;
  private readonly subjects: string[] = [];
  private count = 0;

  /** @param dimension descriptor length (1024 for Human's faceres) */
  constructor(readonly dimension: number, initialCapacity = 1024) {
    this.matrix = new Float32Array(dimension * Math.max(1, initialCapacity));
  }

  /** Descriptors held. */
  get size(): number {
    return this.count;
  }

  /**
   * Add one L2-normalised descriptor of `subjectId` (a person may have several).
   * @throws RangeError when its length is not {@link dimension}
   */
  add(subjectId: string, descriptor: Float32Array): void {
    if (descriptor.length !== this.dimension) throw new RangeError(`descriptor of ${descriptor.length} values, gallery of ${this.dimension}`);
    if ((this.count + 1) * this.dimension > this.matrix.length) {
      const grown = new Float32Array(this.matrix.length * 2);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.matrix.set(descriptor, this.count * this.dimension);
    this.subjects.push(subjectId);
    this.count++;
  }

  /** Remove every descriptor of `subjectId` (retention, un-enrolment). @returns how many */
  remove(subjectId: string): number {
    let kept = 0;
    for (let row = 0; row < this.count; row++) {
      if (this.subjects[row] === subjectId) continue;
      if (kept !== row) {
        this.matrix.copyWithin(kept * this.dimension, row * this.dimension, (row + 1) * this.dimension);
        this.subjects[kept] = this.subjects[row]!;
      }
      kept++;
    }
    const removed = this.count - kept;
    this.subjects.length = kept;
    this.count = kept;
    return removed;
  }

  /**
   * The `k` best descriptors for `query` (L2-normalised), best first; a subject may appear more than once.
   * @throws RangeError when the query's length is not {@link dimension}
   */
  search(query: Float32Array, k = 1): GalleryMatch[] {
    if (query.length !== this.dimension) throw new RangeError(`query of ${query.length} values, gallery of ${this.dimension}`);
    const d = this.dimension;
    const m = this.matrix;
    const bestScores: number[] = [];
    const bestRows: number[] = [];
    for (let row = 0, at = 0; row < this.count; row++, at += d) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += m[at + j]! * query[j]!;
        s1 += m[at + j + 1]! * query[j + 1]!;
        s2 += m[at + j + 2]! * query[j + 2]!;
        s3 += m[at + j + 3]! * query[j + 3]!;
      }
      for (; j < d; j++) s0 += m[at + j]! * query[j]!;
      const score = s0 + s1 + s2 + s3;
      if (bestScores.length === k && score <= bestScores[k - 1]!) continue;
      let i = bestScores.length === k ? k - 1 : bestScores.length;
      while (i > 0 && bestScores[i - 1]! < score) {
        bestScores[i] = bestScores[i - 1]!;
        bestRows[i] = bestRows[i - 1]!;
        i--;
      }
      bestScores[i] = score;
      bestRows[i] = row;
      if (bestScores.length > k) {
        bestScores.length = k;
        bestRows.length = k;
      }
    }
    return bestRows.map((row, i) => ({ subjectId: this.subjects[row]!, similarity: bestScores[i]! }));
  }
}
