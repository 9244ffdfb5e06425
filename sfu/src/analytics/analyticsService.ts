import os from 'node:os';
import {
  isAnalysed,
  isConsumable,
  type AnalyticsStatus,
  type BehaviourAlert,
  type CameraSummary,
  type ChannelAnalytics,
  type DescribedFace,
  type FromWorker,
  type SfuConfig,
  type SignInRecord,
  type ToWorker,
} from '@argus/shared';
import type { Logger } from '../log.js';
import { LogThrottle } from '../logThrottle.js';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import type { CameraLease } from '../ingest/cameraSource.js';
import type { Store } from '../store/store.js';
import { AnalyticsTap } from './analyticsTap.js';
import { AnalyticsWorker } from './analyticsWorker.js';
import { localDay } from './localDay.js';

/** Where sign-ins and alerts go once stored: the walls (signalling sends each only to users allowed and scoped). */
export interface AnalyticsNotifier {
  signIn(record: SignInRecord): void;
  alert(alert: BehaviourAlert): void;
  alertAcknowledged(alert: BehaviourAlert): void;
}

/** No analytics worker can answer now (none configured, all restarting). */
export class AnalyticsUnavailableError extends Error {
  override readonly name = 'AnalyticsUnavailableError';
}

/** How long an enrolment photo may take in a worker, ms. */
const DESCRIBE_TIMEOUT_MS = 60_000;
/** How often retention runs, ms. */
const RETENTION_EVERY_MS = 3600_000;

interface CameraTask {
  channelId: string;
  worker: AnalyticsWorker;
  tap: AnalyticsTap | null;
  lease: CameraLease | null;
  /** A tap is being set up. */
  opening: boolean;
  framesDecoded: number;
  framesAnalysed: number;
  tracks: number;
  lastError: string | null;
}

export interface AnalyticsServiceDeps {
  config: SfuConfig['analytics'];
  store: Store;
  cameras: CameraRegistry;
  log: Logger;
  /** Worker entry point and node flags (tests); default the analytics workspace's build. */
  workerEntry?: string;
}

/**
 * The SFU's side of analytics. It starts `config.workers` worker processes (0: one per core),
 * restarting any that dies, and keeps them fed:
 * - the gallery (every enrolled descriptor) and the settings, again after every restart;
 * - each analysed camera (a sign-in point, or with enabled rules) on one worker, through an
 *   {@link AnalyticsTap} holding a viewer lease (an on-demand GB/T 28181 channel keeps playing);
 *   a new producer (the source reconnected) gets a new tap; a restarted worker gets its cameras back.
 * What workers report is stored here, then pushed to walls: a sign-in once per person, day
 * (`config.timeZone`) and site (the camera's org unit), enforced by the store; alerts; unknown
 * faces. Retention deletes unknown faces and old snapshots every hour.
 */
