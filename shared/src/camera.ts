/**
 * Cameras as the wall sees them: every way in (RTSP today; GB/T 28181 and WebRTC/WHIP
 * publishers later) ends in the same shape, so the wall never knows where a camera came from.
 */

/**
 * Life of a source:
 * - `idle`: an on-demand source (a GB/T 28181 channel) that is reachable but not streaming;
 *   the first `consume` starts it (INVITE), and it stops a grace period after the last viewer;
 * - `connecting`: the SFU is opening the source (probe, ingest start, INVITE) and no media has arrived yet;
 * - `live`: media is arriving and a producer exists;
 * - `lost`: the source failed or stopped sending (or its device is offline); an always-on
 *   source retries with backoff, an on-demand one when a wall asks again.
 */
export type CameraState = 'idle' | 'connecting' | 'live' | 'lost';

/** Whether a wall may ask to consume a camera in this state (`idle` starts an on-demand source). */
export function isConsumable(state: CameraState): boolean {
  return state === 'live' || state === 'idle';
}

/** How the SFU carries the source's video into the router. */
export type VideoPath = 'passthrough' | 'transcode';

/** What the SFU tells a wall about one camera (the `cameraState` event and `listCameras`). */
export interface CameraSummary {
  /** Stable camera id: the channel id in the store. */
  id: string;
  /** Display name shown on the wall. */
  name: string;
  /** The org unit that owns the camera's channel (scoping is decided on it). */
  orgUnitId: string;
  /** That org unit's name, for grouping the wall's camera list. */
  orgUnitName: string;
  state: CameraState;
  /** Current video producer id while `live`, else null. Changes whenever the source is re-ingested. */
  videoProducerId: string | null;
  /** Current audio producer id while `live` and the source has audio, else null. */
  audioProducerId: string | null;
  /** Source codec as probed (e.g. "h264", "hevc"), null before the first probe. */
  sourceCodec: string | null;
  /** Whether video is forwarded as-is or re-encoded; null before the first probe. */
  videoPath: VideoPath | null;
  /** Human-readable reason of the last failure while `lost` or `connecting` after a failure. */
  lastError: string | null;
  /** Epoch ms of the last state change. */
  since: number;
  /** Whether the camera can be steered (pan, tilt, zoom, presets) through the `ptz` request. */
  ptz: boolean;
}
