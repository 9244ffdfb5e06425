import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { annexBAccessUnits, annexBNalUnits, H264Depacketizer, H264RtpPacketizer, isKeyframeAccessUnit, parseRtpPacket, type RtpPacket } from '../../../sfu/src/ingest/gb28181/ps/index.js';
import { sharedData } from '../../support/paths.js';

/** RFC 6184 depacketising (for the cascade's PS egress), against our packetizer and the real avatar stream. */

const units = annexBAccessUnits(readFileSync(sharedData('gb28181/es/srs_avatar.h264')), 'h264');
const packetsOf = (aus: readonly Buffer[]): RtpPacket[] => {
  const packetizer = new H264RtpPacketizer({ ssrc: 7, payloadType: 96, initialSequence: 65_530 });
  return aus.flatMap((au, i) => packetizer.packetize(au, i * 3600)).map((bytes) => {
    const parsed = parseRtpPacket(bytes);
    if (!parsed.ok) throw new Error(parsed.error.detail);
    return parsed.packet;
  });
};
/** The NAL units of an access unit, without AUD and filler (the packetizer drops those). */
const nals = (au: Buffer) => annexBNalUnits(au).filter((n) => ![9, 12].includes(n[0]! & 0x1f)).map((n) => n.toString('hex'));

describe('H.264 depacketizer', () => {
  it('gives back every access unit of the real stream (single NAL units and FU-A), across the sequence wrap', () => {
    const depacketizer = new H264Depacketizer();
    const out = packetsOf(units.slice(0, 40)).flatMap((p) => depacketizer.push(p));
    expect(out).toHaveLength(40);
    out.forEach((au, i) => {
      expect(nals(au.data)).toEqual(nals(units[i]!));
      expect(au.timestamp).toBe(i * 3600);
      expect(au.afterLoss).toBe(false);
    });
    expect(depacketizer.counters).toEqual({ accessUnits: 40, malformed: 0, losses: 0 });
  });

  it('drops the access unit that lost a packet and flags the next one', () => {
    const packets = packetsOf(units.slice(0, 3));
    // The first access unit (the IDR) spans many packets: lose one in its middle.
    const lossy = packets.filter((_, i) => i !== 2);
    expect(packets[2]!.timestamp).toBe(0);
    const depacketizer = new H264Depacketizer();
    const out = lossy.flatMap((p) => depacketizer.push(p));
    expect(out.map((au) => [au.timestamp, au.afterLoss])).toEqual([[3600, true], [7200, false]]);
    expect(depacketizer.counters.losses).toBe(1);
  });

  it('counts STAP-B, MTAP and FU-B as malformed and never throws on garbage', () => {
    const depacketizer = new H264Depacketizer();
    for (const type of [25, 26, 27, 29, 0]) {
      depacketizer.push({ ...packetsOf([units[1]!])[0]!, payload: Buffer.from([type, 1, 2, 3]) });
    }
    expect(depacketizer.counters.malformed).toBe(5);
    expect(() => depacketizer.push({ ...packetsOf([units[1]!])[0]!, payload: Buffer.from([24, 0xff, 0xff, 1]) })).not.toThrow();
  });
});

describe('keyframe access units', () => {
  it('reads the NAL type from the header byte (nal_ref_idc masked off): IDR or SPS access units, and only those', () => {
    const expected = units.filter((au) => annexBNalUnits(au).some((n) => [5, 7].includes(n[0]! & 0x1f)));
    expect(isKeyframeAccessUnit('h264', units[0]!)).toBe(true);
    expect(expected.length).toBeGreaterThan(1);
    expect(units.filter((au) => isKeyframeAccessUnit('h264', au))).toEqual(expected);
  });
});
