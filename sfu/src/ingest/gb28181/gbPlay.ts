/**
 * One live play of one GB/T 28181 channel (GB/T 28181-2016 §9.2.2): a media socket, the INVITE
 * dialog, and the path from PS over RTP to a producer:
 *
 *   RTP (UDP, or RFC 4571 over TCP) → {@link PsFrameAssembler} (the answered SSRC; frames by RTP
 *   timestamp) → {@link PsDemuxer} → video access units → {@link VideoSink} (passthrough or ffmpeg).
 *
 * Video is held until the first keyframe (and after a loss, until the next one; a keyframe is
 * asked for with DeviceControl IFameCmd, also when the router relays a PLI from a wall). The
 * codec and path are decided on the first keyframe: H.264 Baseline, Main or High without
 * B-frames (PTS = DTS) passes through; anything else is transcoded. G.711 audio (A-law or
 * µ-law, stream types 0x90/0x91) is transcoded to Opus into an audio producer (`audio` event);
 * other audio is counted and dropped.
 *
 * The play ends — `ended` with a reason, emitted once — when the device sends BYE, the TCP
 * media connection closes, no media arrives for `mediaTimeoutMs`, or ffmpeg exits; and when
 * {@link GbPlay.close} is called (then we send BYE). Bad packets are counted, never thrown.
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { SfuConfig } from '@argus/shared';
import type { Logger } from '../../log.js';
import type { GbIngestCamera } from '../ingestCamera.js';
import type { GbDialog } from './gbDialog.js';
import { GbMediaReceiver, type GbMediaReceiverCounters } from './gbMediaReceiver.js';
import type { GbPlatform } from './gbPlatform.js';
import { PassthroughSink, passthroughProfileFor, FfmpegSink, type VideoSink } from './gbMediaSinks.js';
import { buildKeyframeRequest } from './manscdp/index.js';
import { annexBNalUnits, H264_NAL, nalUnitType, PsDemuxer, PsFrameAssembler, type PsDemuxerCounters, type PsEsUnit, type PsFrame, type PsFrameAssemblerCounters, type RtpPacket } from './ps/index.js';
import { buildPlayOffer } from './sip/index.js';

export interface GbPlayDeps {
  platform: GbPlatform;
  config: SfuConfig['gb28181'];
  ingest: SfuConfig['ingest'];
  log: Logger;
}

export interface GbPlayCounters {
  packets: number;
  frames: number;
  videoUnits: number;
  audioUnits: number;
  /** Video units dropped while waiting for a keyframe. */
  heldForKeyframe: number;
  keyframeRequests: number;
  /** Packets with another SSRC than the answered one. */
  foreignSsrcPackets: number;
  malformedPackets: number;
  droppedFrames: number;
}

/** A play's counters, by stage. */
export interface GbMediaCounters {
  receiver: GbMediaReceiverCounters | null;
  frames: PsFrameAssemblerCounters | null;
  demuxer: PsDemuxerCounters;
  play: GbPlayCounters;
}

/** Keyframe requests to the device at most this often, ms. */
const KEYFRAME_REQUEST_INTERVAL_MS = 1000;
/** Video units kept while the sink is being created. */
const MAX_PENDING_UNITS = 64;

export interface GbPlayEvents {
  ended: [reason: string];
  /** The audio producer exists (G.711 came and ffmpeg is running). */
  audio: [producer: types.Producer];
}

