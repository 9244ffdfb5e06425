/**
 * Contactless sign-in from one camera's pictures: faces detected on every analysed frame
 * (blazeface only, ~55-90 ms on one core), tracked by box overlap, and described (faceres descriptor,
 * antispoof and liveness, ~150-280 ms a face) once per track, not once per frame. A track signs
 * its person in when the match held on `signInFrames` consecutive analysed frames and the face
 * looked alive; a described face that matches nobody is reported once as unknown.
 *
 * Times are the caller's (`atMs`, e.g. a frame's capture time or a video's pts): the pipeline
 * never reads the clock, so it replays the same way from a file.
 */
import type { FaceDescription, FaceDetection, FaceEngine } from '../face/faceEngine.js';
import type { RgbImage } from '../media/imageDecode.js';
import { cropImage, type Box } from '../media/snapshot.js';
import { IouTracker, type Track } from '../tracking/iouTracker.js';

export interface SignInPipelineOptions {
  /** Cosine similarity at or above which a face is the enrolled person, 0-1 (config default 0.62). */
  matchThreshold: number;
  /** Consecutive analysed frames a track must hold the same match before it signs in (config default 3). */
  signInFrames: number;
  /** Liveness score a face needs to sign in, 0-1 (config default 0.5). */
  livenessThreshold: number;
  /** Faces narrower than this are tracked but not described, px (config default 48). */
  minFaceWidthPx: number;
  /** A person this pipeline signed in is not signed in again from another track for this long, ms (default 300 000: 5 min). */
  repeatSignInMs?: number;
  /** Most faces described on one frame, the best first; the others wait for the next frames (default 2: ~0.5 s of work). */
  maxDescriptionsPerFrame?: number;
}

/** What the pipeline reports; `snapshot` is the face cropped from that frame with a margin. */
export type SignInEvent =
  | { kind: 'signIn'; trackId: number; personId: string; similarity: number; live: number; real: number; atMs: number; box: Box; snapshot: RgbImage }
  | { kind: 'unknownFace'; trackId: number; atMs: number; box: Box; snapshot: RgbImage };

/** Counters since the pipeline was made. */
export interface SignInStats {
  /** Frames processed. */
  frames: number;
  /** Faces the detector found, summed over frames. */
  facesDetected: number;
  /** Face tracks started. */
  tracksCreated: number;
  /** Descriptions run (descriptor + antispoof + liveness): the costly step. */
  descriptorsComputed: number;
  /** Tracks alive after the latest frame. */
  activeTracks: number;
  /** Tracks that held a match for `signInFrames` frames but stayed below the liveness threshold (counted once per track). */
  livenessRejections: number;
}

/** The gallery's search, best first (FaceGallery fits). */
export interface SignInGallery {
  search(query: Float32Array, k?: number): { subjectId: string; similarity: number }[];
}

/** Quality (width px × detector score) gain over a track's best description that earns it a new one. */
const REDESCRIBE_GAIN = 1.3;
/** Most descriptions of one track (the first and up to two clearly better views). */
const MAX_DESCRIPTIONS_PER_TRACK = 3;
/** Snapshot margin around the face box, as a fraction of its size on each side. */
const SNAPSHOT_MARGIN = 0.25;

/** Per-track state. */
interface FaceTrack {
  /** Quality (width × score) of the best view described so far; 0 before the first. */
  describedQuality: number;
  descriptions: number;
  /** The latest description's scores; null before the first, or when facemesh saw no face. */
  description: FaceDescription | null;
  /** The person the latest description matched, or null (nobody at the threshold). */
  match: { personId: string; similarity: number } | null;
  /** Consecutive frames seen with the current verdict, this one included (0 until described). */
  streak: number;
  /** Signed in (or its person already was, recently, from another track): nothing more to do. */
  settled: boolean;
  unknownReported: boolean;
  livenessRejected: boolean;
}

/** How good a view of a face is: wider and surer is better. */
const quality = (detection: FaceDetection) => detection.box[2] * detection.score;

/**
 * One camera's sign-in analysis. Feed it frames in time order with {@link process}; it keeps its
 * tracks between calls. Not reentrant: await each call before the next.
 */
export class SignInPipeline {
  private readonly tracker: IouTracker<FaceTrack>;
  private readonly lastSignIn = new Map<string, number>();
  private readonly counters: Omit<SignInStats, 'activeTracks'> = { frames: 0, facesDetected: 0, tracksCreated: 0, descriptorsComputed: 0, livenessRejections: 0 };
  private readonly repeatSignInMs: number;
  private readonly maxDescriptionsPerFrame: number;

