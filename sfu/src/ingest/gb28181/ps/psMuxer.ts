/**
 * Annex-B access units (+ optional G.711) → MPEG-2 Program Stream (ISO/IEC 13818-1 §2.5) → RTP, as
 * a GB/T 28181 device sends them (GB/T 28181-2016 Appendix C: PT 96 "PS/90000"). Used by the test
 * device simulator and by the upward cascade.
 *
 * Each frame becomes one PS pack: a pack header (§2.5.3.3), then on keyframes (and the first
 * frame) a system header (§2.5.3.5) and a Program Stream Map (§2.5.4), then the video PES
 * packet(s) (§2.4.3.6, stream 0xE0, with PTS and, if it differs, DTS; split at 64 KiB) and any
 * audio PES packets (stream 0xC0). {@link PsRtpPacketizer} cuts the pack into RTP payloads of at
 * most 1400 bytes, all with the frame's timestamp, the last with the marker bit (RFC 3550 §5.1).
 */
import { type AnnexBCodec, isKeyframeAccessUnit } from './annexB.js';
import { buildRtpPacket, toUint32 } from './rtpPacket.js';
import { PS_AUDIO_STREAM_ID, PS_START, PS_VIDEO_STREAM_ID, streamTypeForCodec } from './psStreamTypes.js';

export { annexBAccessUnits } from './annexB.js';

export type PsAudioCodec = 'g711a' | 'g711u';

const TIMESTAMP_MODULO = 2 ** 33;
/** mux_rate in units of 50 bytes/s (§2.5.3.4): 10 Mbit/s, above any stream this muxer carries. */
const DEFAULT_MUX_RATE = 25_000;
/** Largest PES_packet_length (§2.4.3.7). */
const MAX_PES_PACKET_LENGTH = 0xffff;

function mod33(value: number): number {
  const v = Math.floor(value) % TIMESTAMP_MODULO;
  return v < 0 ? v + TIMESTAMP_MODULO : v;
}

/** CRC-32 of ISO/IEC 13818-1 Annex A (polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final XOR). */
export function mpegCrc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc >>> 0;
}
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/**
 * MPEG-2 pack header (§2.5.3.3), 14 bytes: SCR base (33 bits, 90 kHz) with extension 0,
 * program_mux_rate, no stuffing.
 */
export function buildPackHeader(scr90k: number, muxRate = DEFAULT_MUX_RATE): Buffer {
  const scr = mod33(scr90k);
  const top3 = Math.floor(scr / 2 ** 30) & 0x07;
  const low30 = scr % 2 ** 30;
  const out = Buffer.alloc(14);
  out.writeUInt32BE(0x000001ba, 0);
  out[4] = 0x40 | (top3 << 3) | 0x04 | ((low30 >>> 28) & 0x03);
  out[5] = (low30 >>> 20) & 0xff;
  out[6] = (((low30 >>> 15) & 0x1f) << 3) | 0x04 | ((low30 >>> 13) & 0x03);
  out[7] = (low30 >>> 5) & 0xff;
  out[8] = ((low30 & 0x1f) << 3) | 0x04; // SCR_ext bits 8..7 = 0
  out[9] = 0x01; // SCR_ext bits 6..0 = 0, marker
  const rate = muxRate & 0x3fffff;
  out[10] = (rate >>> 14) & 0xff;
  out[11] = (rate >>> 6) & 0xff;
  out[12] = ((rate & 0x3f) << 2) | 0x03;
  out[13] = 0xf8; // reserved, pack_stuffing_length 0
  return out;
}

export interface SystemHeaderStream {
  streamId: number;
  /** P-STD_buffer_size_bound in bytes (rounded up to the scale's units). */
  bufferBytes: number;
}

/** System header (§2.5.3.5) for one video and at most one audio stream. */
export function buildSystemHeader(streams: readonly SystemHeaderStream[], rateBound = DEFAULT_MUX_RATE): Buffer {
  const audioBound = streams.filter((s) => s.streamId >= 0xc0 && s.streamId <= 0xdf).length;
  const videoBound = streams.filter((s) => s.streamId >= 0xe0 && s.streamId <= 0xef).length;
  const out = Buffer.alloc(12 + 3 * streams.length);
  out.writeUInt32BE(0x000001bb, 0);
  out.writeUInt16BE(6 + 3 * streams.length, 4);
  const rate = rateBound & 0x3fffff;
  out[6] = 0x80 | ((rate >>> 15) & 0x7f);
  out[7] = (rate >>> 7) & 0xff;
  out[8] = ((rate & 0x7f) << 1) | 0x01;
  out[9] = (audioBound & 0x3f) << 2; // fixed_flag 0, CSPS_flag 0
  out[10] = 0xe0 | (videoBound & 0x1f); // system_audio_lock, system_video_lock, marker
  out[11] = 0x7f; // packet_rate_restriction_flag 0, reserved
  streams.forEach((s, i) => {
    const video = s.streamId >= 0xe0;
    const scale = video ? 1024 : 128; // P-STD_buffer_bound_scale 1 for video, 0 for audio (§2.5.3.6)
    const bound = Math.min(0x1fff, Math.ceil(s.bufferBytes / scale));
    const at = 12 + 3 * i;
    out[at] = s.streamId;
    out[at + 1] = 0xc0 | (video ? 0x20 : 0) | ((bound >>> 8) & 0x1f);
    out[at + 2] = bound & 0xff;
  });
  return out;
}

