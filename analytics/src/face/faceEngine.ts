/**
 * Faces with @vladmandic/human on tfjs-backend-wasm (one thread: one busy core per process).
 *
 * Two ways in:
 * - {@link FaceEngine.describe}: every face of a picture with its descriptor, antispoof and
 *   liveness scores, Human's whole face pipeline (enrolment photos, one-off pictures);
 * - {@link FaceEngine.detect} then {@link FaceEngine.describeFace}: a cheap detector-only pass
 *   on every video frame (blazeface, ~55-70 ms of CPU on one core, nearly all of it the model),
 *   and the costly models (faceres ~130-250 ms, antispoof ~20 ms, liveness ~3 ms, facemesh as a
 *   face check ~15 ms) for one chosen face, once per track.
 *
 * Both run Human's models themselves, with Human's exact pre- and post-processing (3.3.6, pinned):
 * - detect: blazeface on the picture scaled to 256×256, its boxes decoded, non-max suppressed,
 *   grown 1.4× and made square as Human does. Human's own detect() with the mesh off gives the
 *   same boxes but also cuts a 256×256 face tensor per face that nothing uses (~3.5 ms a face
 *   at 960×540) and copies the picture twice: ~25 ms more a frame for a group.
 * - describeFace: inside Human the descriptor, antispoof and liveness models see only the
 *   detector's square face region cut from the picture; describeFace cuts the same region the
 *   same way, so on the same picture it gives the descriptor and scores describe() gives
 *   (cosine 1.0000), without running the detector again.
 *
 * describe() goes through `human.detect(input, config)`, which merges `config` into the instance
 * for good (and Human's models and caches live in module-level slots shared by every Human of
 * the process): it passes every switch it depends on, with Human's frame cache off
 * (`cacheSensitivity: 0`; it would otherwise hand back the previous picture's faces for a
 * similar-looking one).
 */
import type { Config, Human } from '@vladmandic/human';
import type * as tfc from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { RgbImage } from '../media/imageDecode.js';
import type { Box } from '../media/snapshot.js';
import { loadHuman } from './humanRuntime.js';
import { cosine, l2Normalise } from '@argus/shared';

/** Length of Human's faceres descriptor. */
export const DESCRIPTOR_LENGTH = 1024;

/** What the costly face models say about one face. */
export interface FaceDescription {
  /** L2-normalised faceres descriptor (1024 values); compare with a dot product (cosine). */
  descriptor: Float32Array;
  /** Antispoof score, 0-1 (1: a real face, not a photo or screen), two decimals. */
  real: number;
  /** Liveness score, 0-1, two decimals. */
  live: number;
}

/** One face found in a picture. */
export interface FaceObservation extends FaceDescription {
  /** Box in picture pixels: x, y (top-left), width, height. */
  box: [number, number, number, number];
  /** Detector confidence, 0-1. */
  score: number;
}

/** One face found by the detector alone ({@link FaceEngine.detect}). */
export interface FaceDetection {
  /** The face's box clipped to the picture, px: x, y (top-left), width, height. Blazeface's box grown 1.4× and made square, as describe() reports it. */
  box: Box;
  /** Detector confidence, 0-1 (two decimals). */
  score: number;
  /** The same square region unclipped (it may reach past the picture's edges), px: what {@link FaceEngine.describeFace} wants. */
  region: Box;
}

export interface FaceEngineOptions {
  /** Most faces looked for in one picture (default 10). */
  maxFaces?: number;
  /** Detector confidence below which a face is ignored (default 0.5). */
  minScore?: number;
}

export { cosine, l2Normalise };

type Tf = typeof tfc;

/** Human's config for describe(), every face switch spelled out (see the module comment). */
function humanConfig(maxFaces: number, minScore: number): Partial<Config> {
  return {
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: maxFaces, minConfidence: minScore, iouThreshold: BLAZEFACE_IOU, scale: BLAZEFACE_SCALE, return: false },
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
  } as never;
}

/** Overlap above which blazeface's candidate boxes are one face (Human's default). */
const BLAZEFACE_IOU = 0.1;
/** Blazeface's box is grown by this before it is made square (Human's default): the face region the other models see. */
const BLAZEFACE_SCALE = 1.4;

