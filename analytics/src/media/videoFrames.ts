import { spawn } from 'node:child_process';
import type { RgbImage } from './imageDecode.js';
import { PamStream } from './pamStream.js';

/** One decoded picture of a video and when it was shown. */
export interface VideoFrame {
  image: RgbImage;
  /** Presentation time from the start of the file, ms (frame index / fps × 1000). */
  ptsMs: number;
}

export interface VideoFrameOptions {
  /** Pictures per second taken from the video (ffmpeg's fps filter), e.g. 5. */
  fps: number;
  /** Scale down to at most this width, px (height keeps the aspect ratio, even); default: as is. */
  maxWidth?: number;
  /** Start this far into the file, s (default 0). */
  startS?: number;
  /** Read at most this long, s (default: to the end). */
  durationS?: number;
  ffmpegPath?: string;
}

/** ffmpeg's video filter for `fps` pictures a second, scaled to at most `maxWidth` px wide. */
export function analysisFilter(fps: number, maxWidth?: number): string {
  const scale = maxWidth ? `,scale='min(${maxWidth},iw)':-2` : '';
  return `fps=${fps}${scale}`;
}

/**
 * The pictures of a video file at `fps`, decoded by ffmpeg to RGB on a pipe (PAM). For tests and
 * benches that feed the analytics pipelines from files; the worker reads RTP the same way.
 * @throws Error when ffmpeg cannot read the file (exit code and its stderr)
 */
export async function* readVideoFrames(file: string, options: VideoFrameOptions): AsyncGenerator<VideoFrame> {
  const args = ['-v', 'error', '-nostdin'];
  if (options.startS) args.push('-ss', String(options.startS));
  args.push('-i', file);
  if (options.durationS) args.push('-t', String(options.durationS));
  args.push('-an', '-vf', analysisFilter(options.fps, options.maxWidth), '-pix_fmt', 'rgb24', '-f', 'image2pipe', '-c:v', 'pam', 'pipe:1');
  const ffmpeg = spawn(options.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => ffmpeg.once('close', (code) => resolve(code)));
  const pam = new PamStream();
  let index = 0;
  try {
    for await (const chunk of ffmpeg.stdout) {
      for (const image of pam.push(chunk as Buffer)) {
        yield { image, ptsMs: Math.round((index++ * 1000) / options.fps) };
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg could not decode ${file} (exit ${code}): ${stderr.trim()}`);
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill('SIGKILL');
  }
}
