import { describe, expect, it } from 'vitest';
import type { DescribedFace } from '@argus/shared';
import { channelAnalyticsInput, isAnalysed } from '@argus/shared';
import { judgeEnrolPhoto, localDay, tapSdp } from '@argus/sfu';
import { AnalysisLoop, PamStream } from '@argus/analytics';

const face = (width: number): DescribedFace => ({ box: [10, 10, width, width], score: 0.9, descriptor: new Float32Array(1024), real: 0.9, live: 0.9 });

describe('enrolment photo judgement', () => {
  it('takes exactly one face wide enough', () => {
    const judged = judgeEnrolPhoto([face(120)], 48);
    expect(judged.ok).toBe(true);
  });
  it('refuses no face, several usable faces, or only small ones, with the reason', () => {
    expect(judgeEnrolPhoto([], 48)).toMatchObject({ ok: false, reason: 'no-face' });
    expect(judgeEnrolPhoto([face(100), face(60)], 48)).toMatchObject({ ok: false, reason: 'several-faces' });
    expect(judgeEnrolPhoto([face(30)], 48)).toMatchObject({ ok: false, reason: 'face-too-small', message: expect.stringContaining('30 px') });
  });
  it('ignores a background face too small to ever match', () => {
    const judged = judgeEnrolPhoto([face(20), face(150)], 48);
    expect(judged.ok && judged.face.box[2]).toBe(150);
  });
});

describe('sign-in day', () => {
  it('is the calendar day in the configured time zone', () => {
    // 2026-11-29 17:30 UTC is already 30 November in Beijing (UTC+8).
    const at = Date.UTC(2026, 10, 29, 17, 30);
    expect(localDay(at, 'Asia/Shanghai')).toBe('2026-11-30');
    expect(localDay(at, 'UTC')).toBe('2026-11-29');
    expect(() => localDay(at, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('camera analytics settings', () => {
  const rule = { id: 'r1', kind: 'intrusion', name: 'gate', zone: [[0, 0], [1, 0], [1, 1]] };
  it('needs a sign-in point or an enabled rule to be analysed', () => {
    expect(isAnalysed(channelAnalyticsInput.parse({ signIn: false, rules: [] }))).toBe(false);
    expect(isAnalysed(channelAnalyticsInput.parse({ signIn: false, rules: [{ ...rule, enabled: false }] }))).toBe(false);
    expect(isAnalysed(channelAnalyticsInput.parse({ signIn: false, rules: [rule] }))).toBe(true);
    expect(isAnalysed(channelAnalyticsInput.parse({ signIn: true, rules: [] }))).toBe(true);
    // A PUT replaces everything: an empty body must not silently clear a camera.
    expect(channelAnalyticsInput.safeParse({}).success).toBe(false);
  });
  it('refuses zones outside the picture, too few points and duplicate rule ids', () => {
    expect(channelAnalyticsInput.safeParse({ signIn: false, rules: [{ ...rule, zone: [[0, 0], [1.2, 0], [1, 1]] }] }).success).toBe(false);
    expect(channelAnalyticsInput.safeParse({ signIn: false, rules: [{ ...rule, zone: [[0, 0], [1, 1]] }] }).success).toBe(false);
    expect(channelAnalyticsInput.safeParse({ signIn: false, rules: [rule, rule] }).success).toBe(false);
    expect(channelAnalyticsInput.safeParse({ signIn: false, rules: [{ ...rule, kind: 'fighting' }] }).success).toBe(false);
  });
});

describe('analytics tap SDP', () => {
  it('describes the consumer\'s H.264 stream with RTCP muxed for ffmpeg', () => {
    const sdp = tapSdp(
      {
        codecs: [
          { mimeType: 'video/H264', payloadType: 101, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' }, rtcpFeedback: [] },
          { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
        ],
        encodings: [{ ssrc: 1234 }],
        headerExtensions: [],
        rtcp: { cname: 'x' },
      },
      40000,
    );
    expect(sdp).toContain('m=video 40000 RTP/AVP 101\r\n');
    expect(sdp).toContain('a=rtpmap:101 H264/90000\r\n');
    expect(sdp).toContain('a=fmtp:101 packetization-mode=1;profile-level-id=42e01f\r\n');
    expect(sdp).toContain('a=rtcp-mux\r\n');
    expect(sdp).not.toContain('rtx');
  });
});

describe('PAM stream', () => {
  const pam = (width: number, height: number, fill: number) =>
    Buffer.concat([Buffer.from(`P7\nWIDTH ${width}\nHEIGHT ${height}\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n`, 'latin1'), Buffer.alloc(width * height * 3, fill)]);
  it('splits pictures across and within chunks, sizes changing mid-stream', () => {
    const stream = new PamStream();
    const bytes = Buffer.concat([pam(4, 2, 1), pam(2, 2, 2), pam(3, 1, 3)]);
    const pictures = [...stream.push(bytes.subarray(0, 30)), ...stream.push(bytes.subarray(30, 70)), ...stream.push(bytes.subarray(70))];
    expect(pictures.map((p) => [p.width, p.height, p.data[0]])).toEqual([[4, 2, 1], [2, 2, 2], [3, 1, 3]]);
  });
  it('refuses what is not 8-bit RGB PAM', () => {
    expect(() => new PamStream().push(Buffer.from('P7\nWIDTH 2\nHEIGHT 2\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n'))).toThrow(/8-bit RGB/);
    expect(() => new PamStream().push(Buffer.from('GIF89a...ENDHDR\n'))).toThrow(/not a PAM/);
  });
});

describe('analysis loop', () => {
  it('analyses only the newest picture of each camera, cameras in turn, and urgent jobs first', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const loop = new AnalysisLoop<number>(async (camera, frame) => {
      seen.push(`${camera}:${frame}`);
      if (seen.length === 1) await gate;
    }, () => undefined);
    loop.offer('a', 1); // starts at once and waits on the gate
    loop.offer('a', 2);
    loop.offer('a', 3); // replaces 2
    loop.offer('b', 1);
    const urgent = loop.runSoon(async () => {
      seen.push('urgent');
      return 42;
    });
    release();
    expect(await urgent).toBe(42);
    await new Promise<void>((resolve) => {
      const check = () => (seen.length >= 4 ? resolve() : setImmediate(check));
      check();
    });
    loop.stop();
    expect(seen).toEqual(['a:1', 'urgent', 'b:1', 'a:3']);
    expect(loop.dropped).toBe(1);
  });
});