/** Blazeface's anchor centres, x y pairs in input px (Human's generateAnchors: strides size/16 and size/8, 2 and 6 anchors a cell). */
function blazefaceAnchors(size: number): Float32Array {
  const anchors: number[] = [];
  for (const [stride, count] of [
    [size / 16, 2],
    [size / 8, 6],
  ] as const) {
    const cells = Math.floor((size + stride - 1) / stride);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let n = 0; n < count; n++) anchors.push(stride * (x + 0.5), stride * (y + 0.5));
  }
  return Float32Array.from(anchors);
}

/** Human's two-decimal rounding of antispoof and liveness scores. */
const twoDecimals = (value: number) => Math.round(100 * value) / 100;

/** Height and width a graph model takes, px (NHWC input). */
function inputSize(model: GraphModel, fallback: number): [number, number] {
  const shape = model.inputs[0]?.shape;
  return [shape?.[1] && shape[1] > 0 ? shape[1] : fallback, shape?.[2] && shape[2] > 0 ? shape[2] : fallback];
}

/** The models detect and describeFace run themselves. */
interface FaceModels {
  blazeface: GraphModel;
  facemesh: GraphModel;
  faceres: GraphModel;
  antispoof: GraphModel;
  liveness: GraphModel;
}

/**
 * Faces of pictures: detection, descriptors, antispoof and liveness scores. One per process
 * (models live in module-level slots), used by one caller at a time (calls are not reentrant:
 * tfjs-backend-wasm runs one thread anyway).
 */
export class FaceEngine {
  private readonly tf: Tf;
  private readonly describeConfig: Partial<Config>;
  private readonly blazefaceSize: number;
  /** Blazeface's anchor centres as a tensor, made once: every detect() adds them to the model's offsets. */
  private readonly anchors: tfc.Tensor2D;

  private constructor(
    private readonly human: Human,
    private readonly models: FaceModels,
    private readonly minScore: number,
    private readonly maxFaces: number,
  ) {
    this.tf = human.tf as Tf;
    this.describeConfig = humanConfig(maxFaces, minScore);
    this.blazefaceSize = inputSize(models.blazeface, 256)[1];
    const anchors = blazefaceAnchors(this.blazefaceSize);
    this.anchors = this.tf.keep(this.tf.tensor2d(anchors, [anchors.length / 2, 2]));
  }

  /** @throws Error when Human or a model cannot load */
  static async create(options: FaceEngineOptions = {}): Promise<FaceEngine> {
    const maxFaces = options.maxFaces ?? 10;
    const minScore = options.minScore ?? 0.5;
    const human = await loadHuman(humanConfig(maxFaces, minScore));
    const loaded = human.models.models;
    const model = (name: keyof FaceModels): GraphModel => {
      const found = loaded[name];
      if (!found) throw new Error(`Human did not load its ${name} model`);
      return found;
    };
    return new FaceEngine(human, { blazeface: model('blazeface'), facemesh: model('facemesh'), faceres: model('faceres'), antispoof: model('antispoof'), liveness: model('liveness') }, minScore, maxFaces);
  }

  /**
   * The faces of `image` that have a descriptor, in detection order: Human's whole face pipeline
   * (blazeface, facemesh, faceres, antispoof, liveness), ~250-300 ms per face on one core.
   */
  async describe(image: RgbImage): Promise<FaceObservation[]> {
    const input = this.pictureTensor(image);
    try {
      const result = await this.human.detect(input as never, this.describeConfig);
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
      input.dispose();
    }
  }

