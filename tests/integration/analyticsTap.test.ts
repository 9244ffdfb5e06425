import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpFrameSource, type RgbImage } from '@argus/analytics';
import { AnalyticsTap } from '@argus/sfu';
import { startCameraRig, type CameraRig } from '../support/cameraRig.js';
import { waitUntil } from '../support/waitFor.js';

/**
 * The way from a camera to the analytics worker's pictures, with real parts: an RTSP test pattern
 * → mediasoup producer → PlainTransport consumer (RTP + muxed RTCP to a loopback port) → ffmpeg
 * reading the tap's SDP → RGB pictures at the asked rate and size.
 */
describe('analytics tap', () => {
  let rig: CameraRig;

  beforeAll(async () => {
    rig = await startCameraRig([{ id: 'tap-cam', name: 'tap', pattern: { video: 'h264', h264Profile: 'main', width: 1280, height: 720, fps: 25 } }], { staticDir: null });
    await waitUntil(() => rig.sfu.cameras.get('tap-cam')?.summary.state === 'live', 30_000, 'the camera to be live');
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('delivers pictures at the set rate, scaled to the analysis width, after asking for a keyframe', async () => {
    const source = rig.sfu.cameras.get('tap-cam')!;
    const lease = await source.acquire();
    const tap = await AnalyticsTap.create(source.router, lease.producer);
    const pictures: Array<{ image: RgbImage; at: number }> = [];
    let keyframeAsks = 0;
    const errors: string[] = [];
    const decoder = new RtpFrameSource({
      sdp: tap.sdp,
      fps: 5,
      maxWidth: 640,
      keyframeAfterMs: 500,
      onFrame: (image, at) => pictures.push({ image, at }),
      onNeedKeyframe: () => {
        keyframeAsks++;
        tap.requestKeyframe();
      },
      onError: (message) => errors.push(message),
    });
    try {
      decoder.start();
      await waitUntil(() => pictures.length >= 16, 30_000, '16 pictures');
      const first = pictures[0]!.image;
      expect([first.width, first.height]).toEqual([640, 360]);
      expect(first.data.length).toBe(640 * 360 * 3);
      // The test pattern is not black.
      expect(first.data.reduce((sum, value) => sum + value, 0) / first.data.length).toBeGreaterThan(20);
      // About 5 a second: 15 intervals take about 3 s (the first pictures may come in a burst).
      const spanMs = pictures[15]!.at - pictures[5]!.at;
      expect(spanMs).toBeGreaterThan(1200);
      expect(spanMs).toBeLessThan(4000);
      expect(errors).toEqual([]);
      expect(decoder.framesDecoded).toBeGreaterThanOrEqual(16);
    } finally {
      decoder.stop();
      tap.close();
      lease.release();
    }
  }, 60_000);
});
