import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../../process/spawnTied.js';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { backoffDelayMs, type CameraSummary, type SfuConfig } from '@argus/shared';
import type { Logger } from '../../log.js';
import type { CameraLabels, RtspIngestCamera } from '../ingestCamera.js';
import { CameraCommandError, CameraUnavailableError, initialSummary, patchSummary, type CameraLease, type CameraSource } from '../cameraSource.js';
import { h264ProducerRtpParameters, opusProducerRtpParameters } from '../../media/mediaCodecs.js';
import { createRtpTarget } from '../../media/plainRtpTarget.js';
import { buildFfmpegIngestArgs, decideVideoPath, withCredentials, type RtpTarget } from './ingestPlan.js';
import { probeRtsp, redactUrl } from './rtspProbe.js';

/** The most telling of ffmpeg's last stderr lines: the last one that reads as an error, else the last one. */
export function explainFailure(lines: readonly string[]): string | undefined {
  const telling = /error|could not|invalid|refused|timed out|timeout|not found|unauthori[sz]ed|forbidden|unreachable|denied/i;
  return [...lines].reverse().find((line) => telling.test(line)) ?? lines.at(-1);
}

/** How often the watchdog reads the PlainTransport's byte counters, ms. */
const WATCHDOG_INTERVAL_MS = 500;
/** Keep this many of ffmpeg's last stderr lines to explain a failure. */
const STDERR_LINES_KEPT = 5;

interface Attempt {
  /** Increments on every (re)connect; callbacks of older attempts are ignored. */
  generation: number;
  transports: types.PlainTransport[];
  videoProducer: types.Producer | null;
  audioProducer: types.Producer | null;
  ffmpeg: ChildProcess | null;
  watchdog: NodeJS.Timeout | null;
  stderrTail: string[];
}

export interface RtspSourceEvents {
  /** The camera's summary changed (state, producers, codec, error). */
  change: [CameraSummary];
}

/**
 * One supervised RTSP camera: probe → PlainTransports + producers on `router` → ffmpeg → RTP.
 *
 * States: `connecting` until the first RTP bytes reach the router, then `live`. When ffmpeg
 * exits, or no bytes arrive for `ingest.stallTimeoutMs`, the camera is `lost`: its producers
 * are closed (consumers see `producerclose`) and a new attempt starts after a backoff of 1 s
 * doubling to 30 s (configurable); every attempt creates new producers, so walls re-consume.
 *
 * Never throws from its timers or child-process callbacks: every failure becomes `lost`.
 */
