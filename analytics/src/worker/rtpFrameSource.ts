import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../media/spawnTied.js';
import type { RgbImage } from '../media/imageDecode.js';
import { PamStream } from '../media/pamStream.js';
import { analysisFilter } from '../media/videoFrames.js';

export interface RtpFrameSourceOptions {
  /** SDP (RFC 4566) of the incoming RTP: one H.264 video stream on a loopback port. */
  sdp: string;
  /** Pictures a second to decode (ffmpeg's fps filter). */
  fps: number;
  /** Scale down to at most this width, px. */
  maxWidth: number;
  /** Called with each decoded picture and the time it was decoded (epoch ms). */
  onFrame: (image: RgbImage, atMs: number) => void;
  /** The decoder has had no picture for a while: ask the sender for a keyframe (PLI). */
  onNeedKeyframe: () => void;
  /** ffmpeg stopped (it is restarted after `restartDelayMs`). */
  onError: (message: string) => void;
  ffmpegPath?: string;
  /** Without a picture for this long, ask for a keyframe again, ms (default 1500). */
  keyframeAfterMs?: number;
  /** Delay before a stopped ffmpeg is started again, ms (default 1000). */
  restartDelayMs?: number;
}

/**
 * Decodes the RTP a PlainTransport consumer sends to this process into RGB pictures at a fixed
 * rate: ffmpeg reads the SDP on stdin, listens on its port, and writes PAM pictures on stdout.
 * ffmpeg's fps filter picks pictures evenly; the decoder still decodes every frame (the notes
 * measured ~2.4 ms per 720p frame). While no picture comes (start-up, loss) it asks for a
 * keyframe every `keyframeAfterMs`; if ffmpeg exits it is started again.
 */
export class RtpFrameSource {
  private ffmpeg: ChildProcess | null = null;
  private stopped = false;
  private lastFrameAt = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Pictures decoded since the start. */
  framesDecoded = 0;

  constructor(private readonly options: RtpFrameSourceOptions) {}

  start(): void {
    this.stopped = false;
    this.spawn();
    const every = this.options.keyframeAfterMs ?? 1500;
    this.lastFrameAt = Date.now();
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameAt >= every) this.options.onNeedKeyframe();
    }, every);
    this.watchdog.unref();
  }

  private spawn(): void {
    const args = [
      '-v', 'error',
      '-protocol_whitelist', 'pipe,udp,rtp',
      '-fflags', 'nobuffer',
      '-probesize', '1000000',
      '-analyzeduration', '2000000',
      '-reorder_queue_size', '0',
      // Listen on loopback only (the SFU sends from 127.0.0.1): no other host can feed pictures
      // to the analysis.
      '-localaddr', '127.0.0.1',
      '-buffer_size', String(4 * 1024 * 1024),
      '-f', 'sdp', '-i', 'pipe:0',
      '-an', '-vf', analysisFilter(this.options.fps, this.options.maxWidth),
      '-pix_fmt', 'rgb24', '-f', 'image2pipe', '-c:v', 'pam', 'pipe:1',
    ];
    const ffmpeg = spawnTied(this.options.ffmpegPath ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.ffmpeg = ffmpeg;
    ffmpeg.stdin!.end(this.options.sdp);
    const pam = new PamStream();
    let stderr = '';
    ffmpeg.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
    ffmpeg.stdout!.on('data', (chunk: Buffer) => {
      let pictures: RgbImage[];
      try {
        pictures = pam.push(chunk);
      } catch (error) {
        this.options.onError((error as Error).message);
        ffmpeg.kill('SIGKILL');
        return;
      }
      for (const picture of pictures) {
        this.framesDecoded++;
        this.lastFrameAt = Date.now();
        this.options.onFrame(picture, this.lastFrameAt);
      }
    });
    ffmpeg.once('close', (code, signal) => {
      if (this.ffmpeg === ffmpeg) this.ffmpeg = null;
      if (this.stopped) return;
      this.options.onError(`ffmpeg exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
      this.restartTimer = setTimeout(() => this.spawn(), this.options.restartDelayMs ?? 1000);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.ffmpeg?.kill('SIGKILL');
    this.ffmpeg = null;
  }
}
