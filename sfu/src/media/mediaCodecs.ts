import type { types } from 'mediasoup';

/**
 * H.264 as the wall's browsers take it over WebRTC.
 *
 * Debian's Chromium advertises H.264 Constrained Baseline (42e01f) and Main (4d001f) but not
 * High, although its software decoder decodes 8-bit 4:2:0 High profile. mediasoup matches
 * producer and consumer by profile (RFC 6184 §8.1 profile-level-id; levels are free with
 * level-asymmetry-allowed=1), so the SFU declares every forwarded H.264 stream as one of the
 * two profiles below; see {@link declaredH264Profile} for which.
 */
export const H264_CONSTRAINED_BASELINE = '42e01f';
export const H264_MAIN = '4d001f';

/** Router codecs: Opus for audio, H.264 Constrained Baseline and Main for video. */
export const routerMediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': H264_CONSTRAINED_BASELINE, 'level-asymmetry-allowed': 1 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': H264_MAIN, 'level-asymmetry-allowed': 1 },
  },
];

/** RTP payload types the ingest's ffmpeg uses towards the PlainTransports (dynamic range, RFC 3551 §6). */
export const INGEST_VIDEO_PAYLOAD_TYPE = 96;
export const INGEST_AUDIO_PAYLOAD_TYPE = 111;

/**
 * Producer RTP parameters for H.264 arriving from ffmpeg's RTP muxer (packetization-mode 1:
 * single NAL units and FU-A, RFC 6184 §5.6-5.8).
 * @param profileLevelId one of {@link H264_CONSTRAINED_BASELINE} or {@link H264_MAIN}.
 * @param ssrc the SSRC ffmpeg was told to use (`-ssrc`).
 */
export function h264ProducerRtpParameters(profileLevelId: string, ssrc: number): types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/H264',
        payloadType: INGEST_VIDEO_PAYLOAD_TYPE,
        clockRate: 90000,
        parameters: { 'packetization-mode': 1, 'profile-level-id': profileLevelId, 'level-asymmetry-allowed': 1 },
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    encodings: [{ ssrc }],
  };
}

/** Producer RTP parameters for Opus from ffmpeg (RFC 7587: 48 kHz clock, 2 channels in SDP). */
export function opusProducerRtpParameters(ssrc: number): types.RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: INGEST_AUDIO_PAYLOAD_TYPE, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc }],
  };
}

/**
 * The profile under which a passed-through H.264 stream is declared.
 * Constrained Baseline and Baseline → 42e01f; Main, High and anything else 8-bit 4:2:0 → 4d001f
 * (Chromium's decoder takes High even though it does not advertise it; the end-to-end test
 * plays a High-profile camera to prove it).
 */
export function declaredH264Profile(probedProfile: string | null): string {
  const profile = (probedProfile ?? '').toLowerCase();
  return profile.includes('baseline') ? H264_CONSTRAINED_BASELINE : H264_MAIN;
}
