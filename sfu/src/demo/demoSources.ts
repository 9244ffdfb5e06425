import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CameraConfig } from '@argus/shared';
import { startFileFeed, startTestPatternFeed, type Feed } from './feeds.js';
import { freeUdpPort } from '../net/freePort.js';
import { startRtspTestServer, type MountVideoCodec, type RtspMount, type RtspTestServer } from './rtspTestServer.js';

const execFileAsync = promisify(execFile);
const VIDEO_EXTENSIONS = new Set(['.mp4', '.mkv', '.mov', '.avi', '.ts', '.m4v', '.webm', '.flv', '.gif']);
/** The wall's largest layout. */
export const MAX_DEMO_CAMERAS = 16;

/** The four built-in demo cameras: each takes a different ingest path through the SFU. */
export const TEST_PATTERN_CAMERAS: Array<{ id: string; name: string; video: MountVideoCodec; h264Profile?: 'baseline' | 'main' | 'high' }> = [
  { id: 'demo-1', name: '演示 1 · H.264 Baseline', video: 'h264', h264Profile: 'baseline' },
  { id: 'demo-2', name: '演示 2 · H.264 Main', video: 'h264', h264Profile: 'main' },
  { id: 'demo-3', name: '演示 3 · H.264 High', video: 'h264', h264Profile: 'high' },
  { id: 'demo-4', name: '演示 4 · H.265 (转码)', video: 'h265' },
];

export interface DemoSources {
  rtsp: RtspTestServer;
  feeds: Feed[];
  cameras: CameraConfig[];
  stop(): Promise<void>;
  /** Kill the feeds and the RTSP server at once (synchronous), e.g. on process exit. */
  killNow(): void;
}

interface FileInfo {
  file: string;
  videoCodec: string;
  hasAudio: boolean;
}

async function probeFile(file: string): Promise<FileInfo | null> {
  try {
    const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', file]);
    const streams = (JSON.parse(stdout) as { streams?: Array<{ codec_type?: string; codec_name?: string }> }).streams ?? [];
    const video = streams.find((s) => s.codec_type === 'video');
    if (!video?.codec_name) return null;
    return { file, videoCodec: video.codec_name, hasAudio: streams.some((s) => s.codec_type === 'audio') };
  } catch {
    return null;
  }
}

/**
 * Start the demo's cameras: a real RTSP server on loopback `rtspPort` with one mount per
 * camera, each fed by ffmpeg in real time. Without `folder`, the four
 * {@link TEST_PATTERN_CAMERAS}; with it, one camera per playable video file (at most 16).
 * @throws Error when the folder has no playable video or the RTSP server cannot start.
 */
export async function startDemoSources(options: { rtspPort: number; folder?: string }): Promise<DemoSources> {
  const mounts: RtspMount[] = [];
  const starters: Array<() => Feed> = [];
  const cameras: CameraConfig[] = [];

  if (options.folder) {
    const names = (await readdir(options.folder)).filter((n) => VIDEO_EXTENSIONS.has(path.extname(n).toLowerCase())).sort();
    const infos = (await Promise.all(names.map((n) => probeFile(path.join(options.folder!, n))))).filter((i): i is FileInfo => i !== null);
    if (infos.length === 0) throw new Error(`no playable video files in ${options.folder}`);
    for (const [index, info] of infos.slice(0, MAX_DEMO_CAMERAS).entries()) {
      const udpPort = await freeUdpPort();
      const copyVideo = info.videoCodec === 'h264' || info.videoCodec === 'hevc' || info.videoCodec === 'mpeg4';
      const video: MountVideoCodec = !copyVideo || info.videoCodec === 'h264' ? 'h264' : info.videoCodec === 'hevc' ? 'h265' : 'mpeg4';
      const name = `file-${index + 1}`;
      mounts.push({ name, udpPort, video, ...(info.hasAudio ? { audio: 'aac' as const } : {}) });
      starters.push(() => startFileFeed({ udpPort, file: info.file, copyVideo, withAudio: info.hasAudio }));
      cameras.push({ id: name, name: path.basename(info.file), url: '' });
    }
  } else {
    for (const camera of TEST_PATTERN_CAMERAS) {
      const udpPort = await freeUdpPort();
      mounts.push({ name: camera.id, udpPort, video: camera.video });
      starters.push(() => startTestPatternFeed({ udpPort, label: camera.name, video: camera.video, ...(camera.h264Profile ? { h264Profile: camera.h264Profile } : {}) }));
      cameras.push({ id: camera.id, name: camera.name, url: '' });
    }
  }

  const feeds = starters.map((start) => start());
  let rtsp: RtspTestServer;
  try {
    rtsp = await startRtspTestServer(options.rtspPort, mounts);
  } catch (error) {
    for (const feed of feeds) feed.stop();
    throw error;
  }
  for (const [index, camera] of cameras.entries()) camera.url = rtsp.url(mounts[index]!.name);
  return {
    rtsp,
    feeds,
    cameras,
    async stop() {
      for (const feed of feeds) feed.stop();
      await rtsp.stop();
    },
    killNow() {
      for (const feed of feeds) feed.stop();
      if (rtsp.process.exitCode === null) rtsp.process.kill('SIGKILL');
    },
  };
}
