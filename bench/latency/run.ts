#!/usr/bin/env node
/**
 * `npm run bench:latency [-- --gop FRAMES --fps N --samples N --switches N --time-limit SECONDS --output FILE]`
 *
 * Glass-to-glass latency and first-frame time after a tile switch of the real pipeline on
 * loopback: synthetic cameras painted in Node (wall-clock time as a pixel barcode) → ffmpeg
 * libx264 → MPEG-TS/UDP → GStreamer RTSP server → the SFU (RTSP ingest, mediasoup) → WebRTC →
 * the wall in headless Chromium, where each presented frame's barcode is read back.
 *
 * Prints a table (p50 / p95 / max against the targets) and writes bench/output/latency.json.
 * Exit status 0 when the measurement ran (whether or not targets were met), 1 when it failed
 * (e.g. fewer than 100 samples of either quantity), 130 / 143 on SIGINT / SIGTERM. Every
 * process it started is stopped in every case.
 *
 * Defaults: GOP 25 frames (1 s) at 25 fps, 300 glass-to-glass samples after a 5 s warm-up,
 * 120 tile switches, switch loop limited to 600 s.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSfuConfig, type CameraSummary } from '@argus/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { createLogger, freeTcpPort, freeUdpPort, provisionSession, startRtspTestServer, startSfu, type RtspMount, type SfuHandle } from '@argus/sfu';
import { Cleanup } from './cleanup.js';
import { FRAME_HEIGHT, FRAME_WIDTH } from './framePainter.js';
import { frameSourceFfmpegArgs, startFrameSource, type FrameSource } from './frameSource.js';
import { measureGlassToGlass } from './glassToGlass.js';
import { writeJsonReport } from './report.js';
import { formatReport, resultRows, resultsJson, type LatencyRun } from './results.js';
import { measureTileSwitches, type SwitchCamera } from './tileSwitch.js';
import { openWall, showInTile0, waitCameraListed, waitTile0Playing } from './wall.js';

/** Repository root (this file runs from bench/dist/latency/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STATIC_DIR = path.join(REPO_ROOT, 'desktop/dist/renderer');
const DEFAULT_OUTPUT = path.join(REPO_ROOT, 'bench/output/latency.json');

/** Glass-to-glass frames discarded first while the receiver's jitter buffer settles, s. */
const WARMUP_SECONDS = 5;

const CAMERAS: [SwitchCamera, SwitchCamera] = [
  { id: 'bench-a', tag: 1 },
  { id: 'bench-b', tag: 2 },
];

interface Options {
  gop: number;
  fps: number;
  samples: number;
  switches: number;
  timeLimitMs: number;
  output: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      gop: { type: 'string', default: '25' },
      fps: { type: 'string', default: '25' },
      samples: { type: 'string', default: '300' },
      switches: { type: 'string', default: '120' },
      'time-limit': { type: 'string', default: '600' },
      output: { type: 'string', default: DEFAULT_OUTPUT },
    },
  });
  const int = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
    return n;
  };
  return {
    gop: int('gop', values.gop, 1),
    fps: int('fps', values.fps, 1),
    samples: int('samples', values.samples, 1),
    switches: int('switches', values.switches, 1),
    timeLimitMs: int('time-limit', values['time-limit'], 1) * 1000,
    output: path.resolve(values.output),
  };
}

