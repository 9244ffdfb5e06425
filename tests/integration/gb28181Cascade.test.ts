import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSfuConfig, type CameraSummary, type Device } from '@argus/shared';
import { startSfu, SYSTEM_ACTOR, type GbCatalogUpdate, type SfuHandle } from '@argus/sfu';
import { GbDeviceSimulator } from '../../sfu/src/demo/gbDeviceSimulator.js';
import { freeSipPort } from '@argus/sfu';
import { sharedData } from '../support/paths.js';
import { waitForEvent, waitUntil } from '../support/waitFor.js';

/**
 * Cascade upward, with two real SFUs on loopback: a county platform (the lower, with a simulated
 * camera registered to it) registers with digest to a city platform (the superior, another Argus),
 * answers its Catalog query with its channels, and when the superior plays a channel it sends the
 * camera's video up as PS over RTP — over UDP, then over TCP — where the superior demuxes it and
 * its producer is live. Stopping on the superior ends the chain with BYEs down to the camera.
 */
const UPPER = { domainId: '9900000000', serverId: '99000000002000000001' };
const LOWER = { domainId: '9901020000', serverId: '99010200002000000001' };
const CASCADE_PASSWORD = 'cascade-Pa55';
const CAMERA = { deviceId: '99010200001180000501', channelId: '99010200001310000501' };

