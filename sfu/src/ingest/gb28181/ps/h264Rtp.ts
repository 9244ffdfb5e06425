/**
 * H.264 access units (Annex-B, as demuxed from GB/T 28181 PS) → RTP per RFC 6184, for a mediasoup
 * PlainTransport without re-encoding: packetization-mode 1 (RFC 6184 §6.3) using single NAL unit
 * packets (§5.6) and FU-A fragments (§5.8), packets of at most 1200 bytes, the marker bit on the
 * last packet of each access unit (§5.1), and the timestamp of the access unit (90 kHz).
 *
 * A receiver that joins late, or lost a keyframe, needs SPS and PPS before the IDR. Cameras often
 * send them only with some IDRs, so the last SPS and PPS seen are sent again in front of every IDR
 * whose access unit lacks them. Access unit delimiters (type 9) and filler data (12) are dropped
 * (RFC 6184 §5.4 leaves them optional; they carry nothing a WebRTC receiver needs).
 */
import { annexBNalUnits, H264_NAL } from './annexB.js';
import { buildRtpPacket, RTP_FIXED_HEADER_SIZE, toUint32 } from './rtpPacket.js';

/** FU-A NAL unit type (RFC 6184 §5.8). */
export const H264_FU_A = 28;
/** Default largest RTP packet, bytes (header included): room for SRTP and extensions under a 1500-byte MTU. */
export const H264_RTP_MAX_PACKET = 1200;

export interface H264RtpPacketizerOptions {
  ssrc: number;
  payloadType: number;
  /** Largest RTP packet including its 12-byte header (default 1200). */
  maxPacketSize?: number;
  initialSequence?: number;
}

export interface H264RtpCounters {
  accessUnits: number;
  packets: number;
  fuAFragmented: number;
  /** IDRs sent with an SPS/PPS inserted from earlier access units. */
  parameterSetsInserted: number;
  /** IDRs with no SPS/PPS in the access unit and none seen before: sent as they are. */
  idrWithoutParameterSets: number;
}

export class H264RtpPacketizer {
  private sequence: number;
  private readonly ssrc: number;
  private readonly payloadType: number;
  private readonly maxPayload: number;
  private sps: Buffer | null = null;
  private pps: Buffer | null = null;
  private readonly stats: H264RtpCounters = { accessUnits: 0, packets: 0, fuAFragmented: 0, parameterSetsInserted: 0, idrWithoutParameterSets: 0 };

  constructor(options: H264RtpPacketizerOptions) {
    const maxPacket = options.maxPacketSize ?? H264_RTP_MAX_PACKET;
    this.maxPayload = maxPacket - RTP_FIXED_HEADER_SIZE;
    if (this.maxPayload < 3) throw new RangeError(`maxPacketSize ${maxPacket} leaves no room for FU-A`);
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType;
    this.sequence = (options.initialSequence ?? 0) & 0xffff;
  }

  get counters(): Readonly<H264RtpCounters> {
    return { ...this.stats };
  }

  get nextSequence(): number {
    return this.sequence;
  }

  /** NAL units to send for one access unit: AUD/filler removed, SPS/PPS in front of an IDR that lacks them. */
  nalUnitsToSend(accessUnit: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let haveSps = false;
    let havePps = false;
    for (const nal of annexBNalUnits(accessUnit)) {
      const type = nal[0]! & 0x1f;
      if (type === H264_NAL.aud || type === H264_NAL.filler) continue;
      if (type === H264_NAL.sps) {
        this.sps = Buffer.from(nal);
        haveSps = true;
      } else if (type === H264_NAL.pps) {
        this.pps = Buffer.from(nal);
        havePps = true;
      } else if (type === H264_NAL.idr && !(haveSps && havePps)) {
        if (this.sps && this.pps) {
          if (!haveSps) out.push(this.sps);
          if (!havePps) out.push(this.pps);
          this.stats.parameterSetsInserted += 1;
        } else {
          this.stats.idrWithoutParameterSets += 1;
        }
        haveSps = true;
        havePps = true;
      }
      out.push(nal);
    }
    return out;
  }

  /** RTP packets for one Annex-B access unit with RTP timestamp `timestamp90k` (mod 2^32). */
  packetize(accessUnit: Buffer, timestamp90k: number): Buffer[] {
    const nals = this.nalUnitsToSend(accessUnit);
    const timestamp = toUint32(timestamp90k);
    const payloads: Buffer[] = [];
    for (const nal of nals) {
      if (nal.length <= this.maxPayload) {
        payloads.push(nal);
        continue;
      }
      this.stats.fuAFragmented += 1;
      const indicator = (nal[0]! & 0xe0) | H264_FU_A;
      const type = nal[0]! & 0x1f;
      const chunk = this.maxPayload - 2;
      for (let offset = 1; offset < nal.length; offset += chunk) {
        const end = Math.min(nal.length, offset + chunk);
        const header = (offset === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
        payloads.push(Buffer.concat([Buffer.from([indicator, header]), nal.subarray(offset, end)]));
      }
    }
    const packets = payloads.map((payload, i) =>
      buildRtpPacket({
        payloadType: this.payloadType,
        sequenceNumber: (this.sequence + i) & 0xffff,
        timestamp,
        ssrc: this.ssrc,
        marker: i === payloads.length - 1,
        payload,
      }),
    );
    this.sequence = (this.sequence + packets.length) & 0xffff;
    this.stats.accessUnits += 1;
    this.stats.packets += packets.length;
    return packets;
  }
}
