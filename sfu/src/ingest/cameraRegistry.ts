import { EventEmitter } from 'node:events';
import type { CameraConfig, CameraSummary, SfuConfig } from '@argus/shared';
import type { Logger } from '../log.js';
import type { WorkerPool } from '../media/workerPool.js';
import { RtspSource } from './rtsp/rtspSource.js';

export interface CameraRegistryEvents {
  /** A camera's summary changed; walls are told through the `cameraState` event. */
  change: [CameraSummary];
}

/**
 * Every camera the SFU ingests, by id. Each way in (only RTSP so far) ends in the same shape:
 * a {@link CameraSummary} and, while live, a video producer on one of the pool's routers.
 */
export class CameraRegistry extends EventEmitter<CameraRegistryEvents> {
  private readonly sources = new Map<string, RtspSource>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly ingest: SfuConfig['ingest'],
    private readonly log: Logger,
  ) {
    super();
  }

  /** Start ingesting `cameras`. @throws Error on a duplicate id. */
  addAll(cameras: CameraConfig[]): void {
    for (const camera of cameras) {
      if (this.sources.has(camera.id)) throw new Error(`duplicate camera id ${camera.id}`);
      const source = new RtspSource(camera, this.pool.routerForIngest(), this.ingest, this.log.child('rtsp'));
      source.on('change', (summary) => this.emit('change', summary));
      this.sources.set(camera.id, source);
      source.start();
    }
  }

  get(cameraId: string): RtspSource | undefined {
    return this.sources.get(cameraId);
  }

  list(): CameraSummary[] {
    return [...this.sources.values()].map((source) => source.summary);
  }

  /** Kill every ingest ffmpeg now (synchronous), so none outlives the SFU process. */
  killAllNow(): void {
    for (const source of this.sources.values()) source.killNow();
  }

  async close(): Promise<void> {
    await Promise.all([...this.sources.values()].map((source) => source.stop()));
    this.sources.clear();
  }
}
