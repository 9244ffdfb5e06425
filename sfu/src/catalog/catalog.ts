import { EventEmitter } from 'node:events';
import type { GbStreamMode } from '@argus/shared';
import type { Logger } from '../log.js';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import type { IngestCamera } from '../ingest/ingestCamera.js';
import { OrgTree } from '../scope/orgTree.js';
import type { Store } from '../store/store.js';

export interface CatalogEvents {
  /** The org tree or the channels changed: scopes must be re-checked. */
  changed: [];
}

/**
 * What the store says exists, kept where the running server needs it: the org tree (for
 * scoping) and the set of ingested cameras (the registry follows the store's enabled RTSP
 * channels, and its enabled GB/T 28181 channels when the platform runs). {@link Catalog.refresh}
 * after every change to org units, devices or channels.
 */
export class Catalog extends EventEmitter<CatalogEvents> {
  private treeValue = new OrgTree([]);
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly cameras: CameraRegistry,
    private readonly log: Logger,
    /** The GB/T 28181 platform's default media transport; null when the platform is off (its channels are not ingested). */
    private readonly gbDefaultStreamMode: GbStreamMode | null = null,
  ) {
    super();
  }

  get tree(): OrgTree {
    return this.treeValue;
  }

  /**
   * Reload the org tree and reconcile ingest with the store's channels. Calls are serialised;
   * one that fails is logged and rejects (so an API call reports it), and the next still runs.
   */
  refresh(): Promise<void> {
    const run = this.refreshing.then(() => this.load());
    this.refreshing = run.catch((error: Error) => this.log.error('catalog refresh failed', { error }));
    return run;
  }

  private async load(): Promise<void> {
    this.treeValue = new OrgTree(await this.store.orgUnits.list());
    const wanted: IngestCamera[] = [];
    const secrets = await this.store.channels.rtspSecrets();
    const devices = this.gbDefaultStreamMode ? new Map((await this.store.devices.list()).map((device) => [device.id, device])) : new Map();
    for (const channel of await this.store.channels.list()) {
      if (!channel.enabled) continue;
      const labels = { id: channel.id, name: channel.name, orgUnitId: channel.orgUnitId, orgUnitName: this.treeValue.name(channel.orgUnitId), ptz: channel.ptz };
      if (channel.source.type === 'rtsp') {
        const secret = secrets.get(channel.id);
        if (!secret) continue;
        wanted.push({ kind: 'rtsp', ...labels, ptz: false, url: secret.url, username: secret.username ?? undefined, password: secret.password ?? undefined });
      } else if (channel.source.type === 'gb28181' && this.gbDefaultStreamMode) {
        const device = devices.get(channel.deviceId);
        if (!device?.gbDeviceId) continue;
        wanted.push({
          kind: 'gb28181',
          ...labels,
          deviceGbId: device.gbDeviceId,
          channelGbId: channel.source.gbChannelId,
          streamMode: device.gbStreamMode ?? this.gbDefaultStreamMode,
          deviceOnline: device.online,
        });
      }
    }
    await this.cameras.reconcile(wanted);
    this.emit('changed');
  }
}
