/**
 * MPEG-2 Program Stream (ISO/IEC 13818-1 §2.5) → elementary-stream units, for the PS that
 * GB/T 28181-2016 Appendix C devices send (one frame of PS per RTP timestamp, see psFrameAssembler).
 *
 * Reads pack headers (§2.5.3.3, MPEG-2 form with pack_stuffing_length; the MPEG-1 form of
 * ISO/IEC 11172-1 too), system headers (§2.5.3.5, skipped), the Program Stream Map (§2.5.4:
 * stream_type per elementary_stream_id) and PES packets (§2.4.3.6/§2.4.3.7: 0xE0-0xEF video,
 * 0xC0-0xDF audio; PTS/DTS; MPEG-1 PES headers as well). Within one frame the payloads of PES packets
 * of one stream are joined into one unit, unless a PES packet carries a different PTS. Video
 * therefore comes out as one Annex-B access unit per frame even when the device split it over
 * several PES packets.
 *
 * Robust by construction: every read is bounds-checked, garbage between start codes is skipped and
 * counted, a PES that runs past the frame is cut at the frame's end and counted, a video PES with
 * PES_packet_length 0 runs to the next PS start code, the PSM CRC is not checked, and
 * elementary_stream_map_length is not trusted (real devices get it wrong; program_stream_map_length
 * decides, as in ffmpeg). With no PSM the codec is inferred from the stream id and the payload, and
 * the unit says so (`codecFromPsm: false`). Nothing here throws on bad input.
 */
import { type AnnexBCodec, annexBNalSpans, isKeyframeNalType, nalUnitType } from './annexB.js';
import {
  codecForStreamType,
  isAudioStreamId,
  isVideoStreamId,
  PS_START,
  type PsCodec,
  type PsStreamKind,
} from './psStreamTypes.js';

/** One elementary-stream unit: a video access unit (Annex-B) or a run of audio frames. */
export interface PsEsUnit {
  kind: PsStreamKind;
  codec: PsCodec;
  /** PTS, 90 kHz (33 bits); null when no PES packet of the unit carried one. */
  pts90k: number | null;
  /** DTS, 90 kHz; equal to the PTS when the PES carried only a PTS. */
  dts90k: number | null;
  /** The PES payloads joined; a view of the frame's buffer when one PES carried it all. Copy to keep past the frame. */
  data: Buffer;
  /** Video: holds an H.264 IDR/SPS or an H.265 IRAP/VPS NAL unit. Audio: always true. */
  keyframe: boolean;
  /** PES stream_id (0xE0-0xEF, 0xC0-0xDF). */
  streamId: number;
  /** False when the codec was inferred because no PSM had declared the stream. */
  codecFromPsm: boolean;
  /** A PES packet of this unit ran past the end of the frame. */
  truncated: boolean;
}

export interface PsDemuxerCounters {
  frames: number;
  packHeaders: number;
  /** Pack headers in the MPEG-1 form (ISO/IEC 11172-1). */
  mpeg1PackHeaders: number;
  systemHeaders: number;
  programStreamMaps: number;
  /** PSMs whose elementary_stream_map_length disagrees with program_stream_map_length. */
  psmEsMapLengthMismatch: number;
  pesPackets: number;
  /** PES packets with an MPEG-1 (ISO/IEC 11172-1) header. */
  mpeg1PesPackets: number;
  units: number;
  /** Units whose codec was inferred (no PSM entry for their stream). */
  inferredCodecUnits: number;
  /** PES packets cut at the frame's end. */
  truncatedPes: number;
  /** Headers that could not be parsed (skipped up to the next start code). */
  malformed: number;
  /** Bytes between start codes that belonged to nothing. */
  garbageBytes: number;
  /** PES packets of streams that are neither audio nor video (padding, private, ...). */
  otherPesPackets: number;
}

interface UnitBuilder {
  streamId: number;
  pts: number | null;
  dts: number | null;
  chunks: Buffer[];
  size: number;
  truncated: boolean;
  open: boolean;
}

/** Index of the next 00 00 01 xx with xx ≥ 0xB9 (a PS-level start code, §2.5.3) at or after `from`, or -1. */
function findPsStartCode(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const sc = buf.indexOf(START_CODE_PREFIX, i);
    if (sc < 0 || sc + 3 >= buf.length) return -1;
    if (buf[sc + 3]! >= PS_START.programEnd) return sc;
    i = sc + 1;
  }
}
const START_CODE_PREFIX = Buffer.from([0, 0, 1]);

