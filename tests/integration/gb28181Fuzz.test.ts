import dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, parseSfuConfig, type Device } from '@argus/shared';
import { startSfu, SYSTEM_ACTOR, type GbPlatform, type Logger, type SfuHandle } from '@argus/sfu';
import { GbDeviceSimulator } from '../../sfu/src/demo/gbDeviceSimulator.js';
import { freeSipPort } from '@argus/sfu';
import { sharedData } from '../support/paths.js';
import { waitForEvent } from '../support/waitFor.js';

/**
 * Fuzzing the GB/T 28181 platform's SIP port over real sockets: 1,000 mutated SIP messages
 * (built from the real captures in ../shared/data/gb28181/sip) as UDP datagrams and as TCP
 * streams. The SFU must stay up, keep serving a registered device, and count what it refused.
 * Mutations come from a seeded generator, so a failure replays exactly.
 */
const DOMAIN_ID = '9901020000';
const SERVER_ID = '99010200002000000001';
const DEVICE_GB_ID = '99010200001180000009';
const PASSWORD = 'fuzz-Pa55word';
const MUTATIONS = 1000;

/** A logger that keeps nothing but counts warnings (a fuzz run warns on every refusal). */
let warnings = 0;
const quietLogger = (): Logger => ({ debug: () => {}, info: () => {}, warn: () => void warnings++, error: () => {}, child: () => quietLogger() });

/** The real captures, each one SIP message (CRLF-joined transcripts from SRS and a Hikvision device). */
function captures(): Buffer[] {
  const out: Buffer[] = [];
  for (const folder of ['srs4_capture', 'srs6_utest_tcp']) {
    const dir = sharedData(`gb28181/sip/${folder}`);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.sip')).sort()) out.push(readFileSync(path.join(dir, name)));
  }
  return out;
}

/** One mutation of `input`: flipped bytes, a cut, inserted bytes, a doubled or broken header line, a lying Content-Length, or noise. */
function mutate(input: Buffer, random: () => number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  const bytes = Buffer.from(input);
  switch (pick(8)) {
    case 0: {
      for (let i = 0, n = 1 + pick(8); i < n; i++) bytes[pick(bytes.length)] = pick(256);
      return bytes;
    }
    case 1:
      return bytes.subarray(0, pick(bytes.length));
    case 2: {
      const at = pick(bytes.length);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(64) }, () => pick(256))), bytes.subarray(at)]);
    }
    case 3: {
      const lines = bytes.toString('latin1').split('\r\n');
      const i = 1 + pick(Math.max(1, lines.length - 2));
      lines.splice(i, 0, lines[i] ?? 'X-Fuzz: 1');
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    case 4:
      return Buffer.from(bytes.toString('latin1').replace(/Content-Length:\s*\d+/i, `Content-Length: ${pick(4) === 0 ? -1 : pick(200_000)}`), 'latin1');
    case 5:
      return Buffer.from(bytes.toString('latin1').replace(/\r\n/g, pick(2) === 0 ? '\n' : '\r'), 'latin1');
    case 6:
      return Buffer.concat([bytes.subarray(0, 40), Buffer.from(`X-Long: ${'A'.repeat(20_000 + pick(40_000))}\r\n`), bytes.subarray(40)]);
    default:
      return Buffer.from(Array.from({ length: 1 + pick(1400) }, () => pick(256)));
  }
}

describe('GB/T 28181 SIP port under fuzzing', () => {
  let dir: string;
  let sfu: SfuHandle;
  let gb: GbPlatform;
  let port: number;
  let device: GbDeviceSimulator;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-gbfuzz-'));
    port = await freeSipPort();
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'argus.db') },
        mediasoup: { numWorkers: 1 },
        gb28181: { enabled: true, host: '127.0.0.1', port, domainId: DOMAIN_ID, serverId: SERVER_ID, keepaliveIntervalMs: 60_000, keepaliveMissed: 3 },
      }),
      { staticDir: null, log: quietLogger() },
    );
    gb = sfu.gb28181!;
    await sfu.store.devices.create({ id: 'gb-fuzz', orgUnitId: '990000', kind: 'gb28181', name: '模糊测试设备', gbDeviceId: DEVICE_GB_ID, sipPassword: PASSWORD }, SYSTEM_ACTOR);
    device = new GbDeviceSimulator({ deviceId: DEVICE_GB_ID, password: PASSWORD, domainId: DOMAIN_ID, serverId: SERVER_ID, server: { host: '127.0.0.1', port }, transport: 'udp' });
    await device.start();
    const online = waitForEvent<Device>(gb, 'deviceOnline', () => true, 5000, 'device online');
    expect((await device.register()).status).toBe(200);
    await online;
  });

  afterAll(async () => {
    await device?.close();
    await sfu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('survives 1,000 mutated messages over UDP and TCP, counts the refusals, and keeps serving the good device', async () => {
    const random = mulberry32(28181);
    const seeds = captures();
    expect(seeds.length).toBeGreaterThan(10);
    const before = gb.counters.transport;

    // Over UDP, one datagram each. The SFU runs in this process: after each send, let its socket
    // read the datagram (a few event-loop turns) so the kernel buffer never overflows and drops.
    const handled = () => gb.counters.transport.received + gb.counters.transport.rejected;
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    for (let i = 0; i < MUTATIONS / 2; i++) {
      const datagram = mutate(seeds[i % seeds.length]!, random).subarray(0, 65_000);
      const seen = handled();
      await new Promise<void>((resolve) => udp.send(datagram, port, '127.0.0.1', () => resolve()));
      for (let turn = 0; turn < 20 && handled() === seen; turn++) await new Promise((resolve) => setImmediate(resolve));
    }
    udp.close();

    // Over TCP, in ten connections of fifty mutated messages written back to back.
    for (let c = 0; c < 10; c++) {
      const stream = Buffer.concat(Array.from({ length: MUTATIONS / 20 }, (_, i) => mutate(seeds[(c * 50 + i) % seeds.length]!, random)));
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(stream));
        socket.on('data', () => {});
        socket.on('error', () => resolve()); // the server may cut a stream it cannot frame
        socket.on('close', () => resolve());
      });
    }

    // Still up, still serving: the registered device's keepalive gets its 200.
    expect((await device.keepalive()).status).toBe(200);
    expect((await sfu.store.devices.get('gb-fuzz'))?.online).toBe(true);
    const after = gb.counters.transport;
    // Every datagram is accounted for, parsed (then answered or ignored by the platform) or refused;
    // a TCP stream that cannot be framed is cut at its first bad message, so it counts once.
    // (A datagram cut down to nothing or to line breaks is a keep-alive ping and is ignored by design.)
    expect(after.received + after.rejected - before.received - before.rejected).toBeGreaterThanOrEqual(MUTATIONS / 2 - 50);
    expect(after.rejected - before.rejected).toBeGreaterThanOrEqual(20);
    expect(after.framingErrors - before.framingErrors).toBeGreaterThan(0);
    expect(warnings).toBeGreaterThan(0);
    // The HTTP side is unaffected.
    expect((await fetch(new URL('/healthz', sfu.url))).status).toBe(200);
  });
});