  constructor(
    private readonly engine: Pick<FaceEngine, 'detect' | 'describeFace'>,
    private readonly gallery: SignInGallery,
    private readonly options: SignInPipelineOptions,
  ) {
    this.repeatSignInMs = options.repeatSignInMs ?? 300_000;
    this.maxDescriptionsPerFrame = Math.max(1, options.maxDescriptionsPerFrame ?? 2);
    this.tracker = new IouTracker<FaceTrack>(() => {
      this.counters.tracksCreated++;
      return { describedQuality: 0, descriptions: 0, description: null, match: null, streak: 0, settled: false, unknownReported: false, livenessRejected: false };
    });
  }

  /** Counters so far; `activeTracks` after the latest frame. */
  get stats(): SignInStats {
    return { ...this.counters, activeTracks: this.tracker.active.length };
  }

  /**
   * Analyse one frame.
   * @param atMs when the frame was taken, ms (any monotonic origin: epoch, a video's pts)
   * @returns the sign-ins and unknown faces decided on this frame
   */
  async process(image: RgbImage, atMs: number): Promise<SignInEvent[]> {
    this.counters.frames++;
    const detections = await this.engine.detect(image);
    this.counters.facesDetected += detections.length;
    const { assigned } = this.tracker.update(
      detections.map((detection) => detection.box),
      atMs,
    );

    // A track seen again extends its streak; one new or back after a gap starts over.
    for (const track of assigned) {
      const state = track.data;
      if (state.descriptions === 0) continue;
      state.streak = track.hits === 1 ? 1 : state.streak + 1;
    }

    await this.describe(image, detections, assigned);

    this.forgetOldSignIns(atMs);
    const events: SignInEvent[] = [];
    for (const track of assigned) {
      const event = this.decide(track, image, atMs);
      if (event) events.push(event);
    }
    return events;
  }

  /** Describe the tracks that need it on this frame, the most needed first, within the frame's budget. */
  private async describe(image: RgbImage, detections: FaceDetection[], assigned: Track<FaceTrack>[]): Promise<void> {
    const wanted: Array<{ track: Track<FaceTrack>; detection: FaceDetection; quality: number }> = [];
    assigned.forEach((track, index) => {
      const detection = detections[index]!;
      const state = track.data;
      if (state.settled || detection.box[2] < this.options.minFaceWidthPx) return;
      const q = quality(detection);
      const first = state.descriptions === 0;
      const better = state.descriptions < MAX_DESCRIPTIONS_PER_TRACK && q >= state.describedQuality * REDESCRIBE_GAIN;
      if (first || better) wanted.push({ track, detection, quality: q });
    });
    // Faces never described go first, then the best views.
    wanted.sort((a, b) => Number(a.track.data.descriptions > 0) - Number(b.track.data.descriptions > 0) || b.quality - a.quality);
    for (const { track, detection, quality: q } of wanted.slice(0, this.maxDescriptionsPerFrame)) {
      const state = track.data;
      const description = await this.engine.describeFace(image, detection.region);
      this.counters.descriptorsComputed++;
      state.descriptions++;
      state.describedQuality = q;
      if (!description) continue; // facemesh saw no face there: keep the earlier verdict, if any
      const best = this.gallery.search(description.descriptor, 1)[0];
      const match = best && best.similarity >= this.options.matchThreshold ? { personId: best.subjectId, similarity: best.similarity } : null;
      const unchanged = state.description !== null && (state.match?.personId ?? null) === (match?.personId ?? null);
      state.description = description;
      state.match = match;
      if (!unchanged) state.streak = 1;
    }
  }

  /** The event a track earns on this frame, if any. */
  private decide(track: Track<FaceTrack>, image: RgbImage, atMs: number): SignInEvent | null {
    const state = track.data;
    const description = state.description;
    if (state.settled || !description || state.streak < this.options.signInFrames) return null;
    if (state.match) {
      if (description.live < this.options.livenessThreshold) {
        if (!state.livenessRejected) this.counters.livenessRejections++;
        state.livenessRejected = true;
        return null;
      }
      state.settled = true;
      const { personId, similarity } = state.match;
      if (this.lastSignIn.has(personId)) return null; // signed in from another track a moment ago
      this.lastSignIn.set(personId, atMs);
      return { kind: 'signIn', trackId: track.id, personId, similarity, live: description.live, real: description.real, atMs, box: track.box, snapshot: cropImage(image, track.box, SNAPSHOT_MARGIN) };
    }
    if (state.unknownReported) return null;
    state.unknownReported = true;
    return { kind: 'unknownFace', trackId: track.id, atMs, box: track.box, snapshot: cropImage(image, track.box, SNAPSHOT_MARGIN) };
  }

  /** Drop the sign-ins older than the repeat window. */
  private forgetOldSignIns(atMs: number): void {
    for (const [personId, at] of this.lastSignIn) if (atMs - at >= this.repeatSignInMs) this.lastSignIn.delete(personId);
  }
}