  /**
   * The faces of `image` found by the detector alone (blazeface; no mesh, descriptor or
   * scores), best first: ~55-70 ms of CPU on one core whatever the number of faces, nearly all
   * of it the detector model on a 256×256 copy of the picture (squeezed to a square, as Human
   * does). The boxes are those Human's describe() starts from. Run it on every video frame and
   * track the boxes.
   */
  async detect(image: RgbImage): Promise<FaceDetection[]> {
    const tf = this.tf;
    const size = this.blazefaceSize;
    const { blazeface } = this.models;
    const { width: W, height: H } = image;
    // Human's blazeface.getBoxes, tensor for tensor: scale to size × size, -1..1, run, and
    // decode the 896 anchors' boxes (x1 y1 x2 y2 in input px) and scores.
    const { boxes, scores } = tf.tidy(() => {
      const input = tf.sub(tf.div(tf.image.resizeBilinear(this.pictureTensor(image), [size, size]), 127.5), 1);
      const outputs = blazeface.execute(input);
      let batch: tfc.Tensor;
      if (Array.isArray(outputs) && outputs.length > 2) {
        // The converted model's four outputs: scores and boxes for the 512 and 384 anchors.
        const sorted = [...outputs].sort((a, b) => a.size - b.size);
        const of384 = tf.concat([sorted[0]!, sorted[2]!], 2);
        const of512 = tf.concat([sorted[1]!, sorted[3]!], 2);
        batch = tf.squeeze(tf.concat([of512, of384], 1), [0]);
      } else {
        batch = tf.squeeze(Array.isArray(outputs) ? outputs[0]! : outputs);
      }
      const sizeT = tf.scalar(size, 'int32');
      const centres = tf.div(tf.add(tf.slice(batch, [0, 1], [-1, 2]), this.anchors), sizeT);
      const half = tf.div(tf.div(tf.slice(batch, [0, 3], [-1, 2]), sizeT), 2);
      return {
        boxes: tf.concat2d([tf.mul(tf.sub(centres, half), sizeT) as tfc.Tensor2D, tf.mul(tf.add(centres, half), sizeT) as tfc.Tensor2D], 1),
        scores: tf.squeeze(tf.sigmoid(tf.slice(batch, [0, 0], [-1, 1]))) as tfc.Tensor1D,
      };
    });
    try {
      const kept = await tf.image.nonMaxSuppressionAsync(boxes, scores, this.maxFaces, BLAZEFACE_IOU, this.minScore);
      const [indices, points, confidences] = await Promise.all([kept.data(), boxes.data(), scores.data()]);
      kept.dispose();
      const faces: FaceDetection[] = [];
      for (const index of indices) {
        const confidence = confidences[index]!;
        const score = Math.round(100 * confidence) / 100;
        if (!(confidence > this.minScore && score > this.minScore)) continue;
        // Scaled to the picture, grown 1.4× about its centre, made square with rounded corners.
        const [x1, y1, x2, y2] = [0, 1, 2, 3].map((k) => points[index * 4 + k]! * (k % 2 === 0 ? W / size : H / size)) as [number, number, number, number];
        const [cx, cy] = [x1 + (x2 - x1) / 2, y1 + (y2 - y1) / 2];
        const [hw, hh] = [(BLAZEFACE_SCALE * Math.abs(x2 - x1)) / 2, (BLAZEFACE_SCALE * Math.abs(y2 - y1)) / 2];
        const [sx, sy, ex, ey] = [cx - hw, cy - hh, cx + hw, cy + hh];
        const halfSide = Math.max(Math.abs(ex - sx), Math.abs(ey - sy)) / 2;
        const [qcx, qcy] = [sx + (ex - sx) / 2, sy + (ey - sy) / 2];
        const [left, top, right, bottom] = [Math.round(qcx - halfSide), Math.round(qcy - halfSide), Math.round(qcx + halfSide), Math.round(qcy + halfSide)];
        if (!(right - left > 0 && bottom - top > 0)) continue;
        const box: Box = [Math.trunc(Math.max(0, left)), Math.trunc(Math.max(0, top)), Math.trunc(Math.min(W, right) - Math.max(0, left)), Math.trunc(Math.min(H, bottom) - Math.max(0, top))];
        if (box[2] <= 0 || box[3] <= 0) continue;
        faces.push({ box, score, region: [left, top, right - left, bottom - top] });
      }
      return faces;
    } finally {
      tf.dispose([boxes, scores]);
    }
  }

