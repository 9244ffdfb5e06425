#!/usr/bin/env node
/**
 * `npm run desktop`: start the Electron shell when its binary is installed. On machines where
 * it cannot be (the binary download is skipped at install), say so and how to open the wall
 * in a browser instead.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let electronBinary: string | null = null;
try {
  electronBinary = require('electron') as unknown as string;
} catch {
  electronBinary = null;
}
if (!electronBinary || !existsSync(electronBinary)) {
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
