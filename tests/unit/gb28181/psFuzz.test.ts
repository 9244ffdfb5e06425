import { describe, expect, it } from 'vitest';
import { PsDemuxer, type PsEsUnit } from '../../../sfu/src/ingest/gb28181/ps/psDemuxer.js';
import { PsFrameAssembler } from '../../../sfu/src/ingest/gb28181/ps/psFrameAssembler.js';
import { Rfc4571Deframer } from '../../../sfu/src/ingest/gb28181/ps/rfc4571Framer.js';
import { parseRtpPacket } from '../../../sfu/src/ingest/gb28181/ps/rtpPacket.js';
import { FIRST_PTS, FRAME_TICKS, muxAvatar, prng, randInt } from './psTestSupport.js';

type Rand = () => number;

/** One deterministic mutation: bit flips, truncation, random length, overwritten bytes or pure noise. */
function mutate(rand: Rand, input: Buffer): Buffer {
  const buf = Buffer.from(input);
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => randInt(rand, 0, 255)));
  switch (randInt(rand, 0, 6)) {
    case 0: {
      for (let k = randInt(rand, 1, 8); k > 0 && buf.length > 0; k--) {
        const at = randInt(rand, 0, buf.length - 1);
        buf[at] = buf[at]! ^ (1 << randInt(rand, 0, 7));
      }
      return buf;
    }
    case 1:
      return buf.subarray(0, randInt(rand, 0, buf.length));
    case 2:
      return Buffer.concat([buf, randomBytes(randInt(rand, 1, 3000))]);
    case 3: {
      // Header bytes (first 40) get random values: lengths, flags, start codes, sequence numbers.
      for (let k = randInt(rand, 1, 4); k > 0 && buf.length > 0; k--) buf[randInt(rand, 0, Math.min(buf.length, 40) - 1)] = randInt(rand, 0, 255);
      return buf;
    }
    case 4: {
      // A random 16-bit length somewhere (PES_packet_length, PSM lengths, RTP extension length).
      if (buf.length >= 2) buf.writeUInt16BE(randInt(rand, 0, 0xffff), randInt(rand, 0, buf.length - 2));
      return buf;
    }
    case 5:
      return randomBytes(randInt(rand, 0, 2000));
    default: {
      // Keep the RTP header, scramble the payload's start (PS start codes and headers).
      const start = Math.min(buf.length, 12);
      for (let i = start; i < Math.min(buf.length, start + 32); i++) if (rand() < 0.3) buf[i] = randInt(rand, 0, 255);
      return buf;
    }
  }
}

function checkUnit(u: PsEsUnit): void {
  expect(u.data.length).toBeGreaterThan(0);
  if (u.pts90k !== null) expect(u.pts90k).toBeLessThan(2 ** 33);
  expect(['video', 'audio']).toContain(u.kind);
}

describe('fuzz: mutated RTP and PS never throw and are counted', () => {
  const { accessUnits, packs, rtpByFrame } = muxAvatar('h264');

  it('1,000 mutated RTP packets amid a good stream: rejected or counted, and the good stream keeps flowing', () => {
    const rand = prng(0x28181);
    const assembler = new PsFrameAssembler();
    const demuxer = new PsDemuxer();
    let mutated = 0;
    let rejected = 0;
    const units: PsEsUnit[] = [];
    const feed = (raw: Buffer) => {
      const parsed = parseRtpPacket(raw);
      if (!parsed.ok) return false;
      for (const frame of assembler.push(parsed.packet)) units.push(...demuxer.demux(frame.data));
      return true;
    };
    const good = rtpByFrame.flat();
    const fuzzUntil = rtpByFrame.slice(0, 150).flat().length; // fuzz over the first 150 frames, then clean
    let goodSent = 0;
    for (let i = 0; i < good.length; i++) {
      expect(feed(good[i]!)).toBe(true);
      goodSent += 1;
      while (i < fuzzUntil && mutated < 1000 && rand() < 0.75) {
        const victim = good[randInt(rand, Math.max(0, i - 50), Math.min(good.length - 1, i + 50))]!;
        if (!feed(mutate(rand, victim))) rejected += 1;
        mutated += 1;
      }
    }
    while (mutated < 1000) {
      if (!feed(mutate(rand, good[randInt(rand, 0, good.length - 1)]!))) rejected += 1;
      mutated += 1;
    }
    for (const frame of assembler.flush()) units.push(...demuxer.demux(frame.data));
    units.forEach(checkUnit);

    const c = assembler.counters;
    // Every packet is accounted for: rejected by the parser, or taken in by the assembler.
    expect(rejected + c.packets + c.foreignSsrcPackets).toBe(mutated + goodSent);
    expect(rejected).toBeGreaterThan(50);
    expect(c.duplicatePackets + c.latePackets + c.outOfRangePackets + c.droppedFrames).toBeGreaterThan(100);
    // Frames well clear of the fuzz come through intact: victims lie within 50 packets of the fuzz
    // window, and a mutated copy whose sequence number lands up to 2 × 32 + 2 packets ahead (the
    // assembler's stray limit) may still arrive before the genuine packet. RTP has no checksum:
    // the first copy of a sequence number wins.
    let cleanFrom = 0;
    for (let seen = 0; seen <= fuzzUntil + 50 + 66; cleanFrom++) seen += rtpByFrame[cleanFrom]!.length;
    const byIndex = new Map(units.filter((u) => u.kind === 'video' && u.pts90k !== null).map((u) => [(u.pts90k! - FIRST_PTS) / FRAME_TICKS, u]));
    for (let i = cleanFrom; i < accessUnits.length; i++) expect(byIndex.get(i)?.data.equals(accessUnits[i]!)).toBe(true);
    expect(accessUnits.length - cleanFrom).toBeGreaterThan(40);
  });

  it('1,000 mutated PS frames into the demuxer: no throw, damage counted', () => {
    const rand = prng(13_818);
    const demuxer = new PsDemuxer();
    let units = 0;
    for (let k = 0; k < 1000; k++) {
      const victim = packs[randInt(rand, 0, packs.length - 1)]!;
      const out = demuxer.demux(mutate(rand, Buffer.concat([victim.subarray(0, 12), victim.subarray(12)])));
      out.forEach(checkUnit);
      units += out.length;
    }
    const c = demuxer.counters;
    expect(c.frames).toBe(1000);
    expect(c.units).toBe(units);
    expect(c.malformed + c.garbageBytes + c.truncatedPes).toBeGreaterThan(0);
    expect(c.truncatedPes).toBeGreaterThan(50);
    expect(c.garbageBytes).toBeGreaterThan(10_000);
  });

  it('random bytes on a TCP media connection never throw and never grow the buffer', () => {
    const rand = prng(4571);
    const deframer = new Rfc4571Deframer();
    const assembler = new PsFrameAssembler();
    const demuxer = new PsDemuxer();
    for (let k = 0; k < 1000; k++) {
      const chunk = mutate(rand, Buffer.concat([Buffer.from([0x05, 0x78]), rtpByFrame[k % 50]![0]!]));
      for (const raw of deframer.push(chunk)) {
        const parsed = parseRtpPacket(raw);
        if (parsed.ok) for (const f of assembler.push(parsed.packet)) demuxer.demux(f.data).forEach(checkUnit);
      }
      expect(deframer.bufferedBytes).toBeLessThanOrEqual(2 + 0xffff);
    }
    expect(deframer.counters.resyncs + deframer.counters.packets).toBeGreaterThan(0);
  });
});
