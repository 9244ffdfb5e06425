import { z } from 'zod';
import { describeIssues } from './validation.js';
import { GB_STREAM_MODES } from './domain.js';

/**
 * The SFU's configuration file (JSON). Validated at start-up: a bad file stops start-up
 * with a {@link ConfigError} whose message names every bad field.
 *
 * Cameras (`cameras`) are imported into the store once, on the first start with an empty
 * store; after that the store is the source of truth and they are managed through the admin API.
 */

const cameraId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');

const rtspUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'rtsp:' || url.protocol === 'rtsps:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an rtsp:// or rtsps:// URL with a host');

export const cameraConfigSchema = z.strictObject({
  id: cameraId,
  name: z.string().trim().min(1, 'must not be empty').max(128),
  url: rtspUrl,
  /** RTSP credentials; kept out of logs and out of anything sent to walls. */
  username: z.string().optional(),
  password: z.string().optional(),
  /** Org unit the camera is imported under; default: the province (root). */
  orgUnitId: z.string().regex(/^\d{6}(\d{3})?$/, 'must be a 6- or 9-digit division code').optional(),
});

const port = z.number().int().min(1).max(65535);

export const sfuConfigSchema = z
  .strictObject({
    http: z
      .strictObject({
        /** Address the HTTP + socket.io server binds to. */
        host: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')], { error: 'must be an IPv4 or IPv6 address' }).default('0.0.0.0'),
        /** TCP port of the wall, `/healthz` and signalling; 0 picks a free port. */
        port: z.number().int().min(0).max(65535).default(8080),
        /** Browser origins besides the wall's own that may open signalling connections. */
        allowedOrigins: z.array(z.url()).max(64).default([]),
      })
      .prefault({}),
    mediasoup: z
      .strictObject({
        /** mediasoup workers; 0 means one per CPU core. */
        numWorkers: z.number().int().min(0).max(64).default(0),
        /** Local IP address (v4 or v6) that WebRTC transports listen on. */
        listenIp: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).default('127.0.0.1'),
        /** Address announced in ICE candidates (set it when listenIp is 0.0.0.0 or behind NAT). */
        announcedAddress: z.string().min(1).optional(),
        rtcMinPort: port.default(40000),
        rtcMaxPort: port.default(49999),
        logLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
        /** mediasoup worker log tags for debugging, e.g. ["ice", "dtls"] with logLevel "debug". */
        logTags: z
          .array(z.enum(['info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp', 'rtx', 'bwe', 'score', 'simulcast', 'svc', 'sctp', 'message']))
          .default([]),
      })
      .prefault({})
      .refine((m) => m.rtcMinPort <= m.rtcMaxPort, { message: 'rtcMinPort must be <= rtcMaxPort', path: ['rtcMinPort'] }),
    ingest: z
      .strictObject({
        ffmpegPath: z.string().min(1).default('ffmpeg'),
        ffprobePath: z.string().min(1).default('ffprobe'),
        /** A live source that sends nothing for this long is declared lost, ms. */
        stallTimeoutMs: z.number().int().min(500).max(60_000).default(3000),
        /** RTSP connect/read timeout given to ffprobe and ffmpeg, ms. */
        rtspTimeoutMs: z.number().int().min(500).max(60_000).default(5000),
        backoff: z
          .strictObject({
            initialMs: z.number().int().min(10).default(1000),
            maxMs: z.number().int().min(10).default(30_000),
          })
          .prefault({})
          .refine((b) => b.initialMs <= b.maxMs, { message: 'initialMs must be <= maxMs', path: ['initialMs'] }),
      })
      .prefault({}),
    store: z
      .strictObject({
        /** SQLite database file (created with its folder if missing); relative to the working directory. */
        path: z.string().min(1).default('data/argus.db'),
        /** How often the server records that it is alive, ms; views left open by a crash are closed at the last beat. */
        heartbeatMs: z.number().int().min(100).max(60_000).default(1000),
        /** The root of the org tree, created on the first start with an empty store. */
        root: z
          .strictObject({
            id: z.string().regex(/^\d{6}$/, 'must be a 6-digit division code'),
            name: z.string().trim().min(1).max(64),
          })
          .default({ id: '990000', name: '省司法厅社区矫正管理局' }),
      })
      .prefault({}),
    auth: z
      .strictObject({
        /** Session length, ms (default 12 h: one shift). */
        sessionTtlMs: z.number().int().min(1000).max(7 * 24 * 3600_000).default(12 * 3600_000),
        /**
         * Secret that signs session tokens (HS256), at least 32 characters. Default: a random
         * secret generated once and kept in the store, so sessions survive a restart.
         */
        tokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
        /** Mark the session cookie Secure (set when the wall is served over HTTPS). */
        secureCookie: z.boolean().default(false),
        /**
         * Failed logins allowed for a username from one address (ten times as many from all
         * addresses together), and per client address, within `lockoutMs`.
         */
        maxFailuresPerUser: z.number().int().min(1).max(100).default(5),
        maxFailuresPerAddress: z.number().int().min(1).max(1000).default(20),
        /** Window for the failure counts, and how long a locked username or address waits, ms. */
        lockoutMs: z.number().int().min(1000).max(24 * 3600_000).default(15 * 60_000),
      })
      .prefault({}),
    /**
     * The GB/T 28181 platform (GB/T 28181-2016 §9): the SIP registrar that Skynet and Sharp Eyes
     * devices and lower platforms register to, over UDP and TCP on one port. Off by default.
     */
    gb28181: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Address the SIP UDP socket and TCP server bind to. */
        host: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')], { error: 'must be an IPv4 or IPv6 address' }).default('0.0.0.0'),
        /** SIP port, UDP and TCP (RFC 3261 §18: 5060). */
        port: port.default(5060),
        /** The platform's 10-digit SIP domain ID (GB/T 28181-2016 Appendix D), the digest realm (§9.1.2.1). */
        domainId: z.string().regex(/^\d{10}$/, 'must be 10 digits').default('9900000000'),
        /** The platform's 20-digit SIP server ID (GB/T 28181-2016 Appendix D, type code 200). */
        serverId: z.string().regex(/^\d{20}$/, 'must be 20 digits').default('99000000002000000001'),
        /** Keepalive interval devices are expected to keep (GB/T 28181-2016 §9.6: default 60 s), ms. */
        keepaliveIntervalMs: z.number().int().min(100).max(3600_000).default(60_000),
        /** Keepalives missed before a device is offline (GB/T 28181-2016 §9.6: default 3). */
        keepaliveMissed: z.number().int().min(1).max(100).default(3),
        /** How long a multi-message Catalog answer may go quiet before what arrived is kept (A.2.6), ms. */
        catalogTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
        /**
         * The address written in our SDP offers for media (c=); default: the address the device's
         * SIP traffic reaches us on. Set it behind NAT or on multi-homed hosts.
         */
        mediaAddress: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
        /** Address the media sockets bind to (UDP and TCP listeners). */
        mediaBindHost: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).default('0.0.0.0'),
        /** Media transport for devices that do not set their own (GB/T 28181-2016 Appendix G). */
        streamMode: z.enum(GB_STREAM_MODES).default('udp'),
        /** Offer `a=streamnumber:N` (2022 edition: 0 main stream, 1 sub-stream); omitted by default. */
        streamNumber: z.number().int().min(0).max(9).optional(),
        /** How long an INVITE may wait for its final answer, ms. */
        inviteTimeoutMs: z.number().int().min(500).max(60_000).default(10_000),
        /** A playing channel with no media for this long is ended and shown lost, ms. */
        mediaTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
        /** A channel keeps streaming this long after its last viewer leaves (switching tiles or tours re-use it), ms. */
        idleStopMs: z.number().int().min(0).max(600_000).default(15_000),
        /**
         * Cascade upward (GB/T 28181-2016 §9.1, §9.2, §9.5 between platforms): register to a
         * superior platform over SIP/UDP, answer its Catalog queries with our channels, and send it
         * live video as PS over RTP when it INVITEs. Absent: no cascade.
         */
        upstream: z
          .strictObject({
            /** The superior platform's SIP address and port. */
            host: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }),
            port: port.default(5060),
            /** The superior's 20-digit SIP server ID and 10-digit domain ID (its digest realm). */
            serverId: z.string().regex(/^\d{20}$/, 'must be 20 digits'),
            domainId: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
            /** Our 20-digit ID as the superior knows us; default our `serverId`. */
            localId: z.string().regex(/^\d{20}$/, 'must be 20 digits').optional(),
            /** The digest password the superior gave us. */
            password: z.string().min(1).max(128),
            /** Registration lifetime we ask for, s (re-registered at half of it). */
            expiresS: z.number().int().min(60).max(86_400).default(3600),
            /** Keepalive interval toward the superior, ms. */
            keepaliveIntervalMs: z.number().int().min(100).max(3600_000).default(60_000),
            /** Only channels of this org unit and below are shared; default the whole tree. */
            orgUnitId: z.string().min(1).max(64).optional(),
          })
          .optional(),
      })
      .prefault({}),
    /**
     * The analytics worker (face sign-in, behaviour alerts): separate processes started and
     * restarted by the SFU, each consuming the cameras it is given through a PlainTransport.
     */
    analytics: z
      .strictObject({
        /** Start the workers. Off: no sign-in, no alerts, and enrolment answers 503. */
        enabled: z.boolean().default(false),
        /** Worker processes; each keeps one core busy (tfjs-backend-wasm, one thread). 0: one per core. */
        workers: z.number().int().min(0).max(64).default(1),
        /** Frames a second decoded from each sign-in camera. */
        fps: z.number().min(0.2).max(30).default(5),
        /** Frames a second analysed on cameras with behaviour rules only (person detection costs ~300 ms a frame). */
        behaviourFps: z.number().min(0.2).max(30).default(2),
        /** Frames are scaled down to at most this width before analysis, px. */
        maxWidth: z.number().int().min(160).max(3840).default(960),
        /**
         * Cosine similarity at or above which a face matches an enrolled person. Default 0.62:
         * measured on 178 labelled photos of 41 people (`npm run bench:analytics`), 0.627 gives a
         * false-accept rate of 1e-3 per comparison with 62 % of genuine pairs accepted.
         */
        matchThreshold: z.number().min(0).max(1).default(0.62),
        /** Consecutive analysed frames a track must match the same person before it signs in. */
        signInFrames: z.number().int().min(1).max(100).default(3),
        /** Human's liveness score (0-1) a face must reach to sign in. */
        livenessThreshold: z.number().min(0).max(1).default(0.5),
        /** Smallest face width for sign-in and for enrolment photos, px. */
        minFaceWidthPx: z.number().int().min(16).max(1024).default(48),
        /** Keep enrolment photos with the descriptors (off: only descriptors are stored). */
        storePhotos: z.boolean().default(false),
        /** Time zone of the sign-in day (one sign-in per person per day per site). */
        timeZone: z.string().min(1).max(64).default('Asia/Shanghai'),
        /** Snapshots of faces nobody matched are deleted after this long, hours. */
        unknownFaceRetentionH: z.number().min(0).max(24 * 365).default(24),
        /** Sign-in and alert snapshots are deleted after this long, days (the records stay). */
        captureRetentionDays: z.number().min(1).max(3650).default(90),
        /** A worker that answers no heartbeat for this long is hung: it is killed and restarted, ms. */
        hangTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
        /** A worker that dies is restarted after this delay, doubling up to 30 s, ms. */
        restartDelayMs: z.number().int().min(10).max(60_000).default(1000),
      })
      .prefault({}),
    cameras: z.array(cameraConfigSchema).max(4096).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.cameras.forEach((camera, index) => {
      if (seen.has(camera.id)) {
        ctx.addIssue({ code: 'custom', message: `duplicate camera id "${camera.id}"`, path: ['cameras', index, 'id'] });
      }
      seen.add(camera.id);
    });
  });

export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type SfuConfig = z.infer<typeof sfuConfigSchema>;
/** What a config file may contain: every field with a default may be left out. */
export type SfuConfigInput = z.input<typeof sfuConfigSchema>;

/** A configuration that cannot be used; `message` names each bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validate an already-parsed configuration object and fill in defaults.
 * @throws ConfigError naming every bad field, e.g. `cameras[0].url: must be an rtsp:// ...`.
 */
export function parseSfuConfig(raw: unknown): SfuConfig {
  const result = sfuConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid configuration: ${describeIssues(result.error)}`);
  return result.data;
}

/**
 * Parse and validate the text of a JSON configuration file.
 * @param source names the file in error messages.
 * @throws ConfigError on bad JSON or a bad field.
 */
export function parseSfuConfigText(text: string, source = 'configuration'): SfuConfig {
  let raw: unknown;
  try {
    // Editors on Windows often save JSON with a UTF-8 byte-order mark; JSON.parse rejects it.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseSfuConfig(raw);
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message}`);
  }
}
