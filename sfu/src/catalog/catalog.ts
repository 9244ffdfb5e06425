import { EventEmitter } from 'node:events';
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
 * channels). {@link Catalog.refresh} after every change to org units or channels.
 */
export class Catalog extends EventEmitter<CatalogEvents> {
  private treeValue = new OrgTree([]);
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly cameras: CameraRegistry,
    private readonly log: Logger,
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
    for (const channel of await this.store.channels.list()) {
      if (!channel.enabled || channel.source.type !== 'rtsp') continue;
      const secret = secrets.get(channel.id);
      if (!secret) continue;
      wanted.push({
        id: channel.id,
        name: channel.name,
        url: secret.url,
        username: secret.username ?? undefined,
        password: secret.password ?? undefined,
        orgUnitId: channel.orgUnitId,
        orgUnitName: this.treeValue.name(channel.orgUnitId),
      });
    }
    await this.cameras.reconcile(wanted);
    this.emit('changed');
  }
}
