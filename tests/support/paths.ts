import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared test media (`../shared/data` beside the repository; ARGUS_SHARED_DATA overrides).
 * Test use only: never shipped.
 */
export const SHARED_DATA = process.env.ARGUS_SHARED_DATA ?? path.resolve(REPO_ROOT, '../shared/data');

/** Absolute path of a file under the shared data folder. @throws Error when it is missing. */
export function sharedData(relative: string): string {
  const file = path.join(SHARED_DATA, relative);
  if (!existsSync(file)) throw new Error(`test media missing: ${file} (set ARGUS_SHARED_DATA)`);
  return file;
}

/** Where tests leave artefacts (screenshots); git-ignored. */
export const TEST_OUTPUT = path.join(REPO_ROOT, 'tests/output');

/** The wall's web build, as `npm run build` leaves it. */
export const RENDERER_DIST = path.join(REPO_ROOT, 'desktop/dist/renderer');
