import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { parseSfuConfig, type AuditEntry, type SfuConfigInput } from '@argus/shared';
import { createLogger, startSfu, type SfuHandle } from '@argus/sfu';
import { callApi, connectWall, createTestUser, login } from '../support/auth.js';

/**
 * Authentication against a real server and a real SQLite file: login, session cookie and
 * bearer token, logout and expiry (API and sockets), the login rate limit, and the audit
 * rows of all of it.
 */
async function startServer(auth: SfuConfigInput['auth']): Promise<{ sfu: SfuHandle; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-auth-'));
  const sfu = await startSfu(
    parseSfuConfig({ http: { host: '127.0.0.1', port: 0 }, mediasoup: { numWorkers: 1 }, store: { path: path.join(dir, 'argus.db') }, auth }),
    { staticDir: null, log: createLogger('test-sfu') },
  );
  return { sfu, dir };
}

async function audit(sfu: SfuHandle, action: string): Promise<AuditEntry[]> {
  return (await sfu.store.audit.query({ action, limit: 1000, orgUnitIds: null })).entries;
}

/** The `connect_error` message a connection attempt ends with, or `connected`. */
function connectOutcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

function sessionEnded(socket: Socket): Promise<{ reason: string; disconnected: Promise<void> }> {
  const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
  return new Promise((resolve) => socket.once('sessionEnded', (event: { reason: string }) => resolve({ reason: event.reason, disconnected })));
}

describe('login, sessions and logout', () => {
  let sfu: SfuHandle;
  let dir: string;

  beforeAll(async () => {
    ({ sfu, dir } = await startServer({ maxFailuresPerUser: 3, maxFailuresPerAddress: 50 }));
    await createTestUser(sfu, 'op-a');
    await createTestUser(sfu, 'op-b');
    await createTestUser(sfu, 'aud', ['auditor']);
  });
  afterAll(async () => {
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs in, sets an HttpOnly SameSite=Strict cookie, and accepts the cookie or the bearer token', async () => {
    const answer = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'OP-A', password: 'test-password-123' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ user: { username: 'op-a', roles: ['operator'] }, permissions: ['wall.view', 'signins.read', 'alerts.handle', 'analytics.configure'] });
    expect(answer.body.user).not.toHaveProperty('passwordHash');
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^argus_session=[^;]+; /);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const byCookie = await callApi(sfu.url, 'GET', '/api/auth/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(byCookie).toMatchObject({ status: 200, body: { user: { username: 'op-a' } } });
    const byBearer = await callApi(sfu.url, 'GET', '/api/auth/me', { token: answer.body.token });
    expect(byBearer.status).toBe(200);
    // A browser (it sends Origin) gets the cookie only: page scripts never see the token.
    const fromBrowser = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'op-a', password: 'test-password-123' }, headers: { origin: sfu.url.replace(/\/$/, '') } });
    expect(fromBrowser.status).toBe(200);
    expect(fromBrowser.body.token).toBeNull();
    expect(fromBrowser.headers.get('set-cookie')).toMatch(/^argus_session=[^;]+; /);
    expect((await audit(sfu, 'auth.login')).some((row) => row.username === 'op-a' && row.targetId !== null)).toBe(true);
  });

  it('answers a wrong password and an unknown user alike, and audits both with the reason', async () => {
    const wrong = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'op-b', password: 'not-the-password' } });
    const unknown = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'nobody', password: 'not-the-password' } });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(unknown.body).toEqual(wrong.body);
    const failed = await audit(sfu, 'auth.login-failed');
    expect(failed.find((row) => row.username === 'op-b')).toMatchObject({ outcome: 'failed', detail: { reason: 'wrong-password' }, address: '127.0.0.1' });
    expect(failed.find((row) => row.username === 'nobody')).toMatchObject({ outcome: 'failed', userId: null, detail: { reason: 'unknown-user' } });
  });

  it('locks a username after too many failures, even for the right password, and not other users', async () => {
    await createTestUser(sfu, 'op-locked');
    for (let i = 0; i < 3; i++) {
      expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'op-locked', password: `guess-${i}-xxxx` } })).status).toBe(401);
    }
    const locked = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'op-locked', password: 'test-password-123' } });
    expect(locked).toMatchObject({ status: 429, body: { error: { code: 'rate-limited' } } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await audit(sfu, 'auth.login-failed')).some((row) => row.username === 'op-locked' && row.detail.reason === 'rate-limited' && row.outcome === 'denied')).toBe(true);
    // The lock is per username: another user from the same address still logs in.
    expect((await login(sfu.url, 'op-b')).user.username).toBe('op-b');
  });

  it('refuses sockets without a valid session, and users who may not watch video', async () => {
    const anonymous = io(sfu.url, { transports: ['websocket'], reconnection: false });
    expect(await connectOutcome(anonymous)).toBe('unauthenticated');
    anonymous.close();
    const forged = io(sfu.url, { transports: ['websocket'], reconnection: false, auth: { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' } });
    expect(await connectOutcome(forged)).toBe('unauthenticated');
    forged.close();
    const auditor = await login(sfu.url, 'aud');
    const refused = io(sfu.url, { transports: ['websocket'], reconnection: false, auth: { token: auditor.token } });
    expect(await connectOutcome(refused)).toBe('forbidden');
    refused.close();
  });

  it('ends the session on logout: the token stops working and its walls are told and disconnected', async () => {
    const session = await login(sfu.url, 'op-a');
    const wall = await connectWall(sfu.url, session.token);
    const ended = sessionEnded(wall);
    const out = await callApi(sfu.url, 'POST', '/api/auth/logout', { token: session.token });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/argus_session=;.*Max-Age=0/);
    const event = await ended;
    expect(event.reason).toBe('logout');
    await event.disconnected;
    expect((await callApi(sfu.url, 'GET', '/api/auth/me', { token: session.token })).status).toBe(401);
    const again = io(sfu.url, { transports: ['websocket'], reconnection: false, auth: { token: session.token } });
    expect(await connectOutcome(again)).toBe('unauthenticated');
    again.close();
    expect((await audit(sfu, 'auth.logout')).filter((row) => row.username === 'op-a' && row.targetType === 'session')).toHaveLength(1);
  });

  it('ends a user\'s sessions when an administrator disables the user', async () => {
    await createTestUser(sfu, 'root-admin', ['admin']);
    const admin = await login(sfu.url, 'root-admin');
    const victim = await login(sfu.url, 'op-b');
    const wall = await connectWall(sfu.url, victim.token);
    const ended = sessionEnded(wall);
    const patched = await callApi(sfu.url, 'PATCH', `/api/users/${victim.user.id}`, { token: admin.token, body: { disabled: true } });
    expect(patched).toMatchObject({ status: 200, body: { disabled: true } });
    expect((await ended).reason).toBe('revoked');
    expect((await callApi(sfu.url, 'GET', '/api/auth/me', { token: victim.token })).status).toBe(401);
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'op-b', password: 'test-password-123' } })).status).toBe(401);
  });
});

