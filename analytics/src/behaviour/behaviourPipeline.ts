/**
 * Abnormal-behaviour alerts of one camera: people found on each analysed frame
 * ({@link PersonFinder}), followed by a greedy IoU tracker, posed when a fall rule needs it,
 * and judged by the camera's rules ({@link BehaviourRules}).
 *
 * Tracking keeps weak detections: a detection of at least `startScore` starts or continues a
 * track; a weaker one (down to `keepScore`) only continues a live track it overlaps (as ByteTrack
 * does). A person lying on the floor is a pose the detector saw little of in training — on the
 * fall clip centernet scores the standing woman 0.4-0.5 and the fallen one 0.07-0.3 — so without
 * this the track would end just as she falls. And when even weak detections stop, a person who
 * is down (lying, or collapsed) and in a fall zone is looked for with a pose on their last box:
 * if at least `probeKeypoints` keypoints are found there, they are taken to be still lying there
 * (a collapsed person does not walk away) and the track lives on.
 */
import type { BehaviourRule, BehaviourRuleKind } from '@argus/shared';
import type { RgbImage } from '../media/imageDecode.js';
import type { Box } from '../media/snapshot.js';
import { iou, IouTracker, type Track } from '../tracking/iouTracker.js';
import { PersonDetector, type PersonDetectorOptions, type PersonFinder, type Pose } from './personDetector.js';
import { DEFAULT_POSTURE, type PostureReading } from './posture.js';
import { BehaviourRules, type BehaviourRulesOptions, type TrackedPerson } from './rules.js';

/** One alert raised on a frame. */
export interface BehaviourEvent {
  ruleId: string;
  kind: BehaviourRuleKind;
  /** The frame's time, ms (the `atMs` given to {@link BehaviourPipeline.process}). */
  atMs: number;
  /** intrusion `{ trackIds }`, loitering `{ trackIds, dwellS }`, fall `{ trackIds, lyingS, cue, tiltDeg }`, crowding `{ people, trackIds }`. */
  detail: Record<string, unknown>;
  /** Boxes (px: x, y, width, height) of the people that caused it. */
  boxes: Box[];
  /** The whole frame (a copy). */
  snapshot: RgbImage;
}

export interface BehaviourPipelineOptions extends BehaviourRulesOptions {
  /** Detector confidence that starts a track (default 0.3). */
  startScore?: number;
  /** Lower confidence that only continues a live track it overlaps (default 0.1). */
  keepScore?: number;
  /** Least IoU between a track's last box and a detection for them to be one person (default 0.2). */
  minIou?: number;
  /** A track unseen on more than this many analysed frames ends (default 5: 1 s at 5 frames a second). */
  maxMisses?: number;
  /**
   * Keypoints of at least {@link PostureThresholds.minKeypointScore} a pose on the last box of a
   * person who is down must find for them to be still there (default 5 of movenet's 17).
   */
  probeKeypoints?: number;
  /**
   * How long after the detector last saw a person who is down they may be kept by poses alone,
   * ms (default 5000: enough for the default 2 s fall hold; a pose that sees a body in an empty
   * corner cannot keep a track alive for longer).
   */
  probeForMs?: number;
}

/** A person as the pipeline saw them on the latest frame. */
export interface PersonObservation {
  trackId: number;
  /** Box in picture pixels: x, y (top-left), width, height. */
  box: Box;
  /** Detector confidence, 0-1; 0 when found by a pose on the last box of a person who is down. */
  score: number;
  /** The pose, when one was measured (only people in a fall rule's zone). */
  pose: Pose | null;
  /** What this frame said about their posture. */
  posture: PostureReading | null;
}

/** Counters since the pipeline was made. Times are summed wall-clock ms of the model calls. */
export interface BehaviourStats {
  /** Frames given to {@link BehaviourPipeline.process}. */
  frames: number;
  /** Frames analysed (skipped when no rule is enabled). */
  framesAnalysed: number;
  /** People seen, summed over the analysed frames. */
  people: number;
  /** Tracks started. */
  tracks: number;
  /** Tracks alive now. */
  activeTracks: number;
  /** Poses estimated. */
  poses: number;
  /** Alerts raised. */
  events: number;
  /** Time in person detection, ms. */
  detectMs: number;
  /** Time in pose estimation, ms. */
  poseMs: number;
}

