import { describe, expect, it } from 'vitest';
import { annexBAccessUnits, annexBNalUnits } from '../../../sfu/src/ingest/gb28181/ps/annexB.js';
import { H264_FU_A, H264RtpPacketizer } from '../../../sfu/src/ingest/gb28181/ps/h264Rtp.js';
import { parseRtpPacket, type RtpPacket } from '../../../sfu/src/ingest/gb28181/ps/rtpPacket.js';
import { avatarStream } from './psTestSupport.js';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`depacketiser: ${what}`);
}

/** A minimal RFC 6184 depacketiser (single NAL unit packets and FU-A), one access unit per marker. */
function depacketise(packets: RtpPacket[]): { nals: Buffer[]; timestamp: number }[] {
  const aus: { nals: Buffer[]; timestamp: number }[] = [];
  let nals: Buffer[] = [];
  let fu: Buffer[] | null = null;
  let expectedSeq: number | null = null;
  for (const p of packets) {
    check(expectedSeq === null || p.sequenceNumber === expectedSeq, 'sequence gap');
    expectedSeq = (p.sequenceNumber + 1) & 0xffff;
    const type = p.payload[0]! & 0x1f;
    if (type === H264_FU_A) {
      const header = p.payload[1]!;
      const start = (header & 0x80) !== 0;
      const end = (header & 0x40) !== 0;
      if (start) {
        check(fu === null, 'FU-A start inside a fragmented NAL unit');
        fu = [Buffer.from([(p.payload[0]! & 0xe0) | (header & 0x1f)])];
      }
      check(fu !== null, 'FU-A without a start');
      fu!.push(p.payload.subarray(2));
      if (end) {
        nals.push(Buffer.concat(fu!));
        fu = null;
      }
    } else {
      check(type >= 1 && type <= 23, `packet type ${type}`);
      nals.push(p.payload);
    }
    if (p.marker) {
      check(fu === null, 'marker inside a fragmented NAL unit');
      aus.push({ nals, timestamp: p.timestamp });
      nals = [];
    }
  }
  return aus;
}

const parseAll = (raw: Buffer[]) =>
  raw.map((b) => {
    const r = parseRtpPacket(b);
    if (!r.ok) throw new Error(r.error.detail);
    return r.packet;
  });

describe('H.264 RTP (RFC 6184, packetization-mode 1)', () => {
  const aus = annexBAccessUnits(avatarStream('h264'), 'h264');

  it('round-trips the avatar access units through single NAL and FU-A packets of ≤ 1200 bytes', () => {
    const packetizer = new H264RtpPacketizer({ ssrc: 1234, payloadType: 102, initialSequence: 65_500 });
    const raw = aus.flatMap((au, i) => packetizer.packetize(au, i * 3600));
    expect(Math.max(...raw.map((b) => b.length))).toBeLessThanOrEqual(1200);
    const packets = parseAll(raw);
    expect(packets.every((p) => p.payloadType === 102 && p.ssrc === 1234)).toBe(true);
    const got = depacketise(packets);
    expect(got).toHaveLength(aus.length);
    got.forEach((g, i) => {
      expect(g.timestamp).toBe(i * 3600);
      const want = annexBNalUnits(aus[i]!);
      expect(g.nals.length).toBe(want.length);
      expect(g.nals.every((n, k) => n.equals(want[k]!))).toBe(true);
    });
    const c = packetizer.counters;
    expect(c.fuAFragmented).toBeGreaterThan(100);
    expect(c).toMatchObject({ accessUnits: 308, packets: raw.length, parameterSetsInserted: 0, idrWithoutParameterSets: 0 });
  });

  it('sends the last SPS and PPS before an IDR that comes without them, and drops AUDs', () => {
    const idrAus = aus.filter((au) => annexBNalUnits(au).some((n) => (n[0]! & 0x1f) === 5));
    const first = idrAus[0]!;
    const second = idrAus[1]!;
    const [sps, pps] = annexBNalUnits(first);
    const aud = Buffer.from([0, 0, 0, 1, 0x09, 0xf0]);
    const bareSecond = Buffer.concat([aud, ...annexBNalUnits(second).filter((n) => ![7, 8].includes(n[0]! & 0x1f)).flatMap((n) => [Buffer.from([0, 0, 0, 1]), n])]);
    const packetizer = new H264RtpPacketizer({ ssrc: 1, payloadType: 96 });
    const units = depacketise(parseAll([...packetizer.packetize(first, 0), ...packetizer.packetize(bareSecond, 3600)]));
    const types = units[1]!.nals.map((n) => n[0]! & 0x1f);
    expect(types.slice(0, 2)).toEqual([7, 8]);
    expect(types).not.toContain(9);
    expect(units[1]!.nals[0]).toEqual(sps);
    expect(units[1]!.nals[1]).toEqual(pps);
    expect(packetizer.counters.parameterSetsInserted).toBe(1);

    const cold = new H264RtpPacketizer({ ssrc: 1, payloadType: 96 });
    cold.packetize(bareSecond, 0);
    expect(cold.counters.idrWithoutParameterSets).toBe(1);
  });

  it('marks FU-A start and end and keeps the NAL header bits', () => {
    const nal = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(3000, 7)]);
    const packetizer = new H264RtpPacketizer({ ssrc: 1, payloadType: 96, maxPacketSize: 1000 });
    const packets = parseAll(packetizer.packetize(Buffer.concat([Buffer.from([0, 0, 0, 1]), nal]), 0));
    expect(packets.length).toBe(Math.ceil(3000 / (1000 - 12 - 2)));
    expect(packets.map((p) => p.payload[1]! & 0xc0)).toEqual([0x80, ...new Array<number>(packets.length - 2).fill(0), 0x40]);
    expect(packets.every((p) => p.payload[0] === (0x60 | 28) && (p.payload[1]! & 0x1f) === 5)).toBe(true);
    expect(packets.map((p) => p.marker)).toEqual([...new Array<boolean>(packets.length - 1).fill(false), true]);
    expect(depacketise(packets)[0]!.nals).toEqual([nal]);
  });
});
