import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSfuConfig, type CameraSummary } from '@argus/shared';
import { freeSipPort, seedStore, startSfu, type SfuHandle } from '@argus/sfu';
import { DEMO_GB, startDemoGbDevice, type DemoGbDevice } from '../../sfu/src/demo/demoGbDevice.js';
import { waitForEvent } from '../support/waitFor.js';

/**
 * The demo's simulated GB/T 28181 NVR (what `npm start` puts on the wall): it registers to the
 * SFU's platform, its two channels arrive through the catalog, and both play from live ffmpeg
 * test patterns — the H.264 dome passed through, the H.265 bullet transcoded — and the dome takes PTZ.
 */
describe('the demo GB/T 28181 device', () => {
  let dir: string;
  let sfu: SfuHandle;
  let device: DemoGbDevice;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-demogb-'));
    const sipPort = await freeSipPort();
    sfu = await startSfu(
      parseSfuConfig({ http: { host: '127.0.0.1', port: 0 }, store: { path: path.join(dir, 'demo.db') }, mediasoup: { numWorkers: 1 }, gb28181: { enabled: true, host: '127.0.0.1', port: sipPort, ...DEMO_GB, mediaBindHost: '127.0.0.1', idleStopMs: 200 } }),
      { staticDir: null },
    );
    await seedStore(sfu.store, { cameras: [], resetPasswords: true });
    await sfu.catalog.refresh();
    device = await startDemoGbDevice(sfu.store, sipPort, (message) => logged.push(message));
    const ready = () => device.channelIds.every((id) => sfu.cameras.get(id)?.summary.state === 'idle');
    if (!ready()) await waitForEvent<CameraSummary>(sfu.cameras, 'change', ready, 10_000, 'demo GB channels idle');
  }, 60_000);

  afterAll(async () => {
    await device?.stop();
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('plays the H.264 dome (passed through) and the H.265 bullet (transcoded) from live encoders, and the dome takes PTZ', async () => {
    const [dome, bullet] = device.channelIds.map((id) => sfu.cameras.get(id)!);
    const leases = [await dome!.acquire(), await bullet!.acquire()];
    expect(dome!.summary).toMatchObject({ state: 'live', videoPath: 'passthrough', ptz: true, name: '国标球机（模拟，H.264，可云台）' });
    expect(bullet!.summary).toMatchObject({ state: 'live', videoPath: 'transcode', sourceCodec: 'hevc', ptz: false });
    await dome!.ptz({ type: 'preset', operation: 'goto', preset: 2 });
    for (const lease of leases) lease.release();
    await expect.poll(() => logged.some((line) => line.includes('A50F0182000200')), { timeout: 5000 }).toBe(true);
  }, 60_000);

  it('gives the device a fresh SIP password on every start', async () => {
    const before = await sfu.store.devices.sipSecret('demo-gb-nvr');
    const again = await startDemoGbDevice(sfu.store, sfu.gb28181!.port, () => undefined);
    expect(await sfu.store.devices.sipSecret('demo-gb-nvr')).not.toBe(before);
    await again.stop();
  }, 30_000);
});
