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
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, 'rtsp-port': { type: 'string' } },
  });
  const httpPort = Number(values.port ?? process.env.PORT ?? 8080);
  const rtspPort = values['rtsp-port'] ? Number(values['rtsp-port']) : await freeTcpPort();
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