export class GbPlay extends EventEmitter<GbPlayEvents> {
  private receiver: GbMediaReceiver | null = null;
  private dialog: GbDialog | null = null;
  private sink: VideoSink | null = null;
  private audioSink: FfmpegSink | null = null;
  private creatingAudio = false;
  private creatingSink = false;
  private readonly pending: Array<{ unit: PsEsUnit; timestamp: number }> = [];
  private assembler: PsFrameAssembler | null = null;
  private readonly demuxer = new PsDemuxer();
  private waitingForKeyframe = true;
  private lastKeyframeRequestAt = 0;
  private lastPacketAt = Date.now();
  private watchdog: NodeJS.Timeout | null = null;
  private ended = false;
  private firstTimestamp: number | null = null;
  private sinkReady: { resolve: (sink: VideoSink) => void; reject: (error: Error) => void } | null = null;
  readonly counters: GbPlayCounters = { packets: 0, frames: 0, videoUnits: 0, audioUnits: 0, heldForKeyframe: 0, keyframeRequests: 0, foreignSsrcPackets: 0, malformedPackets: 0, droppedFrames: 0 };
  /** The codec of the video, once seen. */
  codec: 'h264' | 'h265' | null = null;
  /** The SSRC media is accepted from (the answer's `y=`, else the offer's). */
  ssrc: number | null = null;

  constructor(
    private readonly camera: GbIngestCamera,
    private readonly router: types.Router,
    private readonly deps: GbPlayDeps,
  ) {
    super();
  }

  /**
   * Open the media socket, INVITE, ACK, and wait until video reaches the router.
   * @returns the sink (its producer is live)
   * @throws Error (GbPlayError from the platform, or a media failure) with a reason for the operator
   */
  async start(): Promise<VideoSink> {
    const { config, platform, log } = this.deps;
    const mode = this.camera.streamMode;
    const receiver = await GbMediaReceiver.open({ mode, bindHost: config.mediaBindHost });
    this.receiver = receiver;
    const sinkReady = new Promise<VideoSink>((resolve, reject) => {
      this.sinkReady = { resolve, reject };
    });
    sinkReady.catch(() => undefined);
    try {
      const result = await platform.invite({
        deviceId: this.camera.deviceGbId,
        channelId: this.camera.channelGbId,
        timeoutMs: config.inviteTimeoutMs,
        offer: ({ ssrc, localHost }) =>
          buildPlayOffer({ channelId: this.camera.channelGbId, address: localHost, port: mode === 'tcp-active' ? 9 : receiver.port, transport: mode, ssrc, streamNumber: config.streamNumber }),
        onBye: () => this.end('the device ended the stream (BYE)', false),
      });
      this.dialog = result.dialog;
      if (this.ended) {
        platform.bye(result.dialog);
        throw new Error('the play was stopped');
      }
      this.ssrc = result.answer.ssrc ?? result.offeredSsrc;
      this.assembler = new PsFrameAssembler({ ssrc: this.ssrc });
      log.info('GB/T 28181 play started', { camera: this.camera.id, channel: this.camera.channelGbId, mode, ssrc: this.ssrc, answerSsrc: result.answer.ssrc ?? 'none', media: `${result.answer.address}:${result.answer.port}` });
      receiver.on('packet', (packet) => this.onPacket(packet));
      receiver.on('closed', (reason) => this.end(reason, true));
      if (mode === 'tcp-active') await receiver.connect(result.answer.address, result.answer.port);
      this.lastPacketAt = Date.now();
      this.watchdog = setInterval(() => {
        const silentMs = Date.now() - this.lastPacketAt;
        if (silentMs > config.mediaTimeoutMs) this.end(this.noMediaReason(silentMs), true);
      }, Math.min(1000, config.mediaTimeoutMs / 2));
      const sink = await sinkReady;
      await sink.flowing(config.mediaTimeoutMs);
      if (this.ended) throw new Error('the play was stopped');
      return sink;
    } catch (error) {
      this.end((error as Error).message, true);
      throw error;
    }
  }

  get videoSink(): VideoSink | null {
    return this.sink;
  }

  /** Everything counted on the way in: socket, RTP/PS frames, PS demuxing, this play. */
  get mediaCounters(): GbMediaCounters {
    return {
      receiver: this.receiver ? { ...this.receiver.counters } : null,
      frames: this.assembler ? { ...this.assembler.counters } : null,
      demuxer: { ...this.demuxer.counters },
      play: { ...this.counters },
    };
  }

