/**
 * Loading @vladmandic/human in Node without a network and without tfjs-node (which downloads
 * libtensorflow at install): Human's `dist/human.node-wasm.js` on @tensorflow/tfjs-backend-wasm
 * (SIMD, one thread), with the models that ship in the package read from disk.
 *
 * Three things the package does not do by itself here (../shared/notes/analytics-stack.md):
 * - its exports map lacks the node-wasm build: it is required by path;
 * - only tfjs-node registers a `file://` model loader: {@link registerFileLoader} adds one;
 * - the wasm binaries default to a CDN: `wasmPath` points at the installed package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Config, Human } from '@vladmandic/human';

const require = createRequire(import.meta.url);

/** The folder of an installed package: its entry resolved, walked up to the `package.json` (exports maps may hide it). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) !== name.split('/').pop()) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = up;
  }
  return dir;
}

/** Folders of the installed packages. */
export const HUMAN_DIR = packageDir('@vladmandic/human');
export const HUMAN_MODELS_DIR = path.join(HUMAN_DIR, 'models');
export const TFJS_WASM_DIR = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');

type TfIo = { registerLoadRouter(router: (url: string | string[]) => unknown): void };
let fileLoaderRegistered = false;

/**
 * Let tf.loadGraphModel read `file://…/model.json` and its weight shards from disk (tfjs IOHandler).
 * Idempotent.
 */
export function registerFileLoader(io: TfIo): void {
  if (fileLoaderRegistered) return;
  fileLoaderRegistered = true;
  io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const file = url.slice('file://'.length);
    return {
      load: async () => {
        const json = JSON.parse(readFileSync(file, 'utf8')) as {
          modelTopology: unknown;
          format?: string;
          generatedBy?: string;
          convertedBy?: string;
          userDefinedMetadata?: unknown;
          signature?: unknown;
          weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
        };
        const dir = path.dirname(file);
        const weights = Buffer.concat(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(path.join(dir, p)))));
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          userDefinedMetadata: json.userDefinedMetadata,
          signature: json.signature,
          weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        };
      },
    };
  });
}

/**
 * A loaded Human on the wasm backend with `config` merged over the local paths.
 * Human keeps one model per slot per process: create one instance per worker and keep it.
 * @throws Error when the backend or a model cannot load
 */
export async function loadHuman(config: Partial<Config>): Promise<Human> {
  const lib = require(path.join(HUMAN_DIR, 'dist/human.node-wasm.js')) as { Human: new (config: Partial<Config>) => Human; default?: unknown };
  const tf = require('@tensorflow/tfjs-core') as { io: TfIo };
  registerFileLoader(tf.io);
  const human = new lib.Human({
    ...config,
    backend: 'wasm',
    wasmPath: TFJS_WASM_DIR + path.sep,
    wasmPlatformFetch: false,
    modelBasePath: 'file://' + HUMAN_MODELS_DIR + path.sep,
    debug: false,
  });
  await human.load();
  if (human.tf.getBackend() !== 'wasm') throw new Error(`Human runs on ${human.tf.getBackend()}, not wasm`);
  return human;
}
