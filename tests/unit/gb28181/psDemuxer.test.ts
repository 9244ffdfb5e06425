import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../support/paths.js';
import { PsDemuxer, readTimestamp33, sniffVideoCodec, type PsEsUnit } from '../../../sfu/src/ingest/gb28181/ps/psDemuxer.js';
import { buildPackHeader, buildPesPackets, buildProgramStreamMap, buildSystemHeader, mpegCrc32 } from '../../../sfu/src/ingest/gb28181/ps/psMuxer.js';
import { avatarStream } from './psTestSupport.js';
import { annexBAccessUnits } from '../../../sfu/src/ingest/gb28181/ps/annexB.js';

/** Split a PS file before each pack header (00 00 01 BA). */
function packs(file: Buffer): Buffer[] {
  const marker = Buffer.from([0, 0, 1, 0xba]);
  const starts: number[] = [];
  for (let i = file.indexOf(marker); i >= 0; i = file.indexOf(marker, i + 4)) starts.push(i);
  return starts.map((s, k) => file.subarray(s, starts[k + 1] ?? file.length));
}

describe('PS demuxer on the real GB/T 28181 file Audio_G711_PS2.mpg', () => {
  const file = readFileSync(sharedData('gb28181/ps/Audio_G711_PS2.mpg'));
  const demuxer = new PsDemuxer();
  const units: PsEsUnit[] = packs(file).flatMap((p) => demuxer.demux(p));
  const counters = demuxer.counters;

  it('reads the PSM: G.711 A-law (0x90) on 0xC0, H.264 (0x1B) declared on 0xE0', () => {
    expect(demuxer.streamTypes).toEqual(
      new Map([
        [0xe0, 0x1b],
        [0xc0, 0x90],
      ]),
    );
    expect(counters.programStreamMaps).toBe(320);
    // The file's PSMs say elementary_stream_map_length 8 but carry 14 bytes of entries.
    expect(counters.psmEsMapLengthMismatch).toBe(320);
  });

  it('finds G.711 A-law audio and no video', () => {
    expect(units.length).toBeGreaterThan(10_000);
    expect(units.every((u) => u.kind === 'audio' && u.codec === 'g711a' && u.codecFromPsm && u.streamId === 0xc0 && u.keyframe)).toBe(true);
    expect(units.some((u) => u.kind === 'video')).toBe(false);
    // 35351 PES of 80 bytes (10 ms at 8 kHz) and 2 of 160 bytes.
    expect(units.reduce((n, u) => n + u.data.length, 0)).toBe(35_351 * 80 + 2 * 160);
    expect(counters).toMatchObject({ packHeaders: 7982, systemHeaders: 320, pesPackets: 35_353, truncatedPes: 0, malformed: 0, garbageBytes: 0 });
  });

  it('gives increasing PTS, apart from two MPEG-1 PES packets stamped from another clock', () => {
    expect(counters.mpeg1PesPackets).toBe(2);
    const outliers = units.filter((u) => (u.pts90k ?? 0) > 40_000_000);
    expect(outliers).toHaveLength(2);
    // Both are 20 ms of A-law silence (0xD5/0x55 around zero).
    for (const u of outliers) {
      expect(u.data.length).toBe(160);
      expect([...u.data].every((b) => b === 0xd5 || b === 0x55)).toBe(true);
    }
    const pts = units.filter((u) => !outliers.includes(u)).map((u) => u.pts90k!);
    // Never decreasing; consecutive packs may repeat a PTS (the device stamps in 1 ms steps).
    let decreases = 0;
    for (let i = 1; i < pts.length; i++) if (pts[i]! < pts[i - 1]!) decreases += 1;
    expect(decreases).toBe(0);
    expect(new Set(pts).size).toBeGreaterThan(14_000);
    expect(pts[0]).toBe(11_205_360);
    expect((pts[pts.length - 1]! - pts[0]!) / 90_000).toBeCloseTo(319.3, 1);
  });

  it('demuxes although the PSM CRC_32 is wrong (the demuxer does not check it)', () => {
    expect(mpegCrc32(Buffer.from('123456789'))).toBe(0x0376e6e7); // CRC-32/MPEG-2 check value
    const psm = file.subarray(0x20, 0x20 + 6 + 0x18);
    expect(psm.readUInt32BE(psm.length - 4)).toBe(0x2eb90f3d);
    expect(mpegCrc32(psm.subarray(0, psm.length - 4))).toBe(0x22e8019a);
  });
});

