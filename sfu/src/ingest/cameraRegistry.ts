import { EventEmitter } from 'node:events';
import type { CameraSummary, SfuConfig } from '@argus/shared';
import type { Logger } from '../log.js';
import type { WorkerPool } from '../media/workerPool.js';
import { RtspSource } from './rtsp/rtspSource.js';
import { GbChannelSource } from './gb28181/gbChannelSource.js';
import type { GbPlatform } from './gb28181/gbPlatform.js';
import type { CameraSource } from './cameraSource.js';
import { connectionChanged, labelsChanged, type IngestCamera } from './ingestCamera.js';

export interface CameraRegistryEvents {
  /** A camera's summary changed, or a camera was added; walls are told through `cameraState`. */
  change: [CameraSummary];
  /**
   * A camera was removed, or moved away from the org unit in this (old) summary. Emitted after
   * the registry holds the new state: `get(id)` tells a move (present, new org unit) from a removal.
   */
  removed: [CameraSummary];
}

/** What GB/T 28181 channels need: the platform (INVITE, DeviceControl) and its settings. */
export interface GbIngestDeps {
  platform: GbPlatform;
  config: SfuConfig['gb28181'];
}

/**
 * Every camera the SFU ingests, by id. Each way in — always-on RTSP, on-demand GB/T 28181 —
 * ends in the same shape: a {@link CameraSummary} and, while live, a video producer on one of
 * the pool's routers. The set of cameras follows the store through {@link CameraRegistry.reconcile}.
 */
export class CameraRegistry extends EventEmitter<CameraRegistryEvents> {
  private readonly sources = new Map<string, CameraSource>();
  /** GB/T 28181 channels by their device's 20-digit ID: presence events reach them without a scan of every camera. */
  private readonly channelsByDevice = new Map<string, Set<GbChannelSource>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly ingest: SfuConfig['ingest'],
    private readonly log: Logger,
    private readonly gb: GbIngestDeps | null = null,
  ) {
    super();
  }

  private start(camera: IngestCamera): void {
    let source: CameraSource;
    if (camera.kind === 'rtsp') {
      source = new RtspSource(camera, this.pool.routerForIngest(), this.ingest, this.log.child('rtsp'));
    } else if (this.gb) {
      source = new GbChannelSource(camera, this.pool.routerForIngest(), { ...this.gb, ingest: this.ingest, log: this.log.child('gb28181') });
    } else {
      return;
    }
    source.on('change', (summary) => this.emit('change', summary));
    this.sources.set(camera.id, source);
    if (source instanceof GbChannelSource) {
      const channels = this.channelsByDevice.get(source.camera.deviceGbId) ?? new Set();
      channels.add(source);
      this.channelsByDevice.set(source.camera.deviceGbId, channels);
    }
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
      if (next && !connectionChanged(source.camera, next)) {
        const before = source.summary;
        if (labelsChanged(before, next)) source.setLabels({ name: next.name, orgUnitId: next.orgUnitId, orgUnitName: next.orgUnitName, ptz: next.ptz });
        if (source instanceof GbChannelSource && next.kind === 'gb28181') source.setDeviceOnline(next.deviceOnline);
        if (before.orgUnitId !== next.orgUnitId) gone.push(before);
        wanted.delete(id);
        continue;
      }
      this.sources.delete(id);
      this.forgetChannel(source);
      stopping.push(source.stop());
      if (!next || source.summary.orgUnitId !== next.orgUnitId) gone.push(source.summary);
      this.log.info(next ? 'camera source changed; restarting ingest' : 'camera removed', { camera: id });
    }
    await Promise.all(stopping);
    for (const camera of wanted.values()) this.start(camera);
    for (const summary of gone) this.emit('removed', summary);
  }

  get(cameraId: string): CameraSource | undefined {
    return this.sources.get(cameraId);
  }

  /** A GB/T 28181 device registered or went offline: its channels become `idle` or `lost`. */
  setDevicePresence(deviceGbId: string, online: boolean): void {
    for (const source of this.channelsByDevice.get(deviceGbId) ?? []) source.setDeviceOnline(online);
  }

  private forgetChannel(source: CameraSource): void {
    if (!(source instanceof GbChannelSource)) return;
    const channels = this.channelsByDevice.get(source.camera.deviceGbId);
    channels?.delete(source);
    if (channels?.size === 0) this.channelsByDevice.delete(source.camera.deviceGbId);
  }

  /** The source whose current video or audio producer is `producerId`. */
  findByProducer(producerId: string): CameraSource | undefined {
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
    this.channelsByDevice.clear();
  }
}