  /** End the play (sends BYE); emits `ended` with `reason` unless already ended. */
  close(reason = 'stopped'): void {
    this.end(reason, true);
  }

  /** Kill ffmpeg now (synchronous), for process exit. */
  killNow(): void {
    if (this.sink instanceof FfmpegSink) this.sink.killNow();
    this.audioSink?.killNow();
  }

  private noMediaReason(silentMs: number): string {
    const { foreignSsrcPackets, packets } = this.counters;
    if (packets === 0 && foreignSsrcPackets > 0) return `media arrives with another SSRC than the answered ${this.ssrc}`;
    return `no media for ${silentMs} ms`;
  }

  private end(reason: string, sendBye: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.receiver?.close();
    this.sink?.close();
    this.audioSink?.close();
    if (this.dialog && sendBye) this.deps.platform.bye(this.dialog);
    this.sinkReady?.reject(new Error(reason));
    this.deps.log.info('GB/T 28181 play ended', { camera: this.camera.id, reason, ...this.counters });
    this.emit('ended', reason);
  }

  private onPacket(packet: RtpPacket): void {
    if (this.ended || !this.assembler) return;
    if (packet.ssrc !== this.ssrc) {
      this.counters.foreignSsrcPackets++;
      return;
    }
    this.counters.packets++;
    this.lastPacketAt = Date.now();
    for (const frame of this.assembler.push(packet)) this.onFrame(frame);
  }

  private onFrame(frame: PsFrame): void {
    this.counters.frames++;
    if (frame.needsKeyframe) this.holdUntilKeyframe();
    for (const unit of this.demuxer.demux(frame.data)) {
      if (unit.kind === 'audio') {
        this.counters.audioUnits++;
        this.deliverAudio(unit);
        continue;
      }
      if (unit.codec !== 'h264' && unit.codec !== 'h265') continue;
      this.counters.videoUnits++;
      // The first H.264 keyframe must carry its SPS: the video path (passthrough or transcode) and
      // the declared profile are decided from it. An IDR without one waits for the next keyframe.
      const startsWithoutSps = !this.sink && !this.creatingSink && unit.codec === 'h264' && this.spsOf(unit) === null;
      if (this.waitingForKeyframe && (!unit.keyframe || startsWithoutSps)) {
        this.counters.heldForKeyframe++;
        this.requestKeyframe();
        continue;
      }
      this.waitingForKeyframe = false;
      this.deliver(unit, frame.timestamp);
    }
  }

  /** G.711 to the audio sink, created on the first unit (units meanwhile are dropped: 20-40 ms of sound). */
  private deliverAudio(unit: PsEsUnit): void {
    if (this.audioSink) {
      this.audioSink.write(unit.data, 0, true);
      return;
    }
    if (this.creatingAudio || (unit.codec !== 'g711a' && unit.codec !== 'g711u')) return;
    this.creatingAudio = true;
    const { ingest, log } = this.deps;
    FfmpegSink.g711({ router: this.router, law: unit.codec, cameraId: this.camera.id, ingest, log, onExit: (reason) => this.dropAudio(reason) })
      .then((sink) => {
        if (this.ended) return sink.close();
        this.audioSink = sink;
        log.info('GB/T 28181 audio path', { camera: this.camera.id, codec: unit.codec, path: 'transcode to Opus' });
        this.emit('audio', sink.producer);
      })
      .catch((error: Error) => this.dropAudio(error.message));
  }

  /** Audio failed: go on with video only. */
  private dropAudio(reason: string): void {
    this.deps.log.warn('GB/T 28181 audio dropped', { camera: this.camera.id, reason });
    this.audioSink?.close();
  }

  get audioProducer(): types.Producer | null {
    return this.audioSink?.producer ?? null;
  }