  /**
   * Descriptor, antispoof and liveness of the one face in `region` of `image` (a detection's
   * `region` from {@link detect} on the same picture): the region is cut and scaled to the
   * face models' input exactly as Human does inside describe(), so the results match
   * describe()'s for that face. ~150-280 ms on one core, almost all of it faceres.
   * @param region px: x, y (top-left), width, height; may reach past the picture's edges
   * @returns null when facemesh says the region holds no face (the check describe() makes), or
   *   the region lies outside the picture
   */
  async describeFace(image: RgbImage, region: Box): Promise<FaceDescription | null> {
    const tf = this.tf;
    const face = this.regionTensor(image, region);
    if (!face) return null;
    try {
      const faceScore = await this.meshScore(face);
      // Human keeps a face whose rounded mesh confidence is above the detector's threshold.
      if (!(twoDecimals(faceScore) > this.minScore)) return null;
      const { faceres, antispoof, liveness } = this.models;
      const [descriptorT, realT, liveT] = tf.tidy(() => {
        const outputs = faceres.execute(tf.mul(tf.image.resizeBilinear(face, inputSize(faceres, 224), false), 255));
        const descriptor = (Array.isArray(outputs) ? outputs : [outputs]).find((t) => t.shape[1] === DESCRIPTOR_LENGTH);
        if (!descriptor) throw new Error('faceres gave no descriptor');
        const real = antispoof.execute(tf.image.resizeBilinear(face, inputSize(antispoof, 128), false)) as tfc.Tensor;
        const live = liveness.execute(tf.image.resizeBilinear(face, inputSize(liveness, 32), false)) as tfc.Tensor;
        return [descriptor, real, live];
      });
      try {
        const [descriptor, real, live] = await Promise.all([descriptorT.data(), realT.data(), liveT.data()]);
        return { descriptor: l2Normalise(descriptor as Float32Array), real: twoDecimals(real[0] ?? 0), live: twoDecimals(live[0] ?? 0) };
      } finally {
        tf.dispose([descriptorT, realT, liveT]);
      }
    } finally {
      face.dispose();
    }
  }

  /** A picture as Human's input: 1 × height × width × 3 floats, 0-255. */
  private pictureTensor(image: RgbImage): tfc.Tensor4D {
    return this.tf.tensor4d(new Float32Array(image.data.subarray(0, image.width * image.height * 3)), [1, image.height, image.width, 3], 'float32');
  }

  /**
   * `region` of `image` as Human's face crop: bilinear cropAndResize to facemesh's input size
   * (192 × 192), 0-1, with zeros past the picture's edges. Only the pixels under the region are
   * copied to a tensor; the sampling points are those of a cropAndResize over the whole picture.
   */
  private regionTensor(image: RgbImage, region: Box): tfc.Tensor4D | null {
    const { width: W, height: H } = image;
    const [x, y, w, h] = region;
    if (W < 2 || H < 2 || !(w > 1 && h > 1)) return null;
    // cropAndResize samples a normalised box coordinate c at pixel c × (size - 1).
    const px0 = (x / W) * (W - 1);
    const px1 = ((x + w) / W) * (W - 1);
    const py0 = (y / H) * (H - 1);
    const py1 = ((y + h) / H) * (H - 1);
    const left = Math.max(0, Math.floor(px0));
    const top = Math.max(0, Math.floor(py0));
    const right = Math.min(W - 1, Math.ceil(px1));
    const bottom = Math.min(H - 1, Math.ceil(py1));
    const sw = right - left + 1;
    const sh = bottom - top + 1;
    if (sw < 2 || sh < 2) return null;
    const pixels = new Float32Array(sw * sh * 3);
    for (let row = 0; row < sh; row++) {
      const from = ((top + row) * W + left) * 3;
      pixels.set(image.data.subarray(from, from + sw * 3), row * sw * 3);
    }
    const box = [(py0 - top) / (sh - 1), (px0 - left) / (sw - 1), (py1 - top) / (sh - 1), (px1 - left) / (sw - 1)];
    const tf = this.tf;
    return tf.tidy(() => {
      const part = tf.tensor4d(pixels, [1, sh, sw, 3], 'float32');
      return tf.div(tf.image.cropAndResize(part, [box], [0], inputSize(this.models.facemesh, 192), 'bilinear', 0), 255) as tfc.Tensor4D;
    });
  }

  /** Facemesh's confidence that `face` (a region tensor) holds a face, 0-1. */
  private async meshScore(face: tfc.Tensor4D): Promise<number> {
    const outputs = this.models.facemesh.execute(face);
    const list = Array.isArray(outputs) ? outputs : [outputs];
    try {
      const confidence = list.find((t) => t.shape[t.shape.length - 1] === 1);
      return confidence ? ((await confidence.data())[0] ?? 0) : 0;
    } finally {
      this.tf.dispose(list);
    }
  }
}
