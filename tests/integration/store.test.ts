import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@argus/shared';
import { ConflictError, LATEST_SCHEMA_VERSION, NotFoundError, openSqliteStore, StoreError, SYSTEM_ACTOR, type Actor, type Store } from '@argus/sfu';

/**
 * The SQLite store against real database files: migrations (fresh, from the previous version,
 * refusing a newer file, atomic), the append-only audit log and live views enforced by the
 * schema itself, audited admin changes, secrets kept out of reads and audit rows, conflicts,
 * live-view recovery and audit queries.
 */

const ALICE: Actor = { userId: 'user-alice', username: 'alice', address: '10.0.0.7' };
const BOB: Actor = { userId: 'user-bob', username: 'bob', address: '10.0.0.8' };
const SECRET = 'Pa55-w0rd-never-in-audit';

let dir: string;
let counter = 0;
const opened: Store[] = [];
const raws: BetterSqlite3.Database[] = [];

/** A fresh database path in the temporary folder. */
const newFile = () => path.join(dir, `store-${++counter}.db`);
function open(file: string, options?: { schemaVersion?: number }): Store {
  const store = openSqliteStore(file, options);
  opened.push(store);
  return store;
}
/** A second, raw connection to the same file (as an attacker or a DBA with sqlite3 would have). */
function raw(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  raws.push(db);
  return db;
}

/** Every audit row, newest first. */
const allAudit = async (store: Store): Promise<AuditEntry[]> => (await store.audit.query({ limit: 100_000, orgUnitIds: null })).entries;

/** A minimal tree: province P, city C under it, counties K1 and K2 under C, township T under K1. */
async function seedTree(store: Store, by: Actor = SYSTEM_ACTOR): Promise<void> {
  await store.orgUnits.create({ id: '990000', parentId: null, level: 'province', name: '青岚省' }, by);
  await store.orgUnits.create({ id: '990100', parentId: '990000', level: 'city', name: '岚川市' }, by);
  await store.orgUnits.create({ id: '990101', parentId: '990100', level: 'county', name: '澄溪区' }, by);
  await store.orgUnits.create({ id: '990102', parentId: '990100', level: 'county', name: '蘅泉县' }, by);
  await store.orgUnits.create({ id: '990101001', parentId: '990101', level: 'township', name: '文昌街道司法所' }, by);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'argus-store-test-'));
});

