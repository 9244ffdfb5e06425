import { describe, expect, it } from 'vitest';
import { buildFfmpegIngestArgs, decideVideoPath, explainFailure, parseFfprobeOutput, redactUrl, withCredentials } from '@argus/sfu';

const h264 = (profile: string | null, pixFmt: string | null = 'yuv420p', hasBFrames = false) => ({
  video: { codec: 'h264', profile, pixFmt, width: 1920, height: 1080, hasBFrames },
  audio: null,
});

describe('decideVideoPath', () => {
  it('passes browser-decodable H.264 through, declared as Constrained Baseline or Main', () => {
    expect(decideVideoPath(h264('Constrained Baseline'))).toEqual({ path: 'passthrough', profileLevelId: '42e01f' });
    expect(decideVideoPath(h264('Baseline'))).toEqual({ path: 'passthrough', profileLevelId: '42e01f' });
    expect(decideVideoPath(h264('Main'))).toEqual({ path: 'passthrough', profileLevelId: '4d001f' });
    expect(decideVideoPath(h264('High'))).toEqual({ path: 'passthrough', profileLevelId: '4d001f' });
    expect(decideVideoPath(h264(null, null))).toEqual({ path: 'passthrough', profileLevelId: '4d001f' });
  });

  it('transcodes other codecs and H.264 the browser cannot decode', () => {
    for (const codec of ['hevc', 'mjpeg', 'mpeg4']) {
      expect(decideVideoPath({ video: { codec, profile: null, pixFmt: 'yuv420p', width: 1, height: 1, hasBFrames: false }, audio: null })).toMatchObject({ path: 'transcode', reason: `codec ${codec}` });
    }
    expect(decideVideoPath(h264('High 10', 'yuv420p10le'))).toMatchObject({ path: 'transcode', reason: 'H.264 profile High 10' });
    expect(decideVideoPath(h264('High', 'yuv422p'))).toMatchObject({ path: 'transcode', reason: 'pixel format yuv422p' });
    expect(decideVideoPath(h264('Main', 'yuv420p', true))).toMatchObject({ path: 'transcode', reason: 'B-frames' });
  });
});

describe('buildFfmpegIngestArgs', () => {
  const videoTarget = { ip: '127.0.0.1', rtpPort: 40000, rtcpPort: 40001, ssrc: 1234 };
  const base = { url: 'rtsp://cam/1', timeoutMs: 5000, videoTarget, audioTarget: null };

  it('copies H.264 with SPS/PPS before every keyframe, over RTSP/TCP, to the PlainTransport', () => {
    const args = buildFfmpegIngestArgs({ ...base, video: { path: 'passthrough', profileLevelId: '4d001f' } });
    const joined = args.join(' ');
    expect(joined).toContain('-rtsp_transport tcp');
    expect(joined).toContain('-timeout 5000000');
    expect(joined).toContain('-c:v copy -bsf:v dump_extra=freq=keyframe');
    expect(joined).toContain('-payload_type 96 -ssrc 1234 -f rtp rtp://127.0.0.1:40000?rtcpport=40001&pkt_size=1200');
    expect(joined).not.toContain('libx264');
    expect(joined).not.toContain('libopus');
  });

  it('transcodes to H.264 Constrained Baseline, zerolatency, 1 s GOP, and audio to Opus', () => {
    const audioTarget = { ip: '127.0.0.1', rtpPort: 40002, rtcpPort: 40003, ssrc: 99 };
    const args = buildFfmpegIngestArgs({ ...base, audioTarget, video: { path: 'transcode', profileLevelId: '42e01f', reason: 'codec hevc' } });
    const joined = args.join(' ');
    expect(joined).toContain('-c:v libx264');
    expect(joined).toContain('-tune zerolatency');
    expect(joined).toContain('-profile:v baseline');
    expect(joined).toContain('-force_key_frames expr:gte(t,n_forced*1)');
    expect(joined).toContain('-bf 0');
    expect(joined).toContain('-map 0:a:0');
    expect(joined).toContain('-c:a libopus -ar 48000 -ac 2');
    expect(joined).toContain('-payload_type 111 -ssrc 99 -f rtp rtp://127.0.0.1:40002?rtcpport=40003');
  });
});

describe('credentials', () => {
  it('embeds percent-encoded credentials and leaves URLs without a user alone', () => {
    expect(withCredentials('rtsp://10.0.0.5:554/ch1', 'admin', 'p@ss:w/rd')).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/ch1');
    expect(withCredentials('rtsp://10.0.0.5/ch1')).toBe('rtsp://10.0.0.5/ch1');
  });

  it('redacts credentials from any text before it is logged or sent to a wall', () => {
    expect(redactUrl('rtsp://admin:secret@10.0.0.5:554/ch1: 401 Unauthorized')).toBe('rtsp://***@10.0.0.5:554/ch1: 401 Unauthorized');
    expect(redactUrl('no url here')).toBe('no url here');
  });
});

describe('parseFfprobeOutput', () => {
  it('reads the first video and audio streams', () => {
    const probe = parseFfprobeOutput(
      JSON.stringify({
        streams: [
          { codec_type: 'audio', codec_name: 'aac', sample_rate: '44100', channels: 2 },
          { codec_type: 'video', codec_name: 'h264', profile: 'High', pix_fmt: 'yuv420p', width: 768, height: 320, has_b_frames: 2 },
        ],
      }),
    );
    expect(probe).toEqual({
      video: { codec: 'h264', profile: 'High', pixFmt: 'yuv420p', width: 768, height: 320, hasBFrames: true },
      audio: { codec: 'aac', sampleRate: 44100, channels: 2 },
    });
  });

  it('fails clearly without JSON or without video', () => {
    expect(() => parseFfprobeOutput('garbage')).toThrow(/no JSON/);
    expect(() => parseFfprobeOutput(JSON.stringify({ streams: [{ codec_type: 'audio', codec_name: 'aac' }] }))).toThrow(/no video/);
  });
});

describe('explainFailure', () => {
  it('picks the last line that reads as an error, else the last line', () => {
    expect(
      explainFailure([
        '[RTP muxer @ 0x1] Value 4147309786 for parameter ssrc out of range',
        'Could not write header for output file #1 (incorrect codec parameters ?): Numerical result out of range',
        'Error initializing output stream 1:0 --',
      ]),
    ).toBe('Error initializing output stream 1:0 --');
    expect(explainFailure(['rtsp://***@cam/1: Connection refused', '[h264 @ 0x2] co located POCs unavailable'])).toBe('rtsp://***@cam/1: Connection refused');
    expect(explainFailure(['frame=  10 fps=9'])).toBe('frame=  10 fps=9');
    expect(explainFailure([])).toBeUndefined();
  });
});
