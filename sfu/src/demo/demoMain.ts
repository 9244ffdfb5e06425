#!/usr/bin/env node
/**
 * `npm start [-- FOLDER] [--port N] [--rtsp-port N]`: the Argus demo.
 *
 * Starts a real RTSP server on loopback playing live test patterns with a running clock
 * (or the video files of FOLDER, looped), then the SFU ingesting them, and prints the
 * wall's URL. Ctrl-C stops everything.
 */
import { parseArgs } from 'node:util';
import { parseSfuConfig } from '@argus/shared';
import { createLogger } from '../log.js';
import { DEFAULT_STATIC_DIR } from '../main.js';
import { startSfu } from '../server.js';
import { startDemoSources } from './demoSources.js';
import { freeTcpPort } from './freePort.js';

async function main(): Promise<void> {
  const log = createLogger('demo');
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { port: { type: 'string' }, 'rtsp-port': { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm start [-- VIDEO_FOLDER] [--port N] [--rtsp-port N]`);
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

  const config = parseSfuConfig({ http: { host: '127.0.0.1', port: httpPort }, cameras: sources.cameras });
  let sfu;
  try {
    sfu = await startSfu(config, { staticDir: DEFAULT_STATIC_DIR, log: createLogger('sfu') });
  } catch (error) {
    await sources.stop();
    throw error;
  }
  console.log(`\nArgus wall: ${sfu.url}\n(cameras: ${sources.cameras.map((c) => c.url).join(', ')})\n`);

  const shutdown = () => {
    log.info('stopping');
    void Promise.allSettled([sfu.close(), sources.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
