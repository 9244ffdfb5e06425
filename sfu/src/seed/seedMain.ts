#!/usr/bin/env node
/**
 * `npm run seed -- [--db FILE | --config FILE] [--rtsp-base rtsp://HOST:PORT] [--password PW]`
 *
 * Seed the store with the fictional demo province (see ./seedStore.ts) and print the logins
 * it set. Without `--rtsp-base` the demo cameras point at rtsp://127.0.0.1:8554/demo-1..4.
 * Idempotent: run it again to add what is missing. Exit codes: 0 done, 2 bad arguments or
 * config, 1 anything else.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '@argus/shared';
import { loadConfigFile } from '../configFile.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import { TEST_PATTERN_CAMERAS } from '../demo/demoSources.js';
import { formatLogins, seedStore } from './seedStore.js';

const USAGE = 'usage: npm run seed -- [--db FILE | --config FILE] [--rtsp-base rtsp://HOST:PORT] [--password PW]';

async function main(): Promise<void> {
  let values: { db?: string; config?: string; 'rtsp-base'?: string; password?: string };
  try {
    ({ values } = parseArgs({ options: { db: { type: 'string' }, config: { type: 'string' }, 'rtsp-base': { type: 'string' }, password: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  let dbPath = values.db ?? 'data/argus.db';
  if (values.config) {
    try {
      dbPath = (await loadConfigFile(values.config)).store.path;
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      throw error;
    }
  }
  const base = (values['rtsp-base'] ?? 'rtsp://127.0.0.1:8554').replace(/\/$/, '');
  if (!/^rtsps?:\/\/[^/\s]+$/.test(base)) {
    console.error(`--rtsp-base must look like rtsp://HOST:PORT\n${USAGE}`);
    process.exit(2);
  }
  if (values.password !== undefined && values.password.length < 10) {
    console.error('--password must be at least 10 characters');
    process.exit(2);
  }
  const store = openSqliteStore(dbPath);
  try {
    const result = await seedStore(store, {
      cameras: TEST_PATTERN_CAMERAS.map((c) => ({ id: c.id, url: `${base}/${c.id}` })),
      ...(values.password ? { password: values.password } : {}),
    });
    console.log(`seeded ${dbPath}: ${Object.entries(result.created).map(([what, n]) => `${n} ${what}`).join(', ')} created`);
    console.log(`\nlogins:\n${formatLogins(result.logins)}`);
  } finally {
    await store.close();
  }
}

main().catch((error: Error) => {
  console.error(`seed failed: ${error.message}`);
  process.exit(1);
});
