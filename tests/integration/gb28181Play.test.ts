import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { parseSfuConfig, type CameraSummary, type GbStreamMode } from '@argus/shared';
import { startSfu, SYSTEM_ACTOR, type GbCatalogUpdate, type SfuHandle } from '@argus/sfu';
import { GbDeviceSimulator } from '../../sfu/src/demo/gbDeviceSimulator.js';
import { freeSipPort } from '@argus/sfu';
import { sharedData } from '../support/paths.js';
import { waitForEvent, waitUntil } from '../support/waitFor.js';
import { parsePtzCommand } from '../../sfu/src/ingest/gb28181/manscdp/index.js';
import type { GbChannelSource } from '../../sfu/src/ingest/gb28181/gbChannelSource.js';
import type { CameraLease } from '../../sfu/src/ingest/cameraSource.js';

/**
 * GB/T 28181 live play end to end on loopback, with real sockets, a real SFU (mediasoup, ffmpeg,
 * SQLite) and the device simulator streaming PS over RTP built from the real H.264 and H.265
 * files in ../shared/data/gb28181/es: INVITE/ACK/BYE over SIP UDP and TCP; media over UDP, TCP
 * passive and TCP active (RFC 4571); one upstream stream shared by viewers and stopped a grace
 * period after the last; H.264 passed through, H.265 transcoded; a PLI from a consumer becomes
 * IFameCmd; PTZ bytes; a device's own SSRC honoured; a refused INVITE shown as lost.
 */

const DOMAIN_ID = '9901020000';
const SERVER_ID = '99010200002000000001';
const ORG_UNIT = '990102';
const H264 = sharedData('gb28181/es/srs_avatar.h264');
const H265 = sharedData('gb28181/es/srs_avatar.h265');
const IDLE_STOP_MS = 400;
const AUDIO_CHANNEL = '99010200001310000013';

interface Rig {
  mode: GbStreamMode;
  sipTransport: 'udp' | 'tcp';
  deviceGbId: string;
  h264: string;
  h265: string;
  answerSsrc?: number;
}

const RIGS: Rig[] = [
  { mode: 'udp', sipTransport: 'udp', deviceGbId: '99010200001180000011', h264: '99010200001310000011', h265: '99010200001310000012' },
  { mode: 'tcp-passive', sipTransport: 'tcp', deviceGbId: '99010200001180000021', h264: '99010200001310000021', h265: '99010200001310000022', answerSsrc: 123456789 },
  { mode: 'tcp-active', sipTransport: 'tcp', deviceGbId: '99010200001180000031', h264: '99010200001310000031', h265: '99010200001310000032' },
];

