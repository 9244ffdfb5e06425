import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, parseSfuConfig, type CameraSummary, type GbStreamMode } from '@argus/shared';
import { startSfu, SYSTEM_ACTOR, type GbCatalogUpdate, type Logger, type SfuHandle } from '@argus/sfu';
import type { GbChannelSource } from '../../sfu/src/ingest/gb28181/gbChannelSource.js';
import type { CameraLease } from '../../sfu/src/ingest/cameraSource.js';
import { GbDeviceSimulator } from '../../sfu/src/demo/gbDeviceSimulator.js';
import { freeSipPort } from '@argus/sfu';
import { sharedData } from '../support/paths.js';
import { waitForEvent, waitUntil } from '../support/waitFor.js';

/**
 * Fuzzing GB/T 28181 media over real sockets: while two channels play, 1,000 mutated PS/RTP
 * packets (500 as UDP datagrams, 500 as RFC 4571 frames on TCP) reach two other playing
 * channels — flipped bytes, cuts, wrong RTP versions, foreign SSRCs, sequence jumps, lying CSRC,
 * extension and padding fields, garbage PS, PS start codes with lying lengths, broken length
 * prefixes. The SFU stays up, the clean channels keep playing, the rejections are counted, and
 * the fuzzed channels play again once the garbage stops. Seeded: a failure replays exactly.
 */
const DOMAIN_ID = '9901020000';
const SERVER_ID = '99010200002000000001';
const H264 = sharedData('gb28181/es/srs_avatar.h264');
const PER_TRANSPORT = 500;

const quietLogger = (): Logger => ({ debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quietLogger() });

/** One mutation of an RTP packet on the wire (`prefix` 2 for RFC 4571 frames). */
function mutateRtp(wire: Buffer, random: () => number, prefix: number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  const b = Buffer.from(wire);
  const at = prefix;
  switch (pick(10)) {
    case 0:
      for (let i = 0, n = 1 + pick(8); i < n; i++) b[pick(b.length)] = pick(256);
      return b;
    case 1:
      return b.subarray(0, pick(b.length));
    case 2:
      b[at] = (b[at]! & 0x3f) | (pick(3) << 6);
      return b;
    case 3:
      b.writeUInt32BE(pick(2 ** 32), at + 8);
      return b;
    case 4:
      b.writeUInt16BE(pick(65536), at + 2);
      return b;
    case 5:
      b[at] = b[at]! | 0x1f; // X bit and 15 CSRCs that are not there
      return b;
    case 6:
      b[at] = b[at]! | 0x20;
      b[b.length - 1] = 255; // padding longer than the packet
      return b;
    case 7:
      for (let i = at + 12; i < b.length; i++) b[i] = pick(256);
      return b;
    case 8: {
      const codes = [0xba, 0xbb, 0xbc, 0xe0, 0xc0];
      const lie = Buffer.from([0, 0, 1, codes[pick(codes.length)]!, 0xff, 0xff, 0xff, 0xff]);
      lie.copy(b, Math.min(b.length - lie.length, at + 12 + pick(Math.max(1, b.length - at - 20))));
      return b;
    }
    default:
      return prefix ? Buffer.concat([b, Buffer.from([pick(256), pick(256), pick(256)])]) : b; // a TCP stream that loses its framing
  }
}

interface FuzzRig {
  mode: GbStreamMode;
  sip: 'udp' | 'tcp';
  gbId: string;
  clean: string;
  fuzzed: string;
  mutated: number;
  fuzzing: boolean;
}

