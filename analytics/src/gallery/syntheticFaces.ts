/**
 * Synthetic face descriptors shaped like Human's faceres (1024-d, L2-normalised), for benches and
 * tests of the 1:N search at sizes no photo set reaches. Not for matching real people.
 *
 * Model, fitted to 178 faceres descriptors of 41 people from the project's photo set (impostor
 * cosine 0.374 ± 0.073, p99 0.563; genuine 0.648 ± 0.110; mean descriptor norm 0.62). With the
 * defaults it gives impostors 0.372 ± 0.089 (p99 0.559) and genuine pairs 0.649 ± 0.114:
 *
 *   descriptor = normalise(μ + s_person + v · n_photo)
 *
 * - μ: the population mean, ‖μ‖² = 0.374 of the energy (every face looks alike in this
 *   direction: why impostors sit at ~0.37, not 0);
 * - s_person ~ N(0, Σ): the person, energy 0.274; n_photo ~ N(0, Σ): pose, light, expression,
 *   energy 0.352 scaled by v ~ U(0.4, 1.6) per photo (some photos are worse);
 * - Σ = M·diag(λ)·Mᵀ with λ_i ∝ i^-0.8 (a few strong directions, a long tail: effective
 *   dimension ~100, as faceres' impostor spread implies), M a fixed dense orthogonal mix (two
 *   rounds of random signs, Walsh-Hadamard and a permutation), so no coordinate is special.
 *
 * Deterministic for a seed.
 */
import { mulberry32 } from '@argus/shared';
import { l2Normalise } from '@argus/shared';

export interface SyntheticFaceOptions {
  /** Seed of every random draw (default 1). */
  seed?: number;
  /** Descriptor length (default 1024). */
  dimension?: number;
  /** Direction of the population mean, e.g. the mean of real descriptors (random when absent); its length is ignored. */
  meanDirection?: ArrayLike<number>;
  /** Share of energy in the population mean (default 0.374). */
  meanShare?: number;
  /** Share of energy in the person (default 0.274). */
  personShare?: number;
  /** Share of energy in the photo (default 0.352). */
  photoShare?: number;
  /** Spectrum decay: variance of principal direction i ∝ i^-decay (default 0.8). */
  decay?: number;
}

export class SyntheticFaces {
  readonly dimension: number;
  private readonly random: () => number;
  private readonly size: number;
  private readonly mean: Float64Array;
  private readonly spread: Float64Array;
  private readonly photoScale: number;
  private readonly mix: Array<{ signs: Float64Array; permutation: Int32Array }>;

  constructor(options: SyntheticFaceOptions = {}) {
    this.dimension = options.dimension ?? 1024;
    this.random = mulberry32(options.seed ?? 1);
    this.size = 2 ** Math.ceil(Math.log2(this.dimension));
    const decay = options.decay ?? 0.8;
    const personShare = options.personShare ?? 0.274;
    this.photoScale = Math.sqrt((options.photoShare ?? 0.352) / personShare);
    const lambda = Array.from({ length: this.size }, (_, i) => (i + 1) ** -decay);
    const total = lambda.reduce((s, v) => s + v, 0);
    this.spread = Float64Array.from(lambda, (v) => Math.sqrt((v / total) * personShare));
    this.mix = [0, 1].map(() => ({
      signs: Float64Array.from({ length: this.size }, () => (this.random() < 0.5 ? -1 : 1)),
      permutation: this.permutation(),
    }));
    const direction = options.meanDirection ? Float64Array.from({ length: this.dimension }, (_, i) => options.meanDirection![i] ?? 0) : Float64Array.from({ length: this.dimension }, () => this.gaussian());
    const norm = Math.hypot(...direction) || 1;
    const meanNorm = Math.sqrt(options.meanShare ?? 0.374);
    this.mean = Float64Array.from(direction, (v) => (v / norm) * meanNorm);
  }

  /** A new person: μ + s_person (unnormalised, `dimension` values); draw photos of them with {@link photo}. */
  person(): Float64Array {
    const s = this.correlated(1);
    for (let i = 0; i < this.dimension; i++) s[i]! += this.mean[i]!;
    return s;
  }

  /** One photo's descriptor of `person` (L2-normalised). @param quality photo noise scale (default: drawn from U(0.4, 1.6)) */
  photo(person: Float64Array, quality = 0.4 + 1.2 * this.random()): Float32Array {
    const n = this.correlated(quality * this.photoScale);
    for (let i = 0; i < this.dimension; i++) n[i]! += person[i]!;
    return l2Normalise(n);
  }

  /** An L2-normalised descriptor with no structure (uniform on the sphere): unlike any face. */
  isotropic(): Float32Array {
    return l2Normalise(Float64Array.from({ length: this.dimension }, () => this.gaussian()));
  }

  /** `descriptor` + N(0, sigma²) on every value, L2-normalised (another photo, closely alike). */
  jitter(descriptor: ArrayLike<number>, sigma: number): Float32Array {
    return l2Normalise(Float64Array.from({ length: this.dimension }, (_, i) => descriptor[i]! + sigma * this.gaussian()));
  }

  /** A standard normal draw (Box-Muller). */
  gaussian(): number {
    return Math.sqrt(-2 * Math.log(this.random() || 1e-300)) * Math.cos(2 * Math.PI * this.random());
  }

  /** N(0, scale² Σ): independent draws along the principal directions, mixed by M. */
  private correlated(scale: number): Float64Array {
    let v = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) v[i] = this.spread[i]! * scale * this.gaussian();
    for (const { signs, permutation } of this.mix) {
      for (let i = 0; i < this.size; i++) v[i]! *= signs[i]!;
      hadamard(v);
      const mixed = new Float64Array(this.size);
      for (let i = 0; i < this.size; i++) mixed[i] = v[permutation[i]!]!;
      v = mixed;
    }
    return v.subarray(0, this.dimension);
  }

  private permutation(): Int32Array {
    const p = Int32Array.from({ length: this.size }, (_, i) => i);
    for (let i = this.size - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}

/** In-place orthonormal Walsh-Hadamard transform (length a power of two). */
function hadamard(v: Float64Array): void {
  for (let h = 1; h < v.length; h *= 2) {
    for (let i = 0; i < v.length; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = v[j]!;
        const b = v[j + h]!;
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
  const scale = 1 / Math.sqrt(v.length);
  for (let i = 0; i < v.length; i++) v[i]! *= scale;
}