describe('GB/T 28181 cascade to a superior platform', () => {
  let dir: string;
  let upper: SfuHandle;
  let lower: SfuHandle;
  let camera: GbDeviceSimulator;

  const upperState = (state: CameraSummary['state'], timeoutMs = 15_000) =>
    upper.cameras.get(CAMERA.channelId)?.summary.state === state
      ? Promise.resolve()
      : waitForEvent<CameraSummary>(upper.cameras, 'change', (c) => c.id === CAMERA.channelId && c.state === state, timeoutMs, `superior's channel ${state}`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-cascade-'));
    const [upperPort, lowerPort] = [await freeSipPort(), await freeSipPort()];
    upper = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'upper.db') },
        mediasoup: { numWorkers: 1 },
        gb28181: { enabled: true, host: '127.0.0.1', port: upperPort, ...UPPER, mediaBindHost: '127.0.0.1', idleStopMs: 300 },
      }),
      { staticDir: null },
    );
    // The superior knows the county platform as a device with its ID and password.
    await upper.store.devices.create({ id: 'county-platform', orgUnitId: '990000', kind: 'gb28181', name: '蘅泉县平台', gbDeviceId: LOWER.serverId, sipPassword: CASCADE_PASSWORD, gbStreamMode: 'udp' }, SYSTEM_ACTOR);
    const lowerOnline = waitForEvent<Device>(upper.gb28181!, 'deviceOnline', (d) => d.gbDeviceId === LOWER.serverId, 15_000, 'the county platform registered upward');

    lower = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'lower.db') },
        mediasoup: { numWorkers: 1 },
        gb28181: {
          enabled: true, host: '127.0.0.1', port: lowerPort, ...LOWER, mediaBindHost: '127.0.0.1', idleStopMs: 300,
          upstream: { host: '127.0.0.1', port: upperPort, serverId: UPPER.serverId, domainId: UPPER.domainId, password: CASCADE_PASSWORD, keepaliveIntervalMs: 300 },
        },
      }),
      { staticDir: null },
    );
    await lowerOnline;
    await lower.store.devices.create({ id: 'cam-dev', orgUnitId: '990000', kind: 'gb28181', name: '谈话室球机', gbDeviceId: CAMERA.deviceId, sipPassword: 'cam-pw' }, SYSTEM_ACTOR);
    camera = new GbDeviceSimulator({
      deviceId: CAMERA.deviceId, password: 'cam-pw', ...LOWER, server: { host: '127.0.0.1', port: lowerPort }, transport: 'udp',
      channels: [{ id: CAMERA.channelId, name: '谈话室（一）', ptz: true, media: { file: sharedData('gb28181/es/srs_avatar.h264'), codec: 'h264' } }],
    });
    await camera.start();
    const lowerCatalog = waitForEvent<GbCatalogUpdate>(lower.gb28181!, 'catalogUpdated', (u) => u.complete, 5000, 'camera catalog on the county platform');
    expect((await camera.register()).status).toBe(200);
    await lowerCatalog;
  }, 60_000);

  afterAll(async () => {
    await camera?.close();
    await lower?.close();
    await upper?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers with digest, keeps alive, and answers the superior\'s Catalog query with its channels', async () => {
    expect(lower.gbUpstream!.registered).toBe(true);
    expect(upper.gb28181!.counters.authFailures).toBe(0);
    const catalog = waitForEvent<GbCatalogUpdate>(upper.gb28181!, 'catalogUpdated', (u) => u.device.gbDeviceId === LOWER.serverId && u.sync.created.includes(CAMERA.channelId), 5000, 'catalog on the superior');
    expect(upper.gb28181!.queryCatalog(LOWER.serverId)).toBe(true);
    await catalog;
    const channel = await upper.store.channels.get(CAMERA.channelId);
    expect(channel).toMatchObject({ name: '谈话室（一）', ptz: true, source: { type: 'gb28181', gbChannelId: CAMERA.channelId } });
    await upperState('idle');
    // Keepalives flow upward (the superior's watchdog would take the platform offline otherwise).
    const keepalives = lower.gbUpstream!.counters.keepalives;
    await waitUntil(() => lower.gbUpstream!.counters.keepalives > keepalives, 5000, 'a keepalive upward');
    expect((await upper.store.devices.get('county-platform'))!.online).toBe(true);
  });

  for (const mode of ['udp', 'tcp-passive'] as const) {
    it(`streams a camera up as PS over RTP (${mode}) when the superior plays it, and BYEs down the chain when it stops`, async () => {
      if (mode !== 'udp') {
        await upper.store.devices.update('county-platform', { gbStreamMode: mode }, SYSTEM_ACTOR);
        await upper.catalog.refresh();
        await upperState('idle');
      }
      const source = upper.cameras.get(CAMERA.channelId)!;
      const lease = await source.acquire();
      expect(source.summary).toMatchObject({ state: 'live', sourceCodec: 'h264', videoPath: 'passthrough' });
      expect(lower.gbUpstream!.openDialogs).toBe(1);
      const bytes = async () => (await lease.producer.getStats())[0]?.byteCount ?? 0;
      const first = await bytes();
      await waitUntil(async () => (await bytes()) > first + 20_000, 10_000, 'video flowing on the superior');
      // The camera on the county platform streams once, for the superior.
      expect(lower.cameras.get(CAMERA.channelId)!.summary.state).toBe('live');

      const byes = camera.byes;
      lease.release();
      await upperState('idle', 5000);
      await waitUntil(() => lower.gbUpstream!.openDialogs === 0, 5000, 'the county platform ends the upward stream');
      await waitUntil(() => camera.byes > byes, 5000, 'BYE down to the camera');
    }, 60_000);
  }

  it('refuses requests in the superior\'s name from another address', async () => {
    const impostor = new GbDeviceSimulator({ deviceId: UPPER.serverId, password: 'x', ...LOWER, server: { host: '127.0.0.1', port: lower.gb28181!.port }, transport: 'udp', localAddress: '127.0.0.2' });
    await impostor.start();
    try {
      // A Notify Keepalive From the superior's ID, sent from 127.0.0.2 instead of its 127.0.0.1.
      expect((await impostor.keepalive()).status).toBe(403);
      expect(lower.gbUpstream!.openDialogs).toBe(0);
    } finally {
      await impostor.close();
    }
  });

  it('refuses an INVITE for a channel it does not share', async () => {
    const refused = lower.gbUpstream!.counters.refusedInvites;
    await upper.store.channels.create({ id: '99010200001310009999', deviceId: 'county-platform', orgUnitId: '990000', name: 'ghost', source: { type: 'gb28181', gbChannelId: '99010200001310009999' } }, SYSTEM_ACTOR);
    await upper.catalog.refresh();
    await expect(upper.cameras.get('99010200001310009999')!.acquire()).rejects.toThrow(/404/);
    expect(lower.gbUpstream!.counters.refusedInvites).toBe(refused + 1);
  });
});
