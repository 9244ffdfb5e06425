import { describe, expect, it } from 'vitest';
import { annexBAccessUnits, type AnnexBCodec } from '../../../sfu/src/ingest/gb28181/ps/annexB.js';
import { PsDemuxer, type PsEsUnit } from '../../../sfu/src/ingest/gb28181/ps/psDemuxer.js';
import { PsFrameAssembler, type PsFrame } from '../../../sfu/src/ingest/gb28181/ps/psFrameAssembler.js';
import { PS_RTP_MAX_PAYLOAD, PsMuxer, PsRtpPacketizer } from '../../../sfu/src/ingest/gb28181/ps/psMuxer.js';
import { frameRfc4571, Rfc4571Deframer } from '../../../sfu/src/ingest/gb28181/ps/rfc4571Framer.js';
import { parseRtpPacket, RTP_FIXED_HEADER_SIZE } from '../../../sfu/src/ingest/gb28181/ps/rtpPacket.js';
import { avatarStream, FIRST_PTS, FRAME_TICKS, muxAvatar, prng, randInt } from './psTestSupport.js';

/** Independent keyframe check: H.264 IDR (start code + 0x65/0x25/0x45), H.265 VPS (start code + 40 01). */
function expectKeyframe(codec: AnnexBCodec, au: Buffer): boolean {
  if (codec === 'h265') return au.includes(Buffer.from([0, 0, 1, 0x40, 0x01]));
  return [0x65, 0x25, 0x45].some((b) => au.includes(Buffer.from([0, 0, 1, b])));
}

interface Received {
  units: PsEsUnit[];
  frames: PsFrame[];
  assembler: PsFrameAssembler;
  demuxer: PsDemuxer;
}

function receive(packets: Buffer[]): Received {
  const assembler = new PsFrameAssembler();
  const demuxer = new PsDemuxer();
  const frames: PsFrame[] = [];
  for (const raw of packets) {
    const parsed = parseRtpPacket(raw);
    if (!parsed.ok) throw new Error(parsed.error.detail);
    frames.push(...assembler.push(parsed.packet));
  }
  frames.push(...assembler.flush());
  const units = frames.flatMap((f) => demuxer.demux(f.data));
  return { units, frames, assembler, demuxer };
}

/** Shuffle within consecutive blocks of `block` packets: every packet moves at most block-1 places. */
function reorder(packets: Buffer[], block: number, seed: number): Buffer[] {
  const rand = prng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < packets.length; i += block) {
    const chunk = packets.slice(i, i + block);
    for (let k = chunk.length - 1; k > 0; k--) {
      const j = randInt(rand, 0, k);
      [chunk[k], chunk[j]] = [chunk[j]!, chunk[k]!];
    }
    out.push(...chunk);
  }
  return out;
}

