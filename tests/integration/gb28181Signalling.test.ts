import dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSfuConfig, type Device } from '@argus/shared';
import { startSfu, SYSTEM_ACTOR, type GbCatalogUpdate, type GbOfflineReason, type GbPlatform, type Logger, type SfuHandle } from '@argus/sfu';
import { GbDeviceSimulator, type GbDeviceOptions } from '../../sfu/src/demo/gbDeviceSimulator.js';
import { freeSipPort } from '@argus/sfu';
import { sharedData } from '../support/paths.js';
import { waitForEvent } from '../support/waitFor.js';

/**
 * The GB/T 28181 platform's signalling over real UDP and TCP sockets on loopback, against a real
 * SFU: digest REGISTER (GB/T 28181-2016 §9.1.2.1), keepalive and its watchdog (§9.6), the
 * catalog query after registration with a multi-message GB2312 answer (A.2.6), unregistering,
 * and garbage on the SIP port. A device simulator (tests/support/gbDevice.ts) plays the device.
 */

const DOMAIN_ID = '9901020000';
const SERVER_ID = '99010200002000000001';
const DEVICE_GB_ID = '99010200001180000001';
const PASSWORD = 'gb-Pa55word';
const ORG_UNIT = '990102';
const CHANNELS = [
  { id: '99010200001310000001', name: '大厅东侧摄像机' },
  { id: '99010200001320000002', name: '谈话室（一）' },
];

const logLines: Array<{ level: string; scope: string; message: string; fields: string }> = [];
function captureLogger(scope: string): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logLines.push({ level, scope, message, fields: JSON.stringify(fields ?? {}, (_key, value: unknown) => (value instanceof Error ? value.message : value)) });
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (sub) => captureLogger(`${scope}:${sub}`) };
}

