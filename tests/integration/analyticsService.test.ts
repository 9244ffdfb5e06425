import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { BehaviourAlert, SignInRecord } from '@argus/shared';
import { SYSTEM_ACTOR } from '@argus/sfu';
import { callApi, connectWall, createTestUser, login } from '../support/auth.js';
import { ENROL_PHOTOS, ID10, startAnalyticsRig, type AnalyticsRig } from '../support/analyticsRig.js';
import { sharedData } from '../support/paths.js';
import { waitUntil } from '../support/waitFor.js';

/**
 * The analytics worker attached to a real SFU: RTSP cameras (a video made from photos of one
 * person, the OpenCV pedestrian scene) → mediasoup → PlainTransport taps → the worker's ffmpeg →
 * Human → sign-ins and alerts stored in SQLite and pushed over signalling. Enrolment goes through
 * the HTTP API with real photos; the worker is killed mid-stream and must come back.
 */
const photoBody = (...files: string[]) => ({ photos: files.map((file) => ({ name: file.split('/').pop(), data: readFileSync(file).toString('base64') })) });

describe('analytics worker with the SFU', () => {
  let rig: AnalyticsRig;
  let supervisor: string;
  let operator: string;
  let wall: Socket;
  const signIns: SignInRecord[] = [];
  const alerts: BehaviourAlert[] = [];
  const acknowledged: number[] = [];
  let root: string;

  beforeAll(async () => {
    rig = await startAnalyticsRig(null);
    root = rig.root;
    await createTestUser(rig.sfu, 'ana-supervisor', ['supervisor']);
    supervisor = (await login(rig.sfu.url, 'ana-supervisor')).token;
    operator = (await login(rig.sfu.url, rig.operator.username, rig.operator.password)).token;
    wall = await connectWall(rig.sfu.url, operator);
    wall.on('signIn', (record: SignInRecord) => signIns.push(record));
    wall.on('alert', (alert: BehaviourAlert) => alerts.push(alert));
    wall.on('alertAcknowledged', (event: { id: number }) => acknowledged.push(event.id));
    await rig.sfu.store.persons.create({ id: 'p-id10', name: '奥某某', caseNumber: 'SQJZ-2026-001', orgUnitId: root, supervisionStart: '2026-01-01', supervisionEnd: '2027-12-31', publicConsent: false }, SYSTEM_ACTOR);
    await rig.sfu.store.persons.create({ id: 'p-other', name: '另某某', caseNumber: 'SQJZ-2026-002', orgUnitId: root, supervisionStart: '2026-01-01', supervisionEnd: '2027-12-31', publicConsent: false }, SYSTEM_ACTOR);
  }, 180_000);

  afterAll(async () => {
    wall?.close();
    await rig?.close();
  });

  it('enrols from photos and refuses a photo without a face, with several faces, or unreadable, with the reason', async () => {
    const answer = await callApi(rig.sfu.url, 'POST', '/api/persons/p-id10/faces', { token: supervisor, body: photoBody(...ENROL_PHOTOS) });
    expect(answer.status).toBe(200);
    expect(answer.body.enrolled).toHaveLength(2);
    expect(answer.body.rejected).toEqual([]);
    const refused = await callApi(rig.sfu.url, 'POST', '/api/persons/p-other/faces', {
      token: supervisor,
      body: {
        photos: [
          photoBody(sharedData('faces/insightface/edge/no_face.png')).photos[0],
          photoBody(sharedData('faces/bbt/group/bbt1.jpg')).photos[0],
          { name: 'garbage.jpg', data: Buffer.from('this is not a picture at all').toString('base64') },
          // The first 40 % of a good photo: ffmpeg paints the rest, and says so.
          { name: 'truncated.jpg', data: readFileSync(ID10('img32.jpg')).subarray(0, Math.floor(readFileSync(ID10('img32.jpg')).length * 0.4)).toString('base64') },
          // The enrolled person's face under another person's name.
          photoBody(ID10('img32.jpg')).photos[0],
        ],
      },
    });
    expect(refused.status).toBe(200);
    expect(refused.body.enrolled).toEqual([]);
    expect(refused.body.rejected.map((r: { reason: string }) => r.reason)).toEqual(['no-face', 'several-faces', 'unreadable', 'unreadable', 'matches-other-person']);
    expect((await callApi(rig.sfu.url, 'POST', '/api/persons/p-other/faces', { token: supervisor, body: { photos: [{ data: '%%%%'.repeat(8) }] } })).status).toBe(400);
    const templates = await callApi(rig.sfu.url, 'GET', '/api/persons/p-id10/faces', { token: supervisor });
    expect(templates.body.templates).toHaveLength(2);
    expect(JSON.stringify(templates.body)).not.toContain('descriptor');
    const audit = await rig.sfu.store.audit.query({ action: 'faces.enrol', limit: 10, orgUnitIds: null });
    expect(audit.entries).toHaveLength(2);
    // A deleted person's templates leave every worker's gallery at once.
    await rig.sfu.store.persons.create({ id: 'p-leaving', name: '离某某', caseNumber: 'SQJZ-2026-003', orgUnitId: root, supervisionStart: '2026-01-01', supervisionEnd: '2027-12-31', publicConsent: false }, SYSTEM_ACTOR);
    const leaving = await callApi(rig.sfu.url, 'POST', '/api/persons/p-leaving/faces', { token: supervisor, body: photoBody(sharedData('faces/deepface/deepface_Jack/img16.jpg')) });
    expect(leaving.body.enrolled).toHaveLength(1);
    expect(rig.sfu.analytics!.status().galleryTemplates).toBe(3);
    expect((await callApi(rig.sfu.url, 'DELETE', '/api/persons/p-leaving', { token: supervisor })).status).toBe(204);
    expect(rig.sfu.analytics!.status().galleryTemplates).toBe(2);
  }, 120_000);

  it('signs the enrolled person in exactly once at the sign-in camera and pushes it to the wall', async () => {
    const put = await callApi(rig.sfu.url, 'PUT', '/api/channels/signin-cam/analytics', { token: operator, body: { signIn: true, rules: [] } });
    expect(put.status).toBe(200);
    await waitUntil(() => signIns.length > 0, 90_000, 'a sign-in pushed to the wall');
    expect(signIns[0]).toMatchObject({ personId: 'p-id10', personName: '奥某某', channelId: 'signin-cam', siteOrgUnitId: root, hasSnapshot: true });
    expect(signIns[0]!.similarity).toBeGreaterThanOrEqual(0.62);
    // The video loops (and shows the person twice per loop): still one sign-in for the day.
    const analysedBefore = rig.sfu.analytics!.status().cameras.find((c) => c.channelId === 'signin-cam')!.framesAnalysed;
    await waitUntil(() => rig.sfu.analytics!.status().cameras.find((c) => c.channelId === 'signin-cam')!.framesAnalysed >= analysedBefore + 40, 90_000, '10 s more of analysed frames');
    const list = await callApi(rig.sfu.url, 'GET', '/api/sign-ins', { token: operator });
    expect(list.body.signIns).toHaveLength(1);
    expect(signIns).toHaveLength(1);
    const snapshot = await fetch(new URL(`/api/sign-ins/${signIns[0]!.id}/snapshot`, rig.sfu.url), { headers: { authorization: `Bearer ${operator}` } });
    expect(snapshot.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await snapshot.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const reads = await rig.sfu.store.audit.query({ action: 'snapshot.read', limit: 10, orgUnitIds: null });
    expect(reads.entries[0]).toMatchObject({ username: rig.operator.username, targetType: 'sign-in', targetId: String(signIns[0]!.id) });
    const matches = await rig.sfu.store.audit.query({ action: 'faces.match', limit: 10, orgUnitIds: null });
    expect(matches.entries).toHaveLength(1);
  }, 200_000);

  it('raises intrusion alerts for a zone across the path, stores them with a snapshot and takes an acknowledgement', async () => {
    const zone = [[0.0, 0.55], [1.0, 0.55], [1.0, 0.8], [0.0, 0.8]];
    const put = await callApi(rig.sfu.url, 'PUT', '/api/channels/path-cam/analytics', { token: operator, body: { signIn: false, rules: [{ id: 'path', kind: 'intrusion', name: '小路警戒区', zone, cooldownS: 5 }] } });
    expect(put.status).toBe(200);
    await waitUntil(() => alerts.length > 0, 120_000, 'an intrusion alert pushed to the wall');
    const alert = alerts[0]!;
    expect(alert).toMatchObject({ channelId: 'path-cam', ruleId: 'path', ruleKind: 'intrusion', ruleName: '小路警戒区', zone, hasSnapshot: true, acknowledgedAt: null });
    const open = await callApi(rig.sfu.url, 'GET', '/api/alerts?open=true', { token: operator });
    expect(open.body.alerts.map((a: BehaviourAlert) => a.id)).toContain(alert.id);
    const ack = await callApi(rig.sfu.url, 'POST', `/api/alerts/${alert.id}/ack`, { token: operator });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedBy).toBe(rig.operator.username);
    await waitUntil(() => acknowledged.includes(alert.id), 10_000, 'alertAcknowledged pushed');
    // A long cooldown, then the worker dies: the new one has forgotten the cooldown and reports
    // the next intrusion, which the SFU drops (it counts the stored alerts).
    await callApi(rig.sfu.url, 'PUT', '/api/channels/path-cam/analytics', { token: operator, body: { signIn: false, rules: [{ id: 'path', kind: 'intrusion', name: '小路警戒区', zone, cooldownS: 600 }] } });
    const worker = rig.sfu.analytics!.workers[0]!;
    const [pushed, pid] = [alerts.length, worker.pid];
    worker.kill('SIGKILL');
    await waitUntil(() => rig.sfu.analytics!.status().alertsSuppressed > 0, 120_000, 'an intrusion reported by the restarted worker within the cooldown');
    expect(worker.pid).not.toBe(pid);
    expect(alerts).toHaveLength(pushed);
    expect((await rig.sfu.store.alerts.list({ orgUnitIds: null, limit: 1000 })).filter((a) => a.at > alert.at)).toHaveLength(pushed - 1);
    // Rules off: the camera is no longer analysed.
    await callApi(rig.sfu.url, 'PUT', '/api/channels/path-cam/analytics', { token: operator, body: { signIn: false, rules: [] } });
    expect(rig.sfu.analytics!.status().cameras.map((c) => c.channelId)).not.toContain('path-cam');
  }, 200_000);

  it('restarts a killed worker; walls keep playing and nothing stored is lost', async () => {
    const before = rig.sfu.analytics!.status();
    const worker = rig.sfu.analytics!.workers[0]!;
    const pid = worker.pid;
    const storedSignIns = (await rig.sfu.store.signIns.list({ orgUnitIds: null, limit: 100 })).length;
    const storedAlerts = (await rig.sfu.store.alerts.list({ orgUnitIds: null, limit: 1000 })).length;
    const producers = ['signin-cam', 'path-cam'].map((id) => rig.sfu.cameras.get(id)!.summary.videoProducerId);
    worker.kill('SIGKILL');
    await waitUntil(() => worker.state === 'ready' && worker.pid !== pid, 60_000, 'the worker to restart');
    expect(worker.restarts).toBe(before.workers[0]!.restarts + 1);
    // The cameras never stopped: their producers, which the walls consume, are the same.
    expect(['signin-cam', 'path-cam'].map((id) => rig.sfu.cameras.get(id)!.summary.videoProducerId)).toEqual(producers);
    expect(rig.sfu.cameras.get('signin-cam')!.summary.state).toBe('live');
    // The restarted worker gets its gallery and camera back and analyses again.
    await waitUntil(() => (rig.sfu.analytics!.status().cameras.find((c) => c.channelId === 'signin-cam')?.framesAnalysed ?? 0) > 4, 60_000, 'analysis after the restart');
    expect(rig.sfu.analytics!.status().galleryTemplates).toBe(2);
    expect((await rig.sfu.store.signIns.list({ orgUnitIds: null, limit: 100 })).length).toBe(storedSignIns);
    expect((await rig.sfu.store.alerts.list({ orgUnitIds: null, limit: 1000 })).length).toBeGreaterThanOrEqual(storedAlerts);
    // A worker that hangs (stopped) misses its heartbeats and is killed and restarted too.
    const hungPid = worker.pid!;
    process.kill(hungPid, 'SIGSTOP');
    await waitUntil(() => worker.state === 'ready' && worker.pid !== hungPid, 60_000, 'the hung worker to be replaced');
    expect(worker.restarts).toBe(before.workers[0]!.restarts + 2);
    expect(() => process.kill(hungPid, 0)).toThrow();
    // Enrolment works again through the new process.
    const answer = await callApi(rig.sfu.url, 'POST', '/api/persons/p-id10/faces', { token: supervisor, body: photoBody(ID10('img32.jpg')) });
    expect(answer.body.enrolled).toHaveLength(1);
  }, 180_000);

  it('keeps personal data to the person\'s area and to the roles allowed', async () => {
    const rootUnit = (await rig.sfu.store.orgUnits.get(root))!;
    const city = await rig.sfu.store.orgUnits.create({ id: rootUnit.id.length === 6 ? '990100' : '990100000', parentId: root, level: 'city', name: '别处市' }, SYSTEM_ACTOR);
    await rig.sfu.catalog.refresh();
    await createTestUser(rig.sfu, 'ana-county-supervisor', ['supervisor'], city.id);
    const outsider = (await login(rig.sfu.url, 'ana-county-supervisor')).token;
    expect((await callApi(rig.sfu.url, 'GET', '/api/persons/p-id10/faces', { token: outsider })).status).toBe(404);
    expect((await callApi(rig.sfu.url, 'GET', '/api/sign-ins', { token: outsider })).body.signIns).toEqual([]);
    expect((await callApi(rig.sfu.url, 'GET', `/api/sign-ins/${signIns[0]!.id}/snapshot`, { token: outsider })).status).toBe(404);
    await createTestUser(rig.sfu, 'ana-presenter', ['presenter']);
    const presenter = (await login(rig.sfu.url, 'ana-presenter')).token;
    expect((await callApi(rig.sfu.url, 'GET', '/api/sign-ins', { token: presenter })).status).toBe(403);
    expect((await callApi(rig.sfu.url, 'POST', '/api/persons/p-id10/faces', { token: operator, body: photoBody(ID10('img32.jpg')) })).status).toBe(403);
  });

  it('purges unknown faces and snapshots past their retention, keeping the records', async () => {
    await rig.sfu.store.captures.recordUnknownFace('signin-cam', Date.now() - 48 * 3600_000, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    const unknownBefore = await rig.sfu.store.captures.unknownFaceCount();
    await rig.sfu.analytics!.purge(Date.now() + 91 * 86_400_000);
    expect(await rig.sfu.store.captures.unknownFaceCount()).toBeLessThan(unknownBefore);
    const records = await rig.sfu.store.signIns.list({ orgUnitIds: null, limit: 100 });
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((record) => !record.hasSnapshot)).toBe(true);
    const purged = await rig.sfu.store.audit.query({ action: 'retention.purge', limit: 10, orgUnitIds: null });
    expect(purged.entries.length).toBeGreaterThan(0);
  });
});
