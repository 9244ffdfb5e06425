import type { GlassReading, LatencyProbe } from './pageProbe.js';
import { pollUntil } from './poll.js';

/** How to sample glass-to-glass latency. */
export interface GlassOptions {
  /** Barcode tag of the camera showing in the probed tile. */
  tag: number;
  /** Samples to collect (one per decoded frame). */
  samples: number;
  /** Frames decoded and discarded first, while the receiver's jitter buffer settles. */
  warmupFrames: number;
  /** Give up after this long, ms (the reading then has fewer samples). */
  timeoutMs: number;
}

/** What was measured, plus the warm-up frames actually discarded. */
export interface GlassResult extends GlassReading {
  warmupFrames: number;
  timedOut: boolean;
}

/**
 * Glass-to-glass latency of the tile the probe is attached to: discard `warmupFrames`, then
 * record one sample per presented frame whose barcode decodes, until `samples` are in.
 */
export async function measureGlassToGlass(probe: LatencyProbe, options: GlassOptions): Promise<GlassResult> {
  const deadline = Date.now() + options.timeoutMs;
  await probe.startGlass(options.tag);
  let timedOut = false;
  try {
    await pollUntil(async () => ((await probe.glassCount()) >= options.warmupFrames ? true : undefined), Math.max(0, deadline - Date.now()), 'warm-up frames', 100);
    await probe.startGlass(options.tag);
    await pollUntil(async () => ((await probe.glassCount()) >= options.samples ? true : undefined), Math.max(0, deadline - Date.now()), 'glass-to-glass samples', 100);
  } catch {
    timedOut = true;
  }
  return { ...(await probe.stopGlass()), warmupFrames: options.warmupFrames, timedOut };
}