/** 33-bit PTS/DTS from its 5-byte field (§2.4.3.7); marker bits are not checked. */
export function readTimestamp33(buf: Buffer, at: number): number {
  const high = (buf[at]! >> 1) & 0x07;
  const mid = ((buf[at + 1]! << 7) | (buf[at + 2]! >> 1)) & 0x7fff;
  const low = ((buf[at + 3]! << 7) | (buf[at + 4]! >> 1)) & 0x7fff;
  return high * 2 ** 30 + mid * 2 ** 15 + low;
}

/** A parsed PES header: where the payload starts and its timestamps. */
interface PesHeader {
  payloadStart: number;
  pts: number | null;
  dts: number | null;
  mpeg1: boolean;
}

/**
 * PES header after the 6-byte prefix (§2.4.3.6 MPEG-2 form: '10' bits, flags, PES_header_data_length;
 * ISO/IEC 11172-1 §2.4.3.3 MPEG-1 form: stuffing, STD buffer, PTS/DTS). `end` bounds the packet.
 */
function parsePesHeader(buf: Buffer, at: number, end: number): PesHeader | null {
  if (at >= end) return null;
  const b0 = buf[at]!;
  if (b0 >> 6 === 2) {
    if (at + 3 > end) return null;
    const flags = buf[at + 1]! >> 6;
    const payloadStart = at + 3 + buf[at + 2]!;
    if (payloadStart > end) return null;
    let pts: number | null = null;
    let dts: number | null = null;
    if (flags === 2 || flags === 3) {
      if (at + 3 + (flags === 3 ? 10 : 5) > payloadStart) return null;
      pts = readTimestamp33(buf, at + 3);
      dts = flags === 3 ? readTimestamp33(buf, at + 8) : pts;
    }
    return { payloadStart, pts, dts, mpeg1: false };
  }
  // MPEG-1: up to 16 stuffing bytes 0xFF, optional '01' STD_buffer (2 bytes), then PTS/DTS or 0x0F.
  let p = at;
  let stuffing = 0;
  while (p < end && buf[p] === 0xff && stuffing < 16) {
    p += 1;
    stuffing += 1;
  }
  if (p < end && buf[p]! >> 6 === 1) p += 2;
  if (p >= end) return null;
  const marker = buf[p]! >> 4;
  if (marker === 2 && p + 5 <= end) {
    const pts = readTimestamp33(buf, p);
    return { payloadStart: p + 5, pts, dts: pts, mpeg1: true };
  }
  if (marker === 3 && p + 10 <= end) {
    return { payloadStart: p + 10, pts: readTimestamp33(buf, p), dts: readTimestamp33(buf, p + 5), mpeg1: true };
  }
  if (buf[p] === 0x0f) return { payloadStart: p + 1, pts: null, dts: null, mpeg1: true };
  return null;
}

/**
 * Guess H.264 or H.265 from NAL unit headers when no PSM says which: score each NAL header
 * under both syntaxes (forbidden_zero_bit 0; common types; H.265 nuh_layer_id 0 and
 * nuh_temporal_id_plus1 ≥ 1).
 */
export function sniffVideoCodec(data: Buffer): AnnexBCodec | 'unknown' {
  let h264 = 0;
  let h265 = 0;
  for (const span of annexBNalSpans(data)) {
    const b0 = data[span.start]!;
    if (b0 & 0x80) continue;
    const t264 = b0 & 0x1f;
    if (t264 === 1 || t264 === 5 || t264 === 6 || t264 === 7 || t264 === 8 || t264 === 9) h264 += 1;
    if (span.start + 1 < span.end) {
      const b1 = data[span.start + 1]!;
      const layer = ((b0 & 1) << 5) | (b1 >> 3);
      const t265 = (b0 >> 1) & 0x3f;
      if (layer === 0 && (b1 & 7) !== 0 && (t265 <= 21 || (t265 >= 32 && t265 <= 35) || t265 === 39 || t265 === 40)) h265 += 1;
    }
  }
  if (h264 === h265) return 'unknown';
  return h264 > h265 ? 'h264' : 'h265';
}

/** ADTS sync word (ISO/IEC 13818-7 §6.2.1: 12 ones, layer 00). */
function looksLikeAdts(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0xff && (data[1]! & 0xf6) === 0xf0;
}

