import type { RtspProbeResult } from './rtspProbe.js';
import { declaredH264Profile, H264_CONSTRAINED_BASELINE, INGEST_AUDIO_PAYLOAD_TYPE, INGEST_VIDEO_PAYLOAD_TYPE } from '../../media/mediaCodecs.js';

/** H.264 profiles that Chromium decodes (8-bit 4:2:0); others (High 10, 4:2:2, 4:4:4) are transcoded. */
const PASSTHROUGH_PROFILES = new Set(['baseline', 'constrained baseline', 'main', 'high']);
const PASSTHROUGH_PIX_FMTS = new Set(['yuv420p', 'yuvj420p']);

export type VideoDecision =
  | { path: 'passthrough'; profileLevelId: string }
  | { path: 'transcode'; profileLevelId: string; reason: string };

/**
 * Decide how a probed source's video reaches the router.
 * H.264 in a profile and pixel format the browser decodes, without B-frames, passes through
 * untouched; anything else (H.265, MJPEG, MPEG-4, High 10, B-frames, ...) is transcoded to
 * H.264 Constrained Baseline. B-frames: WebRTC receivers (libwebrtc) assume decode order equals
 * display order, and Chromium stalls on reordered H.264 (seen with a Main-profile file).
 */
export function decideVideoPath(probe: RtspProbeResult): VideoDecision {
  const { codec, profile, pixFmt, hasBFrames } = probe.video;
  if (codec !== 'h264') return { path: 'transcode', profileLevelId: H264_CONSTRAINED_BASELINE, reason: `codec ${codec}` };
  if (profile && !PASSTHROUGH_PROFILES.has(profile.toLowerCase())) {
    return { path: 'transcode', profileLevelId: H264_CONSTRAINED_BASELINE, reason: `H.264 profile ${profile}` };
  }
  if (pixFmt && !PASSTHROUGH_PIX_FMTS.has(pixFmt)) {
    return { path: 'transcode', profileLevelId: H264_CONSTRAINED_BASELINE, reason: `pixel format ${pixFmt}` };
  }
  if (hasBFrames) return { path: 'transcode', profileLevelId: H264_CONSTRAINED_BASELINE, reason: 'B-frames' };
  return { path: 'passthrough', profileLevelId: declaredH264Profile(profile) };
}

/** Where ffmpeg sends one RTP stream: a mediasoup PlainTransport in comedia mode, RTCP on its own port. */
export interface RtpTarget {
  ip: string;
  rtpPort: number;
  rtcpPort: number;
  ssrc: number;
}

export interface IngestPlan {
  /** RTSP URL with credentials already embedded. */
  url: string;
  /** RTSP socket timeout, ms. */
  timeoutMs: number;
  video: VideoDecision;
  videoTarget: RtpTarget;
  /** null: ignore the source's audio (none, or not wanted). */
  audioTarget: RtpTarget | null;
}

/** Maximum RTP packet size ffmpeg emits, bytes: leaves room for SRTP and header extensions under a 1500 MTU. */
const RTP_PACKET_SIZE = 1200;

function rtpUrl(target: RtpTarget): string {
  return `rtp://${target.ip}:${target.rtpPort}?rtcpport=${target.rtcpPort}&pkt_size=${RTP_PACKET_SIZE}`;
}

/**
 * libx264 settings for a transcoded camera: Constrained Baseline, zerolatency, no B-frames,
 * a keyframe every 1 s, 2000 kbit/s (3000 max).
 */
export const H264_TRANSCODE_ARGS: readonly string[] = [
  '-c:v', 'libx264',
  '-preset', 'veryfast',
  '-tune', 'zerolatency',
  '-profile:v', 'baseline',
  '-pix_fmt', 'yuv420p',
  '-bf', '0',
  '-force_key_frames', 'expr:gte(t,n_forced*1)',
  '-sc_threshold', '0',
  '-b:v', '2000k', '-maxrate', '3000k', '-bufsize', '1500k',
];

/** libopus settings for camera audio: 48 kHz stereo, 48 kbit/s, 20 ms frames (RFC 7587). */
export const OPUS_ENCODE_ARGS: readonly string[] = ['-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '48k', '-application', 'lowdelay', '-frame_duration', '20'];

/** ffmpeg output arguments sending audio as RTP (payload type and SSRC of the producer) to `target`. */
export function rtpAudioOutputArgs(target: RtpTarget): string[] {
  return ['-payload_type', String(INGEST_AUDIO_PAYLOAD_TYPE), '-ssrc', String(target.ssrc), '-f', 'rtp', rtpUrl(target)];
}

/** ffmpeg output arguments sending video as RTP (payload type and SSRC of the producer) to `target`. */
export function rtpVideoOutputArgs(target: RtpTarget): string[] {
  return ['-payload_type', String(INGEST_VIDEO_PAYLOAD_TYPE), '-ssrc', String(target.ssrc), '-f', 'rtp', rtpUrl(target)];
}

/**
 * ffmpeg arguments for one ingest: pull RTSP over TCP, send video (and Opus audio) as RTP.
 *
 * - passthrough: `-c:v copy` plus the `dump_extra` bitstream filter so SPS/PPS precede every
 *   keyframe (a decoder joining mid-stream needs them; RFC 6184 §8.4 sprop-parameter-sets are
 *   not repeated in band by many cameras);
 * - transcode: libx264 Constrained Baseline, zerolatency, no B-frames, a keyframe every 1 s.
 * - audio (when a target is given): Opus 48 kHz stereo, 20 ms frames (RFC 7587).
 */
export function buildFfmpegIngestArgs(plan: IngestPlan): string[] {
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    '-rtsp_transport', 'tcp',
    '-timeout', String(plan.timeoutMs * 1000),
    '-fflags', 'nobuffer',
    '-flags', 'low_delay',
    '-analyzeduration', '1000000',
    '-probesize', '1000000',
    '-i', plan.url,
    '-map', '0:v:0', '-an', '-sn', '-dn',
  ];
  if (plan.video.path === 'passthrough') {
    args.push('-c:v', 'copy', '-bsf:v', 'dump_extra=freq=keyframe');
  } else {
    args.push(...H264_TRANSCODE_ARGS);
  }
  args.push(...rtpVideoOutputArgs(plan.videoTarget));
  if (plan.audioTarget) {
    args.push(
      '-map', '0:a:0', '-vn', '-sn', '-dn',
      ...OPUS_ENCODE_ARGS,
      ...rtpAudioOutputArgs(plan.audioTarget),
    );
  }
  return args;
}

/** The RTSP URL with `username`/`password` embedded as userinfo (RFC 3986 §3.2.1, percent-encoded). */
export function withCredentials(url: string, username?: string, password?: string): string {
  if (!username) return url;
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(username);
  parsed.password = password ? encodeURIComponent(password) : '';
  return parsed.toString();
}
