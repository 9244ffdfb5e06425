import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseSfuConfig, type SfuConfigInput } from '@argus/shared';
import { createTestUser, TEST_PASSWORD } from './auth.js';
import {
  createLogger,
  freeTcpPort,
  freeUdpPort,
  startFileFeed,
  startRtspTestServer,
  startSfu,
  startTestPatternFeed,
  type Feed,
  type RtspMount,
  type RtspTestServer,
  type SfuHandle,
} from '@argus/sfu';

/** A camera of the rig: a looped file or a test pattern, behind one RTSP mount. */
export type RigCamera =
  | { id: string; name: string; file: string; withAudio?: boolean }
  | { id: string; name: string; pattern: { video: 'h264' | 'h265' | 'mpeg4'; h264Profile?: 'baseline' | 'main' | 'high'; width?: number; height?: number; fps?: number } };

/**
 * Real parts for a test: ffmpeg feeds → GStreamer RTSP server on loopback → the SFU (real
 * mediasoup workers) ingesting every mount. `restartRtsp()` brings the RTSP server back on the
 * same port after `rtsp.stop()`.
 */
export interface CameraRig {
  sfu: SfuHandle;
  /** An operator at the root of the org tree (sees every camera). */
  operator: { username: string; password: string };
  rtsp: RtspTestServer;
  restartRtsp(): Promise<RtspTestServer>;
  close(): Promise<void>;
}

export async function startCameraRig(cameras: RigCamera[], options: { staticDir: string | null; sfuConfig?: Omit<SfuConfigInput, 'cameras'> }): Promise<CameraRig> {
  const feeds: Feed[] = [];
  const mounts: RtspMount[] = [];
  for (const camera of cameras) {
    const udpPort = await freeUdpPort();
    if ('file' in camera) {
      mounts.push({ name: camera.id, udpPort, video: 'h264', ...(camera.withAudio ? { audio: 'aac' as const } : {}) });
      feeds.push(startFileFeed({ udpPort, file: camera.file, copyVideo: true, withAudio: camera.withAudio ?? false }));
    } else {
      mounts.push({ name: camera.id, udpPort, video: camera.pattern.video });
      feeds.push(startTestPatternFeed({ udpPort, label: camera.name, ...camera.pattern }));
    }
  }
  const rtspPort = await freeTcpPort();
  let rtsp = await startRtspTestServer(rtspPort, mounts);
  // A fresh SQLite file per rig; the config's cameras are imported into it at start-up.
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'argus-store-'));
  const config = parseSfuConfig({
    http: { host: '127.0.0.1', port: 0 },
    mediasoup: { numWorkers: 2 },
    store: { path: path.join(storeDir, 'argus.db') },
    ...options.sfuConfig,
    cameras: cameras.map((c) => ({ id: c.id, name: c.name, url: rtsp.url(c.id) })),
  });
  const sfu = await startSfu(config, { staticDir: options.staticDir, log: createLogger('test-sfu'), onWorkerDied: (e) => console.error('worker died', e) });
  await createTestUser(sfu, 'rig-operator', ['operator']);
  const rig: CameraRig = {
    sfu,
    operator: { username: 'rig-operator', password: TEST_PASSWORD },
    get rtsp() {
      return rtsp;
    },
    async restartRtsp() {
      rtsp = await startRtspTestServer(rtspPort, mounts);
      return rtsp;
    },
    async close() {
      await sfu.close();
      for (const feed of feeds) feed.stop();
      await rtsp.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
  return rig;
}