const H264_AU = Buffer.from([0, 0, 0, 1, 0x67, 0x64, 0, 0x1f, 0, 0, 0, 1, 0x68, 0xee, 0x3c, 0x80, 0, 0, 1, 0x65, 0x88, 0x84, 0x21, 0xa0]);
const H264_P = Buffer.from([0, 0, 0, 1, 0x41, 0x9a, 0x02, 0x03, 0x04]);
const H265_AU = Buffer.from([0, 0, 0, 1, 0x40, 0x01, 0x0c, 0x01, 0, 0, 0, 1, 0x42, 0x01, 0x01, 0x01, 0, 0, 0, 1, 0x44, 0x01, 0xc1, 0, 0, 1, 0x26, 0x01, 0xaf, 0x06]);
const psmH264G711 = buildProgramStreamMap([
  { streamType: 0x1b, streamId: 0xe0 },
  { streamType: 0x90, streamId: 0xc0 },
]);

/** A PES with a given PES_packet_length (e.g. 0) and PTS, built by hand. */
function rawPes(streamId: number, payload: Buffer, pts: number | null, length?: number): Buffer {
  const [pes] = buildPesPackets(streamId, payload, pts);
  const out = Buffer.from(pes!);
  if (length !== undefined) out.writeUInt16BE(length, 4);
  return out;
}

