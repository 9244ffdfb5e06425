import { EventEmitter } from 'node:events';
import type { CameraSummary, SfuConfig } from '@argus/shared';
import type { Logger } from '../log.js';
import type { WorkerPool } from '../media/workerPool.js';
import { RtspSource } from './rtsp/rtspSource.js';
import { connectionChanged, type IngestCamera } from './ingestCamera.js';

export interface CameraRegistryEvents {
  /** A camera's summary changed, or a camera was added; walls are told through `cameraState`. */
  change: [CameraSummary];
  /**
   * A camera was removed, or moved away from the org unit in this (old) summary. Emitted after
   * the registry holds the new state: `get(id)` tells a move (present, new org unit) from a removal.
   */
  removed: [CameraSummary];
}

/**
 * Every camera the SFU ingests, by id. Each way in (only RTSP so far) ends in the same shape:
 * a {@link CameraSummary} and, while live, a video producer on one of the pool's routers.
 * The set of cameras follows the store through {@link CameraRegistry.reconcile}.
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

  private start(camera: IngestCamera): void {
    const source = new RtspSource(camera, this.pool.routerForIngest(), this.ingest, this.log.child('rtsp'));
    source.on('change', (summary) => this.emit('change', summary));
    this.sources.set(camera.id, source);
    source.start();
  }

  /**
   * Make the running set match `cameras`: start new ones, stop missing ones (`removed`),
   * restart those whose URL or credentials changed, relabel renamed or moved ones in place.
   */
  async reconcile(cameras: readonly IngestCamera[]): Promise<void> {
    const wanted = new Map(cameras.map((camera) => [camera.id, camera]));
    const stopping: Array<Promise<void>> = [];
    // Announced last, once the new state is in place, so listeners can tell a move from a removal.
    const gone: CameraSummary[] = [];
    for (const [id, source] of this.sources) {
      const next = wanted.get(id);
      if (next && !connectionChanged(source.connection, next)) {
        const before = source.summary;
        if (before.name !== next.name || before.orgUnitId !== next.orgUnitId || before.orgUnitName !== next.orgUnitName) {
          source.setLabels({ name: next.name, orgUnitId: next.orgUnitId, orgUnitName: next.orgUnitName });
        }
        if (before.orgUnitId !== next.orgUnitId) gone.push(before);
        wanted.delete(id);
        continue;
      }
      this.sources.delete(id);
      stopping.push(source.stop());
      if (!next || source.summary.orgUnitId !== next.orgUnitId) gone.push(source.summary);
      this.log.info(next ? 'camera source changed; restarting ingest' : 'camera removed', { camera: id });
    }
    await Promise.all(stopping);
    for (const camera of wanted.values()) this.start(camera);
    for (const summary of gone) this.emit('removed', summary);
  }

  get(cameraId: string): RtspSource | undefined {
    return this.sources.get(cameraId);
  }

  /** The source whose current video or audio producer is `producerId`. */
  findByProducer(producerId: string): RtspSource | undefined {
    for (const source of this.sources.values()) {
      const { videoProducerId, audioProducerId } = source.summary;
      if (videoProducerId === producerId || audioProducerId === producerId) return source;
    }
    return undefined;
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
