import type { Box } from '../media/snapshot.js';

/** Intersection over union of two boxes (x, y, width, height), 0-1. */
export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** One tracked object: its latest box and when it was seen. `data` is the caller's per-track state. */
export interface Track<T> {
  id: number;
  box: Box;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Consecutive analysed frames the track was seen on, this one included. */
  hits: number;
  /** Analysed frames since it was last seen (0 when seen on the latest). */
  misses: number;
  data: T;
}

export interface IouTrackerOptions {
  /** Least IoU between a track's last box and a detection for them to be the same object (default 0.3). */
  minIou?: number;
  /** A track unseen for more than this many analysed frames is dropped (default 2). */
  maxMisses?: number;
}

/**
 * Greedy IoU tracker: each frame's detections are matched to the live tracks by decreasing IoU
 * (at least `minIou`); unmatched detections start new tracks, tracks unseen for more than
 * `maxMisses` frames end. Cheap enough to run on every analysed frame, so the costly steps (a
 * face descriptor, a pose) run once per track rather than once per frame.
 */
export class IouTracker<T> {
  private readonly tracks = new Map<number, Track<T>>();
  private nextId = 1;
  private readonly minIou: number;
  private readonly maxMisses: number;

  constructor(private readonly createData: (box: Box) => T, options: IouTrackerOptions = {}) {
    this.minIou = options.minIou ?? 0.3;
    this.maxMisses = options.maxMisses ?? 2;
  }

  /** Tracks alive now (seen within `maxMisses` frames). */
  get active(): Track<T>[] {
    return [...this.tracks.values()];
  }

  /**
   * Match one frame's detections.
   * @returns for each detection, in order, its track; and the tracks that ended on this frame
   */
  update(boxes: readonly Box[], atMs: number): { assigned: Track<T>[]; ended: Track<T>[] } {
    const pairs: Array<{ track: Track<T>; index: number; overlap: number }> = [];
    for (const track of this.tracks.values()) {
      boxes.forEach((box, index) => {
        const overlap = iou(track.box, box);
        if (overlap >= this.minIou) pairs.push({ track, index, overlap });
      });
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const assigned: Array<Track<T> | undefined> = new Array(boxes.length);
    const matched = new Set<number>();
    for (const { track, index } of pairs) {
      if (assigned[index] || matched.has(track.id)) continue;
      assigned[index] = track;
      matched.add(track.id);
      track.box = boxes[index]!;
      track.lastSeenMs = atMs;
      track.hits = track.misses === 0 ? track.hits + 1 : 1;
      track.misses = 0;
    }
    boxes.forEach((box, index) => {
      if (assigned[index]) return;
      const track: Track<T> = { id: this.nextId++, box, firstSeenMs: atMs, lastSeenMs: atMs, hits: 1, misses: 0, data: this.createData(box) };
      this.tracks.set(track.id, track);
      assigned[index] = track;
      matched.add(track.id);
    });
    const ended: Track<T>[] = [];
    for (const track of this.tracks.values()) {
      if (matched.has(track.id)) continue;
      track.misses++;
      if (track.misses > this.maxMisses) {
        this.tracks.delete(track.id);
        ended.push(track);
      }
    }
    return { assigned: assigned as Track<T>[], ended };
  }

  /** Forget every track (the stream restarted). */
  clear(): void {
    this.tracks.clear();
  }
}
