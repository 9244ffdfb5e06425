import type { GbStreamMode } from '@argus/shared';

/**
 * What ingest needs to know of one camera (a channel of the store): where its media comes
 * from, with credentials, and the labels walls show. Built from the store; never sent to walls.
 */
export type IngestCamera = RtspIngestCamera | GbIngestCamera;

interface IngestCameraLabels {
  /** The channel id, which is the wall's camera id. */
  id: string;
  name: string;
  /** The org unit that owns the channel, and its name. */
  orgUnitId: string;
  orgUnitName: string;
  /** The channel can be steered (pan, tilt, zoom, presets). */
  ptz: boolean;
}

/** An always-on RTSP camera, pulled by ffmpeg. */
export interface RtspIngestCamera extends IngestCameraLabels {
  kind: 'rtsp';
  /** rtsp:// or rtsps:// URL without credentials. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

/** An on-demand GB/T 28181 channel, played by INVITE while someone watches. */
export interface GbIngestCamera extends IngestCameraLabels {
  kind: 'gb28181';
  /** 20-digit IDs of the registered device and of the channel. */
  deviceGbId: string;
  channelGbId: string;
  /** The device's media transport (its own setting, else the platform's default). */
  streamMode: GbStreamMode;
  /** Whether the device is registered and keeping alive now. */
  deviceOnline: boolean;
}

/** The parts of a camera that can change without restarting its ingest. */
export type CameraLabels = Pick<IngestCameraLabels, 'name' | 'orgUnitId' | 'orgUnitName' | 'ptz'>;

/** Whether moving from `a` to `b` needs the ingest restarted (another source, URL, credentials or transport). */
export function connectionChanged(a: IngestCamera, b: IngestCamera): boolean {
  if (a.kind === 'rtsp' && b.kind === 'rtsp') {
    return a.url !== b.url || (a.username ?? '') !== (b.username ?? '') || (a.password ?? '') !== (b.password ?? '');
  }
  if (a.kind === 'gb28181' && b.kind === 'gb28181') {
    return a.deviceGbId !== b.deviceGbId || a.channelGbId !== b.channelGbId || a.streamMode !== b.streamMode;
  }
  return true;
}

/** Whether two cameras differ in what walls see (name, org unit, PTZ). */
export function labelsChanged(a: CameraLabels, b: CameraLabels): boolean {
  return a.name !== b.name || a.orgUnitId !== b.orgUnitId || a.orgUnitName !== b.orgUnitName || a.ptz !== b.ptz;
}
