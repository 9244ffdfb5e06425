import { describe, expect, it } from 'vitest';
import { PsFrameAssembler, type PsFrame } from '../../../sfu/src/ingest/gb28181/ps/psFrameAssembler.js';
import type { RtpPacket } from '../../../sfu/src/ingest/gb28181/ps/rtpPacket.js';

const PACK = Buffer.from([0, 0, 1, 0xba]);

/** A packet whose payload is `${ts}:${seq}`, or a pack start code when `start`. */
function pkt(seq: number, ts: number, opts: { marker?: boolean; start?: boolean; ssrc?: number; size?: number } = {}): RtpPacket {
  const text = Buffer.from(`${ts}:${seq};`);
  const body = opts.size !== undefined ? Buffer.alloc(opts.size, 1) : text;
  return {
    marker: opts.marker ?? false,
    payloadType: 96,
    sequenceNumber: seq & 0xffff,
    timestamp: ts,
    ssrc: opts.ssrc ?? 42,
    csrcs: [],
    extension: null,
    paddingLength: 0,
    payload: opts.start ? Buffer.concat([PACK, body]) : body,
  };
}

/** Frames of `n` packets each, timestamps 1000, 2000, ...; the first packet of each frame starts with a pack header. */
function stream(frames: number, perFrame: number, firstSeq = 0, marker = true): RtpPacket[] {
  const out: RtpPacket[] = [];
  let seq = firstSeq;
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < perFrame; k++) out.push(pkt(seq++, (f + 1) * 1000, { start: k === 0, marker: marker && k === perFrame - 1 }));
  }
  return out;
}

function run(assembler: PsFrameAssembler, packets: RtpPacket[], flush = true): PsFrame[] {
  const frames = packets.flatMap((p) => assembler.push(p));
  return flush ? [...frames, ...assembler.flush()] : frames;
}

const expectedData = (packets: RtpPacket[], ts: number) => Buffer.concat(packets.filter((p) => p.timestamp === ts).map((p) => p.payload));

