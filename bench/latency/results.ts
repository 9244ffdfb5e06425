import type { CameraSummary } from '@argus/shared';
import type { GlassResult } from './glassToGlass.js';
import { formatTable, rowPasses, type ReportRow } from './report.js';
import { summarise } from './stats.js';
import type { SwitchResult } from './tileSwitch.js';

/** Targets on loopback (issue text), ms, and the samples each measurement needs to count. */
export const GLASS_TARGET_P95_MS = 250;
export const FIRST_FRAME_TARGET_P95_MS = 300;
export const MIN_SAMPLES = 100;

/** Everything one benchmark run measured, and how. */
export interface LatencyRun {
  width: number;
  height: number;
  /** Frames per second of the sources. */
  fps: number;
  /** Keyframe interval of the sources, frames. */
  gop: number;
  /** The sources' ffmpeg command line. */
  encoder: string;
  chromium: string | null;
  cameras: CameraSummary[];
  sources: Array<{ id: string; framesWritten: number; lateFrames: number; maxLateMs: number }>;
  glass: GlassResult;
  switches: SwitchResult;
  /** CPUs of the machine, and its 1-minute load average before and after the run (other work skews the numbers). */
  machine: { cpus: number; loadBefore: number; loadAfter: number };
}

/** Keyframe interval, ms. */
function gopMs(run: LatencyRun): number {
  return (run.gop / run.fps) * 1000;
}

/** The two measured quantities against their targets. */
export function resultRows(run: LatencyRun): ReportRow[] {
  return [
    { name: 'glass-to-glass', summary: summarise(run.glass.samples), targetP95Ms: GLASS_TARGET_P95_MS, minSamples: MIN_SAMPLES },
    {
      name: 'first frame after switch',
      summary: summarise(run.switches.samples.map((s) => s.firstFrameMs)),
      targetP95Ms: FIRST_FRAME_TARGET_P95_MS,
      minSamples: MIN_SAMPLES,
    },
  ];
}

/** The human-readable report: set-up, table, and what was dropped or went wrong. */
export function formatReport(run: LatencyRun, rows: ReportRow[]): string {
  const { glass, switches } = run;
  return [
    `Argus latency on loopback (${run.width}x${run.height} @ ${run.fps} fps, x264 ultrafast zerolatency baseline, GOP ${run.gop} frames = ${gopMs(run)} ms)`,
    '',
    formatTable(rows),
    '',
    `glass-to-glass: ${glass.warmupFrames} warm-up frames discarded; ${glass.undecoded} frames not decodable, ${glass.wrongTag} of another camera (dropped)${glass.timedOut ? '; TIMED OUT' : ''}`,
    `switches: ${switches.attempted} attempted, ${switches.failed} without a first frame in time${switches.hitDeadline ? ', time limit reached' : ''}${switches.error ? `; stopped: ${switches.error}` : ''}`,
    `  the sources ignore keyframe requests (PLI), so a switch waits for the next keyframe: 0-${gopMs(run)} ms on top of the pipeline latency`,
    `machine: ${run.machine.cpus} CPUs, 1-min load average ${run.machine.loadBefore.toFixed(1)} before, ${run.machine.loadAfter.toFixed(1)} after`,
    `sources: ${run.sources.map((s) => `${s.id} ${s.framesWritten} frames (${s.lateFrames} over one interval late, worst ${s.maxLateMs} ms)`).join(', ')}`,
  ].join('\n');
}

/** The JSON written to bench/output/latency.json: set-up, summaries and every sample. */
export function resultsJson(run: LatencyRun, rows: ReportRow[]): unknown {
  const { glass, switches } = run;
  return {
    finishedAt: new Date().toISOString(),
    setup: {
      frame: { width: run.width, height: run.height, fps: run.fps },
      gopFrames: run.gop,
      gopMs: gopMs(run),
      encoder: run.encoder,
      chromium: run.chromium,
      cameras: run.cameras.map((c) => ({ id: c.id, videoPath: c.videoPath, sourceCodec: c.sourceCodec })),
      sources: run.sources,
      machine: run.machine,
    },
    results: rows.map((row) => ({ ...row, pass: rowPasses(row) })),
    glassToGlass: {
      definition: 'Date.now() in the requestVideoFrameCallback of the frame in Chromium minus Date.now() painted into it when the source wrote it, ms',
      summary: rows[0]!.summary,
      atExpectedDisplaySummary: summarise(glass.atExpectedDisplay),
      warmupFrames: glass.warmupFrames,
      undecoded: glass.undecoded,
      wrongTag: glass.wrongTag,
      timedOut: glass.timedOut,
      samplesMs: glass.samples,
    },
    firstFrameAfterSwitch: {
      definition: 'camera-button click event (event.timeStamp) to performance.now() in the requestVideoFrameCallback of the first frame carrying the new camera barcode, ms',
      summary: rows[1]!.summary,
      firstNewStreamFrameSummary: summarise(switches.samples.flatMap((s) => (s.firstNewStreamFrameMs === null ? [] : [s.firstNewStreamFrameMs]))),
      attempted: switches.attempted,
      failed: switches.failed,
      hitDeadline: switches.hitDeadline,
      error: switches.error ?? null,
      samples: switches.samples,
    },
  };
}
