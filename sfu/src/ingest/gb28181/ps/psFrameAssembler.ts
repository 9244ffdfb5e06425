/**
 * RTP packets of one SSRC → whole MPEG-PS frames (one access unit's PS packs), as GB/T 28181-2016
 * Appendix C sends them: PT 96 "PS/90000", one RTP timestamp per frame, the PS bytes split across
 * packets in order (RFC 3550 §5.1).
 *
 * - A frame ends when the RTP timestamp changes, or at the marker bit. Devices that never set the
 *   marker work by timestamp alone. Devices that set the marker on packets other than a frame's
 *   last are caught the first time a packet with the marked frame's timestamp follows. After that
 *   the marker is ignored, and the frame cut short at the marker is reported by the next frame's
 *   `needsKeyframe`.
 * - Sequence numbers (RFC 3550 Appendix A.1) are put back in order within `reorderWindow`. A
 *   missing packet is given up as lost once more than `reorderWindow` later packets have arrived.
 *   A loss drops the frame being assembled. A frame that begins right after a loss is kept only if
 *   its first payload byte is a PS start code (00 00 01 BA, BB, BC, PES ...): if not, its start was
 *   lost too. The same check applies to the first frame, since a stream may be joined mid-frame.
 *   The next frame that is emitted carries `needsKeyframe` (its references are gone).
 * - A packet held ahead of a stream that keeps flowing in order below it (more than
 *   2 × reorderWindow + 2 arrivals) has a bogus sequence number and is dropped as a stray.
 * - A jump of more than `maxDropout` ahead, or more than `maxMisorder` behind, is taken as a new
 *   sequence only when the next packet follows it (RFC 3550 Appendix A.1 probation). Until then
 *   the packet is counted as out of range and dropped.
 * - Frames over `maxFrameBytes` are dropped (counted as oversized and as dropped).
 *
 * Pure: no sockets and no timers. Call {@link PsFrameAssembler.flush} when the stream ends or goes
 * idle.
 */
import { type RtpPacket, sequenceAdd, sequenceDelta } from './rtpPacket.js';

/** Default ceiling on one PS frame, bytes. */
export const DEFAULT_MAX_PS_FRAME_BYTES = 4 * 1024 * 1024;

/** One PS frame: the payloads of consecutive RTP packets sharing a timestamp. */
export interface PsFrame {
  ssrc: number;
  /** RTP timestamp, 90 kHz. */
  timestamp: number;
  /** The PS bytes: the packets' payloads concatenated (a view of the packet's buffer when there was one packet). */
  data: Buffer;
  packets: number;
  firstSequence: number;
  lastSequence: number;
  /** Ended by a marker bit (otherwise by a timestamp change, or by flush). */
  endedByMarker: boolean;
  /** Packets or frames were lost before this frame: hold non-key frames until a keyframe. */
  needsKeyframe: boolean;
}

export interface PsFrameAssemblerOptions {
  /** Accept only this SSRC; default: lock on to the first packet's SSRC. */
  ssrc?: number;
  /** Default 4 MiB. */
  maxFrameBytes?: number;
  /** How many later packets to hold while waiting for a missing one before giving it up (default 32). */
  reorderWindow?: number;
  /** RFC 3550 A.1 MAX_DROPOUT (default 3000). */
  maxDropout?: number;
  /** RFC 3550 A.1 MAX_MISORDER (default 100). */
  maxMisorder?: number;
}

export interface PsFrameAssemblerCounters {
  /** Packets of our SSRC received (including duplicates and late ones). */
  packets: number;
  /** Frames emitted. */
  frames: number;
  /** Frames not emitted, for any reason (loss, oversize, marker misuse, resync). */
  droppedFrames: number;
  /** Of those, frames over maxFrameBytes. */
  oversizedFrames: number;
  /** Packets that arrived after a later one and were put back in order. */
  reorderedPackets: number;
  /** Packets given up as lost. */
  lostPackets: number;
  duplicatePackets: number;
  /** Packets that arrived after they had been given up. */
  latePackets: number;
  /** Packets with a far-off sequence number that did not (yet) start a new sequence. */
  outOfRangePackets: number;
  /** Packets held ahead of the stream for more than twice the reorder window while it flowed past: bogus sequence numbers. */
  strayPackets: number;
  /** Times the sequence was restarted after a confirmed jump. */
  resyncs: number;
  /** Packets of another SSRC. */
  foreignSsrcPackets: number;
  /** Times the marker bit was found set before a frame's end (the marker is ignored from then on). */
  markerMisuse: number;
}

interface FrameInProgress {
  timestamp: number;
  chunks: Buffer[];
  size: number;
  packets: number;
  firstSequence: number;
  lastSequence: number;
  /** False once the frame is known to be damaged (head lost, oversized). */
  intact: boolean;
  oversized: boolean;
}

const DELIVERED_RING = 1024;

