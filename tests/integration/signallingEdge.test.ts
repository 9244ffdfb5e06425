import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { parseSfuConfig } from '@argus/shared';
import { createLogger, startSfu, type SfuHandle } from '@argus/sfu';
import { connectWall, createTestUser, login } from '../support/auth.js';

/**
 * The signalling edge against a real SFU (real mediasoup workers, real socket.io): bad payloads
 * get error acknowledgements, never a crash, and the connection keeps working afterwards.
 * Its one camera points at a closed port, so it is never live.
 */
describe('signalling edge', () => {
  let sfu: SfuHandle;
  let socket: Socket;
  let token: string;
  let storeDir: string;
  const ask = (event: string, ...args: unknown[]) => socket.timeout(5000).emitWithAck(event, ...args);

  beforeAll(async () => {
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'argus-store-'));
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: path.join(storeDir, 'argus.db') },
        mediasoup: { numWorkers: 1 },
        ingest: { rtspTimeoutMs: 1000 },
        cameras: [{ id: 'gone', name: '不存在的摄像机', url: 'rtsp://127.0.0.1:9/none' }],
      }),
      { staticDir: null, log: createLogger('test-sfu') },
    );
    await createTestUser(sfu, 'edge-operator');
    token = (await login(sfu.url, 'edge-operator')).token;
    socket = await connectWall(sfu.url, token);
  });

  afterAll(async () => {
    socket?.close();
    await sfu?.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  it('answers malformed payloads with bad-request naming the field', async () => {
    for (const payload of [undefined, null, 7, 'x', [], { transportId: 1 }, { transportId: 't', cameraId: 'gone' }]) {
      const ack = await ask('consume', payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    }
    const ack = await ask('setConsumerPaused', { consumerId: 'c', paused: 'no' });
    expect(ack.error.message).toMatch(/^paused: /);
  });

  it('answers unknown ids with not-found and a camera that is not live with unavailable', async () => {
    const caps = { codecs: [], headerExtensions: [] };
    expect(await ask('consume', { transportId: 'nope', cameraId: 'gone', rtpCapabilities: caps })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const transport = await ask('createRecvTransport', {});
    expect(transport.ok).toBe(true);
    expect(await ask('consume', { transportId: transport.data.id, cameraId: 'nobody', rtpCapabilities: caps })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await ask('consume', { transportId: transport.data.id, cameraId: 'gone', rtpCapabilities: caps })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await ask('closeConsumer', { consumerId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('rejects DTLS parameters mediasoup refuses, as bad-request', async () => {
    const transport = await ask('createRecvTransport', {});
    const ack = await ask('connectTransport', { transportId: transport.data.id, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'md0', value: 'zz' }] } });
    expect(ack.ok).toBe(false);
    expect(['bad-request', 'internal']).toContain(ack.error.code);
  });

  it('answers an unknown method, a missing payload and extra arguments with bad-request', async () => {
    expect(await ask('deleteEverything', {})).toMatchObject({ ok: false, error: { code: 'bad-request', message: 'unknown method' } });
    expect(await ask('listCameras')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await ask('listCameras', {}, {}, {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('limits transports per connection and refuses connecting a transport twice', async () => {
    const other = await connectWall(sfu.url, token);
    try {
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await other.timeout(5000).emitWithAck('createRecvTransport', {}));
      expect(answers.slice(0, 4).every((a) => a.ok)).toBe(true);
      expect(answers[4]).toMatchObject({ ok: false, error: { code: 'limit' } });
      const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:'.repeat(31) + 'AB' }] };
      const first = await other.timeout(5000).emitWithAck('connectTransport', { transportId: answers[0].data.id, dtlsParameters });
      expect(first.ok).toBe(true);
      const second = await other.timeout(5000).emitWithAck('connectTransport', { transportId: answers[0].data.id, dtlsParameters });
      expect(second).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    } finally {
      other.close();
    }
  });

  it('holds the limits against concurrent requests, and caps connections per user', async () => {
    const other = await connectWall(sfu.url, token);
    try {
      // All at once: the checks must count what is still being created.
      const answers = await Promise.all(Array.from({ length: 12 }, () => other.timeout(10_000).emitWithAck('createRecvTransport', {})));
      expect(answers.filter((a) => a.ok)).toHaveLength(4);
      expect(answers.filter((a) => !a.ok && a.error.code === 'limit')).toHaveLength(8);
    } finally {
      other.close();
    }
    // Eight connections per user; `socket` and the next seven fill them, the ninth is refused.
    const extra = [];
    try {
      for (let i = 0; i < 7; i++) extra.push(await connectWall(sfu.url, token));
      await expect(connectWall(sfu.url, token)).rejects.toThrow('limit');
    } finally {
      for (const s of extra) s.close();
    }
  });

  it('refuses a signalling connection from a foreign browser origin', async () => {
    const foreign = io(sfu.url, { transports: ['websocket'], extraHeaders: { Origin: 'http://evil.example' }, auth: { token }, reconnection: false });
    const outcome = await new Promise<string>((resolve) => {
      foreign.once('connect', () => resolve('connected'));
      foreign.once('connect_error', () => resolve('refused'));
    });
    foreign.close();
    expect(outcome).toBe('refused');
  });

  it('survives events without an acknowledgement and unknown events, and keeps serving', async () => {
    socket.emit('consume', { garbage: true });
    socket.emit('listCameras');
    socket.emit('no-such-method', { a: 1 }, () => undefined);
    const ack = await ask('listCameras', {});
    expect(ack.ok).toBe(true);
    expect(ack.data.cameras.map((c: { id: string }) => c.id)).toEqual(['gone']);
    expect(['connecting', 'lost']).toContain(ack.data.cameras[0].state);
    const health = await fetch(new URL('/healthz', sfu.url)).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', cameras: { total: 1, live: 0 } });
  });
});
