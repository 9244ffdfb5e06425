import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { backoffDelayMs, type CameraSummary, type PtzRequestCommand } from '@argus/shared';
import { CameraCommandError, CameraUnavailableError, initialSummary, patchSummary, type CameraLease, type CameraSource } from '../cameraSource.js';
import type { CameraLabels, GbIngestCamera } from '../ingestCamera.js';
import { GbPlay, type GbMediaCounters, type GbPlayDeps } from './gbPlay.js';
import { GbPlayError } from './gbPlatform.js';
import { buildPtzControl, presetCommand, ptzCommand, ptzStop } from './manscdp/index.js';

/**
 * One GB/T 28181 channel as a camera: on demand, shared, and torn down when nobody watches.
 *
 * - `idle` while its device is online and nobody watches; `lost` while the device is offline.
 * - The first {@link acquire} starts a {@link GbPlay} (INVITE) and resolves when video reaches
 *   the router (`connecting` → `live`); viewers that come meanwhile wait on the same play, and
 *   later ones share its producer: one upstream stream per channel.
 * - When the last lease is released the play goes on for `idleStopMs` (tile switches and tours
 *   re-use it), then BYE and `idle`.
 * - A play that fails or ends (BYE, media timeout, ffmpeg exit) closes its producer — walls'
 *   consumers close with it — and the channel is `lost` with the reason for a backoff (1 s
 *   doubling to 30 s), then `idle` again so walls that still show it ask again.
 */
