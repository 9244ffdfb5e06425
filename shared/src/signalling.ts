import type { BehaviourAlert, SignInRecord } from './analytics.js';
import { z } from 'zod';
import type { CameraSummary } from './camera.js';

/**
 * The wall ⇄ SFU signalling protocol over socket.io, declared once for both sides.
 *
 * Authentication: the handshake carries the session token, either as the `argus_session`
 * cookie (browsers) or as `auth: { token }` (other clients). A connection without a valid
 * session, or whose user may not watch video (`wall.view`), is refused with the
 * `connect_error` message `unauthenticated` or `forbidden`; a user who must first change
 * their password with `password-change-required`; a user's ninth connection with `limit`.
 *
 * Requests: the wall calls `socket.emit(method, request, ack)`; the SFU validates `request`
 * against {@link signallingRequests}[method] at the edge and always answers through `ack`
 * with a {@link SignallingAck}: `{ ok: true, data }` or `{ ok: false, error }`. A bad payload
 * gets an error acknowledgement, never a crash.
 *
 * Events pushed by the SFU: see {@link ServerEvents}.
 *
 * mediasoup's own objects (RTP capabilities, DTLS parameters) are checked here for shape
 * only; mediasoup validates their contents and its errors come back as `bad-request`.
 */

const id = z.string().min(1).max(128);

const rtpCodecCapability = z.looseObject({
  kind: z.enum(['audio', 'video']),
  mimeType: z.string().min(1),
  clockRate: z.number().int().positive(),
});

/** mediasoup-client `device.rtpCapabilities` (RFC 3264 offer/answer capabilities, mediasoup form). */
export const rtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(rtpCodecCapability).max(256).optional(),
  headerExtensions: z.array(z.looseObject({ uri: z.string() })).max(64).optional(),
});

/** DTLS parameters of the browser's end (RFC 8842 `a=setup` role, RFC 8122 fingerprints). */
export const dtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.strictObject({ algorithm: z.string().min(1), value: z.string().min(1) })).min(1).max(8),
});

/** One PTZ command of the wall's pad (see `ptz`). */
export const ptzCommandSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('move'),
      pan: z.enum(['left', 'right']).optional(),
      tilt: z.enum(['up', 'down']).optional(),
      zoom: z.enum(['in', 'out']).optional(),
      /** Pan and tilt speed, 1–255; the zoom speed (1–15) is derived from it (speed / 16). */
      speed: z.number().int().min(1).max(255),
    })
    .refine((m) => m.pan !== undefined || m.tilt !== undefined || m.zoom !== undefined, { message: 'a move needs pan, tilt or zoom (use stop to stop)', path: ['pan'] }),
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('preset'), operation: z.enum(['goto', 'set', 'delete']), preset: z.number().int().min(1).max(255) }),
]);
export type PtzRequestCommand = z.infer<typeof ptzCommandSchema>;

/** Request payloads, keyed by method name. */
export const signallingRequests = {
  /** The router's RTP capabilities, to load a mediasoup-client Device. */
  getRouterRtpCapabilities: z.strictObject({}),
  /** Every camera this user may see (their org subtree), with its state. */
  listCameras: z.strictObject({}),
  /** Create a WebRTC receive transport on the router assigned to this connection. */
  createRecvTransport: z.strictObject({}),
  /** Finish the DTLS handshake set-up of a transport created by this connection. */
  connectTransport: z.strictObject({ transportId: id, dtlsParameters: dtlsParametersSchema }),
  /**
   * Consume a camera's current video producer, named by `cameraId` or by `producerId` (one of
   * them; with both, they must agree). Only cameras in the user's org subtree may be consumed:
   * anything else is refused with `forbidden` and audited. The consumer starts paused: the wall
   * resumes it once its video element is attached, and the SFU then asks for a keyframe.
   */
  consume: z
    .strictObject({ transportId: id, cameraId: id.optional(), producerId: id.optional(), rtpCapabilities: rtpCapabilitiesSchema })
    .refine((r) => r.cameraId !== undefined || r.producerId !== undefined, { message: 'needs cameraId or producerId', path: ['cameraId'] }),
  /** Pause (tile hidden) or resume (tile visible again; the SFU asks for a keyframe) a consumer. */
  setConsumerPaused: z.strictObject({ consumerId: id, paused: z.boolean() }),
  /** Close a consumer the wall no longer needs (tile switched or cleared). */
  closeConsumer: z.strictObject({ consumerId: id }),
  /**
   * Steer a PTZ camera in the user's subtree (GB/T 28181-2016 A.3 PTZ command, sent as a
   * DeviceControl `PTZCmd`). `move` keeps moving until `stop`; speeds are 1–255 (pan, tilt)
   * and 1–15 (zoom). Presets are 1–255. Cameras without PTZ answer `bad-request`.
   */
  ptz: z.strictObject({ cameraId: id, command: ptzCommandSchema }),
} as const;

