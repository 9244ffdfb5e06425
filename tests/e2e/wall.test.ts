import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import type { types } from 'mediasoup';
import type { CameraSummary } from '@argus/shared';
import { expectAdvancingFrames, lumaOf } from '../support/wallPage.js';
import { launchChromium } from '../support/browser.js';
import { startCameraRig, type CameraRig, type RigCamera } from '../support/cameraRig.js';
import { RENDERER_DIST, sharedData, TEST_OUTPUT } from '../support/paths.js';
import { waitForEvent } from '../support/waitFor.js';

/**
 * The wall in headless Debian Chromium with four real cameras, one per ingest path:
 * H.264 Main with B-frames from a file (transcoded), test patterns in H.264 Baseline and
 * High (passed through; High declared as Main, which Chromium does not advertise but decodes)
 * and H.265 (transcoded).
 */
/**
 * The test patterns' size and rate: small enough that their encoders (libx265 above all), the
 * two transcodes and Chromium's four decoders share 2 cores without dropping packets.
 */
const PATTERN_SIZE = { width: 320, height: 180, fps: 10 };
const CAMERAS: RigCamera[] = [
  { id: 'cam-ped', name: '行人通道', file: sharedData('video/pedestrians_vtest_480x360.mp4') },
  { id: 'cam-base', name: '东门 H.264 Baseline', pattern: { video: 'h264', h264Profile: 'baseline', ...PATTERN_SIZE } },
  { id: 'cam-high', name: '西门 H.264 High', pattern: { video: 'h264', h264Profile: 'high', ...PATTERN_SIZE } },
  { id: 'cam-hevc', name: '大厅 H.265', pattern: { video: 'h265', ...PATTERN_SIZE } },
];

describe('the wall in Chromium', () => {
  let rig: CameraRig;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  /** Every consumer the SFU creates on a WebRTC transport (i.e. for a wall tile). */
  const wallConsumers: types.Consumer[] = [];

  beforeAll(async () => {
    rig = await startCameraRig(CAMERAS, { staticDir: RENDERER_DIST });
    for (const router of rig.sfu.pool.routers) {
      router.observer.on('newtransport', (transport) => {
        if (transport.type === 'webrtc') transport.observer.on('newconsumer', (consumer) => wallConsumers.push(consumer));
      });
    }
    const allLive = CAMERAS.map((c) =>
      rig.sfu.cameras.get(c.id)!.summary.state === 'live'
        ? Promise.resolve()
        : waitForEvent<CameraSummary>(rig.sfu.cameras, 'change', (s) => s.id === c.id && s.state === 'live', 40_000, `${c.id} live`),
    );
    await Promise.all(allLive);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('plays 4 cameras in layout 4: frames decoded and advancing, picture not black, stats shown', async () => {
    await page.goto(rig.sfu.url);
    await page.fill('[data-testid="login-username"]', rig.operator.username);
    await page.fill('[data-testid="login-password"]', rig.operator.password);
    await page.click('[data-testid="login-submit"]');
    await page.click('[data-testid="layout-4"]');
    for (const [index, camera] of CAMERAS.entries()) {
      await page.click(`[data-testid="tile-${index}"]`);
      await page.click(`[data-testid="camera-${camera.id}"]`);
    }
    // The pedestrians file has a keyframe every 8 s and ffmpeg passthrough cannot honour PLI.
    for (const index of CAMERAS.keys()) await expectAdvancingFrames(page, index, 30_000);
    for (const index of CAMERAS.keys()) {
      const luma = await lumaOf(page, index);
      expect(luma.width, `tile ${index} has a decoded size`).toBeGreaterThan(0);
      expect(luma.mean, `tile ${index} mean luma`).toBeGreaterThan(25);
      expect(luma.max, `tile ${index} peak luma`).toBeGreaterThan(100);
    }
    for (const index of CAMERAS.keys()) {
      await page.waitForSelector(`[data-testid="tile-stats-${index}"]`, { timeout: 5000 });
      expect(await page.textContent(`[data-testid="tile-stats-${index}"]`)).toMatch(/\d+×\d+.*帧\/秒.*kbit\/s/);
    }
    await mkdir(TEST_OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'wall-layout-4.png') });
  });

  it('maximises a tile on double-click, pausing hidden tiles on the SFU, and restores them with a keyframe request', async () => {
    const source = rig.sfu.cameras.get(CAMERAS[0]!.id)!;
    const consumer = wallConsumers.find((c) => !c.closed && c.producerId === source.summary.videoProducerId);
    expect(consumer, 'the SFU holds a consumer for tile 0').toBeDefined();
    expect(consumer!.paused).toBe(false);

    const paused = once(consumer!.observer, 'pause');
    await page.dblclick('[data-testid="tile-2"]');
    expect(await page.isVisible('[data-testid="tile-0"]')).toBe(false);
    await paused;
    expect(consumer!.paused).toBe(true);
    await expectAdvancingFrames(page, 2, 10_000);

    // Resuming must ask the camera for a keyframe: a PLI leaves the producer towards ffmpeg.
    // (The SFU asks on resume, and Chromium asks too; this checks that the request gets through.)
    await source.videoProducer!.enableTraceEvent(['pli']);
    const pli = new Promise<void>((resolve) =>
      source.videoProducer!.on('trace', (trace) => {
        if (trace.type === 'pli' && trace.direction === 'out') resolve();
      }),
    );
    const resumed = once(consumer!.observer, 'resume');
    await page.dblclick('[data-testid="tile-2"]');
    for (const index of CAMERAS.keys()) expect(await page.isVisible(`[data-testid="tile-${index}"]`)).toBe(true);
    await resumed;
    await pli;
    await expectAdvancingFrames(page, 0, 30_000);
  });

  it('shows 信号丢失 when the cameras are lost and recovers without a reload', async () => {
    const marker = await page.evaluate(() => ((window as unknown as { __mark: number }).__mark = Math.random()));
    await rig.rtsp.stop();
    for (const index of CAMERAS.keys()) {
      await page.waitForSelector(`[data-testid="tile-${index}"][data-view="lost"]`, { timeout: 10_000 });
    }
    expect(await page.textContent('[data-testid="tile-1"]')).toContain('信号丢失');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'wall-signal-lost.png') });
    await rig.restartRtsp();
    for (const index of CAMERAS.keys()) await expectAdvancingFrames(page, index, 60_000);
    // Same page: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { __mark: number }).__mark)).toBe(marker);
  });

  it('switches the UI to English', async () => {
    await page.selectOption('[data-testid="language"]', 'en');
    expect(await page.textContent('[data-testid="layout-4"]')).toBe('4 tiles');
    expect(await page.textContent('[data-testid="tile-0"] .tile__state')).toBe('Live');
    await page.selectOption('[data-testid="language"]', 'zh-CN');
    expect(await page.textContent('[data-testid="layout-4"]')).toBe('4 画面');
  });
});
