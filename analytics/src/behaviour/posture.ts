/**
 * Is a tracked person lying down? Two cues, from one track's boxes and (when measured) poses:
 * - the pose: the torso (hip midpoint → shoulder midpoint) tilts {@link PostureThresholds.lyingTiltDeg}
 *   or more from straight up — near horizontal, or head-down;
 * - the box: it is at least as wide as tall after a collapse — its top dropped by
 *   {@link PostureThresholds.dropFraction} of the person's height within
 *   {@link PostureThresholds.dropWindowMs} while its bottom (the feet) stayed put. Walking towards
 *   an elevated camera moves the top down too, but the bottom with it: that is not a collapse;
 *   nor is a box cut off by the bottom of the picture (someone walking out of it).
 * Pure logic: times are the caller's (video pts or capture time, ms), never the clock.
 */
import type { Box } from '../media/snapshot.js';
import type { Keypoint, KeypointName, Pose } from './personDetector.js';

/** Thresholds of the posture cues; see {@link DEFAULT_POSTURE}. */
export interface PostureThresholds {
  /** Torso tilt from vertical at or above which the pose is lying, degrees (0 upright, 90 horizontal, 180 head-down). */
  lyingTiltDeg: number;
  /** Torso tilt at or below which the pose is upright, degrees. */
  uprightTiltDeg: number;
  /** Keypoint confidence for a shoulder or hip to count, 0-1. */
  minKeypointScore: number;
  /** Least drop of the box's top, as a fraction of the person's height before it, for a collapse. */
  dropFraction: number;
  /** The drop must happen within this long, ms. */
  dropWindowMs: number;
  /** During a collapse the bottom moves down at most this fraction of the top's drop. */
  maxBottomShare: number;
  /** Width / height at or above which a collapsed person's box is lying. */
  lyingAspect: number;
  /** Height / width at or above which a box is upright (ends a lying spell). */
  uprightAspect: number;
}

/**
 * Defaults, tuned on the fall clip (480x270, a woman collapses onto a rug) and a 139 s clip of
 * people walking to a table and back (no fall), analysed at 2-5 pictures a second:
 * - a standing person's torso tilts 0-10°, a walking one's up to ~30° (movenet on CCTV crops);
 *   lying starts at 60° — nearer horizontal than vertical, with margin for keypoint noise;
 * - a person sitting or kneeling loses ~30% of height slowly; a fall drops the head by well over
 *   half the height in 1-2 s (the clip: 130 px of 207 px in 1.8 s), hence 40% within 2 s;
 * - a standing or walking person's box is 2-3 times as tall as wide, kneeling ~1.4; a lying
 *   one's is wider than tall.
 */
export const DEFAULT_POSTURE: PostureThresholds = {
  lyingTiltDeg: 60,
  uprightTiltDeg: 30,
  minKeypointScore: 0.3,
  dropFraction: 0.4,
  dropWindowMs: 2000,
  maxBottomShare: 0.5,
  lyingAspect: 1,
  uprightAspect: 1.3,
};

/** What one observation of a person says about their posture. */
export type PostureReading =
  | { state: 'lying'; cue: 'pose' | 'box'; tiltDeg: number | null }
  | { state: 'upright' | 'unknown'; tiltDeg: number | null };

function midpoint(keypoints: readonly Keypoint[], names: readonly KeypointName[], minScore: number): [number, number] | null {
  const found = keypoints.filter((kp) => names.includes(kp.part) && kp.score >= minScore);
  if (found.length === 0) return null;
  return [found.reduce((s, kp) => s + kp.x, 0) / found.length, found.reduce((s, kp) => s + kp.y, 0) / found.length];
}

/**
 * The torso's tilt from straight up, degrees: 0 when the shoulders are right above the hips,
 * 90 when level with them, 180 right below. Uses the midpoint of the shoulders and of the hips
 * found with at least `minScore` (one of each side is enough); null without a shoulder and a hip,
 * or when they coincide.
 */
