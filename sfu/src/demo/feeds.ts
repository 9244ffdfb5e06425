import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../process/spawnTied.js';
import { existsSync } from 'node:fs';
import type { MountVideoCodec } from './rtspTestServer.js';

/** Font for the burnt-in captions (Debian fonts-wqy-microhei: has CJK glyphs). */
const FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

/** A live MPEG-TS feed into a UDP port on loopback, played by ffmpeg in real time. */
export interface Feed {
  process: ChildProcess;
  stop(): void;
}

const TS_OUTPUT = ['-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1'];

function udpUrl(port: number): string {
  return `udp://127.0.0.1:${port}?pkt_size=1316`;
}

function run(args: string[], ffmpegPath: string): Feed {
  const child = spawnTied(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    process: child,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** How a test-pattern camera encodes, so the demo exercises every ingest path. */
export interface TestPatternOptions {
  udpPort: number;
  /** Caption burnt into the picture next to a running wall clock. */
  label: string;
  video: MountVideoCodec;
  /** x264 profile when `video` is h264: baseline, main or high. */
  h264Profile?: 'baseline' | 'main' | 'high';
  width?: number;
  height?: number;
  fps?: number;
  /** Keyframe interval, s. */
  gopSeconds?: number;
  ffmpegPath?: string;
}

/** ffmpeg's testsrc2 with the camera's label and a running clock (local time, frame number). */
export function startTestPatternFeed(options: TestPatternOptions): Feed {
  const { udpPort, label, video, width = 640, height = 360, fps = 25, gopSeconds = 1, ffmpegPath = 'ffmpeg' } = options;
  const font = existsSync(FONT) ? `fontfile=${FONT}:` : '';
  const text = label.replace(/[\\':%]/g, ' ');
  const draw =
    `drawtext=${font}text='${text}':x=16:y=16:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.6,` +
    `drawtext=${font}text='%{localtime} #%{n}':x=16:y=52:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.6`;
  const gop = String(Math.max(1, Math.round(fps * gopSeconds)));
  const encoder =
    video === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', options.h264Profile ?? 'main', '-pix_fmt', 'yuv420p', '-g', gop, '-b:v', '1200k']
      : video === 'h265'
        ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-x265-params', `keyint=${gop}:log-level=error`, '-b:v', '800k']
        : ['-c:v', 'mpeg4', '-g', gop, '-q:v', '5'];
  return run(['-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-vf', draw, ...encoder, ...TS_OUTPUT, udpUrl(udpPort)], ffmpegPath);
}

/**
 * Loop a video file forever in real time (`-re -stream_loop -1`).
 * `copyVideo`: pass H.264 / H.265 / MPEG-4 Part 2 video through untouched; otherwise it is
 * encoded to H.264 Main with a 1 s GOP. `withAudio` sends the first audio track as AAC.
 */
export function startFileFeed(options: { udpPort: number; file: string; copyVideo: boolean; withAudio: boolean; ffmpegPath?: string }): Feed {
  const video = options.copyVideo
    ? ['-c:v', 'copy']
    : ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*1)'];
  const audio = options.withAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '96k'] : ['-an'];
  return run(
    ['-re', '-stream_loop', '-1', '-i', options.file, '-map', '0:v:0', ...video, ...audio, ...TS_OUTPUT, udpUrl(options.udpPort)],
    options.ffmpegPath ?? 'ffmpeg',
  );
}
