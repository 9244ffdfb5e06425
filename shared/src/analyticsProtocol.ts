import type { BehaviourRule } from './analytics.js';

/**
 * Messages between the SFU and an analytics worker process, over Node's IPC channel with
 * `serialization: 'advanced'` (structured clone: typed arrays travel as they are). The SFU owns
 * the store: a worker never writes records, it reports them, so a worker that dies loses at most
 * the frames it was analysing.
 */

/** The analysis settings the SFU passes to every worker (from `config.analytics`). */
export interface WorkerSettings {
  matchThreshold: number;
  signInFrames: number;
  livenessThreshold: number;
  minFaceWidthPx: number;
  maxWidth: number;
}

/** What a worker does with one camera. */
export interface CameraAssignment {
  cameraId: string;
  /** SDP (RFC 4566) of the RTP the SFU's PlainTransport consumer sends to the worker: H.264 video only. */
  sdp: string;
  /** Frames a second to decode and analyse. */
  fps: number;
  signIn: boolean;
  rules: BehaviourRule[];
}

export type ToWorker =
  | { type: 'settings'; settings: WorkerSettings }
  /** Replace the whole gallery (at start and after a restart). */
  | { type: 'gallery'; entries: { personId: string; descriptor: Float32Array }[] }
  | { type: 'enrol'; personId: string; descriptors: Float32Array[] }
  | { type: 'unenrol'; personId: string }
  | { type: 'attach'; camera: CameraAssignment }
  /** New rules or sign-in flag of an attached camera (the stream stays). */
  | { type: 'update'; camera: Omit<CameraAssignment, 'sdp'> }
  | { type: 'detach'; cameraId: string }
  /** Find the faces of an encoded picture (enrolment). */
  | { type: 'describe'; requestId: number; picture: Uint8Array }
  /** Heartbeat: answered at once with `pong`, ahead of queued work (a worker that stops answering is killed). */
  | { type: 'ping'; at: number };

/** A face found in an enrolment picture. */
export interface DescribedFace {
  box: [number, number, number, number];
  score: number;
  descriptor: Float32Array;
  real: number;
  live: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'pong'; at: number }
  /** The worker's decoder waits for a keyframe of this camera: the SFU asks the producer for one (PLI). */
  | { type: 'needKeyframe'; cameraId: string }
  | { type: 'described'; requestId: number; width: number; height: number; faces: DescribedFace[] }
  | { type: 'describeFailed'; requestId: number; message: string }
  | { type: 'signIn'; cameraId: string; personId: string; similarity: number; live: number; real: number; at: number; snapshot: Uint8Array }
  | { type: 'unknownFace'; cameraId: string; at: number; snapshot: Uint8Array }
  | { type: 'alert'; cameraId: string; ruleId: string; at: number; detail: Record<string, unknown>; snapshot: Uint8Array }
  | { type: 'cameraStats'; cameraId: string; framesDecoded: number; framesAnalysed: number; tracks: number }
  | { type: 'cameraError'; cameraId: string; message: string };
