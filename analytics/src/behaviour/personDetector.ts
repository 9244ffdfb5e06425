/**
 * People and their poses in a picture: @vladmandic/human's centernet object model (COCO classes,
 * class `person` kept) finds the people, then movenet-lightning runs on each person's crop.
 * Movenet on a whole CCTV frame finds few of the ~100 px people (1 of 7 in the stack notes);
 * on a crop around one person it sees them at the size it was trained for.
 *
 * Costs on one core of the CI machine (bench/analytics, section 4): centernet ~340-370 ms of CPU
 * a frame whatever its size (it resizes the picture to its own 512 × 512 input), movenet
 * ~55-70 ms a person.
 */
import type { Config, Human } from '@vladmandic/human';
import { loadHuman } from '../face/humanRuntime.js';
import type { RgbImage } from '../media/imageDecode.js';
import { cropImage, cropRect, type Box } from '../media/snapshot.js';

/** One person found in a picture. */
export interface PersonDetection {
  /** Box in picture pixels: x, y (top-left), width, height. */
  box: Box;
  /** Detector confidence, 0-1. */
  score: number;
}

/** Movenet's 17 COCO keypoints. */
export type KeypointName =
  | 'nose' | 'leftEye' | 'rightEye' | 'leftEar' | 'rightEar'
  | 'leftShoulder' | 'rightShoulder' | 'leftElbow' | 'rightElbow' | 'leftWrist' | 'rightWrist'
  | 'leftHip' | 'rightHip' | 'leftKnee' | 'rightKnee' | 'leftAnkle' | 'rightAnkle';

/** One body keypoint in picture pixels. */
export interface Keypoint {
  part: KeypointName;
  /** Position in the whole picture, px. */
  x: number;
  y: number;
  /** Confidence, 0-1. */
  score: number;
}

/** The pose of one person: the keypoints found on their crop, in picture pixels. */
export interface Pose {
  keypoints: Keypoint[];
}

/** What the behaviour pipeline needs from a person detector ({@link PersonDetector}, or a test's stand-in). */
export interface PersonFinder {
  /** The people in `image`, in no particular order. */
  detectPeople(image: RgbImage): Promise<PersonDetection[]>;
  /** The pose of the person in `box` of `image`, or null when no keypoint was found. */
  estimatePose(image: RgbImage, box: Box): Promise<Pose | null>;
}

export interface PersonDetectorOptions {
  /**
   * Detector confidence below which a detection is dropped (default 0.1: low, because the
   * behaviour pipeline continues tracks on weak detections and starts them at 0.3).
   */
  minScore?: number;
  /** Most people looked for in one picture (default 30; centernet's own default is 10). */
  maxPeople?: number;
  /** Overlap (IoU) above which two detections are one (non-max suppression, default 0.4). */
  iouThreshold?: number;
  /** Margin added around a person's box before the pose crop, as a fraction of its size (default 0.2). */
  poseMargin?: number;
  /** Keypoint confidence below which a keypoint is dropped (default 0.2). */
  minKeypointScore?: number;
}

/**
 * Every section of Human's config, spelled out on every call: `human.detect(input, cfg)` merges
 * `cfg` into the instance's config for good, and the models live in module-level slots shared by
 * every Human of the process (a FaceEngine's face models sit beside these). Caching is off
 * (`cacheSensitivity: 0`, `skipFrames: 0`): Human would otherwise return the previous picture's
 * people or the previous crop's pose for a similar-looking input. Movenet keeps all 17 keypoints
 * (`minConfidence: 0.01`; {@link PersonDetectorOptions.minKeypointScore} filters afterwards) so
 * that Human's jitter filter, which pairs keypoints by index with the previous call's, pairs like
 * with like.
 */
function humanConfig(task: 'people' | 'pose', options: Required<PersonDetectorOptions>): Partial<Config> {
  return {
    cacheSensitivity: 0,
    face: { enabled: false },
    body: { enabled: task === 'pose', modelPath: 'movenet-lightning.json', maxDetected: 1, minConfidence: 0.01, skipFrames: 0, skipTime: 0 },
    object: {
      enabled: task === 'people',
      modelPath: 'centernet.json',
      minConfidence: options.minScore,
      maxDetected: options.maxPeople,
      iouThreshold: options.iouThreshold,
      skipFrames: 0,
      skipTime: 0,
    },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
  } as never;
}

/**
 * {@link PersonFinder} on @vladmandic/human (wasm backend, one core): its own Human instance
 * with the face models off, so it can share the process with a FaceEngine. One per process is
 * enough (calls are serialised on the one core anyway); share it between cameras.
 */
export class PersonDetector implements PersonFinder {
  /** Human's config for each task, built once (they are passed whole on every call). */
  private readonly configs: Record<'people' | 'pose', Partial<Config>>;

  private constructor(
    private readonly human: Human,
    private readonly options: Required<PersonDetectorOptions>,
  ) {
    this.configs = { people: humanConfig('people', options), pose: humanConfig('pose', options) };
  }

  /** Load centernet and movenet-lightning. @throws Error when Human or a model cannot load */
  static async create(options: PersonDetectorOptions = {}): Promise<PersonDetector> {
    const full: Required<PersonDetectorOptions> = {
      minScore: options.minScore ?? 0.1,
      maxPeople: options.maxPeople ?? 30,
      iouThreshold: options.iouThreshold ?? 0.4,
      poseMargin: options.poseMargin ?? 0.2,
      minKeypointScore: options.minKeypointScore ?? 0.2,
    };
    // Load both models now: the first pose would otherwise pay the load mid-stream.
    const config = humanConfig('people', full) as { body: { enabled: boolean } };
    const human = await loadHuman({ ...config, body: { ...config.body, enabled: true } } as never);
    return new PersonDetector(human, full);
  }

  async detectPeople(image: RgbImage): Promise<PersonDetection[]> {
    const result = await this.run(image, 'people');
    return result.object
      .filter((object) => object.label === 'person' && object.score >= this.options.minScore)
      .map((object) => ({ box: clipBox(object.box as Box, image), score: object.score }))
      .filter((person) => person.box[2] > 1 && person.box[3] > 1);
  }

  async estimatePose(image: RgbImage, box: Box): Promise<Pose | null> {
    const crop = cropImage(image, box, this.options.poseMargin);
    const [x0, y0] = cropRect(image.width, image.height, box, this.options.poseMargin);
    const result = await this.run(crop, 'pose');
    const body = result.body[0];
    if (!body) return null;
    // positionRaw (0-1 of the crop), not position: Human's jitter filter may hand back a
    // keypoint object cached from an earlier crop, whose pixel position belongs to that crop.
    const keypoints = body.keypoints
      .filter((kp) => kp.score >= this.options.minKeypointScore)
      .map((kp) => ({ part: kp.part as KeypointName, x: x0 + kp.positionRaw[0] * crop.width, y: y0 + kp.positionRaw[1] * crop.height, score: kp.score }));
    return keypoints.length > 0 ? { keypoints } : null;
  }

  private async run(image: RgbImage, task: 'people' | 'pose') {
    const tf = this.human.tf;
    const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const input = tf.expandDims(pixels, 0);
    try {
      return await this.human.detect(input as never, this.configs[task]);
    } finally {
      pixels.dispose();
      input.dispose();
    }
  }
}

/** `box` clipped to the picture, px. */
function clipBox(box: Box, image: RgbImage): Box {
  const x0 = Math.max(0, box[0]);
  const y0 = Math.max(0, box[1]);
  const x1 = Math.min(image.width, box[0] + box[2]);
  const y1 = Math.min(image.height, box[1] + box[3]);
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}
