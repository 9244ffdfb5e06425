#!/usr/bin/env node
/**
 * `argus-sfu --config FILE`: start the SFU from a JSON configuration file (see
 * shared/src/config.ts for the fields). A bad file stops start-up with exit code 2 and a
 * message naming each bad field. SIGINT/SIGTERM stop it cleanly.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@argus/shared';
import { loadConfigFile } from './configFile.js';
import { createLogger } from './log.js';
import { startSfu } from './server.js';
import { StoreError } from './store/store.js';

/** The wall's web build, as `npm run build` leaves it. */
export const DEFAULT_STATIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../desktop/dist/renderer');

async function main(): Promise<void> {
  const log = createLogger('sfu');
  let values: { config?: string; static?: string };
  try {
    ({ values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, static: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: argus-sfu --config FILE [--static WALL_BUILD_DIR]`);
    process.exit(2);
  }
  const configPath = values.config ?? process.env.ARGUS_CONFIG;
  if (!configPath) {
    console.error('usage: argus-sfu --config FILE   (or set ARGUS_CONFIG)');
    process.exit(2);
  }
  let config;
  try {
    config = await loadConfigFile(configPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  let sfu;
  try {
    sfu = await startSfu(config, { staticDir: values.static ?? DEFAULT_STATIC_DIR, log });
  } catch (error) {
    if (error instanceof StoreError) {
      console.error(`argus-sfu: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  console.log(`Argus wall: ${sfu.url}`);
  if (sfu.bootstrap.adminPassword) {
    console.log(`\nFirst start: log in as "admin" with the one-time password ${sfu.bootstrap.adminPassword}\n(shown only now; change it in 系统管理 → 用户).\n`);
  }
  const shutdown = () => {
    log.info('stopping');
    sfu.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: NodeJS.ErrnoException) => {
    const detail = error.code === 'EADDRINUSE' ? 'the HTTP port is already in use' : error.message;
    console.error(`argus-sfu: cannot start: ${detail}`);
    process.exit(1);
  });
}
