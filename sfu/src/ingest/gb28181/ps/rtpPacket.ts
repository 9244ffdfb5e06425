/**
 * RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1).
 *
 * GB/T 28181-2016 Appendix C carries MPEG-PS in RTP with payload type 96 ("PS/90000"); the same
 * parser serves H.264 RTP (RFC 6184) on the way out. Parsing never reads outside the buffer:
 * every malformed packet comes back as an {@link RtpParseError} value, never an exception.
 */

/** Size of the RTP fixed header, bytes (RFC 3550 §5.1). */
export const RTP_FIXED_HEADER_SIZE = 12;
/** The only RTP version in use (RFC 3550 §5.1, V=2). */
export const RTP_VERSION = 2;

/** Header extension (RFC 3550 §5.3.1): a 16-bit profile-defined value and whole 32-bit words of data. */
export interface RtpHeaderExtension {
  profile: number;
  data: Buffer;
}

/** A parsed RTP packet. `payload` and `extension.data` are views into the parsed buffer, not copies. */
export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  extension: RtpHeaderExtension | null;
  /** Padding bytes removed from the end (including the count byte itself); 0 without the P bit. */
  paddingLength: number;
  payload: Buffer;
}

export type RtpParseErrorCode =
  | 'too-short'
  | 'bad-version'
  | 'truncated-csrc'
  | 'truncated-extension'
  | 'bad-padding';

export interface RtpParseError {
  code: RtpParseErrorCode;
  detail: string;
}

export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; error: RtpParseError };

function fail(code: RtpParseErrorCode, detail: string): RtpParseResult {
  return { ok: false, error: { code, detail } };
}

/**
 * Parse one RTP packet (RFC 3550 §5.1). Checks the version, that the CSRC list and the header
 * extension fit, and that the padding count (last octet when P is set) is at least 1 and no
 * longer than what follows the header.
 */
export function parseRtpPacket(buf: Buffer): RtpParseResult {
  if (buf.length < RTP_FIXED_HEADER_SIZE) return fail('too-short', `${buf.length} bytes < ${RTP_FIXED_HEADER_SIZE}`);
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return fail('bad-version', `version ${version}`);
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = RTP_FIXED_HEADER_SIZE + 4 * csrcCount;
  if (offset > buf.length) return fail('truncated-csrc', `${csrcCount} CSRCs need ${offset} bytes, have ${buf.length}`);
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(buf.readUInt32BE(RTP_FIXED_HEADER_SIZE + 4 * i));
  let extension: RtpHeaderExtension | null = null;
  if (hasExtension) {
    if (offset + 4 > buf.length) return fail('truncated-extension', 'no room for the extension header');
    const profile = buf.readUInt16BE(offset);
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + 4 * words;
    if (end > buf.length) return fail('truncated-extension', `extension of ${words} words overruns the packet`);
    extension = { profile, data: buf.subarray(offset + 4, end) };
    offset = end;
  }
  let end = buf.length;
  let paddingLength = 0;
  if (hasPadding) {
    if (end <= offset) return fail('bad-padding', 'P bit set but no room for the padding count');
    paddingLength = buf[end - 1]!;
    if (paddingLength === 0 || paddingLength > end - offset) {
      return fail('bad-padding', `padding count ${paddingLength} with ${end - offset} bytes after the header`);
    }
    end -= paddingLength;
  }
  return {
    ok: true,
    packet: {
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequenceNumber: buf.readUInt16BE(2),
      timestamp: buf.readUInt32BE(4),
      ssrc: buf.readUInt32BE(8),
      csrcs,
      extension,
      paddingLength,
      payload: buf.subarray(offset, end),
    },
  };
}

/** Fields to build an RTP packet from; omitted optional fields mean none. */
export interface RtpPacketInit {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  /** Reduced modulo 2^32. */
  timestamp: number;
  ssrc: number;
  csrcs?: readonly number[];
  /** `data.length` must be a multiple of 4 (RFC 3550 §5.3.1). */
  extension?: RtpHeaderExtension | null;
  /** Padding bytes to append, 0-255, the last holding the count (RFC 3550 §5.1, P bit). */
  paddingLength?: number;
  payload: Buffer;
}

function checkUint(name: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`RTP ${name} ${value} is not a ${bits}-bit unsigned integer`);
}

/**
 * Serialise an RTP packet (RFC 3550 §5.1).
 * @throws RangeError when a field is out of range (a programming error, not bad input from the wire).
 */
export function buildRtpPacket(init: RtpPacketInit): Buffer {
  const csrcs = init.csrcs ?? [];
  const extension = init.extension ?? null;
  const paddingLength = init.paddingLength ?? 0;
  checkUint('payload type', init.payloadType, 7);
  checkUint('sequence number', init.sequenceNumber, 16);
  checkUint('SSRC', init.ssrc, 32);
  checkUint('padding length', paddingLength, 8);
  if (csrcs.length > 15) throw new RangeError(`RTP allows at most 15 CSRCs, got ${csrcs.length}`);
  csrcs.forEach((c) => checkUint('CSRC', c, 32));
  if (extension) {
    checkUint('extension profile', extension.profile, 16);
    if (extension.data.length % 4 !== 0 || extension.data.length / 4 > 0xffff) {
      throw new RangeError(`RTP extension data must be whole 32-bit words, got ${extension.data.length} bytes`);
    }
  }
  const extSize = extension ? 4 + extension.data.length : 0;
  const headerSize = RTP_FIXED_HEADER_SIZE + 4 * csrcs.length + extSize;
  const out = Buffer.alloc(headerSize + init.payload.length + paddingLength);
  out[0] = (RTP_VERSION << 6) | (paddingLength > 0 ? 0x20 : 0) | (extension ? 0x10 : 0) | csrcs.length;
  out[1] = (init.marker ? 0x80 : 0) | init.payloadType;
  out.writeUInt16BE(init.sequenceNumber, 2);
  out.writeUInt32BE(toUint32(init.timestamp), 4);
  out.writeUInt32BE(init.ssrc, 8);
  let offset = RTP_FIXED_HEADER_SIZE;
  for (const c of csrcs) {
    out.writeUInt32BE(c, offset);
    offset += 4;
  }
  if (extension) {
    out.writeUInt16BE(extension.profile, offset);
    out.writeUInt16BE(extension.data.length / 4, offset + 2);
    extension.data.copy(out, offset + 4);
    offset += extSize;
  }
  init.payload.copy(out, offset);
  if (paddingLength > 0) out[out.length - 1] = paddingLength;
  return out;
}

/** `value` reduced modulo 2^32 into an unsigned integer (RTP timestamps wrap, RFC 3550 §5.1). */
export function toUint32(value: number): number {
  const v = Math.floor(value) % 2 ** 32;
  return v < 0 ? v + 2 ** 32 : v;
}

/** Signed distance `a - b` between two 16-bit sequence numbers, in [-32768, 32767] (RFC 3550 Appendix A.1). */
export function sequenceDelta(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** `seq + n` modulo 2^16. */
export function sequenceAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}
