/**
 * Worker thread of a frame source: paints frames and writes them to ffmpeg's input FIFO on a
 * wall-clock schedule, on a thread of its own so that the main thread's work (SFU, browser
 * automation) does not delay them. Counters go back through shared memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { FRAME_BYTES, paintFrame } from './framePainter.js';

/** What the main thread passes in `workerData`. */
export interface FrameWorkerData {
  /** FIFO that ffmpeg reads raw frames from. */
  fifo: string;
  tag: number;
  /** Frames per second. */
  fps: number;
  /** Int32 counters: [frames written, frames late by more than one interval, worst lateness (ms)]. */
  counters: SharedArrayBuffer;
}

/** Indexes into {@link FrameWorkerData.counters}. */
export const COUNTER = { written: 0, late: 1, maxLateMs: 2 } as const;

function run({ fifo, tag, fps, counters }: FrameWorkerData): void {
  const stats = new Int32Array(counters);
  const fd = openSync(fifo, 'w'); // blocks until ffmpeg opens it for reading
  const intervalMs = 1000 / fps;
  // The schedule starts once ffmpeg has taken the first frame (its start-up is not lateness).
  let startedAt = 0;
  let n = 0;
  const tick = () => {
    if (n > 0) {
      const lateMs = performance.now() - (startedAt + n * intervalMs);
      if (lateMs > intervalMs) Atomics.add(stats, COUNTER.late, 1);
      if (lateMs > Atomics.load(stats, COUNTER.maxLateMs)) Atomics.store(stats, COUNTER.maxLateMs, Math.round(lateMs));
    }
    const frame = new Uint8Array(FRAME_BYTES);
    // The time painted is the moment the frame is handed to the encoder.
    paintFrame(frame, n, { timeMs: Date.now(), tag });
    try {
      for (let offset = 0; offset < frame.length; ) offset += writeSync(fd, frame, offset);
    } catch {
      closeSync(fd); // ffmpeg has gone: stop
      return;
    }
    if (n === 0) startedAt = performance.now();
    n++;
    Atomics.store(stats, COUNTER.written, n);
    setTimeout(tick, Math.max(0, startedAt + n * intervalMs - performance.now()));
  };
  tick();
}

if (workerData) run(workerData as FrameWorkerData);
