/**
 * Where the video of a GB/T 28181 play goes: a producer on a mediasoup PlainTransport.
 * - {@link PassthroughSink}: H.264 in a profile browsers decode is re-packetised (RFC 6184) and
 *   sent as it is: no re-encoding. RTCP feedback from the router (PLI, FIR: RFC 4585 §6.3.1,
 *   RFC 5104 §4.3.1) comes back to our socket and is turned into a keyframe request to the device.
 * - {@link FfmpegSink}: H.265, other H.264 profiles, and H.264 with B-frames go through ffmpeg
 *   (raw Annex-B on stdin, libx264 Constrained Baseline out as RTP), since neither mediasoup nor
 *   the browsers take them; so does G.711 audio (to Opus).
 */
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import type { SfuConfig } from '@argus/shared';
import type { Logger } from '../../log.js';
import { H264_CONSTRAINED_BASELINE, h264ProducerRtpParameters, INGEST_VIDEO_PAYLOAD_TYPE, opusProducerRtpParameters } from '../../media/mediaCodecs.js';
import { createRtpTarget } from '../../media/plainRtpTarget.js';
import { spawnTied } from '../../process/spawnTied.js';
import { H264_TRANSCODE_ARGS, OPUS_ENCODE_ARGS, rtpAudioOutputArgs, rtpVideoOutputArgs } from '../rtsp/ingestPlan.js';
import { explainFailure } from '../rtsp/rtspSource.js';
import { H264RtpPacketizer } from './ps/index.js';

export interface VideoSink {
  readonly producer: types.Producer;
  /** 'passthrough' or 'transcode', for the camera summary. */
  readonly path: 'passthrough' | 'transcode';
  /** One Annex-B access unit with its 90 kHz timestamp; `keyframe` when it holds an IDR/IRAP. */
  write(accessUnit: Buffer, timestamp90k: number, keyframe: boolean): void;
  /** Resolves once RTP reaches the router (the camera is live). */
  flowing(timeoutMs: number): Promise<void>;
  close(): void;
}

/** The RTCP packets of a compound packet that ask for a keyframe: PLI (PSFB FMT 1) or FIR (PSFB FMT 4). */
export function rtcpAsksForKeyframe(datagram: Buffer): boolean {
  let at = 0;
  while (at + 4 <= datagram.length) {
    const b0 = datagram[at]!;
    if (b0 >> 6 !== 2) return false;
    const pt = datagram[at + 1]!;
    const fmt = b0 & 0x1f;
    if (pt === 206 && (fmt === 1 || fmt === 4)) return true;
    at += (datagram.readUInt16BE(at + 2) + 1) * 4;
  }
  return false;
}