export type SignallingMethod = keyof typeof signallingRequests;
export type SignallingRequest<M extends SignallingMethod> = z.infer<(typeof signallingRequests)[M]>;

/** ICE/DTLS parameters of a transport, as mediasoup-client's `Device.createRecvTransport` takes them. */
export interface TransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

/** Response payloads, keyed by method name. */
export interface SignallingResponses {
  getRouterRtpCapabilities: { rtpCapabilities: unknown };
  listCameras: { cameras: CameraSummary[] };
  createRecvTransport: TransportOptions;
  connectTransport: Record<string, never>;
  consume: { consumerId: string; producerId: string; cameraId: string; kind: 'audio' | 'video'; rtpParameters: unknown };
  setConsumerPaused: Record<string, never>;
  closeConsumer: Record<string, never>;
  ptz: Record<string, never>;
}
export type SignallingResponse<M extends SignallingMethod> = SignallingResponses[M];

/**
 * Why a request failed:
 * - `bad-request`: the payload does not match the schema, or mediasoup rejected its contents;
 * - `not-found`: unknown camera, transport or consumer (or not this connection's);
 * - `forbidden`: the camera is outside the user's org subtree, or the user may not watch video;
 * - `unavailable`: the camera exists but is not live (or its on-demand stream could not start);
 * - `limit`: this connection holds as many transports or consumers as it may;
 * - `internal`: anything else (logged on the SFU).
 */
export type SignallingErrorCode = 'bad-request' | 'not-found' | 'forbidden' | 'unavailable' | 'limit' | 'internal';

/** Per-connection limits: a wall needs one receive transport and one consumer per tile. */
export const SIGNALLING_LIMITS = {
  /** WebRTC transports one connection may hold at once. */
  transportsPerConnection: 4,
  /** Consumers one connection may hold at once (16 tiles, with room for switching). */
  consumersPerConnection: 64,
} as const;

export type SignallingAck<M extends SignallingMethod> =
  | { ok: true; data: SignallingResponse<M> }
  | { ok: false; error: { code: SignallingErrorCode; message: string } };

/** Events the SFU pushes to walls. */
export interface ServerEvents {
  /** A camera changed state (connecting, live, lost) or its producers were replaced. */
  cameraState: (camera: CameraSummary) => void;
  /** A camera this wall could see was removed or moved out of the user's subtree. */
  cameraRemoved: (event: { cameraId: string }) => void;
  /**
   * The session ended (`logout`, `expired`, or `revoked` by an administrator); the SFU
   * disconnects the socket right after. The wall returns to its login page.
   */
  sessionEnded: (event: { reason: 'logout' | 'expired' | 'revoked' }) => void;
  /** A consumer of this wall was closed by the SFU (its producer went away). */
  consumerClosed: (event: { consumerId: string; reason: 'producer-closed' | 'transport-closed' }) => void;
  /**
   * A supervised person signed in at a sign-in camera. Sent only to users with `signins.read`
   * whose area holds the person's org unit; the snapshot is fetched (and audited) separately
   * from `GET /api/sign-ins/:id/snapshot`.
   */
  signIn: (record: SignInRecord) => void;
  /** A behaviour rule fired on a camera in the user's area (users with `alerts.handle`). */
  alert: (alert: BehaviourAlert) => void;
  /** Someone acknowledged an alert: every wall showing it closes its pop-up. */
  alertAcknowledged: (event: { id: number; acknowledgedAt: number; acknowledgedBy: string }) => void;
}
