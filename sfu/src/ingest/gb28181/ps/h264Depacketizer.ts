/**
 * RTP (RFC 6184, packetization-mode 0 and 1) → H.264 access units in Annex-B, for sending a
 * producer's video upward as PS (GB/T 28181 cascade). Handles single NAL unit packets (types
 * 1-23, §5.6), STAP-A aggregates (24, §5.7.1) and FU-A fragments (28, §5.8). An access unit
 * ends at the marker bit or when the timestamp changes. A lost packet (a sequence gap) drops
 * the access unit being built, and a fragment whose start was lost is dropped; the unit after
 * a loss says `afterLoss` so the caller can wait for a keyframe. Pure: no sockets, no timers;
 * never throws on bad input.
 */
import { sequenceAdd } from './rtpPacket.js';
import type { RtpPacket } from './rtpPacket.js';

const START_CODE = Buffer.from([0, 0, 0, 1]);

export interface H264AccessUnit {
  /** Annex-B: each NAL unit after a 4-byte start code. */
  data: Buffer;
  /** RTP timestamp, 90 kHz. */
  timestamp: number;
  /** Packets were lost before this unit. */
  afterLoss: boolean;
}

export interface H264DepacketizerCounters {
  accessUnits: number;
  /** Packets that were not H.264 RTP the depacketizer understands (STAP-B, MTAP, FU-B, bad lengths). */
  malformed: number;
  /** Sequence gaps seen. */
  losses: number;
}

export class H264Depacketizer {
  private nals: Buffer[] = [];
  private timestamp: number | null = null;
  private fragment: Buffer[] | null = null;
  private expectedSequence: number | null = null;
  private damaged = false;
  private lossPending = false;
  readonly counters: H264DepacketizerCounters = { accessUnits: 0, malformed: 0, losses: 0 };

  /** Feed one packet (in arrival order); returns the access units it completed. */
  push(packet: RtpPacket): H264AccessUnit[] {
    const out: H264AccessUnit[] = [];
    if (this.expectedSequence !== null && packet.sequenceNumber !== this.expectedSequence) {
      this.counters.losses++;
      this.damaged = true;
      this.lossPending = true;
      this.fragment = null;
    }
    this.expectedSequence = sequenceAdd(packet.sequenceNumber, 1);
    if (this.timestamp !== null && packet.timestamp !== this.timestamp) this.finish(out);
    this.timestamp = packet.timestamp;
    this.add(packet.payload);
    if (packet.marker) this.finish(out);
    return out;
  }

  private add(payload: Buffer): void {
    if (payload.length < 1) {
      this.counters.malformed++;
      return;
    }
    const type = payload[0]! & 0x1f;
    if (type >= 1 && type <= 23) {
      this.nals.push(payload);
    } else if (type === 24) {
      let at = 1;
      while (at + 2 <= payload.length) {
        const size = payload.readUInt16BE(at);
        at += 2;
        if (size === 0 || at + size > payload.length) {
          this.counters.malformed++;
          return;
        }
        this.nals.push(payload.subarray(at, at + size));
        at += size;
      }
    } else if (type === 28) {
      if (payload.length < 3) {
        this.counters.malformed++;
        return;
      }
      const fuHeader = payload[1]!;
      const start = (fuHeader & 0x80) !== 0;
      const end = (fuHeader & 0x40) !== 0;
      if (start) this.fragment = [Buffer.from([(payload[0]! & 0xe0) | (fuHeader & 0x1f)]), payload.subarray(2)];
      else if (this.fragment) this.fragment.push(payload.subarray(2));
      else return; // its start was lost
      if (end && this.fragment) {
        this.nals.push(Buffer.concat(this.fragment));
        this.fragment = null;
      }
    } else {
      this.counters.malformed++;
    }
  }

  private finish(out: H264AccessUnit[]): void {
    const nals = this.nals;
    this.nals = [];
    this.fragment = null;
    if (nals.length > 0 && !this.damaged) {
      const parts: Buffer[] = [];
      for (const nal of nals) parts.push(START_CODE, nal);
      out.push({ data: Buffer.concat(parts), timestamp: this.timestamp ?? 0, afterLoss: this.lossPending });
      this.counters.accessUnits++;
      this.lossPending = false;
    }
    this.damaged = false;
  }
}
