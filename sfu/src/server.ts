import type { AddressInfo } from 'node:net';
import type { SfuConfig } from '@argus/shared';
import { createLogger, type Logger } from './log.js';
import { AuthService } from './auth/authService.js';
import { Catalog } from './catalog/catalog.js';
import { CameraRegistry } from './ingest/cameraRegistry.js';
import { GbPlatform } from './ingest/gb28181/gbPlatform.js';
import { GbUpstream } from './ingest/gb28181/gbUpstream.js';
import { WorkerPool } from './media/workerPool.js';
import { AnalyticsService } from './analytics/analyticsService.js';
import { createHttpServer } from './http/httpServer.js';
import { createApi } from './http/api/api.js';
import { attachSignalling } from './signalling/signallingServer.js';
import { bootstrapStore, type BootstrapResult } from './store/bootstrap.js';
import { openSqliteStore } from './store/sqlite/sqliteStore.js';
import type { Store } from './store/store.js';

/** How long ended session rows are kept before housekeeping deletes them, ms. */
const SESSION_ROWS_KEPT_MS = 30 * 24 * 3600_000;

export interface SfuHandle {
  /** Base URL of the wall, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  port: number;
  pool: WorkerPool;
  cameras: CameraRegistry;
  store: Store;
  auth: AuthService;
  catalog: Catalog;
  /** The GB/T 28181 platform (SIP registrar, keepalive, catalog) when `config.gb28181.enabled`, else null. */
  gb28181: GbPlatform | null;
  /** The cascade to a superior platform when `config.gb28181.upstream` is set, else null. */
  gbUpstream: GbUpstream | null;
  /** The analytics workers when `config.analytics.enabled`, else null. */
  analytics: AnalyticsService | null;
  /** What the first start created (the admin's one-time password) and imported. */
  bootstrap: BootstrapResult;
  /** Stop ingest, close walls' connections (their views recorded as ended), stop the workers, the HTTP server and the store. */
  close(): Promise<void>;
}

export interface StartSfuOptions {
  /** Folder of the wall's web build; null serves no wall (API and signalling only). */
  staticDir: string | null;
  log?: Logger;
  /** What to do when a mediasoup worker dies; default: log and exit(1) for the supervisor to restart us. */
  onWorkerDied?: (error: Error) => void;
  /** The analytics worker's entry point (tests); default the analytics workspace's build. */
  analyticsWorkerEntry?: string;
}

/**
 * Start the SFU: the store (SQLite, migrated; views left open by a crash closed at the last
 * heartbeat), mediasoup workers and routers, RTSP ingest of the store's channels, HTTP (wall,
 * `/healthz`, `/api`) and authenticated socket.io signalling on one port.
 * @throws StoreError when the database cannot be opened; Error when workers cannot start or
 * the port cannot be bound.
 */