describe('PS frame assembly from RTP', () => {
  it('ends frames at the marker bit', () => {
    const packets = stream(3, 4);
    const a = new PsFrameAssembler();
    const frames: PsFrame[] = [];
    for (const p of packets) {
      const got = a.push(p);
      frames.push(...got);
      if (p.marker) expect(got).toHaveLength(1); // emitted without waiting for the next frame
    }
    expect(frames.map((f) => f.timestamp)).toEqual([1000, 2000, 3000]);
    frames.forEach((f) => expect(f.data).toEqual(expectedData(packets, f.timestamp)));
    expect(frames.every((f) => f.endedByMarker && !f.needsKeyframe && f.packets === 4)).toBe(true);
    expect(a.counters).toMatchObject({ packets: 12, frames: 3, droppedFrames: 0 });
  });

  it('ends frames on timestamp change when the device never sets the marker', () => {
    const packets = stream(3, 3, 0, false);
    const a = new PsFrameAssembler();
    const before = packets.flatMap((p) => a.push(p));
    expect(before.map((f) => f.timestamp)).toEqual([1000, 2000]);
    const last = a.flush();
    expect(last.map((f) => f.timestamp)).toEqual([3000]);
    expect(last[0]!.data).toEqual(expectedData(packets, 3000));
  });

  it('puts reordered packets back in order', () => {
    const packets = stream(3, 4);
    const shuffled = [packets[0]!, packets[2]!, packets[1]!, packets[3]!, packets[6]!, packets[4]!, packets[5]!, packets[9]!, packets[8]!, packets[7]!, ...packets.slice(10)];
    const a = new PsFrameAssembler();
    const frames = run(a, shuffled);
    expect(frames).toHaveLength(3);
    frames.forEach((f) => expect(f.data).toEqual(expectedData(packets, f.timestamp)));
    expect(a.counters.reorderedPackets).toBe(4); // 1, 4, 5 and 7 each arrived after a later packet
    expect(a.counters.lostPackets).toBe(0);
  });

  it('counts duplicates and drops them', () => {
    const packets = stream(2, 3);
    const a = new PsFrameAssembler();
    const frames = run(a, [packets[0]!, packets[0]!, packets[2]!, packets[2]!, packets[1]!, ...packets.slice(3), packets[4]!]);
    expect(frames.map((f) => f.data)).toEqual([expectedData(packets, 1000), expectedData(packets, 2000)]);
    expect(a.counters.duplicatePackets).toBe(3);
  });

  it('drops a frame that lost a middle packet and flags the next one', () => {
    const packets = stream(3, 4);
    const a = new PsFrameAssembler({ reorderWindow: 2 });
    const frames = run(a, packets.filter((_, i) => i !== 5));
    expect(frames.map((f) => [f.timestamp, f.needsKeyframe])).toEqual([
      [1000, false],
      [3000, true],
    ]);
    expect(a.counters).toMatchObject({ lostPackets: 1, droppedFrames: 1, frames: 2 });
  });

  it('drops a frame whose first packet was lost (its PS start code is missing)', () => {
    const packets = stream(3, 4);
    const a = new PsFrameAssembler({ reorderWindow: 2 });
    const frames = run(a, packets.filter((_, i) => i !== 4));
    expect(frames.map((f) => [f.timestamp, f.needsKeyframe])).toEqual([
      [1000, false],
      [3000, true],
    ]);
    expect(a.counters.droppedFrames).toBe(1);
  });

  it('drops a frame whose last (marker) packet was lost', () => {
    const packets = stream(3, 4);
    const a = new PsFrameAssembler({ reorderWindow: 2 });
    const frames = run(a, packets.filter((_, i) => i !== 7));
    expect(frames.map((f) => [f.timestamp, f.needsKeyframe])).toEqual([
      [1000, false],
      [3000, true],
    ]);
  });

  it('gives up a missing packet only when the reorder window is exceeded', () => {
    const packets = stream(1, 40);
    const a = new PsFrameAssembler({ reorderWindow: 8 });
    const out: PsFrame[] = [];
    out.push(...a.push(packets[0]!));
    for (let i = 2; i <= 9; i++) out.push(...a.push(packets[i]!)); // 8 ahead of the hole: still waiting
    expect(a.counters.lostPackets).toBe(0);
    out.push(...a.push(packets[1]!)); // the hole fills
    expect(a.counters.lostPackets).toBe(0);
    expect(a.counters.reorderedPackets).toBe(1);
    for (let i = 11; i <= 19; i++) out.push(...a.push(packets[i]!)); // 9 ahead of packet 10: it is lost
    expect(a.counters.lostPackets).toBe(1);
    expect(out).toHaveLength(0);
  });

  it('handles the sequence number wrapping at 65535', () => {
    const packets = stream(4, 5, 65_530);
    const a = new PsFrameAssembler();
    const frames = run(a, packets);
    expect(frames).toHaveLength(4);
    expect(a.counters.lostPackets).toBe(0);
    expect(frames[1]!.firstSequence).toBe(65_535);
    expect(frames[2]!.firstSequence).toBe(4);
  });

  it('drops and counts oversized frames', () => {
    const a = new PsFrameAssembler({ maxFrameBytes: 1000 });
    const packets = [
      pkt(0, 1000, { start: true, size: 400 }),
      pkt(1, 1000, { size: 400, marker: true }),
      pkt(2, 2000, { start: true, size: 600 }),
      pkt(3, 2000, { size: 600, marker: true }),
      pkt(4, 3000, { start: true, size: 10, marker: true }),
    ];
    const frames = run(a, packets);
    expect(frames.map((f) => [f.timestamp, f.needsKeyframe])).toEqual([
      [1000, false],
      [3000, true],
    ]);
    expect(a.counters).toMatchObject({ oversizedFrames: 1, droppedFrames: 1 });
  });

  it('stops trusting a marker bit set on packets before the end of a frame', () => {
    // Marker on every packet: the first frame is cut short once, then frames follow timestamps.
    const packets = stream(4, 3).map((p) => ({ ...p, marker: true }));
    const a = new PsFrameAssembler();
    const frames = run(a, packets);
    expect(a.markerTrusted).toBe(false);
    expect(a.counters.markerMisuse).toBe(1);
    expect(frames[0]!.packets).toBe(1); // the cut-short first frame
    const rest = frames.slice(1);
    expect(rest.map((f) => f.timestamp)).toEqual([2000, 3000, 4000]);
    expect(rest[0]!.needsKeyframe).toBe(true);
    rest.forEach((f) => expect(f.data).toEqual(expectedData(packets, f.timestamp)));
  });

  it('drops a first frame joined mid-way (no PS start code)', () => {
    const packets = stream(3, 4).slice(2);
    const a = new PsFrameAssembler();
    const frames = run(a, packets);
    expect(frames.map((f) => [f.timestamp, f.needsKeyframe])).toEqual([
      [2000, true],
      [3000, false],
    ]);
    expect(a.counters.droppedFrames).toBe(1);
  });

  it('ignores other SSRCs', () => {
    const a = new PsFrameAssembler({ ssrc: 42 });
    const frames = run(a, [pkt(0, 1000, { start: true, marker: true }), pkt(1, 2000, { start: true, marker: true, ssrc: 7 })]);
    expect(frames).toHaveLength(1);
    expect(a.counters.foreignSsrcPackets).toBe(1);
  });

  it('takes a far jump in sequence numbers as a restart only when confirmed by the next packet', () => {
    const a = new PsFrameAssembler();
    const first = stream(2, 2, 100);
    const stray = pkt(30_000, 5000, { start: true, marker: true });
    const restarted = stream(2, 2, 20_000).map((p) => ({ ...p, timestamp: p.timestamp + 10_000 }));
    const frames = run(a, [...first, stray, ...restarted]);
    expect(a.counters.outOfRangePackets).toBe(2); // the stray packet and the first of the new sequence
    expect(a.counters.resyncs).toBe(1);
    expect(frames.map((f) => f.timestamp)).toEqual([1000, 2000, 12_000]);
    expect(frames[2]!.needsKeyframe).toBe(true);
  });
});