describe.each(['h264', 'h265'] as const)('avatar %s: Annex-B → PS → RTP → impairments → assembler → demuxer', (codec) => {
  const muxed = muxAvatar(codec);
  const { accessUnits, rtpByFrame } = muxed;

  it('splits the elementary stream into its 308 access units, losslessly', () => {
    expect(accessUnits).toHaveLength(308);
    expect(Buffer.concat(accessUnits).equals(avatarStream(codec))).toBe(true);
    expect(annexBAccessUnits(accessUnits[0]!, codec)).toHaveLength(1);
    expect(accessUnits.filter((au) => expectKeyframe(codec, au))).toHaveLength(codec === 'h264' ? 13 : 8);
  });

  it('packetises with ≤ 1400-byte payloads, one timestamp per frame, the marker on the last packet', () => {
    rtpByFrame.forEach((packets, i) => {
      packets.forEach((raw, k) => {
        const p = parseRtpPacket(raw);
        expect(p.ok).toBe(true);
        if (!p.ok) return;
        expect(p.packet.payload.length).toBeLessThanOrEqual(PS_RTP_MAX_PAYLOAD);
        expect(p.packet.timestamp).toBe(FIRST_PTS + i * FRAME_TICKS);
        expect(p.packet.payloadType).toBe(96);
        expect(p.packet.marker).toBe(k === packets.length - 1);
      });
    });
    expect(Math.max(...rtpByFrame.flat().map((p) => p.length))).toBe(PS_RTP_MAX_PAYLOAD + RTP_FIXED_HEADER_SIZE);
  });

  it('gives back every access unit byte for byte over a clean path', () => {
    const { units, assembler, demuxer } = receive(rtpByFrame.flat());
    expect(units).toHaveLength(308);
    units.forEach((u, i) => {
      expect(u).toMatchObject({ kind: 'video', codec, pts90k: FIRST_PTS + i * FRAME_TICKS, codecFromPsm: true, keyframe: expectKeyframe(codec, accessUnits[i]!) });
      expect(u.data.equals(accessUnits[i]!)).toBe(true);
    });
    expect(assembler.counters).toMatchObject({ frames: 308, droppedFrames: 0, lostPackets: 0 });
    expect(demuxer.counters).toMatchObject({ units: 308, malformed: 0, garbageBytes: 0, truncatedPes: 0 });
  });

  it('survives reordering, a duplicate and three lost packets, losing only the three frames hit', () => {
    // Frames of at least 3 packets, to drop the first, a middle and the last (marker) packet.
    const big = rtpByFrame.map((p, i) => ({ i, n: p.length })).filter((f) => f.n >= 3 && f.i > 5);
    const [a, b, c] = [big[2]!.i, big[Math.floor(big.length / 2)]!.i, big[big.length - 3]!.i];
    const dropped = new Set([rtpByFrame[a]![0]!, rtpByFrame[b]![1]!, rtpByFrame[c]![rtpByFrame[c]!.length - 1]!]);
    const sent: Buffer[] = [];
    for (const p of rtpByFrame.flat()) {
      if (dropped.has(p)) continue;
      sent.push(p);
      if (p === rtpByFrame[40]![0]) sent.push(p); // duplicated
    }
    const { units, frames, assembler } = receive(reorder(sent, 5, 28181));
    const lost = new Set([a, b, c]);
    expect(units).toHaveLength(308 - 3);
    for (const u of units) {
      const i = (u.pts90k! - FIRST_PTS) / FRAME_TICKS;
      expect(lost.has(i)).toBe(false);
      expect(u.data.equals(accessUnits[i]!)).toBe(true);
      expect(u.codec).toBe(codec);
      expect(u.keyframe).toBe(expectKeyframe(codec, accessUnits[i]!));
    }
    // The frame after each loss asks for a keyframe.
    const flagged = frames.filter((f) => f.needsKeyframe).map((f) => (f.timestamp - FIRST_PTS) / FRAME_TICKS);
    expect(flagged).toEqual([a + 1, b + 1, c + 1]);
    expect(assembler.counters).toMatchObject({ lostPackets: 3, droppedFrames: 3, duplicatePackets: 1, frames: 305 });
    expect(assembler.counters.reorderedPackets).toBeGreaterThan(100);
  });

  it('cuts frames by timestamp when the device never sets the marker bit', () => {
    const unmarked = rtpByFrame.flat().map((raw) => {
      const copy = Buffer.from(raw);
      copy[1] = copy[1]! & 0x7f;
      return copy;
    });
    const { units, frames } = receive(unmarked);
    expect(units).toHaveLength(308);
    expect(frames.some((f) => f.endedByMarker)).toBe(false);
    units.forEach((u, i) => expect(u.data.equals(accessUnits[i]!)).toBe(true));
  });

  it('gets the same access units over TCP (RFC 4571) in random chunks', () => {
    const stream = Buffer.concat(rtpByFrame.flat().map(frameRfc4571));
    const deframer = new Rfc4571Deframer();
    const rand = prng(9);
    const packets: Buffer[] = [];
    for (let i = 0; i < stream.length; ) {
      const n = randInt(rand, 1, 9000);
      packets.push(...deframer.push(stream.subarray(i, i + n)));
      i += n;
    }
    const { units } = receive(packets);
    expect(units).toHaveLength(308);
    units.forEach((u, i) => expect(u.data.equals(accessUnits[i]!)).toBe(true));
  });
});

describe('H.264 with G.711 A-law audio in the same packs', () => {
  it('muxes and demuxes both streams, declared in the PSM', () => {
    const accessUnits = annexBAccessUnits(avatarStream('h264'), 'h264').slice(0, 60);
    const muxer = new PsMuxer({ videoCodec: 'h264', audioCodec: 'g711a' });
    const packetizer = new PsRtpPacketizer({ ssrc: 7, initialSequence: 1 });
    const rand = prng(711);
    // 40 ms of A-law per video frame, in two 20 ms PES packets.
    const audio = accessUnits.map(() => Buffer.from(Array.from({ length: 320 }, () => randInt(rand, 0, 255))));
    const packets = accessUnits.flatMap((au, i) => {
      const pts = FIRST_PTS + i * FRAME_TICKS;
      const a = audio[i]!;
      const pack = muxer.muxFrame({
        video: { data: au, pts90k: pts },
        audio: [
          { data: a.subarray(0, 160), pts90k: pts },
          { data: a.subarray(160), pts90k: pts + 1800 },
        ],
      });
      return packetizer.packetize(pack, pts);
    });
    const { units, demuxer } = receive(packets);
    const video = units.filter((u) => u.kind === 'video');
    const audioUnits = units.filter((u) => u.kind === 'audio');
    expect(demuxer.streamTypes).toEqual(
      new Map([
        [0xe0, 0x1b],
        [0xc0, 0x90],
      ]),
    );
    expect(video).toHaveLength(accessUnits.length);
    expect(video.every((u, i) => u.data.equals(accessUnits[i]!))).toBe(true);
    expect(audioUnits).toHaveLength(120);
    expect(audioUnits.every((u) => u.codec === 'g711a' && u.codecFromPsm && u.streamId === 0xc0)).toBe(true);
    expect(Buffer.concat(audioUnits.map((u) => u.data)).equals(Buffer.concat(audio))).toBe(true);
    expect(audioUnits.map((u) => u.pts90k)).toEqual(accessUnits.flatMap((_, i) => [FIRST_PTS + i * FRAME_TICKS, FIRST_PTS + i * FRAME_TICKS + 1800]));
  });
});
