import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseSfuConfig, type CameraSummary } from '@argus/shared';
import { startSfu, SYSTEM_ACTOR, type GbCatalogUpdate, type SfuHandle } from '@argus/sfu';
import { createTestUser, TEST_PASSWORD } from '../support/auth.js';
import { launchChromium } from '../support/browser.js';
import { GbDeviceSimulator } from '../../sfu/src/demo/gbDeviceSimulator.js';
import { freeSipPort } from '@argus/sfu';
import { RENDERER_DIST, sharedData, TEST_OUTPUT } from '../support/paths.js';
import { waitForEvent, waitUntil } from '../support/waitFor.js';
import { expectAdvancingFrames, lumaOf } from '../support/wallPage.js';

/**
 * GB/T 28181 channels on the wall in headless Chromium: a simulated device (SIP over UDP) with an
 * H.264 PTZ channel and an H.265 channel sending PS over RTP/UDP, and another (SIP over TCP)
 * with the same two channels over RTP/TCP (RFC 4571, the device connecting). All four play in
 * layout 4 through the SFU — H.264 passed through, H.265 transcoded — started on demand by the
 * tiles; the PTZ pad of the H.264 tile moves the dome and calls a preset; closing the wall stops
 * the upstream streams (BYE) after the grace period.
 */
const DOMAIN_ID = '9901020000';
const SERVER_ID = '99010200002000000001';
const ORG_UNIT = '990102';
const H264 = sharedData('gb28181/es/srs_avatar.h264');
const H265 = sharedData('gb28181/es/srs_avatar.h265');

const DEVICES = [
  { id: 'nvr-udp', gbId: '99010200001180000101', sip: 'udp' as const, mode: 'udp' as const, h264: '99010200001310000101', h265: '99010200001310000102' },
  { id: 'nvr-tcp', gbId: '99010200001180000201', sip: 'tcp' as const, mode: 'tcp-passive' as const, h264: '99010200001310000201', h265: '99010200001310000202' },
];
const TILES = [DEVICES[0]!.h264, DEVICES[0]!.h265, DEVICES[1]!.h264, DEVICES[1]!.h265];