export async function startSfu(config: SfuConfig, options: StartSfuOptions): Promise<SfuHandle> {
  const log = options.log ?? createLogger('sfu');
  const store = openSqliteStore(config.store.path);
  let heartbeat: NodeJS.Timeout | null = null;
  let housekeeping: NodeJS.Timeout | null = null;
  let pool: WorkerPool | null = null;
  let cameras: CameraRegistry | null = null;
  let gb28181: GbPlatform | null = null;
  let analytics: AnalyticsService | null = null;
  const killIngest = () => cameras?.killAllNow();
  try {
    // A previous run that died left views open: close them at its last heartbeat.
    const lastBeat = await store.server.lastBeat();
    const orphans = await store.views.closeOrphans(lastBeat ?? Date.now());
    if (orphans.length > 0) log.warn('closed live views left open by the previous run', { count: orphans.length, at: new Date(lastBeat ?? Date.now()).toISOString() });
    await store.server.beat(Date.now());
    heartbeat = setInterval(() => {
      store.server.beat(Date.now()).catch((error: Error) => log.error('heartbeat write failed', { error }));
    }, config.store.heartbeatMs);
    heartbeat.unref();
    // Housekeeping: session rows are kept 30 days past their expiry (audit rows keep the history).
    const purge = () => store.sessions.purgeExpired(Date.now() - SESSION_ROWS_KEPT_MS).catch((error: Error) => log.error('session purge failed', { error }));
    void purge();
    housekeeping = setInterval(purge, 3600_000);
    housekeeping.unref();
    const bootstrap = await bootstrapStore(store, config, log.child('store'));
    const auth = await AuthService.create(store, config.auth, log.child('auth'));

    // Ingest ffmpeg processes are children of this process: never leave them running after it.
    pool = await WorkerPool.create({
      numWorkers: config.mediasoup.numWorkers,
      logLevel: config.mediasoup.logLevel,
      logTags: config.mediasoup.logTags,
      log,
      onWorkerDied:
        options.onWorkerDied ??
        (() => {
          process.exitCode = 1;
          process.exit(); // the 'exit' handler kills the ingest processes
        }),
    });
    if (config.gb28181.enabled) gb28181 = await GbPlatform.start({ config: config.gb28181, store, log: log.child('gb28181') });
    const gbDeps = gb28181 ? { platform: gb28181, config: config.gb28181 } : null;
    cameras = new CameraRegistry(pool, config.ingest, log, gbDeps);
    process.once('exit', killIngest);
    const catalog = new Catalog(store, cameras, log.child('catalog'), gb28181 ? config.gb28181.streamMode : null);
    if (gb28181) {
      const registry = cameras;
      // New or changed channels from a catalog reach ingest and the walls through a refresh. Presence
      // (online/offline) changes neither the org tree nor the channel set: it goes straight to the
      // device's channels, since refreshing would reload every unit and channel for each keepalive
      // timeout of each of thousands of devices.
      gb28181.on('catalogUpdated', (update) => {
        if (update.sync.created.length > 0 || update.sync.updated.length > 0 || update.sync.removed.length > 0) void catalog.refresh().catch(() => undefined);
      });
      gb28181.on('deviceOnline', (device) => device.gbDeviceId && registry.setDevicePresence(device.gbDeviceId, true));
      gb28181.on('deviceOffline', (device) => device.gbDeviceId && registry.setDevicePresence(device.gbDeviceId, false));
    }
    if (config.analytics.enabled) {
      analytics = await AnalyticsService.start({ config: config.analytics, store, cameras, log: log.child('analytics'), ...(options.analyticsWorkerEntry ? { workerEntry: options.analyticsWorkerEntry } : {}) });
    }
    const api = createApi({ store, auth, catalog, analytics, analyticsConfig: config.analytics, allowedOrigins: config.http.allowedOrigins, secureCookie: config.auth.secureCookie, log: log.child('api') });
    const httpServer = createHttpServer({ staticDir: options.staticDir, cameras, api, log: log.child('http') });
    const signalling = attachSignalling(httpServer, {
      pool,
      cameras,
      catalog,
      store,
      auth,
      webrtc: config.mediasoup,
      allowedOrigins: config.http.allowedOrigins,
      log: log.child('signalling'),
    });

    analytics?.setNotifier({
      signIn: (record) => signalling.notify('signIn', record, record.orgUnitId, 'signins.read'),
      alert: (alert) => signalling.notify('alert', alert, alert.orgUnitId, 'alerts.handle'),
      alertAcknowledged: (alert) =>
        signalling.notify('alertAcknowledged', { id: alert.id, acknowledgedAt: alert.acknowledgedAt ?? Date.now(), acknowledgedBy: alert.acknowledgedBy ?? '' }, alert.orgUnitId, 'alerts.handle'),
    });
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.http.port, config.http.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    await catalog.refresh();
    const upstream = gb28181 && config.gb28181.upstream
      ? GbUpstream.start({ platform: gb28181, config: config.gb28181, upstream: config.gb28181.upstream, store, catalog, cameras, log: log.child('gb28181-upstream') })
      : null;

    const port = (httpServer.address() as AddressInfo).port;
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const registry = cameras;
    const workers = pool;
    const gbPlatform = gb28181;
    const analyticsService = analytics;
    return {
      url: `http://${host}:${port}/`,
      port,
      pool: workers,
      cameras: registry,
      store,
      auth,
      catalog,
      gb28181: gbPlatform,
      gbUpstream: upstream,
      analytics: analyticsService,
      bootstrap,
      async close() {
        process.off('exit', killIngest);
        await analyticsService?.close();
        await upstream?.close();
        await gbPlatform?.close();
        await signalling.close();
        await registry.close();
        await workers.close();
        httpServer.closeAllConnections();
        if (heartbeat) clearInterval(heartbeat);
        if (housekeeping) clearInterval(housekeeping);
        // Views of walls that did not disconnect in time end with the server.
        await store.views.closeOrphans(Date.now());
        await store.server.beat(Date.now());
        await store.close();
      },
    };
  } catch (error) {
    process.off('exit', killIngest);
    if (heartbeat) clearInterval(heartbeat);
    if (housekeeping) clearInterval(housekeeping);
    await analytics?.close();
    await gb28181?.close();
    await cameras?.close();
    await pool?.close();
    await store.close();
    throw error;
  }
}