interface TrackData {
  /** Confidence of the latest detection. */
  score: number;
  /** When the detector last saw the person, ms. */
  detectedMs: number;
}

/**
 * The behaviour analysis of one camera. Feed {@link process} the analysed frames in time order;
 * the rules may change at any time ({@link setRules}). The detector may be shared between the
 * pipelines of several cameras; calls must not overlap (the worker analyses one frame at a time).
 */
export class BehaviourPipeline {
  private readonly rulesEngine: BehaviourRules;
  private readonly tracker: IouTracker<TrackData>;
  private readonly startScore: number;
  private readonly keepScore: number;
  private readonly minIou: number;
  private readonly probeKeypoints: number;
  private readonly probeForMs: number;
  private readonly minKeypointScore: number;
  private lastAtMs = -Infinity;
  private latest: PersonObservation[] = [];
  private readonly counters = { frames: 0, framesAnalysed: 0, people: 0, tracks: 0, poses: 0, events: 0, detectMs: 0, poseMs: 0 };

  /** A pipeline with its own {@link PersonDetector}. @throws Error when Human or a model cannot load */
  static async create(rules: readonly BehaviourRule[], options: BehaviourPipelineOptions & { detector?: PersonDetectorOptions } = {}): Promise<BehaviourPipeline> {
    const keepScore = options.keepScore ?? 0.1;
    const detector = await PersonDetector.create({ ...options.detector, minScore: Math.min(keepScore, options.detector?.minScore ?? keepScore) });
    return new BehaviourPipeline(detector, rules, options);
  }

  constructor(
    private readonly detector: PersonFinder,
    rules: readonly BehaviourRule[],
    options: BehaviourPipelineOptions = {},
  ) {
    this.rulesEngine = new BehaviourRules(rules, options);
    this.startScore = options.startScore ?? 0.3;
    this.keepScore = options.keepScore ?? 0.1;
    this.minIou = options.minIou ?? 0.2;
    this.probeKeypoints = options.probeKeypoints ?? 5;
    this.probeForMs = options.probeForMs ?? 5000;
    this.minKeypointScore = options.posture?.minKeypointScore ?? DEFAULT_POSTURE.minKeypointScore;
    this.tracker = new IouTracker<TrackData>(() => ({ score: 0, detectedMs: 0 }), { minIou: this.minIou, maxMisses: options.maxMisses ?? 5 });
  }

  /**
   * Replace the rules; removed rules lose their state (see {@link BehaviourRules.setRules}). With
   * no enabled rule left, frames are no longer analysed and the tracks are dropped.
   */
  setRules(rules: readonly BehaviourRule[]): void {
    this.rulesEngine.setRules(rules);
    if (this.rulesEngine.rules.length === 0) {
      this.tracker.clear();
      this.latest = [];
    }
  }

  /** The enabled rules. */
  get rules(): BehaviourRule[] {
    return this.rulesEngine.rules;
  }

  get stats(): BehaviourStats {
    return { ...this.counters, activeTracks: this.tracker.active.length };
  }

  /** The people seen on the latest analysed frame. */
  get lastPeople(): readonly PersonObservation[] {
    return this.latest;
  }

  /** Forget all tracks and episodes (the stream restarted). */
  reset(): void {
    this.tracker.clear();
    this.rulesEngine.reset();
    this.latest = [];
    this.lastAtMs = -Infinity;
  }

