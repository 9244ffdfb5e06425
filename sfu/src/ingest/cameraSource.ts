import type { types } from 'mediasoup';
import type { CameraState, CameraSummary, PtzRequestCommand } from '@argus/shared';
import type { CameraLabels, IngestCamera } from './ingestCamera.js';

/** A viewer's hold on a camera's live video producer; release it when the consumer closes. */
export interface CameraLease {
  producer: types.Producer;
  /** Idempotent. An on-demand source stops a grace period after its last lease is released. */
  release(): void;
}

/** The camera cannot give a producer now (not live, device offline, the play failed). */
export class CameraUnavailableError extends Error {
  override readonly name = 'CameraUnavailableError';
}

/** The camera cannot do what was asked (no PTZ, or the device refused the command). */
export class CameraCommandError extends Error {
  override readonly name = 'CameraCommandError';
}

/**
 * One camera the SFU ingests, whatever the way in: an always-on RTSP source or an on-demand
 * GB/T 28181 channel. Both end in a {@link CameraSummary} and, while live, a video producer on
 * {@link CameraSource.router}.
 */
export interface CameraSource {
  readonly summary: CameraSummary;
  /** The ingest router its producers live on. */
  readonly router: types.Router;
  /** What it was started from (to tell whether a store change needs a restart). */
  readonly camera: IngestCamera;
  /** The current video producer while live, else null. */
  readonly videoProducer: types.Producer | null;
  on(event: 'change', listener: (summary: CameraSummary) => void): this;
  start(): void;
  /**
   * A viewer's lease on the live video producer. An on-demand source starts streaming on the
   * first lease and waits until it is live.
   * @throws CameraUnavailableError when it is not live and cannot be started
   */
  acquire(): Promise<CameraLease>;
  /**
   * Steer the camera (pan, tilt, zoom, presets).
   * @throws CameraCommandError when the camera has no PTZ or the device did not accept it
   */
  ptz(command: PtzRequestCommand): Promise<void>;
  /** Rename, move or re-flag the camera without touching its ingest; emits `change`. */
  setLabels(labels: CameraLabels): void;
  /** Kill child processes now (synchronous), for process exit. */
  killNow(): void;
  /** Stop for good. */
  stop(): Promise<void>;
}

/** A new camera's summary: no producers, no codec yet, in `state` since now. */
export function initialSummary(camera: IngestCamera, state: CameraState, lastError: string | null = null): CameraSummary {
  return {
    id: camera.id,
    name: camera.name,
    orgUnitId: camera.orgUnitId,
    orgUnitName: camera.orgUnitName,
    state,
    videoProducerId: null,
    audioProducerId: null,
    sourceCodec: null,
    videoPath: null,
    lastError,
    since: Date.now(),
    ptz: camera.ptz,
  };
}

/** `summary` with `patch` applied; `since` moves to now only when the state changes. */
export function patchSummary(summary: CameraSummary, patch: Partial<CameraSummary>): CameraSummary {
  const stateChanged = patch.state !== undefined && patch.state !== summary.state;
  return { ...summary, ...patch, since: stateChanged ? Date.now() : summary.since };
}