export class RtspSource extends EventEmitter<RtspSourceEvents> implements CameraSource {
  private summaryValue: CameraSummary;
  private attempt: Attempt | null = null;
  private generation = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly camera: RtspIngestCamera,
    readonly router: types.Router,
    private readonly ingest: SfuConfig['ingest'],
    private readonly log: Logger,
  ) {
    super();
    this.summaryValue = initialSummary(camera, 'connecting');
  }

  get summary(): CameraSummary {
    return this.summaryValue;
  }

  /** The current video producer while live, else null. */
  get videoProducer(): types.Producer | null {
    return this.summaryValue.state === 'live' ? (this.attempt?.videoProducer ?? null) : null;
  }

  start(): void {
    void this.connect();
  }

  /** An always-on source: a lease is the current producer, when live. */
  async acquire(): Promise<CameraLease> {
    const producer = this.videoProducer;
    if (!producer) throw new CameraUnavailableError(`camera ${this.camera.id} is ${this.summaryValue.state}`);
    return { producer, release: () => undefined };
  }

  /** RTSP carries no PTZ control (ONVIF PTZ is not supported). */
  async ptz(): Promise<void> {
    throw new CameraCommandError(`camera ${this.camera.id} has no PTZ control`);
  }

  /** Rename or move the camera without touching its ingest; emits `change`. */
  setLabels(labels: CameraLabels): void {
    this.update({ ...labels });
  }

  /** Kill ffmpeg at once (synchronous): for process exit, where nothing asynchronous runs. */
  killNow(): void {
    const ffmpeg = this.attempt?.ffmpeg;
    if (ffmpeg && ffmpeg.exitCode === null) ffmpeg.kill('SIGKILL');
  }

  /** Stop for good: kill ffmpeg, close producers, cancel retries. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.teardown();
  }

  private update(patch: Partial<CameraSummary>): void {
    this.summaryValue = patchSummary(this.summaryValue, patch);
    this.emit('change', this.summaryValue);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    const attempt: Attempt = { generation, transports: [], videoProducer: null, audioProducer: null, ffmpeg: null, watchdog: null, stderrTail: [] };
    this.attempt = attempt;
    this.update({ state: 'connecting', videoProducerId: null, audioProducerId: null });
    const url = withCredentials(this.camera.url, this.camera.username, this.camera.password);
    try {
      const probe = await probeRtsp(this.ingest.ffprobePath, url, this.ingest.rtspTimeoutMs);
      if (this.isStale(generation)) return this.closeAttempt(attempt);
      const video = decideVideoPath(probe);
      this.update({ sourceCodec: probe.video.codec, videoPath: video.path });

      const videoTarget = await this.createTarget(attempt);
      attempt.videoProducer = await attempt.transports[0]!.produce({
        kind: 'video',
        rtpParameters: h264ProducerRtpParameters(video.profileLevelId, videoTarget.ssrc),
        appData: { cameraId: this.camera.id },
      });
      let audioTarget: RtpTarget | null = null;
      if (probe.audio) {
        audioTarget = await this.createTarget(attempt);
        attempt.audioProducer = await attempt.transports[1]!.produce({
          kind: 'audio',
          rtpParameters: opusProducerRtpParameters(audioTarget.ssrc),
          appData: { cameraId: this.camera.id },
        });
      }
      if (this.isStale(generation)) return this.closeAttempt(attempt);

      const args = buildFfmpegIngestArgs({ url, timeoutMs: this.ingest.rtspTimeoutMs, video, videoTarget, audioTarget });
      this.log.info('ingest starting', { camera: this.camera.id, codec: probe.video.codec, profile: probe.video.profile ?? '?', path: video.path, ...(video.path === 'transcode' ? { why: video.reason } : {}), audio: probe.audio?.codec ?? 'none' });
      this.spawnFfmpeg(attempt, args);
      this.startWatchdog(attempt);
    } catch (error) {
      if (this.isStale(generation)) this.closeAttempt(attempt);
      else this.fail(generation, (error as Error).message);
    }
  }

  private async createTarget(attempt: Attempt): Promise<RtpTarget> {
    const { transport, target } = await createRtpTarget(this.router);
    attempt.transports.push(transport);
    return target;
  }

  private spawnFfmpeg(attempt: Attempt, args: string[]): void {
    const child = spawnTied(this.ingest.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    attempt.ffmpeg = child;
    child.stderr!.setEncoding('utf8');
    // A chunk may end mid-line: keep the unfinished part for the next one.
    let partial = '';
    child.stderr!.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) {
        const line = redactUrl(raw.trim());
        if (!line) continue;
        attempt.stderrTail.push(line);
        if (attempt.stderrTail.length > STDERR_LINES_KEPT) attempt.stderrTail.shift();
        this.log.debug('ffmpeg', { camera: this.camera.id, line });
      }
    });
    child.on('error', (error) => this.fail(attempt.generation, `ffmpeg could not start: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (attempt.ffmpeg === child) attempt.ffmpeg = null;
      if (code === 0) {
        // ffmpeg ends cleanly when the RTSP server closes the stream (or the connection).
        this.fail(attempt.generation, 'the camera ended the stream');
        return;
      }
      const tail = explainFailure(attempt.stderrTail);
      this.fail(attempt.generation, `ffmpeg exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`);
    });
  }

  private startWatchdog(attempt: Attempt): void {
    let lastBytes = 0;
    let lastProgressAt = Date.now();
    // Before the first bytes, allow the RTSP set-up time on top of the stall timeout.
    let graceMs = this.ingest.rtspTimeoutMs + this.ingest.stallTimeoutMs;
    attempt.watchdog = setInterval(() => {
      const transport = attempt.transports[0];
      if (!transport || transport.closed) return;
      transport
        .getStats()
        .then(([stats]) => {
          if (this.isStale(attempt.generation)) return;
          const bytes = stats?.bytesReceived ?? 0;
          const now = Date.now();
          if (bytes > lastBytes) {
            lastBytes = bytes;
            lastProgressAt = now;
            graceMs = this.ingest.stallTimeoutMs;
            if (this.summaryValue.state !== 'live') this.goLive(attempt);
          } else if (now - lastProgressAt > graceMs) {
            this.fail(attempt.generation, `no media for ${now - lastProgressAt} ms`);
          }
        })
        .catch(() => undefined /* transport closed under us: the attempt is being torn down */);
    }, WATCHDOG_INTERVAL_MS);
  }

  private goLive(attempt: Attempt): void {
    this.failures = 0;
    this.log.info('live', { camera: this.camera.id });
    this.update({
      state: 'live',
      videoProducerId: attempt.videoProducer?.id ?? null,
      audioProducerId: attempt.audioProducer?.id ?? null,
      lastError: null,
    });
  }

  private isStale(generation: number): boolean {
    return this.stopped || generation !== this.generation;
  }

  /** End the attempt `generation` as lost and schedule the next one. Idempotent per attempt. */
  private fail(generation: number, reason: string): void {
    if (this.isStale(generation) || this.retryTimer) return;
    this.teardown();
    const delayMs = backoffDelayMs(this.failures++, this.ingest.backoff);
    this.log.warn('lost', { camera: this.camera.id, reason, retryInMs: delayMs });
    this.update({ state: 'lost', videoProducerId: null, audioProducerId: null, lastError: reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
  }

  private teardown(): void {
    const attempt = this.attempt;
    this.attempt = null;
    if (attempt) this.closeAttempt(attempt);
  }

  private closeAttempt(attempt: Attempt): void {
    if (attempt.watchdog) clearInterval(attempt.watchdog);
    if (attempt.ffmpeg && attempt.ffmpeg.exitCode === null) attempt.ffmpeg.kill('SIGKILL');
    // Closing a transport closes its producers; their consumers get 'producerclose'.
    for (const transport of attempt.transports) transport.close();
  }
}
