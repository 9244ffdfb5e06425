import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { AuditEntry, CameraSummary } from '@argus/shared';
import { buildSeedPlan, seedStore, SEED_USERS } from '@argus/sfu';
import { callApi, connectWall, login, TEST_PASSWORD } from '../support/auth.js';
import { startCameraRig, type CameraRig, type RigCamera } from '../support/cameraRig.js';
import { waitForEvent } from '../support/waitFor.js';

/**
 * Scoping with real parts: four live RTSP cameras (GStreamer server, ffmpeg, mediasoup), the
 * seeded province in a real SQLite file, real logins and socket.io connections. Operators at
 * province, city and county level list, receive and consume exactly the cameras of their
 * subtree; everything else is refused on the server and audited.
 */
const IDS = ['demo-1', 'demo-2', 'demo-3', 'demo-4'];
const CAMERAS: RigCamera[] = IDS.map((id) => ({ id, name: id, pattern: { video: 'h264', h264Profile: 'baseline', width: 320, height: 180, fps: 10 } }));
const { anchors } = buildSeedPlan({ demoCameraIds: IDS });
/** Where each camera is moved to: two in county 1, one in county 2 (same city), one in the second city. */
const PLACEMENT: Record<string, string> = { 'demo-1': anchors.county1Id, 'demo-2': anchors.county1Id, 'demo-3': anchors.county2Id, 'demo-4': anchors.city2County1Id };
/** The scoping matrix: who may see what. */
const VISIBLE: Record<string, string[]> = {
  [SEED_USERS.provinceOperator]: ['demo-1', 'demo-2', 'demo-3', 'demo-4'],
  [SEED_USERS.city1Operator]: ['demo-1', 'demo-2', 'demo-3'],
  [SEED_USERS.county1Operator]: ['demo-1', 'demo-2'],
  [SEED_USERS.county2Operator]: ['demo-3'],
  [SEED_USERS.city2County1Operator]: ['demo-4'],
};

interface Wall {
  username: string;
  userId: string;
  socket: Socket;
  states: CameraSummary[];
  removed: string[];
  closed: string[];
  ask(method: string, payload: unknown): Promise<any>;
}

async function openWall(baseUrl: string, username: string): Promise<Wall> {
  const session = await login(baseUrl, username, TEST_PASSWORD);
  const socket = await connectWall(baseUrl, session.token);
  const wall: Wall = {
    username,
    userId: session.user.id,
    socket,
    states: [],
    removed: [],
    closed: [],
    ask: (method, payload) => socket.timeout(10_000).emitWithAck(method, payload),
  };
  socket.on('cameraState', (camera: CameraSummary) => wall.states.push(camera));
  socket.on('cameraRemoved', ({ cameraId }: { cameraId: string }) => wall.removed.push(cameraId));
  socket.on('consumerClosed', ({ consumerId }: { consumerId: string }) => wall.closed.push(consumerId));
  return wall;
}

async function auditRows(rig: CameraRig, filter: { userId?: string; action?: string; targetId?: string }): Promise<AuditEntry[]> {
  return (await rig.sfu.store.audit.query({ ...filter, limit: 1000, orgUnitIds: null })).entries;
}

