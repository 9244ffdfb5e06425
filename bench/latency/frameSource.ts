import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FRAME_HEIGHT, FRAME_WIDTH } from './framePainter.js';
import { COUNTER, type FrameWorkerData } from './frameWorker.js';

/** How a {@link FrameSource} paints and encodes. */
export interface FrameSourceOptions {
  /** Loopback UDP port that receives the MPEG-TS (an RTSP server mount listens there). */
  udpPort: number;
  /** Barcode tag of this source, 0–255. */
  tag: number;
  /** Frame rate, frames/s. Default 25. */
  fps?: number;
  /** Keyframe interval, frames. Default 25. */
  gop?: number;
  ffmpegPath?: string;
}

/** A live synthetic camera: Node paints every frame, ffmpeg encodes it to H.264 in MPEG-TS over UDP. */
export interface FrameSource {
  /** The ffmpeg encoder. */
  readonly process: ChildProcess;
  /** Frames written to ffmpeg so far. */
  readonly framesWritten: number;
  /** Frames written more than one frame interval behind schedule (the machine was busy). */
  readonly lateFrames: number;
  /** Worst lateness of a frame against its schedule, ms. */
  readonly maxLateMs: number;
  /** Stop painting and kill ffmpeg; resolves once both have stopped. */
  stop(): Promise<void>;
}

/**
 * ffmpeg arguments: raw yuv420p frames from `input` → libx264 (ultrafast, zerolatency,
 * Constrained Baseline, no B-frames, fixed GOP of `gop` frames) → MPEG-TS over UDP to
 * 127.0.0.1:`udpPort`, packets flushed as soon as they are muxed.
 *
 * `-threads 1`: one slice per frame and no frame-threading delay (640x360 ultrafast needs a
 * small fraction of one core), so the encoder adds as little as it can to the latency.
 */
export function frameSourceFfmpegArgs(input: string, udpPort: number, fps: number, gop: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${FRAME_WIDTH}x${FRAME_HEIGHT}`, '-r', String(fps), '-i', input,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-threads', '1',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-bf', '0',
    '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1',
    `udp://127.0.0.1:${udpPort}?pkt_size=1316`,
  ];
}

/**
 * Start a synthetic camera: ffmpeg reads raw frames from a FIFO that a worker thread fills on
 * a wall-clock schedule (frame n at start + n / fps), each frame stamped with `Date.now()` at
 * the moment it is written. A frame that falls due late is written late, never skipped.
 * @throws Error when the FIFO cannot be made (`mkfifo`).
 */
export async function startFrameSource(options: FrameSourceOptions): Promise<FrameSource> {
  const { udpPort, tag, fps = 25, gop = 25, ffmpegPath = 'ffmpeg' } = options;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-bench-frames-'));
  const fifo = path.join(dir, 'frames.yuv');
  const made = spawnSync('mkfifo', ['-m', '600', fifo]);
  if (made.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mkfifo failed: ${made.stderr.toString()}`);
  }
  const child = spawn(ffmpegPath, frameSourceFfmpegArgs(fifo, udpPort, fps, gop), { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const counters = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const stats = new Int32Array(counters);
  const data: FrameWorkerData = { fifo, tag, fps, counters };
  const worker = new Worker(new URL('./frameWorker.js', import.meta.url), { workerData: data });
  worker.on('error', (error) => process.stderr.write(`frame source ${tag}: ${error.message}\n`));
  const workerExited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  return {
    process: child,
    get framesWritten() {
      return Atomics.load(stats, COUNTER.written);
    },
    get lateFrames() {
      return Atomics.load(stats, COUNTER.late);
    },
    get maxLateMs() {
      return Atomics.load(stats, COUNTER.maxLateMs);
    },
    async stop() {
      // ffmpeg first: a worker blocked writing to the FIFO is released by the broken pipe.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await worker.terminate();
      await workerExited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