/** Whether a payload begins with a PS-level start code (00 00 01 and a stream id ≥ 0xB9, ISO/IEC 13818-1 §2.5.3). */
function beginsWithPsStartCode(payload: Buffer): boolean {
  return payload.length >= 4 && payload[0] === 0 && payload[1] === 0 && payload[2] === 1 && payload[3]! >= 0xb9;
}

export class PsFrameAssembler {
  private ssrc: number | null;
  private readonly maxFrameBytes: number;
  private readonly reorderWindow: number;
  private readonly maxDropout: number;
  private readonly maxMisorder: number;

  private expected: number | null = null;
  /** Packets ahead of `expected`, with the arrival count at which each came. */
  private readonly pending = new Map<number, { packet: RtpPacket; arrival: number }>();
  private arrivals = 0;
  /** Sequence numbers recently delivered, by seq mod DELIVERED_RING, to tell duplicates from late packets. */
  private readonly delivered = new Int32Array(DELIVERED_RING).fill(-1);
  private probation: number | null = null;

  private current: FrameInProgress | null = null;
  /** Packets with this timestamp belong to a frame already emitted or dropped. */
  private closedTimestamp: number | null = null;
  private closedByMarker = false;
  private gapBeforeNext = false;
  /** The next frame may have lost its start (after a loss, and at the start: we may join mid-frame). */
  private afterGap = true;
  private needsKeyframe = false;
  private trustMarker = true;

  private readonly stats: PsFrameAssemblerCounters = {
    packets: 0,
    frames: 0,
    droppedFrames: 0,
    oversizedFrames: 0,
    reorderedPackets: 0,
    lostPackets: 0,
    duplicatePackets: 0,
    latePackets: 0,
    outOfRangePackets: 0,
    strayPackets: 0,
    resyncs: 0,
    foreignSsrcPackets: 0,
    markerMisuse: 0,
  };

  constructor(options: PsFrameAssemblerOptions = {}) {
    this.ssrc = options.ssrc ?? null;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_PS_FRAME_BYTES;
    this.reorderWindow = Math.max(0, options.reorderWindow ?? 32);
    this.maxDropout = options.maxDropout ?? 3000;
    this.maxMisorder = options.maxMisorder ?? 100;
  }

  get counters(): Readonly<PsFrameAssemblerCounters> {
    return { ...this.stats };
  }

  /** Whether the marker bit is still believed (false after it was seen set mid-frame). */
  get markerTrusted(): boolean {
    return this.trustMarker;
  }

  /** Add one packet; returns the frames it completed, in order. */
  push(packet: RtpPacket): PsFrame[] {
    if (this.ssrc === null) this.ssrc = packet.ssrc;
    if (packet.ssrc !== this.ssrc) {
      this.stats.foreignSsrcPackets += 1;
      return [];
    }
    this.stats.packets += 1;
    this.arrivals += 1;
    const out: PsFrame[] = [];
    const seq = packet.sequenceNumber;
    if (this.expected === null) this.expected = seq;
    const delta = sequenceDelta(seq, this.expected);

    if (delta > this.maxDropout || delta < -this.maxMisorder) {
      if (this.probation !== seq) {
        this.probation = sequenceAdd(seq, 1);
        this.stats.outOfRangePackets += 1;
        return out;
      }
      this.restart(seq, out);
    } else if (delta < 0) {
      if (this.delivered[seq % DELIVERED_RING] === seq) this.stats.duplicatePackets += 1;
      else this.stats.latePackets += 1;
      return out;
    }
    this.probation = null;

    const d = sequenceDelta(seq, this.expected);
    if (d === 0) {
      if (this.pending.size > 0) this.stats.reorderedPackets += 1;
      this.deliver(packet, out);
      this.expected = sequenceAdd(seq, 1);
      this.drain(out);
    } else {
      if (this.pending.has(seq)) {
        this.stats.duplicatePackets += 1;
        return out;
      }
      this.pending.set(seq, { packet, arrival: this.arrivals });
      this.giveUpBeyondWindow(out);
    }
    if (this.pending.size > 0) this.evictStrays();
    return out;
  }

  /**
   * The stream ended or went idle: give up on missing packets, deliver what is held, and emit the
   * frame being assembled as complete.
   */
  flush(): PsFrame[] {
    const out: PsFrame[] = [];
    while (this.pending.size > 0) this.skipToOldestPending(out);
    if (this.current) this.finishCurrent(out, false);
    return out;
  }

  /** Forget everything except counters and the SSRC lock (e.g. a new INVITE on the same SSRC). */
  reset(): void {
    this.expected = null;
    this.pending.clear();
    this.arrivals = 0;
    this.delivered.fill(-1);
    this.probation = null;
    this.current = null;
    this.closedTimestamp = null;
    this.closedByMarker = false;
    this.gapBeforeNext = false;
    this.afterGap = true;
    this.needsKeyframe = false;
  }

  private restart(seq: number, out: PsFrame[]): void {
    this.stats.resyncs += 1;
    // Whatever was held belongs to the old sequence.
    while (this.pending.size > 0) this.skipToOldestPending(out);
    if (this.current) this.dropCurrent();
    this.expected = seq;
    this.closedTimestamp = null;
    this.needsKeyframe = true;
    this.afterGap = true;
    this.gapBeforeNext = false;
  }

