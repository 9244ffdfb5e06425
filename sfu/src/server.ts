import type { AddressInfo } from 'node:net';
import type { SfuConfig } from '@argus/shared';
import { createLogger, type Logger } from './log.js';
import { CameraRegistry } from './ingest/cameraRegistry.js';
import { WorkerPool } from './media/workerPool.js';
import { createHttpServer } from './http/httpServer.js';
import { attachSignalling } from './signalling/signallingServer.js';

export interface SfuHandle {
  /** Base URL of the wall, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  port: number;
  pool: WorkerPool;
  cameras: CameraRegistry;
  /** Stop ingest, close walls' connections, stop the workers and the HTTP server. */
  close(): Promise<void>;
}

export interface StartSfuOptions {
  /** Folder of the wall's web build; null serves no wall (API and signalling only). */
  staticDir: string | null;
  log?: Logger;
  /** What to do when a mediasoup worker dies; default: log and exit(1) for the supervisor to restart us. */
  onWorkerDied?: (error: Error) => void;
}

/**
 * Start the SFU: mediasoup workers and routers, RTSP ingest of every configured camera,
 * HTTP (wall + /healthz) and socket.io signalling on one port.
 * @throws when workers cannot start or the port cannot be bound.
 */
export async function startSfu(config: SfuConfig, options: StartSfuOptions): Promise<SfuHandle> {
  const log = options.log ?? createLogger('sfu');
  // Ingest ffmpeg processes are children of this process: never leave them running after it.
  let cameras: CameraRegistry | null = null;
  const killIngest = () => cameras?.killAllNow();
  const pool = await WorkerPool.create({
    numWorkers: config.mediasoup.numWorkers,
    logLevel: config.mediasoup.logLevel,
    logTags: config.mediasoup.logTags,
    log,
    onWorkerDied:
      options.onWorkerDied ??
      (() => {
        process.exitCode = 1;
        process.exit(); // the 'exit' handler above kills the ingest processes
      }),
  });
  cameras = new CameraRegistry(pool, config.ingest, log);
  process.once('exit', killIngest);
  const httpServer = createHttpServer({ staticDir: options.staticDir, cameras, log: log.child('http') });
  const io = attachSignalling(httpServer, {
    pool,
    cameras,
    webrtc: config.mediasoup,
    allowedOrigins: config.http.allowedOrigins,
    log: log.child('signalling'),
  });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.http.port, config.http.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    process.off('exit', killIngest);
    await pool.close();
    throw error;
  }
  cameras.addAll(config.cameras);
  const registry = cameras;

  const port = (httpServer.address() as AddressInfo).port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    pool,
    cameras: registry,
    async close() {
      process.off('exit', killIngest);
      await registry.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool.close();
      httpServer.closeAllConnections();
    },
  };
}
