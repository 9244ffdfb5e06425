import { describe, expect, it } from 'vitest';
import { frameRfc4571, Rfc4571Deframer } from '../../../sfu/src/ingest/gb28181/ps/rfc4571Framer.js';
import { buildRtpPacket } from '../../../sfu/src/ingest/gb28181/ps/rtpPacket.js';
import { muxAvatar, prng, randInt } from './psTestSupport.js';

const rtp = (seq: number, size: number) =>
  buildRtpPacket({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 10, ssrc: 1, payload: Buffer.alloc(size, seq & 0xff) });

describe('RFC 4571 framing', () => {
  it('recovers every packet of a real stream however TCP chunks it', () => {
    const packets = muxAvatar('h264').rtpByFrame.flat();
    const stream = Buffer.concat(packets.map(frameRfc4571));
    const rand = prng(4571);
    for (const maxChunk of [1, 7, 1500, 65_536]) {
      const deframer = new Rfc4571Deframer();
      const out: Buffer[] = [];
      let maxBuffered = 0;
      for (let i = 0; i < stream.length; ) {
        const n = Math.min(stream.length - i, randInt(rand, 1, maxChunk));
        out.push(...deframer.push(stream.subarray(i, i + n)));
        maxBuffered = Math.max(maxBuffered, deframer.bufferedBytes);
        i += n;
        if (maxChunk === 1 && i > 60_000) break; // byte-at-a-time: a prefix is enough
      }
      const expected = maxChunk === 1 ? out.length : packets.length;
      expect(out.length).toBe(expected);
      out.forEach((p, k) => expect(p.equals(packets[k]!)).toBe(true));
      expect(deframer.counters).toMatchObject({ packets: expected, zeroLength: 0, resyncs: 0, discardedBytes: 0 });
      expect(maxBuffered).toBeLessThanOrEqual(2 + 1412);
    }
  });

  it('returns several packets from one read and keeps a partial one for the next', () => {
    const a = rtp(1, 100);
    const b = rtp(2, 5);
    const c = rtp(3, 300);
    const bytes = Buffer.concat([a, b, c].map(frameRfc4571));
    const d = new Rfc4571Deframer();
    const first = d.push(bytes.subarray(0, bytes.length - 10));
    expect(first.map((p) => p.length)).toEqual([a.length, b.length]);
    expect(d.bufferedBytes).toBe(2 + c.length - 10);
    expect(d.push(bytes.subarray(bytes.length - 10))).toEqual([c]);
    expect(d.bufferedBytes).toBe(0);
  });

  it('skips zero-length frames', () => {
    const d = new Rfc4571Deframer();
    const out = d.push(Buffer.concat([Buffer.from([0, 0, 0, 0]), frameRfc4571(rtp(1, 10)), Buffer.from([0, 0])]));
    expect(out).toHaveLength(1);
    expect(d.counters.zeroLength).toBe(3);
  });

  it('resynchronises after an absurd length or a frame that is not RTP', () => {
    const d = new Rfc4571Deframer({ maxPacketSize: 1500 });
    const garbage = Buffer.from([0xff, 0xff, 0x12, 0x34, 0x56]); // length 65535 > 1500
    const notRtp = Buffer.concat([Buffer.from([0, 20]), Buffer.alloc(20, 0x11)]); // version 0
    const good = [rtp(1, 50), rtp(2, 60), rtp(3, 70)];
    const stream = Buffer.concat([frameRfc4571(good[0]!), garbage, frameRfc4571(good[1]!), notRtp, frameRfc4571(good[2]!)]);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 3) out.push(...d.push(stream.subarray(i, i + 3)));
    expect(out).toEqual(good);
    expect(d.counters.resyncs).toBe(2);
    expect(d.counters.discardedBytes).toBe(garbage.length + notRtp.length);
  });

  it('keeps its buffer bounded whatever arrives', () => {
    const d = new Rfc4571Deframer();
    const rand = prng(7);
    let max = 0;
    for (let k = 0; k < 2000; k++) {
      const chunk = Buffer.alloc(randInt(rand, 1, 4000));
      for (let i = 0; i < chunk.length; i++) chunk[i] = randInt(rand, 0, 255);
      d.push(chunk);
      max = Math.max(max, d.bufferedBytes);
    }
    expect(max).toBeLessThanOrEqual(2 + 0xffff);
    expect(d.counters.resyncs).toBeGreaterThan(0);
  });

  it('refuses to frame a packet longer than 65535 bytes', () => {
    expect(() => frameRfc4571(Buffer.alloc(65_536))).toThrow(RangeError);
    expect(frameRfc4571(Buffer.alloc(65_535)).readUInt16BE(0)).toBe(65_535);
  });
});
