import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { annexBAccessUnits, type AnnexBCodec } from '../ingest/gb28181/ps/index.js';
import { spawnTied } from '../process/spawnTied.js';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface LiveEsOptions {
  codec: AnnexBCodec;
  /** Text drawn on the picture (ASCII). */
  label: string;
  width?: number;
  height?: number;
  fps?: number;
  ffmpegPath?: string;
}

/**
 * A live H.264 or H.265 elementary stream for the demo's simulated GB/T 28181 camera: ffmpeg's
 * testsrc2 with a label and a running clock, encoded in real time (1 s GOP, no B-frames) and
 * written as Annex-B to stdout, split here into access units (`unit` events). ffmpeg runs only
 * while someone listens: started by the first {@link subscribe}, stopped when the last leaves.
 */
export class LiveEsSource extends EventEmitter<{ unit: [Buffer] }> {
  private ffmpeg: ChildProcess | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private subscribers = 0;

  constructor(readonly options: LiveEsOptions) {
    super();
  }

  /** Listen to access units; returns the unsubscribe function. */
  subscribe(listener: (unit: Buffer) => void): () => void {
    this.on('unit', listener);
    if (this.subscribers++ === 0) this.start();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.off('unit', listener);
      if (--this.subscribers === 0) this.stop();
    };
  }

  /** Kill ffmpeg now (synchronous), for process exit. */
  stop(): void {
    if (this.ffmpeg && this.ffmpeg.exitCode === null) this.ffmpeg.kill('SIGKILL');
    this.ffmpeg = null;
    this.pending = Buffer.alloc(0);
  }

  private start(): void {
    const { codec, label, width = 640, height = 360, fps = 25, ffmpegPath = 'ffmpeg' } = this.options;
    const font = existsSync(FONT) ? `fontfile=${FONT}:` : '';
    const draw =
      `drawtext=${font}text='${label.replace(/[\\':%]/g, ' ')}':x=16:y=16:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.6,` +
      `drawtext=${font}text='%{localtime} #%{n}':x=16:y=52:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.6`;
    const encoder =
      codec === 'h264'
        ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-bf', '0', '-g', String(fps), '-b:v', '1000k', '-f', 'h264']
        : ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-x265-params', `keyint=${fps}:bframes=0:log-level=error`, '-b:v', '700k', '-f', 'hevc'];
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-vf', draw, '-pix_fmt', 'yuv420p', ...encoder, 'pipe:1'];
    const child = spawnTied(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    this.ffmpeg = child;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.ffmpeg !== child) return;
      const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
      const units = annexBAccessUnits(buf, codec);
      // The last unit may still be growing: keep it until the next one starts.
      const last = units.pop();
      this.pending = last ? Buffer.from(last) : Buffer.alloc(0);
      for (const unit of units) this.emit('unit', Buffer.from(unit));
    });
    child.on('exit', () => {
      if (this.ffmpeg === child) this.ffmpeg = null;
    });
  }
}
