#!/usr/bin/env node
/**
 * `npm start [-- FOLDER] [--port N] [--rtsp-port N] [--db FILE]`: the Argus demo.
 *
 * Starts a real RTSP server on loopback playing live test patterns with a running clock
 * (or the video files of FOLDER, looped); seeds the store (default `data/demo.db`) with the
 * fictional demo province, its users and one channel per demo camera, giving the demo users a
 * fresh password; then starts the SFU, with its GB/T 28181 platform on a free loopback SIP port
 * and a simulated GB/T 28181 NVR registered to it (a PTZ dome in H.264, a bullet in H.265), and
 * prints the wall's URL and the logins.
 * Ctrl-C stops everything.
 */
import { parseArgs } from 'node:util';
import { parseSfuConfig } from '@argus/shared';
import { createLogger } from '../log.js';
import { DEFAULT_STATIC_DIR } from '../main.js';
import { startSfu } from '../server.js';
import { formatLogins, seedStore } from '../seed/seedStore.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import { startDemoSources } from './demoSources.js';
import { freeSipPort, freeTcpPort } from '../net/freePort.js';
import { DEMO_GB, startDemoGbDevice, type DemoGbDevice } from './demoGbDevice.js';

async function main(): Promise<void> {
  const log = createLogger('demo');
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { port: { type: 'string' }, 'rtsp-port': { type: 'string' }, db: { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm start [-- VIDEO_FOLDER] [--port N] [--rtsp-port N] [--db FILE]`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  const httpPort = Number(values.port ?? process.env.PORT ?? 8080);
  const requestedRtspPort = values['rtsp-port'] === undefined ? null : Number(values['rtsp-port']);
  for (const [name, port] of [['--port', httpPort], ['--rtsp-port', requestedRtspPort ?? 1]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      console.error(`${name} must be a TCP port number (1-65535)`);
      process.exit(2);
    }
  }
  const rtspPort = requestedRtspPort ?? (await freeTcpPort());
  const sources = await startDemoSources({ rtspPort, ...(positionals[0] ? { folder: positionals[0] } : {}) });
  log.info('RTSP server ready', { port: rtspPort, cameras: sources.cameras.length });
  // Whatever ends this process (Ctrl-C, a dead mediasoup worker), leave no feeds or RTSP server behind.
  process.once('exit', () => sources.killNow());

  const sipPort = await freeSipPort();
  const config = parseSfuConfig({
    http: { host: '127.0.0.1', port: httpPort },
    store: { path: values.db ?? 'data/demo.db' },
    gb28181: { enabled: true, host: '127.0.0.1', port: sipPort, ...DEMO_GB, mediaBindHost: '127.0.0.1' },
    // One analytics worker (one core while a camera is analysed; idle otherwise).
    analytics: { enabled: true, workers: 1 },
  });
  let sfu;
  let logins;
  let gbDevice: DemoGbDevice | null = null;
  try {
    const store = openSqliteStore(config.store.path);
    try {
      ({ logins } = await seedStore(store, { cameras: sources.cameras.map((c) => ({ id: c.id, url: c.url })), resetPasswords: true }));
    } finally {
      await store.close();
    }
    sfu = await startSfu(config, { staticDir: DEFAULT_STATIC_DIR, log: createLogger('sfu') });
    gbDevice = await startDemoGbDevice(sfu.store, sipPort, (message) => log.info(message));
    const device = gbDevice;
    process.once('exit', () => device.killNow());
  } catch (error) {
    await sfu?.close();
    await sources.stop();
    throw error;
  }
  console.log(`\nArgus wall: ${sfu.url}\n(store: ${config.store.path}; cameras: ${sources.cameras.map((c) => c.url).join(', ')};`);
  console.log(`GB/T 28181 platform: SIP udp/tcp 127.0.0.1:${sipPort}, domain ${DEMO_GB.domainId}, with a simulated NVR: channels ${gbDevice!.channelIds.join(', ')})`);
  console.log(`\nLog in as (username, password, roles, where):\n${formatLogins(logins)}\n`);

  const shutdown = () => {
    log.info('stopping');
    void Promise.allSettled([gbDevice?.stop(), sfu.close(), sources.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