export function torsoTiltDeg(pose: Pose, minScore = DEFAULT_POSTURE.minKeypointScore): number | null {
  const shoulders = midpoint(pose.keypoints, ['leftShoulder', 'rightShoulder'], minScore);
  const hips = midpoint(pose.keypoints, ['leftHip', 'rightHip'], minScore);
  if (!shoulders || !hips) return null;
  const dx = shoulders[0] - hips[0];
  const dy = shoulders[1] - hips[1];
  const length = Math.hypot(dx, dy);
  if (length < 1) return null;
  // Picture y grows downwards: "up" is (0, -1).
  return (Math.acos(Math.max(-1, Math.min(1, -dy / length))) * 180) / Math.PI;
}

interface BoxSample {
  atMs: number;
  top: number;
  bottom: number;
  height: number;
}

/**
 * The posture of one track over time. Feed it every observation of the track in time order;
 * it says whether the person lies and since when.
 */
export class PostureTracker {
  private readonly history: BoxSample[] = [];
  /** A collapse was seen and the person has not stood up since. */
  private collapsed = false;
  /** First observation of the current lying spell, ms; null when not lying. */
  private lyingFromMs: number | null = null;
  /** Latest observation of the current lying spell, ms. */
  private lyingToMs = 0;
  private lastCue: 'pose' | 'box' = 'box';

  constructor(private readonly thresholds: PostureThresholds = DEFAULT_POSTURE) {}

  /**
   * One observation: the person's box (px) at `atMs`, their pose if it was measured, and the
   * picture's height (px) so a box cut off by its bottom edge is not read as a collapse.
   * A lying reading starts or extends a lying spell; an upright one ends it; an unknown one
   * (neither clearly) leaves it as it is.
   */
  observe(atMs: number, box: Box, pose?: Pose | null, pictureHeight = Infinity): PostureReading {
    const t = this.thresholds;
    const [, top, width, height] = box;
    const bottom = top + height;
    while (this.history.length > 0 && this.history[0]!.atMs < atMs - t.dropWindowMs) this.history.shift();
    // A box cut off by the bottom of the picture has lost its feet: someone walking out of the
    // picture there "drops" their top with the bottom pinned to the edge.
    const cutOff = bottom >= pictureHeight - Math.max(2, 0.01 * pictureHeight);
    const dropped = !cutOff && this.history.some((before) => {
      const drop = top - before.top;
      return drop >= t.dropFraction * before.height && bottom - before.bottom <= t.maxBottomShare * drop;
    });
    this.history.push({ atMs, top, bottom, height });

    const tiltDeg = pose ? torsoTiltDeg(pose, t.minKeypointScore) : null;
    const poseLying = tiltDeg !== null && tiltDeg >= t.lyingTiltDeg;
    const upright = height >= t.uprightAspect * width && (tiltDeg === null || tiltDeg <= t.uprightTiltDeg);
    if (dropped) this.collapsed = true;
    else if (upright) this.collapsed = false;

    let reading: PostureReading;
    if (poseLying) reading = { state: 'lying', cue: 'pose', tiltDeg };
    else if (this.collapsed && width >= t.lyingAspect * height) reading = { state: 'lying', cue: 'box', tiltDeg };
    else reading = { state: upright ? 'upright' : 'unknown', tiltDeg };

    if (reading.state === 'lying') {
      this.lyingFromMs ??= atMs;
      this.lyingToMs = atMs;
      this.lastCue = reading.cue;
    } else if (reading.state === 'upright') {
      this.lyingFromMs = null;
    }
    return reading;
  }

  /** How long the current lying spell has lasted (first to latest lying reading), ms; null when not lying. */
  get lyingForMs(): number | null {
    return this.lyingFromMs === null ? null : this.lyingToMs - this.lyingFromMs;
  }

  /** When the current lying spell began, ms; null when not lying. */
  get lyingSinceMs(): number | null {
    return this.lyingFromMs;
  }

  /** Whether the person is down: lying now, or collapsed and not seen upright since. */
  get down(): boolean {
    return this.lyingFromMs !== null || this.collapsed;
  }

  /** The cue of the latest lying reading. */
  get cue(): 'pose' | 'box' {
    return this.lastCue;
  }
}
