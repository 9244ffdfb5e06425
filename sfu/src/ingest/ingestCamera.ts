/**
 * What ingest needs to know of one camera (a channel of the store): where its media comes
 * from, with credentials, and the labels walls show. Built from the store; never sent to walls.
 */
export interface IngestCamera {
  /** The channel id, which is the wall's camera id. */
  id: string;
  name: string;
  /** rtsp:// or rtsps:// URL without credentials. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** The org unit that owns the channel, and its name. */
  orgUnitId: string;
  orgUnitName: string;
}

/** The parts of a camera that can change without restarting its ingest. */
export type CameraLabels = Pick<IngestCamera, 'name' | 'orgUnitId' | 'orgUnitName'>;

/** Whether moving from `a` to `b` needs the ingest restarted (a new URL or new credentials). */
export function connectionChanged(a: Pick<IngestCamera, 'url' | 'username' | 'password'>, b: Pick<IngestCamera, 'url' | 'username' | 'password'>): boolean {
  return a.url !== b.url || (a.username ?? '') !== (b.username ?? '') || (a.password ?? '') !== (b.password ?? '');
}