describe('session expiry', () => {
  let sfu: SfuHandle;
  let dir: string;

  beforeAll(async () => {
    ({ sfu, dir } = await startServer({ sessionTtlMs: 1500 }));
    await createTestUser(sfu, 'op-short');
  });
  afterAll(async () => {
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('disconnects the wall with `expired` when the session ends, and the token is refused after', async () => {
    const session = await login(sfu.url, 'op-short');
    expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(1500);
    const wall = await connectWall(sfu.url, session.token);
    const event = await sessionEnded(wall);
    expect(event.reason).toBe('expired');
    await event.disconnected;
    expect(Date.now()).toBeGreaterThanOrEqual(session.expiresAt);
    const me = await callApi(sfu.url, 'GET', '/api/auth/me', { token: session.token });
    expect(me.status).toBe(401);
    expect(me.body.error.message).toMatch(/expired/);
  });
});

describe('login rate limit per address', () => {
  let sfu: SfuHandle;
  let dir: string;

  beforeAll(async () => {
    ({ sfu, dir } = await startServer({ maxFailuresPerUser: 100, maxFailuresPerAddress: 4 }));
    await createTestUser(sfu, 'op-c');
  });
  afterAll(async () => {
    await sfu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('locks an address that guesses across many usernames, for every username', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: `user-${i}`, password: 'guess-guess' } })).status).toBe(401);
    }
    const blocked = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'op-c', password: 'test-password-123' } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/try again in \d+ s/);
  });
});