describe('GB/T 28181 signalling over real sockets', () => {
  let dir: string;
  let sfu: SfuHandle;
  let gb: GbPlatform;
  let port: number;
  let deviceId: string;
  const sims: GbDeviceSimulator[] = [];

  const simulator = async (overrides: Partial<GbDeviceOptions> = {}): Promise<GbDeviceSimulator> => {
    const sim = new GbDeviceSimulator({
      deviceId: DEVICE_GB_ID,
      password: PASSWORD,
      domainId: DOMAIN_ID,
      serverId: SERVER_ID,
      server: { host: '127.0.0.1', port },
      transport: 'udp',
      channels: CHANNELS,
      catalogPerMessage: 1,
      ...overrides,
    });
    await sim.start();
    sims.push(sim);
    return sim;
  };
  const device = async (): Promise<Device> => (await sfu.store.devices.get(deviceId))!;
  const offline = (reason: GbOfflineReason) => waitForEvent<Device>(gb, 'deviceOffline', () => true, 5000, `device offline (${reason})`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-gb28181-'));
    port = await freeSipPort();
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(dir, 'argus.db') },
        mediasoup: { numWorkers: 1 },
        gb28181: { enabled: true, host: '127.0.0.1', port, domainId: DOMAIN_ID, serverId: SERVER_ID, keepaliveIntervalMs: 200, keepaliveMissed: 3, catalogTimeoutMs: 2000 },
      }),
      { staticDir: null, log: captureLogger('test-sfu') },
    );
    expect(sfu.gb28181).not.toBeNull();
    gb = sfu.gb28181!;
    expect(gb.port).toBe(port);
    await sfu.store.orgUnits.create({ id: '990100', parentId: '990000', level: 'city', name: '岚川市' }, SYSTEM_ACTOR);
    await sfu.store.orgUnits.create({ id: ORG_UNIT, parentId: '990100', level: 'county', name: '蘅泉县' }, SYSTEM_ACTOR);
    const created = await sfu.store.devices.create(
      { id: 'gb-nvr-1', orgUnitId: ORG_UNIT, kind: 'gb28181', name: '蘅泉县看守所 NVR', gbDeviceId: DEVICE_GB_ID, sipPassword: PASSWORD },
      SYSTEM_ACTOR,
    );
    deviceId = created.id;
    expect(created).toMatchObject({ hasSipPassword: true, online: false, lastSeenAt: null });
    expect(JSON.stringify(created)).not.toContain(PASSWORD);
    expect(await sfu.store.devices.sipSecret(deviceId)).toBe(PASSWORD);
    // Write-only: never in an audit row either.
    expect(JSON.stringify((await sfu.store.audit.query({ limit: 1000, orgUnitIds: null })).entries)).not.toContain(PASSWORD);
  });

  afterAll(async () => {
    for (const sim of sims) await sim.close();
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('challenges a wrong password again and keeps the device offline', async () => {
    const sim = await simulator({ password: 'wrong-password' });
    const response = await sim.register();
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(new RegExp(`^Digest realm="${DOMAIN_ID}", nonce="[0-9a-f]{48}"`));
    expect((await device()).online).toBe(false);
    expect(gb.counters.authFailures).toBeGreaterThanOrEqual(1);
    await sim.close();
  });

  it('registers over UDP with digest auth, answers to rport, and stores both catalog channels with their Chinese names', async () => {
    const sim = await simulator();
    const online = waitForEvent<Device>(gb, 'deviceOnline', (d) => d.id === deviceId, 5000, 'device online');
    const catalog = waitForEvent<GbCatalogUpdate>(gb, 'catalogUpdated', (u) => u.device.id === deviceId, 5000, 'catalog applied');
    const response = await sim.register();
    expect(response.status).toBe(200);
    expect(response.headers.get('Date')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    // RFC 3581: the top Via carries the source port and address seen on the wire.
    expect(response.headers.get('Via')).toMatch(/;rport=\d+;received=127\.0\.0\.1/);
    await online;
    const stored = await device();
    expect(stored.online).toBe(true);
    expect(stored.lastSeenAt).toBeGreaterThan(Date.now() - 10_000);
    expect(await sfu.store.devices.sipContact(deviceId)).toMatchObject({ transport: 'udp', address: '127.0.0.1' });

    const update = await catalog;
    expect(update.complete).toBe(true);
    expect(update.sync.created.sort()).toEqual(CHANNELS.map((c) => c.id).sort());
    expect(sim.catalogQueries).toHaveLength(1);
    for (const c of CHANNELS) {
      expect(await sfu.store.channels.get(c.id)).toEqual({ id: c.id, deviceId, orgUnitId: ORG_UNIT, name: c.name, source: { type: 'gb28181', gbChannelId: c.id }, ptz: false, enabled: true });
    }
    sim.startKeepalive(100);
    await new Promise((r) => setTimeout(r, 1000)); // longer than 3 missed keepalives: still online
    expect((await device()).online).toBe(true);
    expect(gb.counters.keepalives).toBeGreaterThanOrEqual(5);

    // Missed keepalives take it offline; re-registering brings it back.
    const wentOffline = offline('keepalive-timeout');
    sim.stopKeepalive();
    await wentOffline;
    expect((await device()).online).toBe(false);
    const back = waitForEvent<Device>(gb, 'deviceOnline', (d) => d.id === deviceId, 5000, 'device online again');
    const again = waitForEvent<GbCatalogUpdate>(gb, 'catalogUpdated', (u) => u.device.id === deviceId, 5000, 'second catalog');
    expect((await sim.register()).status).toBe(200);
    await back;
    expect((await device()).online).toBe(true);

    // The catalog is queried again; the same names change nothing.
    expect((await again).sync).toMatchObject({ created: [], updated: [] });
    expect(sim.catalogQueries).toHaveLength(2);
    expect(new Set(sim.catalogQueries).size).toBe(2); // a fresh SN each time

    // Expires: 0 unregisters.
    const gone = offline('unregistered');
    expect((await sim.unregister()).status).toBe(200);
    await gone;
    expect((await device()).online).toBe(false);
    // A keepalive after unregistering is refused so the device registers again.
    expect((await sim.keepalive()).status).toBe(403);
  });

  it('refuses MANSCDP in a registered device\'s name from another address, and keeps serving the device', async () => {
    const sim = await simulator();
    expect((await sim.register()).status).toBe(200);
    const impostor = await simulator({ localAddress: '127.0.0.2' });
    const forbidden = gb.counters.forbidden;
    expect((await impostor.keepalive()).status).toBe(403);
    expect(gb.counters.forbidden).toBe(forbidden + 1);
    expect(logLines.some((l) => l.message === 'MANSCDP request from another address than the registration refused' && l.fields.includes('127.0.0.2'))).toBe(true);
    expect((await sim.keepalive()).status).toBe(200);
    expect(await sfu.store.devices.sipContact(deviceId)).toMatchObject({ address: '127.0.0.1' });
    await impostor.close();
    const gone = offline('unregistered');
    expect((await sim.unregister()).status).toBe(200);
    await gone;
  });

  it('registers over TCP too, and keeps serving after garbage and malformed SIP', async () => {
    const sim = await simulator({ transport: 'tcp' });
    const online = waitForEvent<Device>(gb, 'deviceOnline', (d) => d.id === deviceId, 5000, 'device online over TCP');
    expect((await sim.register()).status).toBe(200);
    await online;
    expect(await sfu.store.devices.sipContact(deviceId)).toMatchObject({ transport: 'tcp', address: '127.0.0.1' });
    expect((await sim.keepalive()).status).toBe(200);

    const before = gb.counters.transport;
    // Garbage datagrams: no answer, counted.
    const junk = await simulator();
    junk.sendRaw(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x81]));
    junk.sendRaw('HELLO WORLD\r\n\r\n');
    junk.sendRaw('REGISTER sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n');
    // Headers readable, body short of its Content-Length: 400 Bad Request (RFC 3261 §21.4.1).
    const malformed =
      'MESSAGE sip:99010200002000000001@9901020000 SIP/2.0\r\n' +
      'Via: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bKbad1\r\n' +
      `From: <sip:${DEVICE_GB_ID}@${DOMAIN_ID}>;tag=1\r\nTo: <sip:${SERVER_ID}@${DOMAIN_ID}>\r\n` +
      'Call-ID: malformed-1\r\nCSeq: 7 MESSAGE\r\nContent-Type: Application/MANSCDP+xml\r\nContent-Length: 500\r\n\r\n<?xml version="1.0"?><Notify>';
    const bad = await junk.sendRawAndWait(malformed, 'malformed-1', 7);
    expect(bad.status).toBe(400);
    // A TCP stream that is not SIP: its connection is closed.
    const garbageTcp = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => {
      garbageTcp.on('connect', () => garbageTcp.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01])));
      garbageTcp.on('close', () => resolve());
      garbageTcp.on('error', () => undefined);
    });
    const after = gb.counters.transport;
    expect(after.rejected - before.rejected).toBeGreaterThanOrEqual(5);
    expect(after.badRequests - before.badRequests).toBe(1);
    expect(after.framingErrors - before.framingErrors).toBe(1);

    // The good device is still served.
    expect((await sim.keepalive()).status).toBe(200);
    expect((await device()).online).toBe(true);
    expect(logLines.some((l) => l.message === 'SIP message rejected')).toBe(true);
    const gone = offline('unregistered');
    expect((await sim.unregister()).status).toBe(200);
    await gone;
  });

  it('answers the real REGISTER of an SRS capture: 403 for an unknown device, 401 once it is known', async () => {
    const capture = readFileSync(sharedData('gb28181/sip/srs4_capture/01_ipc_register.sip'));
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    const replies: Buffer[] = [];
    udp.on('message', (m) => replies.push(m));
    const send = async (): Promise<string> => {
      const count = replies.length;
      udp.send(capture, port, '127.0.0.1');
      const until = Date.now() + 3000;
      while (replies.length === count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return replies[count]?.toString('utf8') ?? '';
    };
    try {
      // The capture's device, 34020000001320000003, is not in the store.
      expect(await send()).toMatch(/^SIP\/2\.0 403 /);
      await sfu.store.devices.create({ id: 'srs-ipc', orgUnitId: ORG_UNIT, kind: 'gb28181', name: 'SRS capture IPC', gbDeviceId: '34020000001320000003', sipPassword: '123456' }, SYSTEM_ACTOR);
      const reply = await send();
      expect(reply).toMatch(/^SIP\/2\.0 401 /);
      expect(reply).toContain(`WWW-Authenticate: Digest realm="${DOMAIN_ID}"`);
      // Answered to the source seen on the wire, not to the Via's 192.168.137.11:5060 (RFC 3581).
      expect(reply).toMatch(new RegExp(`Via: SIP/2.0/UDP 192.168.137.11:5060;rport=${udp.address().port};received=127.0.0.1;branch=z9hG4bK1371463273`));
    } finally {
      udp.close();
    }
  });

  it('replays every real capture over UDP and TCP: each request gets the answer its method calls for, each response is absorbed', async () => {
    const files = ['srs4_capture', 'srs6_utest_tcp'].flatMap((folder) =>
      readdirSync(sharedData(`gb28181/sip/${folder}`)).filter((n) => n.endsWith('.sip')).sort().map((n) => `${folder}/${n}`),
    );
    expect(files.length).toBe(21);
    /** What the platform answers each request of the captures (none of their senders is registered here). */
    const expected = (raw: string): RegExp | null => {
      const method = raw.trimStart().split(' ')[0];
      if (method === 'REGISTER') return /^SIP\/2\.0 (401|403) /; // 401 for a known device, 403 for an unknown one
      // Keepalive, catalog query or answer from an unregistered sender: 403. The NVR's catalog answer (15)
      // declares 909 body bytes but carries fewer: refused as malformed, with 400.
      if (method === 'MESSAGE') return /^SIP\/2\.0 (403|400) /;
      if (method === 'INVITE') return /^SIP\/2\.0 405 /; // only a superior platform may INVITE us
      if (method === 'BYE') return /^SIP\/2\.0 481 /; // no such dialog
      return null; // ACK and responses: no answer
    };
    for (const transport of ['udp', 'tcp'] as const) {
      const replies: string[] = [];
      const udp = transport === 'udp' ? dgram.createSocket('udp4') : null;
      if (udp) await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
      udp?.on('message', (m) => replies.push(m.toString('utf8')));
      try {
        for (const file of files) {
          const bytes = readFileSync(sharedData(`gb28181/sip/${file}`));
          const want = expected(bytes.toString('latin1'));
          const before = { replies: replies.length, ...gb.counters.transport, unmatched: gb.counters.transactions.unmatchedResponses };
          // Over TCP each capture gets its own connection: one whose Content-Length lies (15) would
          // otherwise leave bytes that break the framing of the next.
          let tcp: net.Socket | null = null;
          if (udp) udp.send(bytes, port, '127.0.0.1');
          else {
            const socket = net.connect(port, '127.0.0.1');
            tcp = socket;
            await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
            socket.on('error', () => undefined);
            socket.on('data', (m) => replies.push(...m.toString('utf8').split(/(?=SIP\/2\.0 \d{3} )/).filter((r) => r.startsWith('SIP/2.0'))));
            socket.write(bytes);
          }
          const until = Date.now() + 3000;
          const settled = () => (want ? replies.length > before.replies : gb.counters.transport.received + gb.counters.transport.rejected > before.received + before.rejected);
          while (!settled() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
          tcp?.destroy();
          if (want) expect(replies[before.replies], `${transport} ${file}`).toMatch(want);
          else {
            expect(settled(), `${transport} ${file} was read`).toBe(true);
            expect(replies.length, `${transport} ${file} gets no answer`).toBe(before.replies);
          }
          if (bytes.toString('latin1').trimStart().startsWith('SIP/2.0')) {
            // A response nobody waits for is counted; one the parser refuses (09 starts with spaces) is counted as rejected.
            const parsed = gb.counters.transport.received > before.received;
            if (parsed) expect(gb.counters.transactions.unmatchedResponses, `${file} counted`).toBe(before.unmatched + 1);
            else expect(gb.counters.transport.rejected + gb.counters.transport.framingErrors, `${file} rejected`).toBeGreaterThan(before.rejected + before.framingErrors);
          }
        }
      } finally {
        udp?.close();
      }
    }
  });
});