/** Poll a transport's byte counter until RTP arrives. @throws Error after `timeoutMs` */
async function waitForBytes(transport: types.PlainTransport, timeoutMs: number, isClosed: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isClosed()) throw new Error('the play ended');
    const [stats] = await transport.getStats().catch(() => [] as types.PlainTransportStat[]);
    if ((stats?.bytesReceived ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`no video reached the router within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** H.264 profile_idc (SPS byte 1) → the profile-level-id we declare; null when browsers cannot take it as is. */
export function passthroughProfileFor(sps: Buffer | null): string | null {
  if (!sps || sps.length < 4) return null;
  const profileIdc = sps[1]!;
  if (profileIdc === 66) return H264_CONSTRAINED_BASELINE;
  // Main and High (8-bit 4:2:0) are declared as Main: Debian's Chromium decodes High in software
  // but does not advertise it (see mediaCodecs.ts, declaredH264Profile).
  if (profileIdc === 77 || profileIdc === 100) return '4d001f';
  return null;
}

export class PassthroughSink implements VideoSink {
  readonly path = 'passthrough';
  private closed = false;

  private constructor(
    readonly producer: types.Producer,
    private readonly transport: types.PlainTransport,
    private readonly socket: dgram.Socket,
    private readonly packetizer: H264RtpPacketizer,
    private readonly port: number,
  ) {}

  /**
   * @param onKeyframeRequest called for every PLI or FIR the router sends (throttle at the caller)
   */
  static async create(router: types.Router, profileLevelId: string, cameraId: string, onKeyframeRequest: () => void): Promise<PassthroughSink> {
    const { transport, target } = await createRtpTarget(router, { rtcpMux: true });
    let socket: dgram.Socket | null = null;
    try {
      const producer = await transport.produce({ kind: 'video', rtpParameters: h264ProducerRtpParameters(profileLevelId, target.ssrc), appData: { cameraId } });
      const udp = dgram.createSocket('udp4');
      socket = udp;
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, '127.0.0.1', () => {
          udp.off('error', reject);
          resolve();
        });
      });
      udp.on('error', () => undefined);
      udp.on('message', (datagram) => {
        if (rtcpAsksForKeyframe(datagram)) onKeyframeRequest();
      });
      const packetizer = new H264RtpPacketizer({ ssrc: target.ssrc, payloadType: INGEST_VIDEO_PAYLOAD_TYPE });
      return new PassthroughSink(producer, transport, udp, packetizer, target.rtpPort);
    } catch (error) {
      socket?.close();
      transport.close();
      throw error;
    }
  }

  write(accessUnit: Buffer, timestamp90k: number): void {
    if (this.closed) return;
    for (const packet of this.packetizer.packetize(accessUnit, timestamp90k)) this.socket.send(packet, this.port, '127.0.0.1');
  }

  flowing(timeoutMs: number): Promise<void> {
    return waitForBytes(this.transport, timeoutMs, () => this.closed);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    this.transport.close();
  }
}

/** Most bytes queued on ffmpeg's stdin before frames are dropped until the next keyframe. */
const MAX_STDIN_BACKLOG = 8 * 1024 * 1024;

/** What an {@link FfmpegSink} runs: ffmpeg reading raw elementary stream on stdin, sending RTP to a producer. */
export interface FfmpegSinkOptions {
  router: types.Router;
  kind: 'audio' | 'video';
  /** Input format arguments before `-i pipe:0` (e.g. `-f hevc -framerate 25`). */
  inputArgs: readonly string[];
  /** Encoder arguments (e.g. libx264 or libopus settings). */
  encodeArgs: readonly string[];
  cameraId: string;
  ingest: SfuConfig['ingest'];
  log: Logger;
  /** Called once if ffmpeg exits or fails before {@link FfmpegSink.close}, with a reason. */
  onExit: (reason: string) => void;
}

/**
 * A producer fed by ffmpeg: raw H.264/H.265 transcoded to H.264 Constrained Baseline (video), or
 * G.711 to Opus (audio). Writes go to ffmpeg's stdin; when ffmpeg falls behind by more than
 * 8 MiB, frames are dropped until the next keyframe (audio frames are all keyframes).
 */
export class FfmpegSink implements VideoSink {
  readonly path = 'transcode';
  private closed = false;
  private dropping = false;
  private readonly stderrTail: string[] = [];
  /** Frames dropped because ffmpeg fell behind. */
  droppedFrames = 0;

  private constructor(
    readonly producer: types.Producer,
    private readonly transport: types.PlainTransport,
    private readonly ffmpeg: ChildProcess,
  ) {}

  /** @throws Error when mediasoup cannot create the transport or producer */
  static async create(options: FfmpegSinkOptions): Promise<FfmpegSink> {
    const { transport, target } = await createRtpTarget(options.router);
    try {
      const rtpParameters = options.kind === 'video' ? h264ProducerRtpParameters(H264_CONSTRAINED_BASELINE, target.ssrc) : opusProducerRtpParameters(target.ssrc);
      const producer = await transport.produce({ kind: options.kind, rtpParameters, appData: { cameraId: options.cameraId } });
      const args = [
        '-hide_banner', '-nostdin', '-loglevel', 'warning',
        '-fflags', 'nobuffer', '-flags', 'low_delay',
        '-probesize', '65536', '-analyzeduration', '0',
        ...options.inputArgs,
        '-i', 'pipe:0',
        ...(options.kind === 'video' ? ['-map', '0:v:0', '-an'] : ['-map', '0:a:0', '-vn']), '-sn', '-dn',
        ...options.encodeArgs,
        ...(options.kind === 'video' ? rtpVideoOutputArgs(target) : rtpAudioOutputArgs(target)),
      ];
      const ffmpeg = spawnTied(options.ingest.ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
      const sink = new FfmpegSink(producer, transport, ffmpeg);
      ffmpeg.stdin!.on('error', () => undefined /* EPIPE when ffmpeg exits: 'exit' reports it */);
      ffmpeg.stderr!.setEncoding('utf8');
      ffmpeg.stderr!.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').map((l) => l.trim()).filter(Boolean)) {
          sink.stderrTail.push(line);
          if (sink.stderrTail.length > 5) sink.stderrTail.shift();
          options.log.debug('ffmpeg', { camera: options.cameraId, kind: options.kind, line });
        }
      });
      ffmpeg.on('error', (error) => {
        if (!sink.closed) options.onExit(`ffmpeg could not start: ${error.message}`);
      });
      ffmpeg.on('exit', (code, signal) => {
        if (sink.closed) return;
        const tail = explainFailure(sink.stderrTail);
        options.onExit(`ffmpeg exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`);
      });
      return sink;
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** H.264 or H.265 (Annex-B) at `fps` → H.264 Constrained Baseline. */
  static video(options: Omit<FfmpegSinkOptions, 'kind' | 'inputArgs' | 'encodeArgs'> & { codec: 'h264' | 'h265'; fps: number }): Promise<FfmpegSink> {
    return FfmpegSink.create({ ...options, kind: 'video', inputArgs: ['-f', options.codec === 'h265' ? 'hevc' : 'h264', '-framerate', String(options.fps)], encodeArgs: H264_TRANSCODE_ARGS });
  }

  /** G.711 A-law or µ-law, 8 kHz mono (GB/T 28181-2016 Appendix C) → Opus. */
  static g711(options: Omit<FfmpegSinkOptions, 'kind' | 'inputArgs' | 'encodeArgs'> & { law: 'g711a' | 'g711u' }): Promise<FfmpegSink> {
    return FfmpegSink.create({ ...options, kind: 'audio', inputArgs: ['-f', options.law === 'g711a' ? 'alaw' : 'mulaw', '-ar', '8000', '-ac', '1'], encodeArgs: OPUS_ENCODE_ARGS });
  }

  write(data: Buffer, _timestamp90k: number, keyframe: boolean): void {
    const stdin = this.ffmpeg.stdin;
    if (this.closed || !stdin || stdin.destroyed) return;
    if (this.dropping && !keyframe) {
      this.droppedFrames++;
      return;
    }
    if (stdin.writableLength > MAX_STDIN_BACKLOG) {
      this.dropping = true;
      this.droppedFrames++;
      return;
    }
    this.dropping = false;
    stdin.write(data);
  }

  flowing(timeoutMs: number): Promise<void> {
    return waitForBytes(this.transport, timeoutMs, () => this.closed);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ffmpeg.exitCode === null) this.ffmpeg.kill('SIGKILL');
    this.transport.close();
  }

  /** Kill ffmpeg now (synchronous), for process exit. */
  killNow(): void {
    if (this.ffmpeg.exitCode === null) this.ffmpeg.kill('SIGKILL');
  }
}