/** Resolve once every camera in `ids` is live on the SFU; reject after `timeoutMs` (ms). */
function waitCamerasLive(sfu: SfuHandle, ids: string[], timeoutMs: number): Promise<CameraSummary[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const list = sfu.cameras.list().filter((c) => ids.includes(c.id));
      if (list.length === ids.length && list.every((c) => c.state === 'live')) {
        clearTimeout(timer);
        sfu.cameras.off('change', check);
        resolve(list);
      }
    };
    const timer = setTimeout(() => {
      sfu.cameras.off('change', check);
      const states = sfu.cameras.list().map((c) => `${c.id}=${c.state}${c.lastError ? ` (${c.lastError})` : ''}`);
      reject(new Error(`cameras not live after ${timeoutMs} ms: ${states.join(', ')}`));
    }, timeoutMs);
    sfu.cameras.on('change', check);
    check();
  });
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (!existsSync(path.join(STATIC_DIR, 'index.html'))) throw new Error(`wall build missing: ${STATIC_DIR} (run npm run build)`);
  process.env.ARGUS_LOG_LEVEL ??= 'warn';
  const cleanup = new Cleanup();
  const loadBefore = os.loadavg()[0]!;
  try {
    // Synthetic cameras → RTSP server → SFU.
    const sources: FrameSource[] = [];
    const mounts: RtspMount[] = [];
    for (const camera of CAMERAS) {
      const udpPort = await freeUdpPort();
      mounts.push({ name: camera.id, udpPort, video: 'h264' });
      const source = await startFrameSource({ udpPort, tag: camera.tag, fps: options.fps, gop: options.gop });
      cleanup.track(source.process);
      cleanup.add(`frame source ${camera.id}`, () => source.stop());
      sources.push(source);
    }
    const rtsp = await startRtspTestServer(await freeTcpPort(), mounts);
    cleanup.track(rtsp.process);
    let rtspStopping = false;
    rtsp.process.once('exit', (code, signal) => {
      if (!rtspStopping) process.stderr.write(`RTSP server exited unexpectedly (${code ?? signal})\n`);
    });
    cleanup.add('RTSP server', () => {
      rtspStopping = true;
      return rtsp.stop();
    });

    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'argus-bench-store-'));
    cleanup.add('store', () => rmSync(storeDir, { recursive: true, force: true }));
    const config = parseSfuConfig({
      http: { host: '127.0.0.1', port: 0 },
      mediasoup: { numWorkers: 1 },
      store: { path: path.join(storeDir, 'argus.db') },
      cameras: CAMERAS.map((c) => ({ id: c.id, name: `bench ${c.id}`, url: rtsp.url(c.id) })),
    });
    const sfu = await startSfu(config, {
      staticDir: STATIC_DIR,
      log: createLogger('bench-sfu'),
      onWorkerDied: (error) => {
        process.stderr.write(`mediasoup worker died: ${error.message}\n`);
        void cleanup.run().finally(() => process.exit(1));
      },
    });
    cleanup.add('SFU', () => sfu.close());
    const cameraSummaries = await waitCamerasLive(sfu, CAMERAS.map((c) => c.id), 30_000);
    process.stderr.write(`cameras live (${cameraSummaries.map((c) => `${c.id}: ${c.videoPath}`).join(', ')}); wall at ${sfu.url}\n`);

    // The wall in Chromium, camera A in tile 0.
    const { token } = await provisionSession(sfu, 'bench-operator');
    const wall = await openWall(sfu.url, token);
    cleanup.add('Chromium', () => wall.close());
    const browserVersion = wall.context.browser()?.version() ?? null;
    for (const camera of CAMERAS) await waitCameraListed(wall.page, camera.id, 15_000);
    await showInTile0(wall.page, CAMERAS[0].id);
    await waitTile0Playing(wall.page, CAMERAS[0].id, 15_000);

    process.stderr.write(`glass-to-glass: collecting ${options.samples} samples\n`);
    const glass = await measureGlassToGlass(wall.probe, {
      tag: CAMERAS[0].tag,
      samples: options.samples,
      warmupFrames: WARMUP_SECONDS * options.fps,
      timeoutMs: 60_000 + (options.samples / options.fps) * 3000,
    });

    const gopMs = (options.gop / options.fps) * 1000;
    process.stderr.write(`first frame after switch: ${options.switches} switches (GOP ${options.gop} frames = ${gopMs} ms)\n`);
    const switches = await measureTileSwitches(wall.page, wall.probe, {
      cameras: CAMERAS,
      switches: options.switches,
      deadline: Date.now() + options.timeLimitMs,
      maxDwellMs: gopMs,
      switchTimeoutMs: Math.max(5000, 3 * gopMs),
    });

    if (cleanup.interrupted) throw new Error(`interrupted by ${cleanup.interrupted}`);
    const run: LatencyRun = {
      width: FRAME_WIDTH,
      height: FRAME_HEIGHT,
      fps: options.fps,
      gop: options.gop,
      encoder: `ffmpeg ${frameSourceFfmpegArgs('FIFO', 0, options.fps, options.gop).join(' ')}`,
      chromium: browserVersion,
      cameras: cameraSummaries,
      sources: sources.map((s, i) => ({ id: CAMERAS[i]!.id, framesWritten: s.framesWritten, lateFrames: s.lateFrames, maxLateMs: s.maxLateMs })),
      glass,
      switches,
      machine: { cpus: os.availableParallelism(), loadBefore, loadAfter: os.loadavg()[0]! },
    };
    const rows = resultRows(run);
    console.log(`\n${formatReport(run, rows)}`);
    await writeJsonReport(options.output, resultsJson(run, rows));
    console.log(`\nresults: ${path.relative(process.cwd(), options.output) || options.output}`);
    return rows.every((row) => row.summary.samples >= row.minSamples) ? 0 : 1;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench:latency failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
