import type { GbOfflineReason, GbPlatformCounters } from '@argus/sfu';

/**
 * What the benchmark and its platform process (platformProcess.ts) say to each other over the
 * Node IPC channel of `child_process.fork`.
 */

/** How the platform process starts (JSON in its argv[2]). */
export interface PlatformLaunch {
  /** The seeded SQLite store. */
  storePath: string;
  domainId: string;
  serverId: string;
  /** Keepalive interval the platform expects (`gb28181.keepaliveIntervalMs`), ms. */
  keepaliveIntervalMs: number;
  /** Keepalives missed before offline (`gb28181.keepaliveMissed`). */
  keepaliveMissed: number;
  /** Idle time after which a catalog answer is kept as it is (`gb28181.catalogTimeoutMs`), ms. */
  catalogTimeoutMs: number;
}

/** Event-loop delay of the platform process between two samples (perf_hooks.monitorEventLoopDelay), ms. */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One reading of the platform process. */
export interface PlatformSample {
  /** Monotonic clock of the platform process (performance.now()), ms. */
  atMs: number;
  /** process.cpuUsage() of the platform process, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  counters: GbPlatformCounters;
  /** GbPlatform.registeredDevices().length. */
  registered: number;
  /** Devices online now, as the platform's `deviceOnline` / `deviceOffline` events tell. */
  online: number;
  /** Devices the store says are online now; only in samples asked `withStore` (reading 10,000 rows takes tens of ms), else null. */
  onlineInStore: number | null;
  /** Devices that were online at some point so far. */
  everOnline: number;
  /** `deviceOnline` events so far. */
  onlineEvents: number;
  /** `deviceOffline` events so far, by reason. */
  offlineEvents: Partial<Record<GbOfflineReason, number>>;
  /** `catalogUpdated` events so far, and channels they created. */
  catalogUpdates: number;
  channelsCreated: number;
  /** Event-loop delay since the previous sample. */
  eventLoop: EventLoopDelay;
}

/** The platform process's last word, before it closes the platform and exits. */
export interface PlatformFinal {
  sample: PlatformSample;
  devicesInStore: number;
  /** Devices the store says are online, read before closing the platform. */
  onlineInStore: number;
  /** GbPlatform.close() (every registered device marked offline in the store), ms. */
  closeMs: number;
}

export type ToPlatform = { type: 'sample'; id: number; withStore: boolean } | { type: 'stop' };

export type FromPlatform =
  | { type: 'ready'; port: number; startMs: number }
  | { type: 'sample'; id: number; sample: PlatformSample }
  | { type: 'stopped'; final: PlatformFinal }
  | { type: 'failed'; message: string };