/** Demuxes PS frames. Keeps the last PSM (and inferred codecs) between frames. */
export class PsDemuxer {
  private streamTypeById = new Map<number, number>();
  private readonly inferred = new Map<number, PsCodec>();
  private readonly stats: PsDemuxerCounters = {
    frames: 0,
    packHeaders: 0,
    mpeg1PackHeaders: 0,
    systemHeaders: 0,
    programStreamMaps: 0,
    psmEsMapLengthMismatch: 0,
    pesPackets: 0,
    mpeg1PesPackets: 0,
    units: 0,
    inferredCodecUnits: 0,
    truncatedPes: 0,
    malformed: 0,
    garbageBytes: 0,
    otherPesPackets: 0,
  };

  get counters(): Readonly<PsDemuxerCounters> {
    return { ...this.stats };
  }

  /** stream_id → stream_type from the last Program Stream Map (empty until one is seen). */
  get streamTypes(): ReadonlyMap<number, number> {
    return new Map(this.streamTypeById);
  }

  /** Whether a Program Stream Map has been seen. */
  get psmSeen(): boolean {
    return this.stats.programStreamMaps > 0;
  }

  /** Demux one PS frame (or any run of whole PS packets) into units, in order of first appearance. */
  demux(frame: Buffer): PsEsUnit[] {
    this.stats.frames += 1;
    const builders: UnitBuilder[] = [];
    const openByStream = new Map<number, UnitBuilder>();
    let i = 0;
    while (i < frame.length) {
      const sc = findPsStartCode(frame, i);
      if (sc < 0) {
        this.stats.garbageBytes += frame.length - i;
        break;
      }
      this.stats.garbageBytes += sc - i;
      const id = frame[sc + 3]!;
      const next = this.parseAt(frame, sc, id, builders, openByStream);
      if (next === null) {
        this.stats.malformed += 1;
        i = sc + 3;
      } else {
        i = next;
      }
    }
    const units: PsEsUnit[] = [];
    for (const b of builders) {
      const unit = this.finish(b);
      if (unit) units.push(unit);
    }
    return units;
  }

  /** Parse the structure starting at `sc`; returns where the next one may start, or null if malformed. */
  private parseAt(buf: Buffer, sc: number, id: number, builders: UnitBuilder[], open: Map<number, UnitBuilder>): number | null {
    if (id === PS_START.programEnd) return sc + 4;
    if (id === PS_START.pack) return this.parsePackHeader(buf, sc);
    if (id < PS_START.systemHeader) return null;
    if (sc + 6 > buf.length) {
      this.stats.truncatedPes += 1;
      return buf.length;
    }
    const length = buf.readUInt16BE(sc + 4);
    if (id === PS_START.systemHeader) {
      if (sc + 6 + length > buf.length) return null;
      this.stats.systemHeaders += 1;
      return sc + 6 + length;
    }
    if (id === PS_START.programStreamMap) {
      if (sc + 6 + length > buf.length) return null;
      return this.parsePsm(buf, sc, length) ? sc + 6 + length : null;
    }
    return this.parsePes(buf, sc, id, length, builders, open);
  }

  /** Pack header (§2.5.3.3): 14 bytes + pack_stuffing_length in the MPEG-2 form, 12 in the MPEG-1 form. */
  private parsePackHeader(buf: Buffer, sc: number): number | null {
    if (sc + 5 > buf.length) return null;
    const b4 = buf[sc + 4]!;
    if (b4 >> 6 === 1) {
      if (sc + 14 > buf.length) return null;
      const end = sc + 14 + (buf[sc + 13]! & 0x07);
      if (end > buf.length) return null;
      this.stats.packHeaders += 1;
      return end;
    }
    if (b4 >> 4 === 2) {
      if (sc + 12 > buf.length) return null;
      this.stats.packHeaders += 1;
      this.stats.mpeg1PackHeaders += 1;
      return sc + 12;
    }
    return null;
  }