afterEach(async () => {
  for (const db of raws.splice(0)) if (db.open) db.close();
  for (const store of opened.splice(0)) await store.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('bring an empty file to the latest schema with WAL journaling, and foreign keys enforced', async () => {
    const file = newFile();
    const store = open(file);
    expect(LATEST_SCHEMA_VERSION).toBe(6);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    // Hashes, RTSP credentials and personal data: readable by the owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const db = raw(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['org_units', 'command_centres', 'devices', 'channels', 'users', 'user_roles', 'sessions', 'audit_log', 'settings', 'supervised_persons', 'live_views']));

    // Foreign keys are a per-connection setting, so they are checked through what only they do:
    // the cascades of the store's own connection.
    await seedTree(store);
    const user = await store.users.create({ username: 'carol', displayName: 'Carol', orgUnitId: '990101', roles: ['operator', 'auditor'], passwordHash: 'h' }, ALICE);
    await store.sessions.create({ id: 'sess-1', userId: user.id, createdAt: 1, expiresAt: Date.now() + 60_000, address: null });
    await store.devices.create({ id: 'dev-1', orgUnitId: '990101', kind: 'venue-camera', name: 'cam' }, ALICE);
    await store.channels.create({ id: 'ch-1', deviceId: 'dev-1', name: 'cam 1', source: { type: 'webrtc' } }, ALICE);

    await store.users.delete(user.id, ALICE);
    expect(await store.sessions.get('sess-1')).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM user_roles WHERE user_id = ?').get(user.id)).toEqual({ n: 0 });
    await store.devices.delete('dev-1', ALICE);
    expect(await store.channels.get('ch-1')).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM channels').get()).toEqual({ n: 0 });
  });

  it('upgrade a file of the previous schema version and keep every row', async () => {
    const file = newFile();
    const previous = LATEST_SCHEMA_VERSION - 1;
    const old = open(file, { schemaVersion: previous });
    expect(old.schemaVersion).toBe(previous);
    await seedTree(old, ALICE);
    // Users as the previous build wrote them (today's repository writes columns that version lacks).
    const oldDb = raw(file);
    const insertUser = (id: string, username: string, displayName: string, orgUnitId: string, roles: string[], hash: string) => {
      oldDb.prepare('INSERT INTO users (id, username, display_name, org_unit_id, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, 0, 1)').run(id, username, displayName, orgUnitId, hash);
      for (const role of roles) oldDb.prepare('INSERT INTO user_roles (user_id, role) VALUES (?, ?)').run(id, role);
      return { id };
    };
    const carol = insertUser('u-carol', 'carol', '卡罗尔', '990101', ['operator'], 'hash-carol');
    const dave = insertUser('u-dave', 'dave', 'Dave', '990000', ['admin', 'auditor'], 'hash-dave');
    // The previous version has no analytics tables yet.
    expect((oldDb.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN ('channel_analytics', 'face_templates', 'sign_ins', 'alerts', 'unknown_faces')`).get() as { n: number }).n).toBe(0);
    // Devices written with the previous build's columns.
    const insertDevice = oldDb.prepare('INSERT INTO devices (id, org_unit_id, kind, name, gb_device_id, manufacturer, model, created_at, sip_password) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)');
    insertDevice.run('dev-1', '990101', 'venue-camera', '1号摄像机', null, 'Argus', 'X1', null);
    insertDevice.run('dev-gb', '990102', 'gb28181', 'NVR', '99010200001320000001', null, null, 'gb-secret');
    await old.channels.create({ id: 'ch-rtsp', deviceId: 'dev-1', name: '大厅', source: { type: 'rtsp', url: 'rtsp://10.1.1.1/h264', username: 'viewer', password: SECRET }, ptz: true }, ALICE);
    await old.channels.create({ id: 'ch-gb', deviceId: 'dev-gb', name: '通道1', source: { type: 'gb28181', gbChannelId: '99010200001310000001' } }, ALICE);
    await old.centres.create({ id: 'centre-990000', orgUnitId: '990000', name: '省指挥中心' }, ALICE);
    await old.audit.append({ at: 1000, userId: carol.id, username: 'carol', action: 'auth.login', targetType: 'session', targetId: 's', orgUnitId: '990101', address: '10.0.0.9', detail: { expiresAt: 5 } });
    await old.server.setSetting('auth.tokenSecret', 'kept-secret');
    const before = {
      orgUnits: await old.orgUnits.list(),
      users: (oldDb.prepare('SELECT id, username, display_name, org_unit_id, password_hash FROM users ORDER BY id').all()),
      devices: oldDb.prepare('SELECT id, org_unit_id, kind, name, gb_device_id, manufacturer, model, created_at FROM devices ORDER BY org_unit_id, id').all() as Array<Record<string, unknown>>,
      channels: await old.channels.list(),
      centres: await old.centres.list(),
      audit: await allAudit(old),
      secret: await old.channels.rtspSecret('ch-rtsp'),
    };
    expect(before.orgUnits).toHaveLength(5);
    expect(before.audit.length).toBeGreaterThanOrEqual(9);
    await old.close();
    for (const db of raws.splice(0)) db.close();

    const store = open(file);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(raw(file).pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(await store.orgUnits.list()).toEqual(before.orgUnits);
    expect(raw(file).prepare('SELECT id, username, display_name, org_unit_id, password_hash FROM users ORDER BY id').all()).toEqual(before.users);
    // Users who existed before the column keep their passwords without a forced change.
    expect((await store.users.list()).map((u) => u.mustChangePassword)).toEqual([false, false]);
    expect(await store.devices.list()).toEqual(
      before.devices.map((d) => ({ id: d.id, orgUnitId: d.org_unit_id, kind: d.kind, name: d.name, gbDeviceId: d.gb_device_id, manufacturer: d.manufacturer, model: d.model, createdAt: d.created_at, hasSipPassword: d.id === 'dev-gb', online: false, lastSeenAt: null, gbStreamMode: null })),
    );
    expect(await store.devices.sipSecret('dev-gb')).toBe('gb-secret');
    expect(await store.channels.list()).toEqual(before.channels);
    expect(await store.centres.list()).toEqual(before.centres);
    expect(await allAudit(store)).toEqual(before.audit);
    expect(await store.channels.rtspSecret('ch-rtsp')).toEqual({ url: 'rtsp://10.1.1.1/h264', username: 'viewer', password: SECRET });
    expect((await store.users.findForLogin('CAROL'))?.passwordHash).toBe('hash-carol');
    expect((await store.users.get(dave.id))?.roles).toEqual(['admin', 'auditor']);
    expect(await store.server.getSetting('auth.tokenSecret')).toBe('kept-secret');

    // The tables work against the rows written by the previous version.
    const person = { id: 'p-1', name: '王伟', caseNumber: '(2025)岚矫字第0001号', orgUnitId: '990101', supervisionStart: '2025-01-01', supervisionEnd: '2026-01-01', publicConsent: false };
    await store.persons.create(person, ALICE);
    expect(await store.persons.list()).toEqual([person]);
    const viewId = await store.views.start({ userId: carol.id, username: 'carol', channelId: 'ch-rtsp', orgUnitId: '990101', address: null, at: 5000 });
    await store.views.end(viewId, 6000, 'closed');
    expect(await store.views.get(viewId)).toMatchObject({ startedAt: 5000, endedAt: 6000, endReason: 'closed' });
    // An org unit delete now also counts persons.
    await expect(store.orgUnits.delete('990101001', ALICE)).resolves.toBeUndefined();
    await expect(store.orgUnits.delete('990101', ALICE)).rejects.toThrow(/person/);
    // The analytics tables came with the upgrade and work with the old rows.
    const rules = { signIn: true, rules: [] };
    expect(await store.channelAnalytics.set('ch-rtsp', rules, ALICE)).toMatchObject({ channelId: 'ch-rtsp', signIn: true, rules: [] });
    const [template] = await store.faceTemplates.add([{ personId: 'p-1', descriptor: new Float32Array(1024).fill(1 / 32), photo: null, faceWidthPx: 120, score: 0.9 }], ALICE);
    expect((await store.faceTemplates.allDescriptors())[0]).toMatchObject({ templateId: template!.id, personId: 'p-1' });
    const signIn = { personId: 'p-1', siteOrgUnitId: '990101', channelId: 'ch-rtsp', channelName: '大厅', day: '2026-11-29', at: 7000, similarity: 0.7, live: 0.9, real: 0.6, snapshot: null };
    expect(await store.signIns.record(signIn)).toMatchObject({ personName: '王伟', orgUnitId: '990101' });
    // One a day per site: the second is a duplicate.
    expect(await store.signIns.record({ ...signIn, at: 8000 })).toBeNull();
  });

  it('refuse a file whose schema is newer than this build, and leave it alone', async () => {
    const file = newFile();
    const store = open(file);
    await seedTree(store);
    await store.close();
    const db = raw(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();

    let error: unknown;
    try {
      open(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/newer/);
    const check = raw(file);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(check.prepare('SELECT count(*) AS n FROM org_units').get()).toEqual({ n: 5 });
  });

  it('roll a failed migration back whole, leaving the previous version intact', async () => {
    const file = newFile();
    const old = open(file, { schemaVersion: 1 });
    await seedTree(old);
    await old.close();
    // Something in the way of migration 2's second table: the first table of migration 2 must not survive either.
    const db = raw(file);
    db.exec('CREATE TABLE live_views (x INTEGER)');
    db.close();

    expect(() => open(file)).toThrow(StoreError);
    const check = raw(file);
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(check.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'supervised_persons'`).get()).toEqual({ n: 0 });
    expect(check.prepare('SELECT count(*) AS n FROM org_units').get()).toEqual({ n: 5 });
  });
});

