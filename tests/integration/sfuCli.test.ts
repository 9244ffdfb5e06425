import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION } from '@argus/sfu';
import { REPO_ROOT } from '../support/paths.js';

const run = promisify(execFile);
const SFU_MAIN = path.join(REPO_ROOT, 'sfu/dist/main.js');

async function startWith(config: string): Promise<{ code: number; stderr: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-config-'));
  const file = path.join(dir, 'argus.json');
  await writeFile(file, config);
  try {
    await run(process.execPath, [SFU_MAIN, '--config', file], { timeout: 20_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('argus-sfu start-up with a bad configuration file', () => {
  it('stops with exit code 2 and names the bad field', async () => {
    const result = await startWith(JSON.stringify({ cameras: [{ id: 'c1', name: '一号', url: 'http://not-rtsp/' }] }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cameras[0].url: must be an rtsp:// or rtsps:// URL');
  });

  it('stops with exit code 2 on a file that is not JSON', async () => {
    const result = await startWith('{"cameras": [');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/argus\.json: not valid JSON/);
  });

  it('stops with exit code 2 and a clear message when the database cannot be opened', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-db-'));
    // A folder where the database file should be.
    const result = await startWith(JSON.stringify({ http: { port: 0 }, store: { path: dir } }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/argus-sfu: cannot open the database/);
  });

  it('refuses a database written by a newer Argus (a downgrade), with exit code 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-db-'));
    const file = path.join(dir, 'argus.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const result = await startWith(JSON.stringify({ http: { port: 0 }, store: { path: file } }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/newer than this build of Argus knows/);
  });
});