  /**
   * Program Stream Map (§2.5.4.1). Entries are read up to the CRC_32 (the last 4 bytes; not
   * checked), whatever elementary_stream_map_length says, unless that length ends between the
   * CRC's start and the PSM's end (a PSM without CRC).
   */
  private parsePsm(buf: Buffer, sc: number, length: number): boolean {
    const end = sc + 6 + length;
    let p = sc + 6;
    if (p + 4 > end) return false;
    const infoLength = buf.readUInt16BE(p + 2);
    p += 4 + infoLength;
    if (p + 2 > end) return false;
    const declared = buf.readUInt16BE(p);
    p += 2;
    const crcStart = end - 4;
    const declaredEnd = p + declared;
    if (declaredEnd !== crcStart) this.stats.psmEsMapLengthMismatch += 1;
    const mapEnd = declaredEnd > crcStart && declaredEnd <= end ? declaredEnd : crcStart;
    const map = new Map<number, number>();
    while (p + 4 <= mapEnd) {
      const streamType = buf[p]!;
      const streamId = buf[p + 1]!;
      const entryEnd = p + 4 + buf.readUInt16BE(p + 2);
      if (entryEnd > mapEnd) break;
      map.set(streamId, streamType);
      p = entryEnd;
    }
    this.stats.programStreamMaps += 1;
    this.streamTypeById = map;
    this.inferred.clear();
    return true;
  }

  private parsePes(buf: Buffer, sc: number, id: number, length: number, builders: UnitBuilder[], open: Map<number, UnitBuilder>): number | null {
    let end: number;
    let truncated = false;
    if (length === 0) {
      // Unbounded PES (video in practice): runs to the next PS start code. NAL headers never
      // follow 00 00 01 with a byte ≥ 0xB9 (forbidden_zero_bit), so Annex-B start codes do not stop it.
      const next = findPsStartCode(buf, sc + 6);
      end = next < 0 ? buf.length : next;
    } else {
      end = sc + 6 + length;
      if (end > buf.length) {
        end = buf.length;
        truncated = true;
      }
    }
    const video = isVideoStreamId(id);
    const audio = isAudioStreamId(id);
    if (!video && !audio) {
      this.stats.otherPesPackets += 1;
      if (truncated) this.stats.truncatedPes += 1;
      return end;
    }
    const header = parsePesHeader(buf, sc + 6, end);
    if (!header) return null;
    this.stats.pesPackets += 1;
    if (header.mpeg1) this.stats.mpeg1PesPackets += 1;
    if (truncated) this.stats.truncatedPes += 1;
    const payload = buf.subarray(header.payloadStart, end);
    let unit = open.get(id);
    if (!unit || (header.pts !== null && header.pts !== unit.pts)) {
      if (unit) unit.open = false;
      unit = { streamId: id, pts: header.pts, dts: header.dts, chunks: [], size: 0, truncated: false, open: true };
      builders.push(unit);
      open.set(id, unit);
    }
    if (payload.length > 0) {
      unit.chunks.push(payload);
      unit.size += payload.length;
    }
    if (truncated) unit.truncated = true;
    return end;
  }

  private finish(b: UnitBuilder): PsEsUnit | null {
    if (b.size === 0) return null;
    const data = b.chunks.length === 1 ? b.chunks[0]! : Buffer.concat(b.chunks, b.size);
    const kind: PsStreamKind = isVideoStreamId(b.streamId) ? 'video' : 'audio';
    const streamType = this.streamTypeById.get(b.streamId);
    let codec: PsCodec;
    const codecFromPsm = streamType !== undefined;
    if (streamType !== undefined) {
      codec = codecForStreamType(streamType);
    } else {
      codec = this.inferCodec(b.streamId, kind, data);
      this.stats.inferredCodecUnits += 1;
    }
    let keyframe = kind === 'audio';
    if (kind === 'video' && (codec === 'h264' || codec === 'h265')) {
      keyframe = annexBNalSpans(data).some((s) => isKeyframeNalType(codec as AnnexBCodec, nalUnitType(codec as AnnexBCodec, data[s.start]!)));
    }
    this.stats.units += 1;
    return { kind, codec, pts90k: b.pts, dts90k: b.dts, data, keyframe, streamId: b.streamId, codecFromPsm, truncated: b.truncated };
  }

  /**
   * Codec of a stream no PSM declared: video by its NAL headers, audio as AAC when it has ADTS sync
   * words, otherwise G.711 A-law (the audio GB/T 28181-2016 devices must support and send by default).
   * Remembered per stream until the next PSM.
   */
  private inferCodec(streamId: number, kind: PsStreamKind, data: Buffer): PsCodec {
    const known = this.inferred.get(streamId);
    if (known) return known;
    let codec: PsCodec;
    if (kind === 'video') codec = sniffVideoCodec(data);
    else codec = looksLikeAdts(data) ? 'aac' : 'g711a';
    if (codec !== 'unknown') this.inferred.set(streamId, codec);
    return codec;
  }
}