describe('org-tree scoping of cameras', () => {
  let rig: CameraRig;
  let adminToken: string;
  const walls = new Map<string, Wall>();

  beforeAll(async () => {
    rig = await startCameraRig(CAMERAS, { staticDir: null });
    await seedStore(rig.sfu.store, { cameras: IDS.map((id) => ({ id, url: rig.rtsp.url(id) })), password: TEST_PASSWORD, resetPasswords: true });
    await rig.sfu.catalog.refresh();
    adminToken = (await login(rig.sfu.url, SEED_USERS.admin)).token;
    // The imported cameras sit at the province; the administrator places them in counties.
    for (const [id, orgUnitId] of Object.entries(PLACEMENT)) {
      const answer = await callApi(rig.sfu.url, 'PATCH', `/api/channels/${id}`, { token: adminToken, body: { orgUnitId } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const notLive = () => rig.sfu.cameras.list().filter((c) => c.state !== 'live').length;
    if (notLive() > 0) {
      await waitForEvent<CameraSummary>(rig.sfu.cameras, 'change', () => notLive() === 0, 60_000, 'all four cameras live');
    }
    for (const username of Object.keys(VISIBLE)) walls.set(username, await openWall(rig.sfu.url, username));
  });

  afterAll(async () => {
    for (const wall of walls.values()) wall.socket.close();
    await rig?.close();
  });

  it('lists to each operator exactly the cameras of their subtree', async () => {
    for (const [username, expected] of Object.entries(VISIBLE)) {
      const answer = await walls.get(username)!.ask('listCameras', {});
      expect(answer.ok).toBe(true);
      const ids = answer.data.cameras.map((c: CameraSummary) => c.id).sort();
      expect(ids, username).toEqual(expected);
      for (const camera of answer.data.cameras as CameraSummary[]) expect(camera.orgUnitId).toBe(PLACEMENT[camera.id]);
    }
  });

  it('lets each operator consume inside their subtree, refuses and audits everything outside', async () => {
    for (const [username, expected] of Object.entries(VISIBLE)) {
      const wall = walls.get(username)!;
      const { data: caps } = await wall.ask('getRouterRtpCapabilities', {});
      const { data: transport } = await wall.ask('createRecvTransport', {});
      const deniedBefore = (await auditRows(rig, { userId: wall.userId, action: 'view.denied' })).length;
      for (const cameraId of IDS) {
        const answer = await wall.ask('consume', { transportId: transport.id, cameraId, rtpCapabilities: caps.rtpCapabilities });
        if (expected.includes(cameraId)) {
          expect(answer, `${username} → ${cameraId}`).toMatchObject({ ok: true, data: { cameraId, kind: 'video' } });
          const starts = await auditRows(rig, { userId: wall.userId, action: 'view.start', targetId: cameraId });
          expect(starts.length).toBeGreaterThan(0);
          expect(await wall.ask('closeConsumer', { consumerId: answer.data.consumerId })).toMatchObject({ ok: true });
        } else {
          expect(answer, `${username} → ${cameraId}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        }
      }
      const denied = await auditRows(rig, { userId: wall.userId, action: 'view.denied' });
      expect(denied.length - deniedBefore, username).toBe(IDS.length - expected.length);
      expect(denied.every((row) => row.outcome === 'denied' && row.username === username)).toBe(true);
    }
  });

  it('closes every view it opened with a duration, in the audit log and in live views', async () => {
    const wall = walls.get(SEED_USERS.county1Operator)!;
    const { data: caps } = await wall.ask('getRouterRtpCapabilities', {});
    const { data: transport } = await wall.ask('createRecvTransport', {});
    const consumed = await wall.ask('consume', { transportId: transport.id, cameraId: 'demo-2', rtpCapabilities: caps.rtpCapabilities });
    expect(consumed.ok).toBe(true);
    expect((await rig.sfu.store.views.open()).some((v) => v.userId === wall.userId && v.channelId === 'demo-2')).toBe(true);
    await wall.ask('closeConsumer', { consumerId: consumed.data.consumerId });
    // The stop is written when mediasoup reports the consumer closed; wait for the row.
    const stop = await waitForStop(rig, wall.userId, 'demo-2');
    expect(stop.detail).toMatchObject({ reason: 'closed' });
    expect(typeof stop.detail.durationMs).toBe('number');
    expect(stop.detail.durationMs as number).toBeGreaterThanOrEqual(0);
    expect((await rig.sfu.store.views.open()).some((v) => v.userId === wall.userId && v.channelId === 'demo-2')).toBe(false);
  });

  it('refuses and audits a forged consume by the producer id of a camera elsewhere', async () => {
    const province = walls.get(SEED_USERS.provinceOperator)!;
    const listed = (await province.ask('listCameras', {})).data.cameras as CameraSummary[];
    const foreignProducer = listed.find((c) => c.id === 'demo-4')!.videoProducerId!;
    expect(foreignProducer).toBeTruthy();

    const county = walls.get(SEED_USERS.county1Operator)!;
    const { data: caps } = await county.ask('getRouterRtpCapabilities', {});
    const { data: transport } = await county.ask('createRecvTransport', {});
    const byProducer = await county.ask('consume', { transportId: transport.id, producerId: foreignProducer, rtpCapabilities: caps.rtpCapabilities });
    expect(byProducer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Naming an allowed camera does not launder a foreign producer id.
    const mixed = await county.ask('consume', { transportId: transport.id, cameraId: 'demo-1', producerId: foreignProducer, rtpCapabilities: caps.rtpCapabilities });
    expect(mixed).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const denied = await auditRows(rig, { userId: county.userId, action: 'view.denied', targetId: 'demo-4' });
    const forged = denied.filter((row) => row.detail.producerId === foreignProducer);
    expect(forged).toHaveLength(2);
    expect(forged[0]).toMatchObject({ outcome: 'denied', orgUnitId: anchors.city2County1Id, address: '127.0.0.1' });
  });

  it('pushes a camera change only to walls whose subtree holds the camera', async () => {
    const province = walls.get(SEED_USERS.provinceOperator)!;
    const county = walls.get(SEED_USERS.county1Operator)!;
    county.states.length = 0;
    const seen = waitForEvent<CameraSummary>(province.socket, 'cameraState', (c) => c.id === 'demo-4' && c.name === '西城卡口', 10_000, 'the rename');
    const answer = await callApi(rig.sfu.url, 'PATCH', '/api/channels/demo-4', { token: adminToken, body: { name: '西城卡口' } });
    expect(answer.status).toBe(200);
    await seen;
    // Events to one socket arrive in order: after this round trip, anything sent to the county wall has arrived.
    await county.ask('listCameras', {});
    expect(county.states.filter((c) => c.id === 'demo-4')).toEqual([]);
  });

  it('drops a camera from a wall, and ends its view, when the camera moves out of the user\'s subtree', async () => {
    const county = walls.get(SEED_USERS.county1Operator)!;
    const { data: caps } = await county.ask('getRouterRtpCapabilities', {});
    const { data: transport } = await county.ask('createRecvTransport', {});
    const consumed = await county.ask('consume', { transportId: transport.id, cameraId: 'demo-1', rtpCapabilities: caps.rtpCapabilities });
    expect(consumed.ok).toBe(true);
    const removed = waitForEvent<{ cameraId: string }>(county.socket, 'cameraRemoved', (e) => e.cameraId === 'demo-1', 10_000, 'cameraRemoved');
    const closed = waitForEvent<{ consumerId: string }>(county.socket, 'consumerClosed', (e) => e.consumerId === consumed.data.consumerId, 10_000, 'consumerClosed');
    const answer = await callApi(rig.sfu.url, 'PATCH', '/api/channels/demo-1', { token: adminToken, body: { orgUnitId: anchors.county2Id } });
    expect(answer.status).toBe(200);
    await Promise.all([removed, closed]);
    const stop = await waitForStop(rig, county.userId, 'demo-1', (row) => row.detail.reason === 'out-of-scope');
    expect(stop.detail.reason).toBe('out-of-scope');
    expect((await county.ask('listCameras', {})).data.cameras.map((c: CameraSummary) => c.id)).toEqual(['demo-2']);
    const again = await county.ask('consume', { transportId: transport.id, cameraId: 'demo-1', rtpCapabilities: caps.rtpCapabilities });
    expect(again).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

/** The newest `view.stop` row of `userId` on `channelId` (matching `predicate`), polled until it is written. */
async function waitForStop(rig: CameraRig, userId: string, channelId: string, predicate: (row: AuditEntry) => boolean = () => true): Promise<AuditEntry> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const row = (await auditRows(rig, { userId, action: 'view.stop', targetId: channelId })).find(predicate);
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no view.stop for ${channelId}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