describe('append-only tables', () => {
  it('refuse UPDATE and DELETE of audit rows, even over a raw connection', async () => {
    const file = newFile();
    const store = open(file);
    await seedTree(store, ALICE);
    const id = await store.audit.append({ at: 1, userId: null, username: 'x', action: 'auth.login-failed', outcome: 'failed', detail: { reason: 'wrong-password' } });
    const db = raw(file);
    const count = () => (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    const rows = count();
    expect(() => db.prepare(`UPDATE audit_log SET outcome = 'ok' WHERE id = ?`).run(id)).toThrow(/append-only/);
    expect(() => db.prepare(`UPDATE audit_log SET username = 'someone-else'`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = ?').run(id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(count()).toBe(rows);
    expect((await store.audit.query({ limit: 1, targetType: undefined, orgUnitIds: null })).entries[0]).toMatchObject({ id, outcome: 'failed', username: 'x' });
  });

  it('let a live view be closed once and never re-opened, changed or deleted', async () => {
    const file = newFile();
    const store = open(file);
    const closed = await store.views.start({ userId: 'u', username: 'op', channelId: 'ch', orgUnitId: '990000', address: null, at: 100 });
    const open1 = await store.views.start({ userId: 'u', username: 'op', channelId: 'ch', orgUnitId: '990000', address: null, at: 200 });
    await store.views.end(closed, 150, 'closed');
    const db = raw(file);

    expect(() => db.prepare('UPDATE live_views SET ended_at = NULL, end_reason = NULL WHERE id = ?').run(closed)).toThrow(/closed once/);
    expect(() => db.prepare('UPDATE live_views SET ended_at = 999 WHERE id = ?').run(closed)).toThrow(/closed once/);
    expect(() => db.prepare(`UPDATE live_views SET end_reason = 'tampered' WHERE id = ?`).run(closed)).toThrow(/closed once/);
    expect(() => db.prepare(`UPDATE live_views SET channel_id = 'other' WHERE id = ?`).run(closed)).toThrow(/closed once/);
    expect(() => db.prepare('DELETE FROM live_views WHERE id = ?').run(closed)).toThrow(/never deleted/);
    // An open view: changing it without closing it, or changing who watched while closing, is refused ...
    expect(() => db.prepare(`UPDATE live_views SET channel_id = 'other' WHERE id = ?`).run(open1)).toThrow(/closed once/);
    expect(() => db.prepare(`UPDATE live_views SET ended_at = 300, user_id = 'someone-else' WHERE id = ?`).run(open1)).toThrow(/closed once/);
    expect(() => db.prepare(`UPDATE live_views SET ended_at = 300, started_at = 250 WHERE id = ?`).run(open1)).toThrow(/closed once/);
    expect(() => db.prepare('DELETE FROM live_views WHERE id = ?').run(open1)).toThrow(/never deleted/);
    // ... closing it is allowed once, and an end before the start is refused by the CHECK.
    expect(() => db.prepare(`UPDATE live_views SET ended_at = 199, end_reason = 'x' WHERE id = ?`).run(open1)).toThrow(/CHECK/);
    expect(db.prepare(`UPDATE live_views SET ended_at = 300, end_reason = 'closed' WHERE id = ?`).run(open1).changes).toBe(1);
    expect(() => db.prepare('UPDATE live_views SET ended_at = 400 WHERE id = ?').run(open1)).toThrow(/closed once/);

    expect(await store.views.get(closed)).toMatchObject({ startedAt: 100, endedAt: 150, endReason: 'closed' });
    expect(await store.views.get(open1)).toMatchObject({ startedAt: 200, endedAt: 300, endReason: 'closed' });
  });
});

describe('audited admin changes', () => {
  let store: Store;
  let file: string;

  beforeAll(() => {
    file = newFile();
  });

  /** The audit rows of one target, oldest first. */
  const rowsOf = async (targetType: string, targetId: string) => (await store.audit.query({ targetType, targetId, limit: 100, orgUnitIds: null })).entries.reverse();
  const expectActor = (entry: AuditEntry | undefined, by: Actor) => expect(entry).toMatchObject({ userId: by.userId, username: by.username, address: by.address, outcome: 'ok' });

  it('write one audit row with the actor for each create, update and delete', async () => {
    store = open(file);
    await seedTree(store);

    // Org units.
    await store.orgUnits.create({ id: '990101002', parentId: '990101', level: 'township', name: '西岭镇司法所' }, ALICE);
    await store.orgUnits.rename('990101002', '东岭镇司法所', BOB);
    await store.orgUnits.delete('990101002', ALICE);
    const unitRows = await rowsOf('org-unit', '990101002');
    expect(unitRows.map((r) => r.action)).toEqual(['admin.create', 'admin.update', 'admin.delete']);
    expectActor(unitRows[0], ALICE);
    expect(unitRows[0]).toMatchObject({ orgUnitId: '990101002', detail: { parentId: '990101', level: 'township', name: '西岭镇司法所' } });
    expectActor(unitRows[1], BOB);
    expect(unitRows[1]!.detail).toEqual({ name: { from: '西岭镇司法所', to: '东岭镇司法所' } });
    expectActor(unitRows[2], ALICE);
    expect(await store.orgUnits.get('990101002')).toBeNull();

    // Devices.
    const device = await store.devices.create({ id: 'dev-a', orgUnitId: '990101', kind: 'venue-camera', name: '大厅摄像机', manufacturer: 'Hik' }, ALICE);
    expect(device).toMatchObject({ id: 'dev-a', orgUnitId: '990101', gbDeviceId: null, manufacturer: 'Hik', model: null });
    expect(await store.devices.get('dev-a')).toEqual(device);
    const moved = await store.devices.update('dev-a', { orgUnitId: '990102', model: 'DS-2' }, BOB);
    expect(moved).toMatchObject({ orgUnitId: '990102', model: 'DS-2', name: '大厅摄像机', manufacturer: 'Hik' });
    expect(await store.devices.get('dev-a')).toEqual(moved);
    const deviceRows = await rowsOf('device', 'dev-a');
    expect(deviceRows.map((r) => r.action)).toEqual(['admin.create', 'admin.update']);
    expectActor(deviceRows[0], ALICE);
    expect(deviceRows[0]).toMatchObject({ orgUnitId: '990101', detail: { id: 'dev-a', name: '大厅摄像机', kind: 'venue-camera' } });
    expectActor(deviceRows[1], BOB);
    expect(deviceRows[1]).toMatchObject({ orgUnitId: '990102', detail: { orgUnitId: '990102', model: 'DS-2' } });

    // Channels, with an RTSP password.
    const created = await store.channels.create({ id: 'ch-a', deviceId: 'dev-a', name: '大厅', source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/main', username: 'viewer', password: SECRET } }, ALICE);
    expect(created).toEqual({ id: 'ch-a', deviceId: 'dev-a', orgUnitId: '990102', name: '大厅', source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/main', username: 'viewer', hasPassword: true }, ptz: false, enabled: true });
    expect(await store.channels.get('ch-a')).toEqual(created);
    expect(await store.channels.rtspSecret('ch-a')).toEqual({ url: 'rtsp://10.2.3.4:554/main', username: 'viewer', password: SECRET });

    // An update without a password keeps it ...
    const renamed = await store.channels.update('ch-a', { name: '大厅东', source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/sub', username: 'viewer' } }, BOB);
    expect(renamed.source).toEqual({ type: 'rtsp', url: 'rtsp://10.2.3.4:554/sub', username: 'viewer', hasPassword: true });
    expect((await store.channels.rtspSecret('ch-a'))?.password).toBe(SECRET);
    // ... and so does one that does not touch the source at all.
    await store.channels.update('ch-a', { ptz: true, enabled: false }, BOB);
    expect(await store.channels.get('ch-a')).toMatchObject({ ptz: true, enabled: false, source: { hasPassword: true } });
    expect((await store.channels.rtspSecret('ch-a'))?.password).toBe(SECRET);
    // A new password replaces it; null clears it.
    await store.channels.update('ch-a', { source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/sub', username: 'viewer', password: `${SECRET}-2` } }, BOB);
    expect((await store.channels.rtspSecret('ch-a'))?.password).toBe(`${SECRET}-2`);
    const cleared = await store.channels.update('ch-a', { source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/sub', username: 'viewer', password: null } }, ALICE);
    expect(cleared.source).toMatchObject({ hasPassword: false });
    expect(await store.channels.rtspSecret('ch-a')).toEqual({ url: 'rtsp://10.2.3.4:554/sub', username: 'viewer', password: null });
    expect((await store.channels.list()).find((c) => c.id === 'ch-a')!.source).toMatchObject({ hasPassword: false });
    // Switching to another kind of source drops the RTSP credentials.
    await store.channels.update('ch-a', { source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/sub', password: SECRET } }, ALICE);
    await store.channels.update('ch-a', { source: { type: 'webrtc' } }, ALICE);
    expect(await store.channels.rtspSecret('ch-a')).toBeNull();
    expect(raw(file).prepare('SELECT rtsp_password, rtsp_username, rtsp_url FROM channels WHERE id = ?').get('ch-a')).toEqual({ rtsp_password: null, rtsp_username: null, rtsp_url: null });

    const channelRows = await rowsOf('channel', 'ch-a');
    expect(channelRows.map((r) => r.action)).toEqual(['admin.create', 'admin.update', 'admin.update', 'admin.update', 'admin.update', 'admin.update', 'admin.update']);
    expectActor(channelRows[0], ALICE);
    expect(channelRows[0]).toMatchObject({ orgUnitId: '990102', detail: { deviceId: 'dev-a', source: { type: 'rtsp', hasPassword: true } } });
    expectActor(channelRows[1], BOB);
    expect(channelRows[1]!.detail).toMatchObject({ name: '大厅东', source: { url: 'rtsp://10.2.3.4:554/sub', hasPassword: true } });
    expect(channelRows[2]!.detail).toEqual({ ptz: true, enabled: false });

    // Deleting the channel, then the device.
    await store.channels.create({ id: 'ch-b', deviceId: 'dev-a', orgUnitId: '990102', name: '走廊', source: { type: 'rtsp', url: 'rtsp://10.2.3.4/b', password: SECRET } }, ALICE);
    await store.channels.delete('ch-a', BOB);
    expect(await store.channels.get('ch-a')).toBeNull();
    expect((await rowsOf('channel', 'ch-a')).at(-1)).toMatchObject({ action: 'admin.delete', userId: BOB.userId, orgUnitId: '990102', detail: { deviceId: 'dev-a' } });
    await store.devices.delete('dev-a', ALICE);
    expect(await store.devices.get('dev-a')).toBeNull();
    expect(await store.channels.get('ch-b')).toBeNull();
    expect((await rowsOf('device', 'dev-a')).at(-1)).toMatchObject({ action: 'admin.delete', userId: ALICE.userId, orgUnitId: '990102', detail: { channels: ['ch-b'] } });

    // Users: the password hash never goes into the audit row.
    const user = await store.users.create({ username: 'Erin', displayName: '艾琳', orgUnitId: '990101', roles: ['operator', 'operator', 'presenter'], passwordHash: 'argon-hash-1' }, ALICE);
    expect(user).toMatchObject({ username: 'Erin', roles: ['operator', 'presenter'], disabled: false, lastLoginAt: null });
    const updated = await store.users.update(user.id, { roles: ['auditor'], disabled: true, passwordHash: 'argon-hash-2', displayName: '艾琳二' }, BOB);
    expect(updated).toMatchObject({ roles: ['auditor'], disabled: true, displayName: '艾琳二' });
    expect((await store.users.findForLogin('erin'))?.passwordHash).toBe('argon-hash-2');
    await store.users.delete(user.id, ALICE);
    expect(await store.users.get(user.id)).toBeNull();
    expect(await store.users.findForLogin('Erin')).toBeNull();
    const userRows = await rowsOf('user', user.id);
    expect(userRows.map((r) => r.action)).toEqual(['admin.create', 'admin.update', 'admin.delete']);
    expectActor(userRows[0], ALICE);
    expect(userRows[0]).toMatchObject({ orgUnitId: '990101', detail: { username: 'Erin', roles: ['operator', 'presenter'] } });
    expectActor(userRows[1], BOB);
    expect(userRows[1]!.detail).toMatchObject({ username: 'Erin', roles: ['auditor'], disabled: true, passwordChanged: true });
    expect(userRows[2]).toMatchObject({ userId: ALICE.userId, detail: { username: 'Erin' } });

    // Centres and persons too.
    await store.centres.create({ id: 'centre-x', orgUnitId: '990100', name: '市指挥中心' }, ALICE);
    await store.centres.update('centre-x', { name: '市指挥中心（新）' }, BOB);
    await store.centres.delete('centre-x', ALICE);
    expect((await rowsOf('centre', 'centre-x')).map((r) => [r.action, r.username])).toEqual([['admin.create', 'alice'], ['admin.update', 'bob'], ['admin.delete', 'alice']]);
    const person = { id: 'p-9', name: '李明', caseNumber: '(2025)岚矫字第0009号', orgUnitId: '990101', supervisionStart: '2025-03-01', supervisionEnd: '2026-03-01', publicConsent: false };
    await store.persons.create(person, ALICE);
    await store.persons.update('p-9', { publicConsent: true }, BOB);
    await store.persons.delete('p-9', ALICE);
    const personRows = await rowsOf('person', 'p-9');
    expect(personRows.map((r) => r.action)).toEqual(['admin.create', 'admin.update', 'admin.delete']);
    expect(personRows[1]!.detail).toEqual({ fields: ['publicConsent'] });

    // A channel with a password that stays, for the next test.
    await store.devices.create({ id: 'dev-k', orgUnitId: '990101', kind: 'venue-camera', name: 'k' }, ALICE);
    await store.channels.create({ id: 'ch-k', deviceId: 'dev-k', name: 'k', source: { type: 'rtsp', url: 'rtsp://10.2.3.5/k', username: 'u', password: SECRET } }, ALICE);
    await store.channels.update('ch-k', { name: 'k2', source: { type: 'rtsp', url: 'rtsp://10.2.3.5/k2', username: 'u', password: SECRET } }, BOB);
  });

  it('never let an RTSP password or a password hash into any audit row', async () => {
    store = open(file); // reopened: what the previous test wrote is on disk
    const db = raw(file);
    const dump = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    expect(dump).toContain('rtsp://10.2.3.4');
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain('argon-hash');
    // Nor in what the store gives readers of channels.
    const channel = await store.channels.get('ch-k');
    expect(channel?.source).toEqual({ type: 'rtsp', url: 'rtsp://10.2.3.5/k2', username: 'u', hasPassword: true });
    const readable = JSON.stringify([await store.channels.list(), channel]);
    expect(readable).toContain('ch-k');
    expect(readable).not.toContain(SECRET);
    expect((await store.channels.rtspSecret('ch-k'))?.password).toBe(SECRET);
    expect(JSON.stringify(await store.users.list())).not.toContain('argon-hash');
  });
});

describe('conflicts', () => {
  it('refuse duplicates, blocked deletes, unknown parents and wrong levels, writing no audit row', async () => {
    const store = open(newFile());
    await seedTree(store);
    await store.devices.create({ id: 'dev-1', orgUnitId: '990102', kind: 'gb28181', name: 'NVR', gbDeviceId: '99010200001320000001' }, ALICE);
    await store.channels.create({ id: 'ch-1', deviceId: 'dev-1', name: 'c', source: { type: 'webrtc' } }, ALICE);
    await store.users.create({ username: 'Frank', displayName: 'F', orgUnitId: '990101001', roles: ['operator'], passwordHash: 'h' }, ALICE);
    await store.centres.create({ id: 'centre-1', orgUnitId: '990100', name: 'c' }, ALICE);
    const rowsBefore = (await allAudit(store)).length;

    // Duplicate ids and usernames.
    await expect(store.orgUnits.create({ id: '990102', parentId: '990100', level: 'county', name: 'again' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.orgUnits.create({ id: '980000', parentId: null, level: 'province', name: 'a second province' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.devices.create({ id: 'dev-1', orgUnitId: '990101', kind: 'venue-camera', name: 'again' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.devices.create({ id: 'dev-2', orgUnitId: '990101', kind: 'gb28181', name: 'same GB id', gbDeviceId: '99010200001320000001' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.channels.create({ id: 'ch-1', deviceId: 'dev-1', name: 'again', source: { type: 'webrtc' } }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.centres.create({ id: 'centre-1', orgUnitId: '990000', name: 'again' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    for (const username of ['Frank', 'frank', 'FRANK']) {
      await expect(store.users.create({ username, displayName: 'x', orgUnitId: '990000', roles: ['operator'], passwordHash: 'h' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    }
    const person = { id: 'p-1', name: 'n', caseNumber: 'case-1', orgUnitId: '990101', supervisionStart: '2025-01-01', supervisionEnd: '2025-06-01', publicConsent: false };
    await store.persons.create(person, ALICE);
    await expect(store.persons.create({ ...person, id: 'p-2' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.persons.create({ ...person, id: 'p-3', caseNumber: 'case-3', supervisionEnd: '2024-01-01' }, ALICE)).rejects.toBeInstanceOf(ConflictError);

    // Deletes blocked by what refers to the unit, naming it.
    const blocked = async (id: string, pattern: RegExp) => {
      const error = await store.orgUnits.delete(id, ALICE).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(pattern);
    };
    await blocked('990000', /1 children/);
    await blocked('990100', /2 children.*1 centres/);
    await blocked('990102', /1 devices.*1 channels/);
    await blocked('990101001', /1 users/);
    await blocked('990101', /1 children.*1 persons/);
    await expect(store.orgUnits.delete('990199', ALICE)).rejects.toBeInstanceOf(NotFoundError);

    // Unknown parents and references.
    await expect(store.orgUnits.create({ id: '990199', parentId: '990198', level: 'county', name: 'x' }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.devices.create({ id: 'dev-x', orgUnitId: '990199', kind: 'venue-camera', name: 'x' }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.channels.create({ id: 'ch-x', deviceId: 'dev-x', name: 'x', source: { type: 'webrtc' } }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.users.create({ username: 'gina', displayName: 'x', orgUnitId: '990199', roles: ['operator'], passwordHash: 'h' }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.users.update('nobody', { displayName: 'x' }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.devices.update('dev-1', { orgUnitId: '990199' }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.channels.update('ch-1', { orgUnitId: '990199' }, ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.orgUnits.rename('990199', 'x', ALICE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.channels.delete('nope', ALICE)).rejects.toBeInstanceOf(NotFoundError);

    // Wrong levels.
    await expect(store.orgUnits.create({ id: '990103', parentId: '990100', level: 'township', name: 'x' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.orgUnits.create({ id: '990200', parentId: '990000', level: 'county', name: 'x' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.orgUnits.create({ id: '990101009', parentId: '990101001', level: 'township', name: 'x' }, ALICE)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.orgUnits.create({ id: '990300', parentId: null, level: 'city', name: 'x' }, ALICE)).rejects.toBeInstanceOf(ConflictError);

    // Nothing refused left an audit row (only the person created above did).
    const rows = await allAudit(store);
    expect(rows.length).toBe(rowsBefore + 1);
    expect(rows[0]).toMatchObject({ action: 'admin.create', targetType: 'person', targetId: 'p-1' });
    expect((await store.orgUnits.list()).map((u) => u.id)).toEqual(['990000', '990100', '990101', '990102', '990101001']);
  });
});

describe('RTSP credentials', () => {
  it('keep a stored password only while the URL names the same server', async () => {
    const store = open(newFile());
    await seedTree(store);
    await store.devices.create({ id: 'dev-r', orgUnitId: '990101', kind: 'venue-camera', name: '门口' }, SYSTEM_ACTOR);
    await store.channels.create({ id: 'ch-r', deviceId: 'dev-r', name: '门口', source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/main', username: 'viewer', password: 'secret-1' } }, SYSTEM_ACTOR);
    await store.channels.update('ch-r', { source: { type: 'rtsp', url: 'rtsp://10.2.3.4:554/sub', username: 'viewer' } }, SYSTEM_ACTOR);
    expect((await store.channels.rtspSecret('ch-r'))?.password).toBe('secret-1');
    expect([...(await store.channels.rtspSecrets())]).toEqual([['ch-r', { url: 'rtsp://10.2.3.4:554/sub', username: 'viewer', password: 'secret-1' }]]);
    // Another host (or port) is another server: the password is not sent there unless given again.
    const elsewhere = await store.channels.update('ch-r', { source: { type: 'rtsp', url: 'rtsp://10.9.9.9:554/sub', username: 'viewer' } }, SYSTEM_ACTOR);
    expect(elsewhere.source).toMatchObject({ hasPassword: false });
    expect((await store.channels.rtspSecret('ch-r'))?.password).toBeNull();
    await store.channels.update('ch-r', { source: { type: 'rtsp', url: 'rtsp://10.9.9.9:554/sub', password: 'secret-2' } }, SYSTEM_ACTOR);
    await store.channels.update('ch-r', { source: { type: 'rtsp', url: 'rtsp://10.9.9.9:8554/sub' } }, SYSTEM_ACTOR);
    expect((await store.channels.rtspSecret('ch-r'))?.password).toBeNull();
  });
});

describe('live views', () => {
  it('audit start and stop with the duration, and close views left open by a crash at the crash time', async () => {
    const store = open(newFile());
    const base = { userId: 'u-op', username: 'op', orgUnitId: '990101', address: '10.9.9.9' };
    const a = await store.views.start({ ...base, channelId: 'ch-a', at: 10_000 });
    const b = await store.views.start({ ...base, channelId: 'ch-b', at: 12_000 });
    const c = await store.views.start({ ...base, channelId: 'ch-c', at: 30_000 });
    expect((await store.views.open()).map((v) => v.id)).toEqual([a, b, c]);

    await store.views.end(a, 14_500, 'closed');
    await store.views.end(a, 99_000, 'disconnected'); // a no-op: closed once
    expect(await store.views.get(a)).toEqual({ id: a, userId: 'u-op', channelId: 'ch-a', startedAt: 10_000, endedAt: 14_500, endReason: 'closed' });

    const viewRows = (await store.audit.query({ targetType: 'channel', limit: 100, orgUnitIds: null })).entries.reverse();
    expect(viewRows.map((r) => [r.action, r.targetId])).toEqual([
      ['view.start', 'ch-a'],
      ['view.start', 'ch-b'],
      ['view.start', 'ch-c'],
      ['view.stop', 'ch-a'],
    ]);
    expect(viewRows[0]).toMatchObject({ at: 10_000, userId: 'u-op', username: 'op', orgUnitId: '990101', address: '10.9.9.9', detail: { viewId: a } });
    expect(viewRows[3]).toMatchObject({ at: 14_500, detail: { viewId: a, startedAt: 10_000, durationMs: 4500, reason: 'closed' } });

    // A crash whose last heartbeat was at 20 s: b closes then, c (started "after" it) at its own start.
    const orphans = await store.views.closeOrphans(20_000);
    expect(orphans).toEqual([
      { id: b, userId: 'u-op', channelId: 'ch-b', startedAt: 12_000, endedAt: 20_000, endReason: 'server-restart' },
      { id: c, userId: 'u-op', channelId: 'ch-c', startedAt: 30_000, endedAt: 30_000, endReason: 'server-restart' },
    ]);
    expect(await store.views.open()).toEqual([]);
    expect(await store.views.get(b)).toMatchObject({ endedAt: 20_000, endReason: 'server-restart' });
    const stops = (await store.audit.query({ action: 'view.stop', limit: 100, orgUnitIds: null })).entries.reverse();
    expect(stops.map((s) => [s.targetId, s.at, s.detail.durationMs, s.detail.reason])).toEqual([
      ['ch-a', 14_500, 4500, 'closed'],
      ['ch-b', 20_000, 8000, 'server-restart'],
      ['ch-c', 30_000, 0, 'server-restart'],
    ]);
    expect(await store.views.closeOrphans(50_000)).toEqual([]);
    expect((await store.audit.query({ action: 'view.stop', limit: 100, orgUnitIds: null })).entries).toHaveLength(3);
  });
});

describe('audit query', () => {
  it('filters, pages back with nextBefore and scopes by org unit', async () => {
    const store = open(newFile());
    const actions = ['auth.login', 'view.start', 'view.stop', 'auth.logout'] as const;
    const units = ['990101', '990102', null];
    const ids: number[] = [];
    for (let i = 0; i < 24; i++) {
      ids.push(
        await store.audit.append({
          at: 1_000 * (i + 1),
          userId: i % 2 === 0 ? 'u-even' : 'u-odd',
          username: i % 2 === 0 ? 'even' : 'odd',
          action: actions[i % 4]!,
          targetType: i % 3 === 0 ? 'session' : 'channel',
          targetId: `t-${i % 5}`,
          orgUnitId: units[i % 3] ?? null,
          address: null,
        }),
      );
    }
    const all = (await store.audit.query({ limit: 1000, orgUnitIds: null })).entries;
    expect(all.map((e) => e.id)).toEqual([...ids].reverse());
    expect(all[0]).toMatchObject({ at: 24_000, userId: 'u-odd', action: 'auth.logout', outcome: 'ok', detail: {} });

    const q = async (filter: Partial<Parameters<Store['audit']['query']>[0]>) => (await store.audit.query({ limit: 1000, orgUnitIds: null, ...filter })).entries;
    expect((await q({ from: 5_000, to: 8_000 })).map((e) => e.at)).toEqual([8_000, 7_000, 6_000, 5_000]);
    expect((await q({ userId: 'u-even' })).every((e) => e.userId === 'u-even')).toBe(true);
    expect(await q({ userId: 'u-even' })).toHaveLength(12);
    expect((await q({ action: 'view.stop' })).map((e) => e.at)).toEqual([23_000, 19_000, 15_000, 11_000, 7_000, 3_000]);
    expect((await q({ targetType: 'session' })).map((e) => e.at)).toEqual([22_000, 19_000, 16_000, 13_000, 10_000, 7_000, 4_000, 1_000]);
    expect((await q({ targetId: 't-3' })).map((e) => e.at)).toEqual([24_000, 19_000, 14_000, 9_000, 4_000]);
    expect((await q({ targetType: 'session', targetId: 't-3', userId: 'u-odd' })).map((e) => e.at)).toEqual([4_000]);
    expect(await q({ action: 'admin.create' })).toEqual([]);
    expect(await q({ from: 30_000 })).toEqual([]);

    // Paging back: each page newest first, no overlap, nothing skipped, nextBefore null at the end.
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await store.audit.query({ limit: 5, orgUnitIds: null, ...(before !== undefined ? { before } : {}) });
      pages++;
      seen.push(...page.entries.map((e) => e.id));
      expect(page.entries.length).toBeLessThanOrEqual(5);
      if (page.nextBefore === null) break;
      expect(page.nextBefore).toBe(page.entries.at(-1)!.id);
      before = page.nextBefore;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(all.map((e) => e.id));
    // An exact last page says there is no more.
    expect((await store.audit.query({ limit: 24, orgUnitIds: null })).nextBefore).toBeNull();
    expect((await store.audit.query({ limit: 23, orgUnitIds: null })).nextBefore).toBe(ids[1]);
    // Paging combines with filters.
    const firstViews = await store.audit.query({ action: 'view.start', limit: 2, orgUnitIds: null });
    expect(firstViews.entries.map((e) => e.at)).toEqual([22_000, 18_000]);
    const nextViews = await store.audit.query({ action: 'view.start', limit: 2, before: firstViews.nextBefore!, orgUnitIds: null });
    expect(nextViews.entries.map((e) => e.at)).toEqual([14_000, 10_000]);

    // Scoping: only rows of the given units, never unit-less ones.
    const scoped = (await q({ orgUnitIds: new Set(['990101']) })).map((e) => e.orgUnitId);
    expect(scoped).toHaveLength(8);
    expect(new Set(scoped)).toEqual(new Set(['990101']));
    expect(await q({ orgUnitIds: new Set(['990101', '990102']) })).toHaveLength(16);
    expect(await q({ orgUnitIds: new Set() })).toEqual([]);
    expect((await q({ orgUnitIds: new Set(['990102']), action: 'auth.login' })).map((e) => e.at)).toEqual([17_000, 5_000]);
  });
});
