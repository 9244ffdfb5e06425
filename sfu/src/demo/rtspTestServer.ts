import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../process/spawnTied.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** scripts/rtsp-server.py in the repository. */
export const RTSP_SERVER_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/rtsp-server.py');

export type MountVideoCodec = 'h264' | 'h265' | 'mpeg4';

/** One RTSP mount: `rtsp://127.0.0.1:PORT/NAME` relays the MPEG-TS arriving on UDP `udpPort`. */
export interface RtspMount {
  name: string;
  udpPort: number;
  video: MountVideoCodec;
  audio?: 'aac';
}

export interface RtspTestServer {
  port: number;
  /** `rtsp://127.0.0.1:PORT/NAME` */
  url(name: string): string;
  /** Stop the server (SIGTERM, then SIGKILL after 2 s); resolves when it has exited. */
  stop(): Promise<void>;
  process: ChildProcess;
}

/**
 * Start GStreamer's RTSP server (scripts/rtsp-server.py, Debian's python3-gi) on loopback.
 * Resolves once it prints "ready".
 * @throws Error when it exits first or is not ready within `timeoutMs` (the message carries its stderr).
 */
export function startRtspTestServer(port: number, mounts: RtspMount[], timeoutMs = 30_000): Promise<RtspTestServer> {
  const args = [RTSP_SERVER_SCRIPT, '--port', String(port)];
  for (const m of mounts) args.push('--mount', `${m.name}=${m.udpPort}:${m.video}${m.audio ? `:${m.audio}` : ''}`);
  const child = spawnTied('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`RTSP server not ready in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`RTSP server exited (${code}): ${stderr}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (!chunk.includes('ready')) return;
      clearTimeout(timer);
      resolve({
        port,
        url: (name) => `rtsp://127.0.0.1:${port}/${name}`,
        process: child,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