export class GbChannelSource extends EventEmitter<{ change: [CameraSummary] }> implements CameraSource {
  private summaryValue: CameraSummary;
  private leases = 0;
  private play: GbPlay | null = null;
  private producer: types.Producer | null = null;
  private starting: Promise<types.Producer> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    readonly camera: GbIngestCamera,
    readonly router: types.Router,
    private readonly deps: GbPlayDeps,
  ) {
    super();
    this.summaryValue = camera.deviceOnline ? initialSummary(camera, 'idle') : initialSummary(camera, 'lost', 'the device is offline');
  }

  get summary(): CameraSummary {
    return this.summaryValue;
  }

  get videoProducer(): types.Producer | null {
    return this.summaryValue.state === 'live' ? this.producer : null;
  }

  /** The current play's counters, else the last play's; null before any play. */
  get mediaCounters(): GbMediaCounters | null {
    return this.play?.mediaCounters ?? this.lastCounters;
  }
  private lastCounters: GbMediaCounters | null = null;

  /** The Opus producer of the channel's G.711 audio while live, else null. */
  get audioProducer(): types.Producer | null {
    return this.summaryValue.state === 'live' ? (this.play?.audioProducer ?? null) : null;
  }

  /** Viewers holding the stream now. */
  get viewers(): number {
    return this.leases;
  }

  /** On demand: nothing runs until the first viewer; walls learn of the channel (idle or lost). */
  start(): void {
    this.emit('change', this.summaryValue);
  }

  setLabels(labels: CameraLabels): void {
    (this as { camera: GbIngestCamera }).camera = { ...this.camera, ...labels };
    this.update({ ...labels });
  }

  /** The device registered or went offline (GB/T 28181-2016 §9.1, §9.6). */
  setDeviceOnline(online: boolean): void {
    if (this.stopped || this.camera.deviceOnline === online) return;
    (this as { camera: GbIngestCamera }).camera = { ...this.camera, deviceOnline: online };
    if (!online) {
      this.cancelTimers();
      this.endPlay('the device is offline');
      this.update({ state: 'lost', videoProducerId: null, audioProducerId: null, lastError: 'the device is offline' });
    } else if (!this.play && !this.retryTimer) {
      this.update({ state: 'idle', lastError: null });
    }
  }

  async acquire(): Promise<CameraLease> {
    if (this.stopped) throw new CameraUnavailableError(`camera ${this.camera.id} was removed`);
    if (!this.camera.deviceOnline) throw new CameraUnavailableError(`camera ${this.camera.id}: the device is offline`);
    if (this.retryTimer) throw new CameraUnavailableError(`camera ${this.camera.id}: ${this.summaryValue.lastError ?? 'retrying'}`);
    this.leases++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    let producer: types.Producer;
    try {
      producer = this.producer && this.summaryValue.state === 'live' ? this.producer : await this.ensurePlaying();
    } catch (error) {
      this.releaseOne();
      throw error instanceof CameraUnavailableError ? error : new CameraUnavailableError((error as Error).message);
    }
    let released = false;
    return {
      producer,
      release: () => {
        if (released) return;
        released = true;
        this.releaseOne();
      },
    };
  }

  async ptz(command: PtzRequestCommand): Promise<void> {
    if (!this.camera.ptz) throw new CameraCommandError(`camera ${this.camera.id} has no PTZ`);
    const ptzCmd =
      command.type === 'stop'
        ? ptzStop()
        : command.type === 'preset'
          ? presetCommand(command.operation, command.preset)
          : ptzCommand({ pan: command.pan ?? null, tilt: command.tilt ?? null, zoom: command.zoom ?? null, speed: command.speed });
    // One command at a time, in the order given: a stop must never overtake the move it ends.
    // A move still waiting when a later command arrives is dropped (the later one decides), so a
    // burst of moves from a held button costs one DeviceControl, not hundreds.
    const seq = ++this.ptzSeq;
    const run = this.ptzQueue.then(async () => {
      if (command.type === 'move' && seq !== this.ptzSeq) return;
      await this.sendPtz(ptzCmd);
    });
    this.ptzQueue = run.catch(() => undefined);
    return run;
  }

  private ptzQueue: Promise<void> = Promise.resolve();
  private ptzSeq = 0;

  private async sendPtz(ptzCmd: string): Promise<void> {
    const channelId = this.camera.channelGbId;
    let status: number;
    try {
      status = await this.deps.platform.deviceControl(this.camera.deviceGbId, (sn) => buildPtzControl({ sn, deviceId: channelId, ptzCmd }));
    } catch (error) {
      throw new CameraCommandError(error instanceof GbPlayError ? error.message : String(error));
    }
    if (status >= 300) throw new CameraCommandError(`the device refused the PTZ command (${status})`);
  }

  killNow(): void {
    this.play?.killNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimers();
    this.endPlay('the camera was removed');
  }

  private update(patch: Partial<CameraSummary>): void {
    this.summaryValue = patchSummary(this.summaryValue, patch);
    this.emit('change', this.summaryValue);
  }

  private cancelTimers(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.idleTimer = null;
    this.retryTimer = null;
  }

  private releaseOne(): void {
    this.leases = Math.max(0, this.leases - 1);
    if (this.leases > 0 || this.stopped || !this.play) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.leases > 0 || !this.play) return;
      this.endPlay('no viewers');
      if (this.camera.deviceOnline && !this.retryTimer) this.update({ state: 'idle', videoProducerId: null, audioProducerId: null, lastError: null });
    }, this.deps.config.idleStopMs);
  }

  private ensurePlaying(): Promise<types.Producer> {
    this.starting ??= this.startPlay().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startPlay(): Promise<types.Producer> {
    const play = new GbPlay(this.camera, this.router, this.deps);
    this.play = play;
    play.once('ended', (reason) => this.onPlayEnded(play, reason));
    play.on('audio', (producer) => {
      if (this.play === play && this.summaryValue.state === 'live') this.update({ audioProducerId: producer.id });
    });
    this.update({ state: 'connecting', videoProducerId: null, lastError: null });
    const sink = await play.start();
    if (this.play !== play) throw new CameraUnavailableError(`camera ${this.camera.id}: the play was stopped`);
    this.producer = sink.producer;
    this.failures = 0;
    this.update({ state: 'live', videoProducerId: sink.producer.id, audioProducerId: play.audioProducer?.id ?? null, sourceCodec: play.codec === 'h265' ? 'hevc' : play.codec, videoPath: sink.path, lastError: null });
    return sink.producer;
  }

  /** Close the current play on purpose (no viewers, removed, device offline). */
  private endPlay(reason: string): void {
    const play = this.play;
    if (play) this.lastCounters = play.mediaCounters;
    this.play = null;
    this.producer = null;
    play?.close(reason);
  }

  /** A play ended by itself (BYE, media timeout, ffmpeg) or failed to start: lost, then idle after a backoff. */
  private onPlayEnded(play: GbPlay, reason: string): void {
    if (this.play !== play) return;
    this.lastCounters = play.mediaCounters;
    this.play = null;
    this.producer = null;
    if (this.stopped) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const delayMs = backoffDelayMs(this.failures++, this.deps.ingest.backoff);
    this.deps.log.warn('GB/T 28181 channel lost', { camera: this.camera.id, reason, retryInMs: delayMs });
    this.update({ state: 'lost', videoProducerId: null, audioProducerId: null, lastError: reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.camera.deviceOnline && !this.stopped) this.update({ state: 'idle', lastError: reason });
    }, delayMs);
  }
}
