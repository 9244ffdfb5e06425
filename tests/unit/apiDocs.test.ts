import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '@argus/shared';
import { REPO_ROOT } from '../support/paths.js';

/** The README's API table documents every route the server declares (and so cannot silently drift). */
describe('README API table', () => {
  const lines = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').split('\n').filter((line) => line.startsWith('| '));

  it.each(API_ROUTES.map((r) => [r.method, r.path]))('documents %s %s', (method, route) => {
    const row = lines.find((line) => line.includes(`\`${route}\``) && line.split('|')[1]!.split(',').map((m) => m.trim()).includes(method));
    expect(row, `${method} ${route} is missing from the README's API table`).toBeDefined();
  });
});
