#!/usr/bin/env node
/**
 * `npm run desktop`: start the Electron shell when its binary is installed. On machines where
 * it cannot be (the binary download is skipped at install), say so and how to open the wall
 * in a browser instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** The binary electron's installer leaves: dist/ plus path.txt naming the executable inside it. */
function installedElectronBinary(): string | null {
  try {
    const root = path.dirname(require.resolve('electron/package.json'));
    const pathFile = path.join(root, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = path.join(root, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
// Not require('electron'): with the binary missing, it tries to download it.
const electronBinary = installedElectronBinary();
if (!electronBinary) {
  console.error(
    'The Electron binary is not installed here (installs skip its download).\n' +
      'Open the wall in Chromium instead: npm start, then the printed URL.\n' +
      'Where the binary can be had: cd node_modules/electron && node install.js',
  );
  process.exit(1);
}
const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const child = spawn(electronBinary, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