export class AnalyticsService {
  readonly workers: AnalyticsWorker[] = [];
  private readonly settings = new Map<string, ChannelAnalytics>();
  private readonly tasks = new Map<string, CameraTask>();
  private readonly pending = new Map<number, { worker: AnalyticsWorker; resolve: (value: { width: number; height: number; faces: DescribedFace[] }) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private nextRequest = 1;
  private nextDescriber = 0;
  private galleryTemplates = 0;
  private alertsSuppressed = 0;
  private notifier: AnalyticsNotifier | null = null;
  private retention: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly throttle: LogThrottle;
  private readonly onCameraChange = (summary: CameraSummary) => this.cameraChanged(summary);
  private readonly onCameraRemoved = (summary: CameraSummary) => {
    if (!this.deps.cameras.get(summary.id)) this.stopTask(summary.id);
  };

  private constructor(private readonly deps: AnalyticsServiceDeps) {
    this.throttle = new LogThrottle(deps.log);
  }

  /**
   * Start the workers and the cameras' taps.
   * @throws RangeError when `config.timeZone` is not a known time zone
   */
  static async start(deps: AnalyticsServiceDeps): Promise<AnalyticsService> {
    localDay(Date.now(), deps.config.timeZone);
    const service = new AnalyticsService(deps);
    for (const settings of await deps.store.channelAnalytics.list()) service.settings.set(settings.channelId, settings);
    const count = deps.config.workers > 0 ? deps.config.workers : os.availableParallelism();
    for (let index = 0; index < count; index++) {
      const worker = new AnalyticsWorker(index, { restartDelayMs: deps.config.restartDelayMs, hangTimeoutMs: deps.config.hangTimeoutMs, log: deps.log, ...(deps.workerEntry ? { entry: deps.workerEntry } : {}) });
      worker.on('ready', () => void service.workerReady(worker));
      worker.on('died', (reason) => service.workerDied(worker, reason));
      worker.on('message', (message) => void service.onMessage(worker, message));
      service.workers.push(worker);
      worker.start();
    }
    deps.cameras.on('change', service.onCameraChange);
    deps.cameras.on('removed', service.onCameraRemoved);
    service.reconcile();
    const purge = () => void service.purge().catch((error: Error) => deps.log.error('capture retention failed', { error }));
    purge();
    service.retention = setInterval(purge, RETENTION_EVERY_MS);
    service.retention.unref();
    return service;
  }

  setNotifier(notifier: AnalyticsNotifier): void {
    this.notifier = notifier;
  }

  /** A camera's settings changed (API): re-read them and attach, update or detach. */
  async reloadChannel(channelId: string): Promise<void> {
    const settings = await this.deps.store.channelAnalytics.get(channelId);
    if (settings) this.settings.set(channelId, settings);
    else this.settings.delete(channelId);
    const task = this.tasks.get(channelId);
    if (task && settings && isAnalysed(settings) && task.tap) {
      task.worker.send({ type: 'update', camera: { cameraId: channelId, fps: this.fpsOf(settings), signIn: settings.signIn, rules: settings.rules } });
    }
    this.reconcile();
  }

  /** Descriptors were enrolled for a person: every worker's gallery gets them. */
  enrolled(personId: string, descriptors: Float32Array[]): void {
    this.galleryTemplates += descriptors.length;
    this.broadcast({ type: 'enrol', personId, descriptors });
  }

  /** A person's templates changed otherwise (one deleted, the person deleted): reload that person everywhere. */
  async personChanged(personId: string): Promise<void> {
    const all = await this.deps.store.faceTemplates.allDescriptors();
    this.galleryTemplates = all.length;
    this.broadcast({ type: 'unenrol', personId });
    const descriptors = all.filter((entry) => entry.personId === personId).map((entry) => entry.descriptor);
    if (descriptors.length > 0) this.broadcast({ type: 'enrol', personId, descriptors });
  }

  /**
   * The faces of an encoded picture (enrolment), found by a ready worker.
   * @throws AnalyticsUnavailableError when no worker is ready; Error when the picture cannot be decoded
   */
  describe(picture: Uint8Array): Promise<{ width: number; height: number; faces: DescribedFace[] }> {
    const ready = this.workers.filter((worker) => worker.state === 'ready');
    if (ready.length === 0) return Promise.reject(new AnalyticsUnavailableError('no analytics worker is running'));
    const worker = ready[this.nextDescriber++ % ready.length]!;
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new AnalyticsUnavailableError('the analytics worker did not answer in time'));
      }, DESCRIBE_TIMEOUT_MS);
      this.pending.set(requestId, { worker, resolve, reject, timer });
      if (!worker.send({ type: 'describe', requestId, picture })) {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(new AnalyticsUnavailableError('the analytics worker is restarting'));
      }
    });
  }

  /** Acknowledge an alert and tell every wall. */
  async acknowledged(alert: BehaviourAlert): Promise<void> {
    this.notifier?.alertAcknowledged(alert);
  }

  status(): AnalyticsStatus {
    return {
      enabled: true,
      workers: this.workers.map((worker) => ({
        index: worker.index,
        pid: worker.pid,
        state: worker.state,
        restarts: worker.restarts,
        cameras: [...this.tasks.values()].filter((task) => task.worker === worker).map((task) => task.channelId),
      })),
      cameras: [...this.tasks.values()].map((task) => ({
        channelId: task.channelId,
        worker: task.worker.index,
        framesDecoded: task.framesDecoded,
        framesAnalysed: task.framesAnalysed,
        tracks: task.tracks,
        lastError: task.lastError,
      })),
      galleryTemplates: this.galleryTemplates,
      alertsSuppressed: this.alertsSuppressed,
    };
  }

  /** Delete unknown faces and snapshots past their retention. */
  async purge(now = Date.now()): Promise<void> {
    const { config, store, log } = this.deps;
    const result = await store.captures.purge(now - config.unknownFaceRetentionH * 3600_000, now - config.captureRetentionDays * 86_400_000);
    if (result.unknownFaces + result.signInSnapshots + result.alertSnapshots > 0) log.info('captures past their retention deleted', { ...result });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retention) clearInterval(this.retention);
    this.deps.cameras.off('change', this.onCameraChange);
    this.deps.cameras.off('removed', this.onCameraRemoved);
    for (const id of [...this.tasks.keys()]) this.stopTask(id);
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(new AnalyticsUnavailableError('analytics stopped'));
    }
    this.pending.clear();
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  private fpsOf(settings: ChannelAnalytics): number {
    return settings.signIn ? this.deps.config.fps : this.deps.config.behaviourFps;
  }

  private broadcast(message: ToWorker): void {
    for (const worker of this.workers) worker.send(message);
  }

  /** Start tasks for analysed cameras, stop the others. */
  private reconcile(): void {
    if (this.closed) return;
    for (const [channelId, settings] of this.settings) {
      if (isAnalysed(settings) && this.deps.cameras.get(channelId)) this.ensureTask(channelId);
    }
    for (const channelId of [...this.tasks.keys()]) {
      const settings = this.settings.get(channelId);
      if (!settings || !isAnalysed(settings) || !this.deps.cameras.get(channelId)) this.stopTask(channelId);
    }
  }

  private ensureTask(channelId: string): void {
    let task = this.tasks.get(channelId);
    if (!task) {
      // The least loaded worker takes a new camera, and keeps it.
      const load = (worker: AnalyticsWorker) => [...this.tasks.values()].filter((t) => t.worker === worker).length;
      const worker = [...this.workers].sort((a, b) => load(a) - load(b))[0]!;
      task = { channelId, worker, tap: null, lease: null, opening: false, framesDecoded: 0, framesAnalysed: 0, tracks: 0, lastError: null };
      this.tasks.set(channelId, task);
    }
    void this.openTap(task);
  }

  /** Consume the camera's producer for its worker (when the camera can play and the worker is up). */
  private async openTap(task: CameraTask): Promise<void> {
    const source = this.deps.cameras.get(task.channelId);
    if (task.opening || task.tap || !source || !isConsumable(source.summary.state) || task.worker.state !== 'ready') return;
    task.opening = true;
    let lease: CameraLease | null = null;
    try {
      lease = await source.acquire();
      if (this.tasks.get(task.channelId) !== task) throw new Error('the camera is no longer analysed');
      const tap = await AnalyticsTap.create(source.router, lease.producer);
      task.tap = tap;
      task.lease = lease;
      tap.onProducerClosed(() => {
        if (task.tap !== tap) return;
        this.closeTap(task);
        void this.openTap(task);
      });
      this.attach(task);
      this.deps.log.info('camera analysed', { camera: task.channelId, worker: task.worker.index });
    } catch (error) {
      lease?.release();
      task.lastError = (error as Error).message;
      this.throttle.warn(`tap:${task.channelId}`, 'cannot analyse the camera yet', { camera: task.channelId, reason: (error as Error).message });
    } finally {
      task.opening = false;
    }
  }

  private attach(task: CameraTask): void {
    const settings = this.settings.get(task.channelId);
    if (!task.tap || !settings) return;
    task.worker.send({ type: 'attach', camera: { cameraId: task.channelId, sdp: task.tap.sdp, fps: this.fpsOf(settings), signIn: settings.signIn, rules: settings.rules } });
    task.tap.requestKeyframe();
  }

  private closeTap(task: CameraTask): void {
    task.tap?.close();
    task.tap = null;
    task.lease?.release();
    task.lease = null;
  }

  private stopTask(channelId: string): void {
    const task = this.tasks.get(channelId);
    if (!task) return;
    this.tasks.delete(channelId);
    task.worker.send({ type: 'detach', cameraId: channelId });
    this.closeTap(task);
  }

  private cameraChanged(summary: CameraSummary): void {
    const settings = this.settings.get(summary.id);
    if (!settings || !isAnalysed(settings)) return;
    const task = this.tasks.get(summary.id);
    if (!task) return this.reconcile();
    // A new producer (the source reconnected) replaces the tap on the old one.
    if (task.tap && summary.videoProducerId && task.tap.consumer.producerId !== summary.videoProducerId) this.closeTap(task);
    if (!task.tap && isConsumable(summary.state)) void this.openTap(task);
  }

  private async workerReady(worker: AnalyticsWorker): Promise<void> {
    const { config, store } = this.deps;
    worker.send({ type: 'settings', settings: { matchThreshold: config.matchThreshold, signInFrames: config.signInFrames, livenessThreshold: config.livenessThreshold, minFaceWidthPx: config.minFaceWidthPx, maxWidth: config.maxWidth } });
    const entries = await store.faceTemplates.allDescriptors();
    this.galleryTemplates = entries.length;
    worker.send({ type: 'gallery', entries: entries.map(({ personId, descriptor }) => ({ personId, descriptor })) });
    for (const task of this.tasks.values()) {
      if (task.worker !== worker) continue;
      // Its taps kept sending to the same ports: the new decoder listens there again.
      if (task.tap) this.attach(task);
      else void this.openTap(task);
    }
    this.reconcile();
  }

  private workerDied(worker: AnalyticsWorker, reason: string): void {
    for (const [requestId, request] of this.pending) {
      if (request.worker !== worker) continue;
      clearTimeout(request.timer);
      this.pending.delete(requestId);
      request.reject(new AnalyticsUnavailableError(`the analytics worker died (${reason})`));
    }
    // Its counters start again with the new process.
    for (const task of this.tasks.values()) {
      if (task.worker !== worker) continue;
      Object.assign(task, { lastError: `worker restarting (${reason})`, framesDecoded: 0, framesAnalysed: 0, tracks: 0 });
    }
  }

  private async onMessage(worker: AnalyticsWorker, message: FromWorker): Promise<void> {
    const { log } = this.deps;
    try {
      switch (message.type) {
        case 'ready':
        case 'pong':
          return;
        case 'needKeyframe':
          this.tasks.get(message.cameraId)?.tap?.requestKeyframe();
          return;
        case 'described':
        case 'describeFailed': {
          const request = this.pending.get(message.requestId);
          if (!request || request.worker !== worker) return;
          this.pending.delete(message.requestId);
          clearTimeout(request.timer);
          if (message.type === 'described') request.resolve({ width: message.width, height: message.height, faces: message.faces });
          else request.reject(new Error(message.message));
          return;
        }
        case 'cameraStats': {
          const task = this.tasks.get(message.cameraId);
          if (!task) return;
          task.framesDecoded = message.framesDecoded;
          task.framesAnalysed = message.framesAnalysed;
          task.tracks = message.tracks;
          if (message.framesAnalysed > 0) task.lastError = null;
          return;
        }
        case 'cameraError': {
          const task = this.tasks.get(message.cameraId);
          if (task) task.lastError = message.message;
          this.throttle.warn(`camera:${message.cameraId}`, 'analytics camera error', { camera: message.cameraId, worker: worker.index, reason: message.message });
          return;
        }
        case 'signIn':
          return await this.recordSignIn(message);
        case 'unknownFace':
          await this.deps.store.captures.recordUnknownFace(message.cameraId, message.at, message.snapshot);
          return;
        case 'alert':
          return await this.recordAlert(message);
      }
    } catch (error) {
      log.error('analytics report could not be stored', { worker: worker.index, type: message.type, error: error as Error });
    }
  }

  private async recordSignIn(message: Extract<FromWorker, { type: 'signIn' }>): Promise<void> {
    const { store, config, log } = this.deps;
    const camera = this.deps.cameras.get(message.cameraId)?.summary;
    if (!camera || !this.settings.get(message.cameraId)?.signIn) return;
    if (!(await store.persons.get(message.personId))) return; // deleted since the worker's gallery was loaded
    const record = await store.signIns.record({
      personId: message.personId,
      siteOrgUnitId: camera.orgUnitId,
      channelId: camera.id,
      channelName: camera.name,
      day: localDay(message.at, config.timeZone),
      at: message.at,
      similarity: message.similarity,
      live: message.live,
      real: message.real,
      snapshot: message.snapshot,
    });
    if (!record) return; // already signed in today at this site
    log.info('sign-in', { signIn: record.id, camera: camera.id, similarity: Number(record.similarity.toFixed(3)) });
    this.notifier?.signIn(record);
  }

  private async recordAlert(message: Extract<FromWorker, { type: 'alert' }>): Promise<void> {
    const camera = this.deps.cameras.get(message.cameraId)?.summary;
    const rule = this.settings.get(message.cameraId)?.rules.find((r) => r.id === message.ruleId && r.enabled);
    if (!camera || !rule) return;
    // The worker keeps the cooldown too, but loses it when it restarts: the store is the authority.
    const last = await this.deps.store.alerts.lastAt(camera.id, rule.id);
    if (last !== null && message.at - last < rule.cooldownS * 1000) {
      this.alertsSuppressed++;
      this.deps.log.debug('alert within its rule\'s cooldown dropped', { camera: camera.id, rule: rule.id });
      return;
    }
    const alert = await this.deps.store.alerts.record({ channelId: camera.id, channelName: camera.name, orgUnitId: camera.orgUnitId, rule, at: message.at, detail: message.detail, snapshot: message.snapshot });
    this.deps.log.info('behaviour alert', { alert: alert.id, camera: camera.id, rule: rule.id, kind: rule.kind });
    this.notifier?.alert(alert);
  }
}