  private holdUntilKeyframe(): void {
    this.waitingForKeyframe = true;
    this.requestKeyframe();
  }

  /** DeviceControl IFameCmd (A.2.3), at most once a second. */
  requestKeyframe(): void {
    const now = Date.now();
    if (this.ended || now - this.lastKeyframeRequestAt < KEYFRAME_REQUEST_INTERVAL_MS) return;
    this.lastKeyframeRequestAt = now;
    this.counters.keyframeRequests++;
    const channelId = this.camera.channelGbId;
    this.deps.platform.deviceControl(this.camera.deviceGbId, (sn) => buildKeyframeRequest({ sn, deviceId: channelId })).catch((error: Error) => {
      this.deps.log.debug('keyframe request not answered', { camera: this.camera.id, reason: error.message });
    });
  }

  private deliver(unit: PsEsUnit, timestamp: number): void {
    if (this.sink) {
      this.sink.write(unit.data, timestamp, unit.keyframe);
      return;
    }
    if (this.pending.length < MAX_PENDING_UNITS) this.pending.push({ unit: { ...unit, data: Buffer.from(unit.data) }, timestamp });
    else this.counters.droppedFrames++;
    this.firstTimestamp ??= timestamp;
    if (this.creatingSink) return;
    // Wait for a second frame to measure the frame rate when the sink will be ffmpeg.
    const first = this.pending[0]!.unit;
    const needsTranscode = this.decide(first) === null;
    if (needsTranscode && this.pending.length < 2) return;
    this.creatingSink = true;
    void this.createSink(first).catch((error: Error) => this.end(`the video path could not be set up: ${error.message}`, true));
  }

  /** The passthrough profile-level-id for this keyframe, or null when it must be transcoded. */
  private decide(unit: PsEsUnit): string | null {
    if (unit.codec !== 'h264') return null;
    if (unit.pts90k !== null && unit.dts90k !== null && unit.pts90k !== unit.dts90k) return null; // B-frames reorder
    return passthroughProfileFor(this.spsOf(unit));
  }

  /** The SPS NAL unit of an H.264 access unit, or null. */
  private spsOf(unit: PsEsUnit): Buffer | null {
    return annexBNalUnits(unit.data).find((nal) => nal.length > 0 && nalUnitType('h264', nal[0]!) === H264_NAL.sps) ?? null;
  }

  private async createSink(first: PsEsUnit): Promise<void> {
    const codec = first.codec as 'h264' | 'h265';
    this.codec = codec;
    const profile = this.decide(first);
    const { ingest, log } = this.deps;
    let sink: VideoSink;
    if (profile !== null) {
      sink = await PassthroughSink.create(this.router, profile, this.camera.id, () => this.requestKeyframe());
    } else {
      sink = await FfmpegSink.video({
        router: this.router,
        codec,
        fps: this.measuredFps(),
        cameraId: this.camera.id,
        ingest,
        log,
        onExit: (reason) => this.end(reason, true),
      });
    }
    if (this.ended) {
      sink.close();
      return;
    }
    this.sink = sink;
    log.info('GB/T 28181 video path', { camera: this.camera.id, codec, path: sink.path, ...(profile ? { profileLevelId: profile } : {}) });
    for (const { unit, timestamp } of this.pending.splice(0)) sink.write(unit.data, timestamp, unit.keyframe);
    this.sinkReady?.resolve(sink);
  }

  /** Frames per second from the first two held units' timestamps (90 kHz); 25 when unknown. */
  private measuredFps(): number {
    const [a, b] = this.pending;
    if (!a || !b) return 25;
    const delta = (((b.unit.pts90k ?? b.timestamp) - (a.unit.pts90k ?? a.timestamp)) >>> 0) % 2 ** 32;
    if (delta <= 0) return 25;
    const fps = Math.round(90_000 / delta);
    return fps >= 1 && fps <= 120 ? fps : 25;
  }
}