export interface PsmEntry {
  streamType: number;
  streamId: number;
}

/** Program Stream Map (§2.5.4.1) with no descriptors and a correct CRC_32. */
export function buildProgramStreamMap(entries: readonly PsmEntry[], version = 0): Buffer {
  const esMapLength = 4 * entries.length;
  const length = 6 + esMapLength + 4; // flags(2) + info length(2) + es map length(2) + entries + CRC
  const out = Buffer.alloc(6 + length);
  out.writeUInt32BE(0x000001bc, 0);
  out.writeUInt16BE(length, 4);
  out[6] = 0x80 | 0x20 | (version & 0x1f); // current_next_indicator, reserved, version
  out[7] = 0xff; // reserved, marker
  out.writeUInt16BE(0, 8); // program_stream_info_length
  out.writeUInt16BE(esMapLength, 10);
  entries.forEach((e, i) => {
    out[12 + 4 * i] = e.streamType;
    out[13 + 4 * i] = e.streamId;
    out.writeUInt16BE(0, 14 + 4 * i);
  });
  out.writeUInt32BE(mpegCrc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
}

/** 5-byte PTS/DTS field (§2.4.3.7) with the given 4-bit prefix ('0010' PTS only, '0011'/'0001' PTS+DTS). */
function writeTimestamp(out: Buffer, at: number, prefix: number, value: number): void {
  const ts = mod33(value);
  const top3 = Math.floor(ts / 2 ** 30) & 0x07;
  const low30 = ts % 2 ** 30;
  out[at] = (prefix << 4) | (top3 << 1) | 0x01;
  out.writeUInt16BE((((low30 >>> 15) & 0x7fff) << 1) | 0x01, at + 1);
  out.writeUInt16BE(((low30 & 0x7fff) << 1) | 0x01, at + 3);
}

/**
 * PES packets (§2.4.3.6) carrying `payload`: the first with PTS (and DTS when given and different)
 * and data_alignment_indicator, the rest (when the payload exceeds one PES_packet_length) without.
 */
export function buildPesPackets(streamId: number, payload: Buffer, pts90k: number | null, dts90k: number | null = null): Buffer[] {
  const packets: Buffer[] = [];
  let offset = 0;
  let first = true;
  do {
    const withDts = first && pts90k !== null && dts90k !== null && mod33(dts90k) !== mod33(pts90k);
    const withPts = first && pts90k !== null;
    const headerData = withDts ? 10 : withPts ? 5 : 0;
    const room = MAX_PES_PACKET_LENGTH - 3 - headerData;
    const size = Math.min(room, payload.length - offset);
    const out = Buffer.alloc(9 + headerData + size);
    out.writeUInt32BE(0x00000100 | streamId, 0);
    out.writeUInt16BE(3 + headerData + size, 4);
    out[6] = 0x80 | (first ? 0x04 : 0); // '10', data_alignment_indicator
    out[7] = withDts ? 0xc0 : withPts ? 0x80 : 0x00;
    out[8] = headerData;
    if (withDts) {
      writeTimestamp(out, 9, 0x3, pts90k);
      writeTimestamp(out, 14, 0x1, dts90k);
    } else if (withPts) {
      writeTimestamp(out, 9, 0x2, pts90k);
    }
    payload.copy(out, 9 + headerData, offset, offset + size);
    packets.push(out);
    offset += size;
    first = false;
  } while (offset < payload.length);
  return packets;
}

export interface PsVideoFrame {
  /** One Annex-B access unit. */
  data: Buffer;
  pts90k: number;
  /** Defaults to the PTS. */
  dts90k?: number;
  /** Defaults to what the NAL unit types say (H.264 IDR/SPS, H.265 IRAP/VPS). */
  keyframe?: boolean;
}

export interface PsAudioFrame {
  data: Buffer;
  pts90k: number;
}

export interface PsMuxerOptions {
  /** Video codec declared in the PSM (default 'h264'); null for audio only. */
  videoCodec?: AnnexBCodec | null;
  /** Audio codec declared in the PSM (default none). */
  audioCodec?: PsAudioCodec | null;
  /** program_mux_rate, 50 bytes/s units (default 25000 = 10 Mbit/s). */
  muxRate?: number;
}

/** Builds one PS pack per frame. */
export class PsMuxer {
  private readonly videoCodec: AnnexBCodec | null;
  private readonly audioCodec: PsAudioCodec | null;
  private readonly muxRate: number;
  private wroteHeaders = false;

  constructor(options: PsMuxerOptions = {}) {
    this.videoCodec = options.videoCodec === undefined ? 'h264' : options.videoCodec;
    this.audioCodec = options.audioCodec ?? null;
    this.muxRate = options.muxRate ?? DEFAULT_MUX_RATE;
  }

  /**
   * One pack holding a video access unit and/or audio frames.
   * @throws Error when given a stream the muxer was not configured with, or nothing at all.
   */
  muxFrame(frame: { video?: PsVideoFrame; audio?: readonly PsAudioFrame[] }): Buffer {
    const audio = frame.audio ?? [];
    if (!frame.video && audio.length === 0) throw new Error('PS frame needs video or audio');
    if (frame.video && !this.videoCodec) throw new Error('PS muxer has no video stream');
    if (audio.length > 0 && !this.audioCodec) throw new Error('PS muxer has no audio stream');
    const video = frame.video;
    const scrSource = video ? (video.dts90k ?? video.pts90k) : audio[0]!.pts90k;
    const parts: Buffer[] = [buildPackHeader(scrSource, this.muxRate)];
    const keyframe = video && this.videoCodec ? (video.keyframe ?? isKeyframeAccessUnit(this.videoCodec, video.data)) : false;
    if (keyframe || !this.wroteHeaders) {
      parts.push(buildSystemHeader(this.systemStreams(), this.muxRate), buildProgramStreamMap(this.psmEntries()));
      this.wroteHeaders = true;
    }
    if (video) parts.push(...buildPesPackets(PS_VIDEO_STREAM_ID, video.data, video.pts90k, video.dts90k ?? null));
    for (const a of audio) parts.push(...buildPesPackets(PS_AUDIO_STREAM_ID, a.data, a.pts90k));
    return Buffer.concat(parts);
  }

  /** MPEG_program_end_code (§2.5.3.2), for a file's last bytes. */
  static programEnd(): Buffer {
    return Buffer.from([0, 0, 1, PS_START.programEnd]);
  }

  private systemStreams(): SystemHeaderStream[] {
    const streams: SystemHeaderStream[] = [];
    if (this.videoCodec) streams.push({ streamId: PS_VIDEO_STREAM_ID, bufferBytes: 1024 * 1024 });
    if (this.audioCodec) streams.push({ streamId: PS_AUDIO_STREAM_ID, bufferBytes: 4096 });
    return streams;
  }

  private psmEntries(): PsmEntry[] {
    const entries: PsmEntry[] = [];
    if (this.videoCodec) entries.push({ streamType: streamTypeForCodec(this.videoCodec), streamId: PS_VIDEO_STREAM_ID });
    if (this.audioCodec) entries.push({ streamType: streamTypeForCodec(this.audioCodec), streamId: PS_AUDIO_STREAM_ID });
    return entries;
  }
}

/** GB/T 28181-2016 Appendix C: PS over RTP uses dynamic payload type 96, "PS/90000". */
export const PS_RTP_PAYLOAD_TYPE = 96;
/** Largest RTP payload the packetizer emits by default, bytes. */
export const PS_RTP_MAX_PAYLOAD = 1400;

export interface PsRtpPacketizerOptions {
  ssrc: number;
  payloadType?: number;
  maxPayloadSize?: number;
  /** First sequence number (default 0). */
  initialSequence?: number;
}

/** Cuts PS packs into RTP packets: one timestamp per frame, marker on the frame's last packet. */
export class PsRtpPacketizer {
  private sequence: number;
  private readonly ssrc: number;
  private readonly payloadType: number;
  private readonly maxPayloadSize: number;

  constructor(options: PsRtpPacketizerOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType ?? PS_RTP_PAYLOAD_TYPE;
    this.maxPayloadSize = options.maxPayloadSize ?? PS_RTP_MAX_PAYLOAD;
    if (!(this.maxPayloadSize >= 1)) throw new RangeError(`maxPayloadSize ${this.maxPayloadSize}`);
    this.sequence = (options.initialSequence ?? 0) & 0xffff;
  }

  /** The sequence number the next packet will carry. */
  get nextSequence(): number {
    return this.sequence;
  }

  /** RTP packets for one PS frame; `timestamp90k` is reduced modulo 2^32. */
  packetize(ps: Buffer, timestamp90k: number): Buffer[] {
    const packets: Buffer[] = [];
    const timestamp = toUint32(timestamp90k);
    for (let offset = 0; offset < ps.length; offset += this.maxPayloadSize) {
      const end = Math.min(ps.length, offset + this.maxPayloadSize);
      packets.push(
        buildRtpPacket({
          payloadType: this.payloadType,
          sequenceNumber: this.sequence,
          timestamp,
          ssrc: this.ssrc,
          marker: end === ps.length,
          payload: ps.subarray(offset, end),
        }),
      );
      this.sequence = (this.sequence + 1) & 0xffff;
    }
    return packets;
  }
}