describe('GB/T 28181 channels on the wall', () => {
  let dir: string;
  let sfu: SfuHandle;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const sims: GbDeviceSimulator[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-gbwall-'));
    const port = await freeSipPort();
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'argus.db') },
        mediasoup: { numWorkers: 1 },
        gb28181: { enabled: true, host: '127.0.0.1', port, domainId: DOMAIN_ID, serverId: SERVER_ID, mediaBindHost: '127.0.0.1', idleStopMs: 500 },
      }),
      { staticDir: RENDERER_DIST },
    );
    await sfu.store.orgUnits.create({ id: '990100', parentId: '990000', level: 'city', name: '岚川市' }, SYSTEM_ACTOR);
    await sfu.store.orgUnits.create({ id: ORG_UNIT, parentId: '990100', level: 'county', name: '蘅泉县' }, SYSTEM_ACTOR);
    await createTestUser(sfu, 'gb-operator', ['operator'], ORG_UNIT);
    for (const d of DEVICES) {
      await sfu.store.devices.create({ id: d.id, orgUnitId: ORG_UNIT, kind: 'gb28181', name: d.id, gbDeviceId: d.gbId, sipPassword: 'pw-' + d.id, gbStreamMode: d.mode }, SYSTEM_ACTOR);
      const sim = new GbDeviceSimulator({
        deviceId: d.gbId,
        password: 'pw-' + d.id,
        domainId: DOMAIN_ID,
        serverId: SERVER_ID,
        server: { host: '127.0.0.1', port },
        transport: d.sip,
        channels: [
          { id: d.h264, name: `球机 H.264 ${d.mode}`, ptz: true, media: { file: H264, codec: 'h264' } },
          { id: d.h265, name: `枪机 H.265 ${d.mode}`, media: { file: H265, codec: 'h265' } },
        ],
      });
      await sim.start();
      sims.push(sim);
      const catalog = waitForEvent<GbCatalogUpdate>(sfu.gb28181!, 'catalogUpdated', (u) => u.device.gbDeviceId === d.gbId && u.complete, 5000, 'catalog');
      expect((await sim.register()).status).toBe(200);
      sim.startKeepalive(20_000);
      await catalog;
    }
    const idle = () => TILES.every((id) => sfu.cameras.get(id)?.summary.state === 'idle');
    if (!idle()) await waitForEvent<CameraSummary>(sfu.cameras, 'change', idle, 10_000, 'GB channels idle');
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await mkdir(TEST_OUTPUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const sim of sims) await sim.close();
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('plays an H.264 and an H.265 channel over UDP and over TCP, each started on demand', async () => {
    await page.goto(sfu.url);
    await page.fill('[data-testid="login-username"]', 'gb-operator');
    await page.fill('[data-testid="login-password"]', TEST_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector(`[data-testid="camera-${TILES[0]}"][data-state="idle"]`, { timeout: 15_000 });
    await page.click('[data-testid="layout-4"]');
    for (const [index, id] of TILES.entries()) {
      await page.click(`[data-testid="tile-${index}"]`);
      await page.click(`[data-testid="camera-${id}"]`);
    }
    for (const index of TILES.keys()) await expectAdvancingFrames(page, index, 30_000);
    for (const index of TILES.keys()) {
      expect((await lumaOf(page, index)).width, `tile ${index} has a decoded size`).toBe(768);
      // The film has dark scenes: wait for a bright one rather than judge one sample.
      await expect.poll(async () => (await lumaOf(page, index)).max, { timeout: 20_000, interval: 250, message: `tile ${index} never shows a bright picture` }).toBeGreaterThan(80);
    }
    expect(TILES.map((id) => sfu.cameras.get(id)!.summary.videoPath)).toEqual(['passthrough', 'transcode', 'passthrough', 'transcode']);
    // One INVITE per channel, whatever the number of tiles and re-renders.
    expect(sims.map((s) => s.invites)).toEqual([2, 2]);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'gb28181-wall.png') });
  });

  it('steers the H.264 dome from its tile\'s PTZ pad', async () => {
    const sim = sims[0]!;
    await page.click('[data-testid="tile-0"]');
    await page.waitForSelector('[data-testid="tile-0"] [data-testid="ptz-pad"]');
    // The H.265 channel has no PTZ: no pad when its tile is selected.
    expect(await page.$('[data-testid="tile-1"] [data-testid="ptz-pad"]')).toBeNull();
    await page.hover('[data-testid="tile-0"] [data-testid="ptz-left"]');
    await page.mouse.down();
    await waitUntil(() => sim.ptzCommands.length >= 1, 5000, 'PTZ move');
    await page.mouse.up();
    await waitUntil(() => sim.ptzCommands.length >= 2, 5000, 'PTZ stop');
    await page.fill('[data-testid="tile-0"] [data-testid="ptz-preset"]', '3');
    await page.click('[data-testid="tile-0"] [data-testid="ptz-goto"]');
    await waitUntil(() => sim.ptzCommands.length >= 3, 5000, 'PTZ preset');
    expect(sim.ptzCommands.map((c) => c.decoded)).toMatchObject([
      { kind: 'motion', pan: 'left', tilt: null, zoom: null, panSpeed: 128 },
      { kind: 'stop' },
      { kind: 'preset', operation: 'goto', preset: 3 },
    ]);
    expect(sim.ptzCommands.every((c) => c.channelId === DEVICES[0]!.h264)).toBe(true);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'gb28181-ptz.png') });
  });

  it('stops every upstream stream with BYE once the wall closes', async () => {
    await page.close();
    const allIdle = () => TILES.every((id) => sfu.cameras.get(id)?.summary.state === 'idle');
    if (!allIdle()) await waitForEvent<CameraSummary>(sfu.cameras, 'change', allIdle, 15_000, 'channels idle after the wall closed');
    await waitUntil(() => sims.every((s) => s.byes === 2), 5000, 'BYEs');
    expect(sims.every((s) => s.streams.size === 0)).toBe(true);
  });
});
