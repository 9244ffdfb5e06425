import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { AuditEntry, CameraSummary } from '@argus/shared';
import {
  freeTcpPort,
  freeUdpPort,
  hashPassword,
  openSqliteStore,
  startRtspTestServer,
  startTestPatternFeed,
  SYSTEM_ACTOR,
  type Feed,
  type RtspTestServer,
} from '@argus/sfu';
import { connectWall, login, TEST_PASSWORD } from '../support/auth.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * kill -9 of the SFU in the middle of a live view, then a restart on the same SQLite file:
 * the view is closed at the crash time (the last heartbeat before the kill) and nothing that
 * was stored before the kill is lost.
 */
const SFU_MAIN = path.join(REPO_ROOT, 'sfu/dist/main.js');
const HEARTBEAT_MS = 200;

/** Process ids whose parent is `pid` (from /proc). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Start `argus-sfu --config FILE` and resolve once it prints the wall's URL. */
async function startSfuProcess(configFile: string): Promise<{ child: ChildProcess; url: string; output: () => string; waitForOutput: (pattern: RegExp) => Promise<void> }> {
  const child = spawn(process.execPath, [SFU_MAIN, '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Argus wall: (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`argus-sfu exited with ${code} before it was ready:\n${output}`)));
  });
  // stdout and stderr are separate pipes: a warning written before the URL may still be on its way.
  const waitForOutput = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(output)) return resolve();
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${output}`)), 10_000);
      const check = () => {
        if (!pattern.test(output)) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
    });
  return { child, url, output: () => output, waitForOutput };
}

describe('a crash during a live view', () => {
  let dir: string;
  let dbFile: string;
  let configFile: string;
  let rtsp: RtspTestServer;
  let feed: Feed;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-crash-'));
    dbFile = path.join(dir, 'argus.db');
    configFile = path.join(dir, 'argus.json');
    const udpPort = await freeUdpPort();
    feed = startTestPatternFeed({ udpPort, label: 'crash', video: 'h264', h264Profile: 'baseline', width: 320, height: 180, fps: 10 });
    rtsp = await startRtspTestServer(await freeTcpPort(), [{ name: 'cam', udpPort, video: 'h264' }]);
    const store = openSqliteStore(dbFile);
    await store.orgUnits.create({ id: '990000', parentId: null, level: 'province', name: '测试省' }, SYSTEM_ACTOR);
    await store.users.create({ username: 'crash-op', displayName: '值班员', orgUnitId: '990000', roles: ['operator'], passwordHash: await hashPassword(TEST_PASSWORD) }, SYSTEM_ACTOR);
    await store.close();
    await writeFile(
      configFile,
      JSON.stringify({
        http: { host: '127.0.0.1', port: await freeTcpPort() },
        mediasoup: { numWorkers: 1 },
        store: { path: dbFile, heartbeatMs: HEARTBEAT_MS },
        cameras: [{ id: 'cam', name: '接待室', url: rtsp.url('cam') }],
      }),
    );
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    feed?.stop();
    await rtsp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('closes the view at the crash time on restart and keeps every stored row', async () => {
    const first = await startSfuProcess(configFile);
    children.push(first.child);
    const session = await login(first.url, 'crash-op');
    const wall: Socket = await connectWall(first.url, session.token);
    const ask = (method: string, payload: unknown) => wall.timeout(10_000).emitWithAck(method, payload);
    const live = new Promise<void>((resolve) => wall.on('cameraState', (c: CameraSummary) => c.id === 'cam' && c.state === 'live' && resolve()));
    if ((await ask('listCameras', {})).data.cameras[0].state !== 'live') await live;
    const { data: caps } = await ask('getRouterRtpCapabilities', {});
    const { data: transport } = await ask('createRecvTransport', {});
    const consumed = await ask('consume', { transportId: transport.id, cameraId: 'cam', rtpCapabilities: caps.rtpCapabilities });
    expect(consumed.ok).toBe(true);

    // What is stored before the crash (read through a second connection to the same file).
    const reader = openSqliteStore(dbFile);
    const before = (await reader.audit.query({ limit: 1000, orgUnitIds: null })).entries;
    const openViews = await reader.views.open();
    expect(openViews).toHaveLength(1);
    const view = openViews[0]!;
    // Let at least one heartbeat land after the view started, as it would in any real view.
    while (((await reader.server.lastBeat()) ?? 0) < view.startedAt + HEARTBEAT_MS) await new Promise((resolve) => setImmediate(resolve));
    await reader.close();

    // The SFU's own children: the ingest ffmpeg (and the mediasoup worker).
    const sfuChildren = childPids(first.child.pid!);
    expect(sfuChildren.some((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg')).toBe(true);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    wall.close();
    // None outlives it: the kernel kills them with it (parent-death signal), nothing is left holding the camera.
    const deadline = Date.now() + 5000;
    while (sfuChildren.some((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '))) {
      if (Date.now() > deadline) throw new Error(`children of the killed SFU still alive: ${sfuChildren.filter((pid) => existsSync(`/proc/${pid}`)).join(', ')}`);
      await new Promise((resolve) => setImmediate(resolve));
    }

    const second = await startSfuProcess(configFile);
    children.push(second.child);
    try {
      await second.waitForOutput(/closed live views left open by the previous run count=1/);
      const after = openSqliteStore(dbFile);
      const closed = (await after.views.get(view.id))!;
      expect(closed.endReason).toBe('server-restart');
      expect(closed.endedAt).not.toBeNull();
      expect(closed.endedAt!).toBeLessThanOrEqual(killedAt);
      expect(closed.endedAt!).toBeGreaterThan(view.startedAt);
      // The crash time is the last heartbeat: within one interval (plus scheduling slack) of the kill.
      expect(killedAt - closed.endedAt!).toBeLessThan(HEARTBEAT_MS + 1000);

      const entries = (await after.audit.query({ limit: 1000, orgUnitIds: null })).entries;
      const byId = new Map(entries.map((e) => [e.id, e]));
      for (const row of before) expect(byId.get(row.id)).toEqual(row);
      const stop = entries.find((e: AuditEntry) => e.action === 'view.stop' && e.detail.viewId === view.id)!;
      expect(stop).toMatchObject({ userId: session.user.id, targetId: 'cam', at: closed.endedAt, detail: { reason: 'server-restart', durationMs: closed.endedAt! - view.startedAt } });
      expect(entries.filter((e) => e.action === 'view.start' && e.detail.viewId === view.id)).toHaveLength(1);
      expect(await after.views.open()).toEqual([]);
      await after.close();
      // The restarted server works: the same user logs in again (the session secret survived too).
      expect((await fetch(new URL('/api/auth/me', second.url), { headers: { authorization: `Bearer ${session.token}` } })).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
  });
});