describe('GB/T 28181 media under fuzzing', () => {
  let dir: string;
  let sfu: SfuHandle;
  const sims: GbDeviceSimulator[] = [];
  const random = mulberry32(4571);
  const rigs: FuzzRig[] = [
    { mode: 'udp', sip: 'udp', gbId: '99010200001180000901', clean: '99010200001310000901', fuzzed: '99010200001310000902', mutated: 0, fuzzing: false },
    { mode: 'tcp-passive', sip: 'tcp', gbId: '99010200001180000911', clean: '99010200001310000911', fuzzed: '99010200001310000912', mutated: 0, fuzzing: false },
  ];
  const source = (id: string) => sfu.cameras.get(id) as unknown as GbChannelSource;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-gbmediafuzz-'));
    const port = await freeSipPort();
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'argus.db') },
        mediasoup: { numWorkers: 1 },
        ingest: { backoff: { initialMs: 200, maxMs: 400 } },
        gb28181: { enabled: true, host: '127.0.0.1', port, domainId: DOMAIN_ID, serverId: SERVER_ID, mediaBindHost: '127.0.0.1', mediaTimeoutMs: 3000 },
      }),
      { staticDir: null, log: quietLogger() },
    );
    for (const rig of rigs) {
      await sfu.store.devices.create({ id: `fz-${rig.mode}`, orgUnitId: '990000', kind: 'gb28181', name: rig.mode, gbDeviceId: rig.gbId, sipPassword: 'pw', gbStreamMode: rig.mode }, SYSTEM_ACTOR);
      const prefix = rig.mode === 'udp' ? 0 : 2;
      const sim = new GbDeviceSimulator({
        deviceId: rig.gbId,
        password: 'pw',
        domainId: DOMAIN_ID,
        serverId: SERVER_ID,
        server: { host: '127.0.0.1', port },
        transport: rig.sip,
        channels: [
          { id: rig.clean, name: 'clean', media: { file: H264, codec: 'h264' } },
          {
            id: rig.fuzzed,
            name: 'fuzzed',
            media: {
              file: H264,
              codec: 'h264',
              fps: 100,
              mangle: (wire) => {
                if (!rig.fuzzing || rig.mutated >= PER_TRANSPORT) return wire;
                rig.mutated++;
                return mutateRtp(wire, random, prefix);
              },
            },
          },
        ],
      });
      await sim.start();
      sims.push(sim);
      const catalog = waitForEvent<GbCatalogUpdate>(sfu.gb28181!, 'catalogUpdated', (u) => u.device.gbDeviceId === rig.gbId && u.complete, 5000, 'catalog');
      expect((await sim.register()).status).toBe(200);
      await catalog;
    }
    const ready = () => rigs.every((r) => sfu.cameras.get(r.clean)?.summary.state === 'idle' && sfu.cameras.get(r.fuzzed)?.summary.state === 'idle');
    if (!ready()) await waitForEvent<CameraSummary>(sfu.cameras, 'change', ready, 10_000, 'channels idle');
  }, 60_000);

  afterAll(async () => {
    for (const sim of sims) await sim.close();
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('survives 1,000 mutated PS/RTP packets over UDP and TCP, counts them, and keeps the clean channels playing', async () => {
    const leases: CameraLease[] = [];
    for (const rig of rigs) leases.push(await source(rig.clean).acquire(), await source(rig.fuzzed).acquire());
    const cleanBytes = async () => Promise.all(rigs.map(async (r) => (await source(r.clean).videoProducer!.getStats())[0]?.byteCount ?? 0));
    const before = await cleanBytes();

    for (const rig of rigs) rig.fuzzing = true;
    await waitUntil(() => rigs.every((r) => r.mutated >= PER_TRANSPORT), 30_000, '1,000 mutated packets sent');

    // The clean channels never stopped: still live on the same producer, and their bytes grow.
    for (const [i, rig] of rigs.entries()) {
      expect(source(rig.clean).summary.state).toBe('live');
      expect(source(rig.clean).videoProducer?.id).toBe(leases[i * 2]!.producer.id);
    }
    await waitUntil(async () => (await cleanBytes()).every((n, i) => n > before[i]! + 10_000), 10_000, 'clean channels still flowing');

    // What was refused is counted at the stage that refused it.
    const refused = rigs.map((r) => {
      const c = source(r.fuzzed).mediaCounters!;
      return (c.receiver?.malformed ?? 0) + (c.receiver?.framingResyncs ?? 0) + c.play.foreignSsrcPackets + (c.frames?.droppedFrames ?? 0) + (c.frames?.outOfRangePackets ?? 0) + c.demuxer.malformed + c.demuxer.garbageBytes;
    });
    expect(refused.every((n) => n > 0), `refusals counted per transport: ${refused.join(', ')}`).toBe(true);

    for (const lease of leases) lease.release();
    // The fuzzed channels play again once the garbage stops (the same play, or a new one after a loss).
    for (const rig of rigs) {
      await waitUntil(() => ['idle', 'live'].includes(source(rig.fuzzed).summary.state), 10_000, `${rig.mode} fuzzed channel usable`);
      const again = await source(rig.fuzzed).acquire();
      await waitUntil(async () => ((await again.producer.getStats())[0]?.byteCount ?? 0) > 0, 10_000, `${rig.mode} fuzzed channel flowing again`);
      again.release();
    }
    expect((await fetch(new URL('/healthz', sfu.url))).status).toBe(200);
  }, 90_000);
});
