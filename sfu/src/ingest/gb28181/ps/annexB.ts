/**
 * Annex-B byte streams (ITU-T H.264 Annex B, ITU-T H.265 Annex B): NAL units behind 00 00 01 or
 * 00 00 00 01 start codes, as GB/T 28181 devices put them in PS video PES packets (GB/T 28181-2016
 * Appendix C). NAL unit types, keyframe detection and the split of a stream into access units.
 */

export type AnnexBCodec = 'h264' | 'h265';

/** Where one NAL unit sits in a buffer. */
export interface NalSpan {
  /** First byte of its start code (including the leading zero_byte of a 4-byte start code). */
  startCode: number;
  /** First byte of the NAL unit header. */
  start: number;
  /** One past its last byte, trailing zero bytes (trailing_zero_8bits) excluded. */
  end: number;
}

const START_CODE = Buffer.from([0, 0, 1]);

/** NAL units of an Annex-B buffer, in order. Bytes before the first start code are ignored. */
export function annexBNalSpans(buf: Buffer): NalSpan[] {
  const spans: NalSpan[] = [];
  let sc = buf.indexOf(START_CODE, 0);
  while (sc >= 0) {
    const start = sc + 3;
    const next = buf.indexOf(START_CODE, start);
    let end = next < 0 ? buf.length : next;
    while (end > start && buf[end - 1] === 0) end -= 1;
    const prevEnd = spans.length > 0 ? spans[spans.length - 1]!.end : 0;
    const startCode = sc > prevEnd && buf[sc - 1] === 0 ? sc - 1 : sc;
    if (end > start) spans.push({ startCode, start, end });
    sc = next;
  }
  return spans;
}

/** NAL unit payloads (header included, start codes and trailing zeros excluded); views into `buf`. */
export function annexBNalUnits(buf: Buffer): Buffer[] {
  return annexBNalSpans(buf).map((s) => buf.subarray(s.start, s.end));
}

/** nal_unit_type from the first header byte: H.264 §7.3.1 (5 bits), H.265 §7.3.1.2 (6 bits). */
export function nalUnitType(codec: AnnexBCodec, headerByte: number): number {
  return codec === 'h264' ? headerByte & 0x1f : (headerByte >> 1) & 0x3f;
}

export const H264_NAL = { slice: 1, idr: 5, sei: 6, sps: 7, pps: 8, aud: 9, filler: 12 } as const;
export const H265_NAL = { vps: 32, sps: 33, pps: 34, aud: 35, prefixSei: 39, suffixSei: 40 } as const;

/** H.264: an IDR slice (5) or an SPS (7). H.265: an IRAP picture (16-23) or a VPS (32). */
export function isKeyframeNalType(codec: AnnexBCodec, type: number): boolean {
  return codec === 'h264' ? type === H264_NAL.idr || type === H264_NAL.sps : (type >= 16 && type <= 23) || type === H265_NAL.vps;
}

/** Whether an Annex-B access unit holds a keyframe NAL unit (see {@link isKeyframeNalType}). */
export function isKeyframeAccessUnit(codec: AnnexBCodec, au: Buffer): boolean {
  return annexBNalSpans(au).some((s) => isKeyframeNalType(codec, nalUnitType(codec, au[s.start]!)));
}

function isVcl(codec: AnnexBCodec, type: number): boolean {
  return codec === 'h264' ? type >= 1 && type <= 5 : type <= 31;
}

/**
 * Whether a NAL unit opens a new access unit, given whether the current one already has a VCL
 * NAL unit. H.264 §7.4.1.2.3: AUD; SPS, PPS, SEI and types 14-18 after a VCL NAL unit; the first
 * slice of a picture (first_mb_in_slice = 0, i.e. the first ue(v) bit is 1). H.265 §7.4.2.4.4:
 * AUD; VPS, SPS, PPS, prefix SEI and types 41-44, 48-55 after a VCL NAL unit; a slice with
 * first_slice_segment_in_pic_flag = 1.
 */
function opensAccessUnit(codec: AnnexBCodec, buf: Buffer, span: NalSpan, haveVcl: boolean): boolean {
  const type = nalUnitType(codec, buf[span.start]!);
  if (codec === 'h264') {
    if (type === H264_NAL.aud) return true;
    if (!haveVcl) return false;
    if (type === H264_NAL.sei || type === H264_NAL.sps || type === H264_NAL.pps || (type >= 14 && type <= 18)) return true;
    return isVcl(codec, type) && span.start + 1 < span.end && (buf[span.start + 1]! & 0x80) !== 0;
  }
  if (type === H265_NAL.aud) return true;
  if (!haveVcl) return false;
  if (type === H265_NAL.vps || type === H265_NAL.sps || type === H265_NAL.pps || type === H265_NAL.prefixSei) return true;
  if ((type >= 41 && type <= 44) || (type >= 48 && type <= 55)) return true;
  return isVcl(codec, type) && span.start + 2 < span.end && (buf[span.start + 2]! & 0x80) !== 0;
}

/**
 * Split an Annex-B elementary stream (e.g. a `.h264`/`.h265` file) into access units, each the
 * exact bytes from its first start code to the next access unit's: concatenated, the units give
 * back the stream (minus any bytes before the first start code). Returns views into `buf`.
 */
export function annexBAccessUnits(buf: Buffer, codec: AnnexBCodec): Buffer[] {
  const units: Buffer[] = [];
  let auStart = -1;
  let haveVcl = false;
  for (const span of annexBNalSpans(buf)) {
    if (auStart < 0) auStart = span.startCode;
    else if (opensAccessUnit(codec, buf, span, haveVcl)) {
      units.push(buf.subarray(auStart, span.startCode));
      auStart = span.startCode;
      haveVcl = false;
    }
    if (isVcl(codec, nalUnitType(codec, buf[span.start]!))) haveVcl = true;
  }
  if (auStart >= 0) units.push(buf.subarray(auStart));
  return units;
}
