import type { Human } from '@vladmandic/human';
import type { RgbImage } from '../media/imageDecode.js';
import { loadHuman } from './humanRuntime.js';

/** Length of Human's faceres descriptor. */
export const DESCRIPTOR_LENGTH = 1024;

/** One face found in a picture. */
export interface FaceObservation {
  /** Box in picture pixels: x, y (top-left), width, height. */
  box: [number, number, number, number];
  /** Detector confidence, 0-1. */
  score: number;
  /** L2-normalised faceres descriptor (1024 values); compare with a dot product (cosine). */
  descriptor: Float32Array;
  /** Antispoof score, 0-1 (1: a real face, not a photo or screen). */
  real: number;
  /** Liveness score, 0-1. */
  live: number;
}

export interface FaceEngineOptions {
  /** Most faces looked for in one picture (default 10). */
  maxFaces?: number;
  /** Detector confidence below which a face is ignored (default 0.5). */
  minScore?: number;
}

/** Scale a vector to unit length (a zero vector stays zero). */
export function l2Normalise(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  const norm = Math.sqrt(sum) || 1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / norm;
  return out;
}

/** Cosine similarity of two unit vectors, -1..1. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Faces of a picture with their descriptors, antispoof and liveness scores: @vladmandic/human
 * (blazeface detection, facemesh, faceres descriptor, antispoof, liveness) on tfjs-backend-wasm,
 * one per process (one core). About 250-300 ms per face on one core of the CI machine: describe
 * a face once per track, not per frame.
 */
export class FaceEngine {
  private constructor(private readonly human: Human) {}

  /** @throws Error when Human or a model cannot load */
  static async create(options: FaceEngineOptions = {}): Promise<FaceEngine> {
    const human = await loadHuman({
      face: {
        enabled: true,
        detector: { enabled: true, rotation: false, maxDetected: options.maxFaces ?? 10, minConfidence: options.minScore ?? 0.5, return: false },
        mesh: { enabled: true },
        iris: { enabled: false },
        attention: { enabled: false },
        description: { enabled: true },
        emotion: { enabled: false },
        antispoof: { enabled: true },
        liveness: { enabled: true },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
    } as never);
    return new FaceEngine(human);
  }

  /** The faces of `image` that have a descriptor, in detection order. */
  async describe(image: RgbImage): Promise<FaceObservation[]> {
    const tf = this.human.tf;
    const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const input = tf.expandDims(pixels, 0);
    try {
      const result = await this.human.detect(input as never);
      return result.face
        .filter((face) => Array.isArray(face.embedding) && face.embedding.length === DESCRIPTOR_LENGTH)
        .map((face) => ({
          box: face.box as [number, number, number, number],
          score: face.score,
          descriptor: l2Normalise(face.embedding!),
          real: face.real ?? 0,
          live: face.live ?? 0,
        }));
    } finally {
      pixels.dispose();
      input.dispose();
    }
  }
}