describe('PS demuxer on synthetic streams', () => {
  it('joins a video access unit split over several PES packets and keeps audio apart', () => {
    const d = new PsDemuxer();
    const frame = Buffer.concat([
      buildPackHeader(3600),
      buildSystemHeader([{ streamId: 0xe0, bufferBytes: 1 << 20 }]),
      psmH264G711,
      rawPes(0xe0, H264_AU.subarray(0, 10), 3600),
      rawPes(0xe0, H264_AU.subarray(10, 15), null),
      rawPes(0xc0, Buffer.alloc(160, 0xd5), 3000),
      rawPes(0xe0, H264_AU.subarray(15), 3600), // same PTS repeated: still the same unit
    ]);
    const units = d.demux(frame);
    expect(units).toHaveLength(2);
    expect(units[0]).toMatchObject({ kind: 'video', codec: 'h264', pts90k: 3600, dts90k: 3600, keyframe: true, codecFromPsm: true });
    expect(units[0]!.data).toEqual(H264_AU);
    expect(units[1]).toMatchObject({ kind: 'audio', codec: 'g711a', pts90k: 3000, keyframe: true });
  });

  it('starts a new unit when the PTS changes', () => {
    const d = new PsDemuxer();
    const units = d.demux(Buffer.concat([psmH264G711, rawPes(0xc0, Buffer.alloc(80, 1), 100), rawPes(0xc0, Buffer.alloc(80, 2), 820)]));
    expect(units.map((u) => u.pts90k)).toEqual([100, 820]);
  });

  it('reads PTS and DTS', () => {
    const [pes] = buildPesPackets(0xe0, H264_P, 2 ** 33 - 1, 2 ** 32 + 5);
    const d = new PsDemuxer();
    const [u] = d.demux(Buffer.concat([psmH264G711, pes!]));
    expect(u).toMatchObject({ pts90k: 2 ** 33 - 1, dts90k: 2 ** 32 + 5, keyframe: false });
    expect(readTimestamp33(pes!, 9)).toBe(2 ** 33 - 1);
  });

  it('runs a video PES with PES_packet_length 0 to the next PS start code', () => {
    const d = new PsDemuxer();
    const units = d.demux(Buffer.concat([buildPackHeader(0), psmH264G711, rawPes(0xe0, H264_AU, 3600, 0), rawPes(0xc0, Buffer.alloc(8, 0x55), 3600)]));
    expect(units[0]!.data).toEqual(H264_AU); // the NAL start codes inside did not end it
    expect(units[1]!.data).toEqual(Buffer.alloc(8, 0x55));
  });

  it('skips garbage between start codes and counts it', () => {
    const d = new PsDemuxer();
    const garbage = Buffer.from([1, 2, 3, 0, 0, 1, 0x42, 9, 9]); // a start code below 0xB9 is not PS
    const units = d.demux(Buffer.concat([garbage, buildPackHeader(0), psmH264G711, garbage, rawPes(0xe0, H264_AU, 0), garbage]));
    expect(units).toHaveLength(1);
    expect(units[0]!.data).toEqual(H264_AU);
    expect(d.counters.garbageBytes).toBe(3 * garbage.length);
  });

  it('keeps what there is of a PES cut short by the end of the frame, and says so', () => {
    const d = new PsDemuxer();
    const pes = rawPes(0xe0, H264_AU, 0);
    const units = d.demux(Buffer.concat([psmH264G711, pes.subarray(0, pes.length - 4)]));
    expect(units[0]!.truncated).toBe(true);
    expect(units[0]!.data).toEqual(H264_AU.subarray(0, H264_AU.length - 4));
    expect(d.counters.truncatedPes).toBe(1);
  });

  it('infers codecs without a PSM and reports it', () => {
    const d = new PsDemuxer();
    expect(d.demux(rawPes(0xe0, H264_AU, 0))[0]).toMatchObject({ codec: 'h264', keyframe: true, codecFromPsm: false });
    expect(d.demux(rawPes(0xe0, H264_P, 3600))[0]).toMatchObject({ codec: 'h264', keyframe: false, codecFromPsm: false });
    expect(new PsDemuxer().demux(rawPes(0xe1, H265_AU, 0))[0]).toMatchObject({ codec: 'h265', keyframe: true, codecFromPsm: false });
    expect(d.demux(rawPes(0xc0, Buffer.alloc(160, 0xd5), 0))[0]).toMatchObject({ codec: 'g711a', kind: 'audio', codecFromPsm: false });
    expect(d.demux(rawPes(0xc1, Buffer.from([0xff, 0xf1, 0x50, 0x80]), 0))[0]).toMatchObject({ codec: 'aac', codecFromPsm: false });
    expect(d.psmSeen).toBe(false);
    expect(d.counters.inferredCodecUnits).toBe(4);
  });

  it('tells H.264 from H.265 on the real avatar streams', () => {
    for (const codec of ['h264', 'h265'] as const) {
      const aus = annexBAccessUnits(avatarStream(codec), codec);
      expect(aus.every((au) => sniffVideoCodec(au) === codec)).toBe(true);
    }
  });

  it('ignores a bad PSM CRC and a wrong elementary_stream_map_length', () => {
    const psm = Buffer.from(buildProgramStreamMap([{ streamType: 0x24, streamId: 0xe0 }]));
    psm.writeUInt32BE(0x12345678, psm.length - 4);
    psm.writeUInt16BE(0, 10); // elementary_stream_map_length 0
    const d = new PsDemuxer();
    expect(d.demux(Buffer.concat([psm, rawPes(0xe0, H265_AU, 0)]))[0]).toMatchObject({ codec: 'h265', codecFromPsm: true, keyframe: true });
    expect(d.counters.psmEsMapLengthMismatch).toBe(1);
  });

  it('reads MPEG-1 pack headers and PES headers', () => {
    const pack1 = Buffer.from([0, 0, 1, 0xba, 0x21, 0, 1, 0, 1, 0x80, 0, 1]);
    const pes1 = Buffer.concat([Buffer.from([0, 0, 1, 0xc0, 0, 10 + 4, 0x37, 0x4f, 0xfd, 0x4c, 0x85, 0x17, 0x4f, 0xfd, 0x4c, 0x85]), Buffer.alloc(4, 0xd5)]);
    const d = new PsDemuxer();
    const units = d.demux(Buffer.concat([pack1, psmH264G711, pes1]));
    expect(units).toHaveLength(1);
    expect(units[0]!.data).toEqual(Buffer.alloc(4, 0xd5));
    expect(d.counters).toMatchObject({ mpeg1PackHeaders: 1, mpeg1PesPackets: 1, malformed: 0 });
  });

  it('unknown stream types come out as codec "unknown"', () => {
    const d = new PsDemuxer();
    const psm = buildProgramStreamMap([{ streamType: 0x10, streamId: 0xe0 }]); // MPEG-4 video
    expect(d.demux(Buffer.concat([psm, rawPes(0xe0, Buffer.from([0, 0, 1, 0xb6, 1]), 0)]))[0]).toMatchObject({ kind: 'video', codec: 'unknown', keyframe: false });
  });
});
