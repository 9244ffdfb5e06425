import { describe, expect, it } from 'vitest';
import { buildRtpPacket, parseRtpPacket, sequenceAdd, sequenceDelta, toUint32 } from '../../../sfu/src/ingest/gb28181/ps/rtpPacket.js';

const full = {
  marker: true,
  payloadType: 96,
  sequenceNumber: 65_535,
  timestamp: 2 ** 32 + 7, // wraps to 7
  ssrc: 0xdeadbeef,
  csrcs: [1, 0xffffffff],
  extension: { profile: 0xbede, data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) },
  paddingLength: 3,
  payload: Buffer.from('PS payload'),
};

describe('RTP packets (RFC 3550 §5.1)', () => {
  it('builds and parses every header field', () => {
    const buf = buildRtpPacket(full);
    expect(buf[0]).toBe(0x80 | 0x20 | 0x10 | 2);
    expect(buf.length).toBe(12 + 8 + 4 + 8 + 10 + 3);
    const parsed = parseRtpPacket(buf);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.packet).toMatchObject({
      marker: true,
      payloadType: 96,
      sequenceNumber: 65_535,
      timestamp: 7,
      ssrc: 0xdeadbeef,
      csrcs: [1, 0xffffffff],
      paddingLength: 3,
    });
    expect(parsed.packet.extension?.profile).toBe(0xbede);
    expect(parsed.packet.extension?.data).toEqual(full.extension.data);
    expect(parsed.packet.payload.toString()).toBe('PS payload');
  });

  it('parses a minimal packet with an empty payload', () => {
    const parsed = parseRtpPacket(buildRtpPacket({ payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: Buffer.alloc(0) }));
    expect(parsed.ok && parsed.packet.payload.length).toBe(0);
  });

  it('reports malformed packets as values', () => {
    const code = (buf: Buffer) => {
      const r = parseRtpPacket(buf);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(Buffer.alloc(11))).toBe('too-short');
    const good = buildRtpPacket({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: Buffer.alloc(4) });
    const v1 = Buffer.from(good);
    v1[0] = 0x40;
    expect(code(v1)).toBe('bad-version');
    const csrc = Buffer.from(good);
    csrc[0] = 0x80 | 15; // 15 CSRCs announced, 4 bytes present
    expect(code(csrc)).toBe('truncated-csrc');
    const ext = Buffer.from(good);
    ext[0] = 0x90;
    ext.writeUInt16BE(100, 14); // 100 words of extension
    expect(code(ext)).toBe('truncated-extension');
    const pad0 = Buffer.from(good);
    pad0[0] = 0xa0;
    pad0[pad0.length - 1] = 0;
    expect(code(pad0)).toBe('bad-padding');
    const padBig = Buffer.from(good);
    padBig[0] = 0xa0;
    padBig[padBig.length - 1] = 5; // only 4 bytes after the header
    expect(code(padBig)).toBe('bad-padding');
    const padAll = Buffer.from(good);
    padAll[0] = 0xa0;
    padAll[padAll.length - 1] = 4; // all of it is padding: valid, empty payload
    expect(code(padAll)).toBe('ok');
  });

  it('never throws on any prefix of a packet', () => {
    const buf = buildRtpPacket(full);
    for (let n = 0; n <= buf.length; n++) expect(() => parseRtpPacket(buf.subarray(0, n))).not.toThrow();
  });

  it('refuses to build out-of-range fields', () => {
    const base = { payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: Buffer.alloc(0) };
    expect(() => buildRtpPacket({ ...base, payloadType: 128 })).toThrow(RangeError);
    expect(() => buildRtpPacket({ ...base, sequenceNumber: 65_536 })).toThrow(RangeError);
    expect(() => buildRtpPacket({ ...base, csrcs: new Array<number>(16).fill(0) })).toThrow(RangeError);
    expect(() => buildRtpPacket({ ...base, extension: { profile: 0, data: Buffer.alloc(3) } })).toThrow(RangeError);
  });

  it('does 16-bit sequence and 32-bit timestamp arithmetic across the wrap', () => {
    expect(sequenceDelta(2, 65_534)).toBe(4);
    expect(sequenceDelta(65_534, 2)).toBe(-4);
    expect(sequenceDelta(100, 100)).toBe(0);
    expect(sequenceAdd(65_535, 1)).toBe(0);
    expect(toUint32(-1)).toBe(0xffffffff);
    expect(toUint32(2 ** 33 + 5)).toBe(5);
  });
});