  /**
   * Analyse one frame taken at `atMs` (ms, any origin, not going backwards — a frame earlier than
   * the previous one resets the tracks). Does nothing when no rule is enabled.
   * @returns the alerts raised on this frame, at most one per rule
   */
  async process(image: RgbImage, atMs: number): Promise<BehaviourEvent[]> {
    this.counters.frames++;
    if (this.rulesEngine.rules.length === 0) {
      this.latest = [];
      return [];
    }
    if (atMs < this.lastAtMs) this.reset();
    this.lastAtMs = atMs;
    this.counters.framesAnalysed++;

    let started = performance.now();
    const detections = await this.detector.detectPeople(image);
    this.counters.detectMs += performance.now() - started;

    const kept = this.keepDetections(detections);
    const before = new Set(this.tracker.active.map((track) => track.id));
    const { assigned, ended } = this.tracker.update(kept.map((d) => d.box), atMs);
    this.rulesEngine.endTracks(ended.map((track) => track.id));
    this.counters.tracks += assigned.filter((track) => !before.has(track.id)).length;

    const people: Array<TrackedPerson & { score: number }> = [];
    for (const [index, track] of assigned.entries()) {
      const detection = kept[index]!;
      track.data.score = detection.score;
      track.data.detectedMs = atMs;
      let pose: Pose | null = null;
      if (this.rulesEngine.needsPose(track.box, image.width, image.height)) {
        started = performance.now();
        pose = await this.detector.estimatePose(image, track.box);
        this.counters.poseMs += performance.now() - started;
        this.counters.poses++;
      }
      people.push({ trackId: track.id, box: track.box, pose, score: detection.score });
    }
    // People down whom the detector lost: still there if a pose finds a body on their last box.
    const seen = new Set(assigned.map((track) => track.id));
    for (const track of this.tracker.active) {
      if (seen.has(track.id) || atMs - track.data.detectedMs > this.probeForMs) continue;
      if (!this.rulesEngine.isDown(track.id) || !this.rulesEngine.needsPose(track.box, image.width, image.height)) continue;
      started = performance.now();
      // Grown by a quarter each side: the lost box may have been a partial one.
      const [x, y, w, h] = track.box;
      const pose = await this.detector.estimatePose(image, [x - w / 4, y - h / 4, w * 1.5, h * 1.5]);
      this.counters.poseMs += performance.now() - started;
      this.counters.poses++;
      if (!pose || pose.keypoints.filter((kp) => kp.score >= this.minKeypointScore).length < this.probeKeypoints) continue;
      // The tracker's own bookkeeping: seen now, at the box it had.
      track.misses = 0;
      track.lastSeenMs = atMs;
      people.push({ trackId: track.id, box: track.box, pose, score: 0 });
    }
    this.counters.people += people.length;

    const alerts = this.rulesEngine.update({ atMs, width: image.width, height: image.height, people });
    this.latest = people.map((p) => ({ trackId: p.trackId, box: p.box, score: p.score, pose: p.pose ?? null, posture: this.rulesEngine.postureOf(p.trackId) }));
    this.counters.events += alerts.length;
    if (alerts.length === 0) return [];
    const snapshot: RgbImage = { width: image.width, height: image.height, data: image.data.slice() };
    return alerts.map((alert) => ({ ruleId: alert.ruleId, kind: alert.kind, atMs: alert.atMs, detail: alert.detail, boxes: alert.boxes, snapshot }));
  }

  /**
   * The detections worth tracking: every one of at least `startScore`, and those of at least
   * `keepScore` that continue a live track no strong detection claims (greedy by IoU, one each).
   */
  private keepDetections<D extends { box: Box; score: number }>(detections: readonly D[]): D[] {
    const strong = detections.filter((d) => d.score >= this.startScore);
    const weak = detections.filter((d) => d.score >= this.keepScore && d.score < this.startScore);
    if (weak.length === 0) return strong;
    const free = this.tracker.active.filter((track) => !strong.some((d) => iou(track.box, d.box) >= this.minIou));
    const pairs: Array<{ detection: D; track: Track<TrackData>; overlap: number }> = [];
    for (const detection of weak) for (const track of free) {
      const overlap = iou(track.box, detection.box);
      if (overlap >= this.minIou) pairs.push({ detection, track, overlap });
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const used = new Set<D>();
    const claimed = new Set<number>();
    for (const { detection, track } of pairs) {
      if (used.has(detection) || claimed.has(track.id)) continue;
      used.add(detection);
      claimed.add(track.id);
    }
    return [...strong, ...weak.filter((d) => used.has(d))];
  }
}