describe('GB/T 28181 live play', () => {
  let dir: string;
  let sfu: SfuHandle;
  let port: number;
  let alawFile: string;
  const sims = new Map<string, GbDeviceSimulator>();

  const source = (channelId: string): GbChannelSource => {
    const s = sfu.cameras.get(channelId);
    if (!s || s.camera.kind !== 'gb28181') throw new Error(`no GB source ${channelId}`);
    return s as unknown as GbChannelSource;
  };
  const stateOf = (channelId: string, state: CameraSummary['state'], timeoutMs = 10_000) =>
    sfu.cameras.get(channelId)?.summary.state === state
      ? Promise.resolve(sfu.cameras.get(channelId)!.summary)
      : waitForEvent<CameraSummary>(sfu.cameras, 'change', (c) => c.id === channelId && c.state === state, timeoutMs, `${channelId} ${state}`);

  /** Receive the producer's RTP through a PlainTransport consumer; resolves with the first `count` packets. */
  async function receiveRtp(producer: types.Producer, router: types.Router, count: number): Promise<{ packets: Buffer[]; consumer: types.Consumer; close: () => void }> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: false });
    const packets: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${packets.length} RTP packets`)), 15_000);
      socket.on('message', (m) => {
        if ((m[1]! & 0x7f) !== consumer.rtpParameters.codecs[0]!.payloadType || m.readUInt32BE(8) !== consumer.rtpParameters.encodings![0]!.ssrc) return;
        packets.push(m);
        if (packets.length === count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return { packets, consumer, close: () => (transport.close(), socket.close()) };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-gbplay-'));
    // Two seconds of a 440 Hz tone as raw G.711 A-law, 8 kHz mono, made by ffmpeg.
    alawFile = path.join(dir, 'tone.alaw');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000:duration=2', '-ac', '1', '-f', 'alaw', alawFile]);
    port = await freeSipPort();
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'argus.db') },
        mediasoup: { numWorkers: 1 },
        ingest: { backoff: { initialMs: 200, maxMs: 400 } },
        gb28181: { enabled: true, host: '127.0.0.1', port, domainId: DOMAIN_ID, serverId: SERVER_ID, mediaBindHost: '127.0.0.1', keepaliveIntervalMs: 60_000, idleStopMs: IDLE_STOP_MS, inviteTimeoutMs: 4000, mediaTimeoutMs: 8000 },
      }),
      { staticDir: null },
    );
    await sfu.store.orgUnits.create({ id: '990100', parentId: '990000', level: 'city', name: '岚川市' }, SYSTEM_ACTOR);
    await sfu.store.orgUnits.create({ id: ORG_UNIT, parentId: '990100', level: 'county', name: '蘅泉县' }, SYSTEM_ACTOR);
    for (const rig of RIGS) {
      await sfu.store.devices.create({ id: `dev-${rig.mode}`, orgUnitId: ORG_UNIT, kind: 'gb28181', name: `NVR ${rig.mode}`, gbDeviceId: rig.deviceGbId, sipPassword: 'pw-' + rig.mode, gbStreamMode: rig.mode }, SYSTEM_ACTOR);
      const sim = new GbDeviceSimulator({
        deviceId: rig.deviceGbId,
        password: 'pw-' + rig.mode,
        domainId: DOMAIN_ID,
        serverId: SERVER_ID,
        server: { host: '127.0.0.1', port },
        transport: rig.sipTransport,
        ...(rig.answerSsrc ? { answerSsrc: rig.answerSsrc } : {}),
        channels: [
          { id: rig.h264, name: `球机 H.264 ${rig.mode}`, ptz: true, media: { file: H264, codec: 'h264' } },
          { id: rig.h265, name: `枪机 H.265 ${rig.mode}`, media: { file: H265, codec: 'h265' } },
          ...(rig.mode === 'udp' ? [{ id: AUDIO_CHANNEL, name: '拾音枪机', media: { file: H264, codec: 'h264' as const, audio: { file: alawFile, law: 'g711a' as const } } }] : []),
        ],
        catalogPerMessage: 1,
      });
      await sim.start();
      sims.set(rig.mode, sim);
      const catalog = waitForEvent<GbCatalogUpdate>(sfu.gb28181!, 'catalogUpdated', (u) => u.device.gbDeviceId === rig.deviceGbId && u.complete, 5000, 'catalog');
      expect((await sim.register()).status).toBe(200);
      await catalog;
    }
    // The catalog refresh puts the channels into ingest: idle (on demand) while their device is online.
    for (const rig of RIGS) {
      await stateOf(rig.h264, 'idle');
      await stateOf(rig.h265, 'idle');
    }
    await stateOf(AUDIO_CHANNEL, 'idle');
  }, 60_000);

  afterAll(async () => {
    for (const sim of sims.values()) await sim.close();
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const rig of RIGS) {
    it(`plays H.264 (passed through) over ${rig.mode}, shares one upstream stream, turns a PLI into IFameCmd, and BYEs after the grace period`, async () => {
      const sim = sims.get(rig.mode)!;
      const invitesBefore = sim.invites;
      const cam = source(rig.h264);
      expect(cam.summary).toMatchObject({ state: 'idle', ptz: true });
      const [a, b] = await Promise.all([cam.acquire(), cam.acquire()]);
      expect(a.producer.id).toBe(b.producer.id);
      expect(sim.invites - invitesBefore).toBe(1);
      expect(cam.summary).toMatchObject({ state: 'live', sourceCodec: 'h264', videoPath: 'passthrough', videoProducerId: a.producer.id });
      expect(a.producer.rtpParameters.codecs[0]!.mimeType).toBe('video/H264');
      if (rig.answerSsrc) expect(sfu.gb28181!.counters.failedInvites).toBe(0);

      const rtp = await receiveRtp(a.producer, cam.router, 60);
      // H.264 RTP (RFC 6184): NAL types 1-23 single, 24 STAP-A, 28 FU-A; the marker ends access units.
      const nalTypes = new Set(rtp.packets.map((p) => p[12 + 4 * (p[0]! & 0x0f) + ((p[0]! & 0x10) !== 0 ? 4 + 4 * p.readUInt16BE(12 + 4 * (p[0]! & 0x0f) + 2) : 0)]! & 0x1f));
      expect([...nalTypes].filter((t) => !(t >= 1 && t <= 24) && t !== 28)).toEqual([]);
      expect(rtp.packets.some((p) => (p[1]! & 0x80) !== 0)).toBe(true);
      const keyframesAsked = sim.keyframeRequests;
      await rtp.consumer.requestKeyFrame();
      await waitUntil(() => sim.keyframeRequests > keyframesAsked, 5000, 'IFameCmd after a PLI');
      rtp.close();

      a.release();
      a.release(); // idempotent
      expect(cam.viewers).toBe(1);
      b.release();
      const byes = sim.byes;
      await stateOf(rig.h264, 'idle', IDLE_STOP_MS + 5000);
      await waitUntil(() => sim.byes > byes, 5000, 'BYE');
      expect(sim.streams.size).toBe(0);
    }, 60_000);

    it(`plays H.265 over ${rig.mode} transcoded to H.264`, async () => {
      const cam = source(rig.h265);
      const lease = await cam.acquire();
      expect(cam.summary).toMatchObject({ state: 'live', sourceCodec: 'hevc', videoPath: 'transcode' });
      const rtp = await receiveRtp(lease.producer, cam.router, 30);
      expect(rtp.packets.length).toBe(30);
      rtp.close();
      lease.release();
      await stateOf(rig.h265, 'idle', IDLE_STOP_MS + 5000);
    }, 60_000);
  }

  it('carries G.711 A-law audio of a channel to an Opus producer', async () => {
    const cam = source(AUDIO_CHANNEL);
    const lease = await cam.acquire();
    await waitUntil(() => cam.summary.audioProducerId !== null, 10_000, 'an audio producer');
    const audioProducer = cam.audioProducer!;
    expect(audioProducer.id).toBe(cam.summary.audioProducerId);
    expect(sfu.cameras.findByProducer(audioProducer.id)).toBe(sfu.cameras.get(AUDIO_CHANNEL));
    expect(audioProducer.kind).toBe('audio');
    expect(audioProducer.rtpParameters.codecs[0]!.mimeType).toBe('audio/opus');
    const rtp = await receiveRtp(audioProducer, cam.router, 25);
    expect(rtp.packets).toHaveLength(25);
    rtp.close();
    lease.release();
    await stateOf(AUDIO_CHANNEL, 'idle', IDLE_STOP_MS + 5000);
    expect(cam.summary.audioProducerId).toBeNull();
  }, 60_000);

  it('a viewer that comes back within the grace period re-uses the stream (no new INVITE)', async () => {
    const sim = sims.get('udp')!;
    const cam = source(RIGS[0]!.h264);
    const first = await cam.acquire();
    const invites = sim.invites;
    first.release();
    const again: CameraLease = await cam.acquire();
    expect(again.producer.id).toBe(first.producer.id);
    expect(sim.invites).toBe(invites);
    again.release();
    await stateOf(RIGS[0]!.h264, 'idle', IDLE_STOP_MS + 5000);
  }, 30_000);

  it('sends PTZ commands with the right bytes and checksum, and refuses PTZ on a channel without it', async () => {
    const sim = sims.get('tcp-passive')!;
    const cam = source(RIGS[1]!.h264);
    await cam.ptz({ type: 'move', pan: 'left', tilt: 'up', speed: 200 });
    await cam.ptz({ type: 'move', zoom: 'in', speed: 128 });
    await cam.ptz({ type: 'stop' });
    await cam.ptz({ type: 'preset', operation: 'goto', preset: 7 });
    const sent = sim.ptzCommands.map((c) => c.ptzCmd);
    // A.3: A5 0F 01 <instruction> <data1> <data2> <data3|addr-hi> <checksum = sum of bytes 1-7 mod 256>.
    expect(sent).toEqual(['A50F010AC8C8004F', 'A50F011000008045', 'A50F0100000000B5', 'A50F01820007003E']);
    for (const cmd of sent) {
      const bytes = Buffer.from(cmd, 'hex');
      expect(bytes[7]).toBe(bytes.subarray(0, 7).reduce((s, b) => s + b, 0) & 0xff);
    }
    expect(parsePtzCommand(sent[0]!)).toMatchObject({ kind: 'motion', pan: 'left', tilt: 'up', panSpeed: 200, tiltSpeed: 200 });
    expect(sim.ptzCommands.every((c) => c.channelId === RIGS[1]!.h264)).toBe(true);
    await expect(source(RIGS[1]!.h265).ptz({ type: 'stop' })).rejects.toThrow(/no PTZ/);
  });

  it('sends a burst of PTZ commands one at a time and in order: waiting moves collapse, the stop comes last', async () => {
    const sim = sims.get('udp')!;
    const cam = source(RIGS[0]!.h264);
    const before = sim.ptzCommands.length;
    const speeds = Array.from({ length: 20 }, (_, i) => 10 + i);
    // A held button: 20 moves in one burst, then a stop and a preset while they are in flight.
    const moves = speeds.map((speed) => cam.ptz({ type: 'move', pan: 'right', speed }));
    await Promise.all(moves);
    await Promise.all([cam.ptz({ type: 'move', tilt: 'down', speed: 99 }), cam.ptz({ type: 'stop' }), cam.ptz({ type: 'preset', operation: 'goto', preset: 4 })]);
    const got = sim.ptzCommands.slice(before).map((c) => c.decoded!);
    // Only the last move of each burst goes out; the stop and the preset are never dropped nor reordered.
    expect(got).toMatchObject([{ kind: 'motion', pan: 'right', panSpeed: 29 }, { kind: 'stop' }, { kind: 'preset', operation: 'goto', preset: 4 }]);
  });

  it('a refused INVITE shows the channel lost with the device\'s answer, then idle again', async () => {
    const sim = sims.get('udp')!;
    (sim as unknown as { options: { refuseInvite?: number } }).options.refuseInvite = 486;
    const cam = source(RIGS[0]!.h265);
    await expect(cam.acquire()).rejects.toThrow(/486/);
    expect(cam.summary.state).toBe('lost');
    expect(cam.summary.lastError).toMatch(/486/);
    (sim as unknown as { options: { refuseInvite?: number } }).options.refuseInvite = undefined;
    await stateOf(RIGS[0]!.h265, 'idle', 5000);
  }, 30_000);

  it('a device that goes offline takes its channels to lost, and its registration brings them back', async () => {
    const sim = sims.get('tcp-active')!;
    const lease = await source(RIGS[2]!.h264).acquire();
    const byes = sim.byes;
    expect((await sim.unregister()).status).toBe(200);
    await stateOf(RIGS[2]!.h264, 'lost');
    expect(source(RIGS[2]!.h264).summary.lastError).toMatch(/offline/);
    await waitUntil(() => sim.byes > byes, 5000, 'BYE on device offline');
    lease.release();
    await expect(source(RIGS[2]!.h264).acquire()).rejects.toThrow(/offline/);
    expect((await sim.register()).status).toBe(200);
    await stateOf(RIGS[2]!.h264, 'idle');
  }, 30_000);
});
