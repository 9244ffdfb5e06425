/**
 * RTP over a TCP stream with the 2-byte big-endian length prefix of RFC 4571 §2, as GB/T 28181-2016
 * uses for TCP passive and TCP active media (Appendix C; SDP `TCP/RTP/AVP`).
 *
 * The deframer takes whatever the socket delivers (partial frames, several frames per read) and
 * returns whole packets. It holds at most one unfinished frame (≤ 2 + `maxPacketSize` bytes).
 * A frame of length 0 is skipped and counted. A length above `maxPacketSize`, or a frame that does
 * not start like RTP/RTCP (version 2, RFC 3550 §5.1), means the stream is out of step: the deframer
 * then discards bytes one at a time until it finds a length prefix followed by a version-2 header,
 * and counts what it threw away.
 */

/** Largest length the 16-bit prefix can carry (RFC 4571 §2). */
export const RFC4571_MAX_FRAME = 0xffff;

/** Smallest frame passed on: an RTP fixed header (RFC 3550 §5.1) or more. RTCP packets are ≥ 8 bytes; see `minPacketSize`. */
const DEFAULT_MIN_PACKET = 12;

export interface Rfc4571DeframerOptions {
  /** Frames longer than this are taken as loss of framing (default 65535, the prefix's maximum). */
  maxPacketSize?: number;
  /** Frames shorter than this (but not 0) are taken as loss of framing (default 12, an RTP header). */
  minPacketSize?: number;
}

export interface Rfc4571DeframerCounters {
  /** Frames returned. */
  packets: number;
  /** Zero-length frames skipped. */
  zeroLength: number;
  /** Times framing was lost (bad length, or not version 2) and a scan for the next frame began. */
  resyncs: number;
  /** Bytes thrown away while scanning. */
  discardedBytes: number;
}

/** Prefix one packet with its RFC 4571 length. @throws RangeError when it is longer than 65535 bytes. */
export function frameRfc4571(packet: Buffer): Buffer {
  if (packet.length > RFC4571_MAX_FRAME) throw new RangeError(`RFC 4571 frame of ${packet.length} bytes exceeds ${RFC4571_MAX_FRAME}`);
  const out = Buffer.allocUnsafe(2 + packet.length);
  out.writeUInt16BE(packet.length, 0);
  packet.copy(out, 2);
  return out;
}

/** Splits a TCP byte stream into RFC 4571 frames. Pure: no sockets, no timers. */
export class Rfc4571Deframer {
  private pending: Buffer = Buffer.alloc(0);
  private scanning = false;
  private readonly maxPacketSize: number;
  private readonly minPacketSize: number;
  private readonly stats: Rfc4571DeframerCounters = { packets: 0, zeroLength: 0, resyncs: 0, discardedBytes: 0 };

  constructor(options: Rfc4571DeframerOptions = {}) {
    this.maxPacketSize = Math.min(options.maxPacketSize ?? RFC4571_MAX_FRAME, RFC4571_MAX_FRAME);
    this.minPacketSize = Math.max(options.minPacketSize ?? DEFAULT_MIN_PACKET, 1);
  }

  get counters(): Readonly<Rfc4571DeframerCounters> {
    return { ...this.stats };
  }

  /** Bytes held over from previous reads (an unfinished frame); never more than 2 + maxPacketSize. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Feed one read from the socket; returns the frames it completed, in order (copies, safe to keep). */
  push(chunk: Buffer): Buffer[] {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let i = 0;
    while (buf.length - i >= 2) {
      const length = buf.readUInt16BE(i);
      if (this.scanning) {
        // Need the byte after the prefix to check the version.
        if (buf.length - i < 3) break;
        if (this.plausible(length, buf[i + 2]!)) {
          this.scanning = false;
        } else {
          i += 1;
          this.stats.discardedBytes += 1;
          continue;
        }
      }
      if (length === 0) {
        this.stats.zeroLength += 1;
        i += 2;
        continue;
      }
      if (length > this.maxPacketSize || length < this.minPacketSize) {
        this.loseFraming();
        continue;
      }
      if (buf.length - i >= 3 && buf[i + 2]! >> 6 !== 2) {
        this.loseFraming();
        continue;
      }
      if (buf.length - i - 2 < length) break;
      out.push(Buffer.from(buf.subarray(i + 2, i + 2 + length)));
      this.stats.packets += 1;
      i += 2 + length;
    }
    this.pending = i >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(i));
    return out;
  }

  /** Forget any partial frame (e.g. on reconnect). */
  reset(): void {
    this.pending = Buffer.alloc(0);
    this.scanning = false;
  }

  private plausible(length: number, firstByte: number): boolean {
    return length >= this.minPacketSize && length <= this.maxPacketSize && firstByte >> 6 === 2;
  }

  private loseFraming(): void {
    this.scanning = true;
    this.stats.resyncs += 1;
  }
}