  /**
   * Give up on the missing packet(s) once more than `reorderWindow` later packets wait behind them.
   * Counting packets rather than measuring the sequence distance means that one packet with a bogus
   * sequence number a little ahead cannot make the assembler give up everything before it.
   */
  private giveUpBeyondWindow(out: PsFrame[]): void {
    while (this.pending.size > this.reorderWindow) this.skipToOldestPending(out);
  }

  /**
   * A packet still held after 2 × reorderWindow + 2 later arrivals is not waiting for a hole to
   * fill (that would have been given up after reorderWindow): the stream is flowing in order below
   * it, so its sequence number is bogus. Drop it before the stream reaches it.
   */
  private evictStrays(): void {
    const oldest = this.arrivals - (2 * this.reorderWindow + 2);
    for (const [seq, held] of this.pending) {
      if (held.arrival < oldest) {
        this.pending.delete(seq);
        this.stats.strayPackets += 1;
      }
    }
  }

  /** Give up on the packets before the oldest one held, and deliver from there. */
  private skipToOldestPending(out: PsFrame[]): void {
    if (this.expected === null) return;
    let oldest: number | null = null;
    let best = Infinity;
    for (const seq of this.pending.keys()) {
      const d = sequenceDelta(seq, this.expected);
      if (d < best) {
        best = d;
        oldest = seq;
      }
    }
    if (oldest === null) return;
    if (best > 0) {
      this.stats.lostPackets += best;
      this.gapBeforeNext = true;
    }
    this.expected = oldest;
    this.drain(out);
  }

  private drain(out: PsFrame[]): void {
    for (;;) {
      if (this.expected === null) return;
      const next = this.pending.get(this.expected);
      if (!next) return;
      this.pending.delete(this.expected);
      this.deliver(next.packet, out);
      this.expected = sequenceAdd(this.expected, 1);
    }
  }

  /** One packet, in sequence order. */
  private deliver(packet: RtpPacket, out: PsFrame[]): void {
    const seq = packet.sequenceNumber;
    this.delivered[seq % DELIVERED_RING] = seq;
    if (this.gapBeforeNext) {
      this.gapBeforeNext = false;
      this.afterGap = true;
      this.needsKeyframe = true;
      if (this.current) this.dropCurrent();
    }
    const ts = packet.timestamp;
    if (this.current && this.current.timestamp !== ts) this.finishCurrent(out, false);
    if (!this.current) {
      if (this.closedTimestamp === ts) {
        // The rest of a frame already emitted (marker set too early) or dropped.
        if (this.closedByMarker && !this.afterGap && this.trustMarker) {
          this.trustMarker = false;
          this.stats.markerMisuse += 1;
          this.needsKeyframe = true;
        }
        return;
      }
      this.closedTimestamp = null;
      this.current = {
        timestamp: ts,
        chunks: [],
        size: 0,
        packets: 0,
        firstSequence: seq,
        lastSequence: seq,
        intact: !this.afterGap || beginsWithPsStartCode(packet.payload),
        oversized: false,
      };
      this.afterGap = false;
    }
    const frame = this.current;
    frame.packets += 1;
    frame.lastSequence = seq;
    if (frame.intact) {
      if (frame.size + packet.payload.length > this.maxFrameBytes) {
        frame.intact = false;
        frame.oversized = true;
        frame.chunks = [];
        frame.size = 0;
      } else if (packet.payload.length > 0) {
        frame.chunks.push(packet.payload);
        frame.size += packet.payload.length;
      }
    }
    if (packet.marker && this.trustMarker) this.finishCurrent(out, true);
  }

  private finishCurrent(out: PsFrame[], byMarker: boolean): void {
    const frame = this.current;
    if (!frame) return;
    this.current = null;
    this.closedTimestamp = frame.timestamp;
    this.closedByMarker = byMarker;
    if (!frame.intact) {
      this.countDropped(frame);
      return;
    }
    out.push({
      ssrc: this.ssrc ?? 0,
      timestamp: frame.timestamp,
      data: frame.chunks.length === 1 ? frame.chunks[0]! : Buffer.concat(frame.chunks, frame.size),
      packets: frame.packets,
      firstSequence: frame.firstSequence,
      lastSequence: frame.lastSequence,
      endedByMarker: byMarker,
      needsKeyframe: this.needsKeyframe,
    });
    this.needsKeyframe = false;
    this.stats.frames += 1;
  }

  private dropCurrent(): void {
    const frame = this.current;
    if (!frame) return;
    this.current = null;
    this.closedTimestamp = frame.timestamp;
    this.closedByMarker = false;
    this.countDropped(frame);
  }

  private countDropped(frame: FrameInProgress): void {
    this.stats.droppedFrames += 1;
    if (frame.oversized) this.stats.oversizedFrames += 1;
    this.needsKeyframe = true;
  }
}
