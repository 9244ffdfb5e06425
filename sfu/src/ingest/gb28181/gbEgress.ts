/**
 * One of our cameras sent upward to a superior platform as GB/T 28181 media (Appendix C): the
 * camera's video producer is consumed through a PlainTransport into a local socket, its H.264 RTP
 * is depacketised (RFC 6184), muxed into one PS pack per access unit (PSM on keyframes), and sent
 * as PS over RTP (PT 96) over UDP, or RFC 4571 over TCP — connecting to the superior
 * (`tcp-active`, it offered `setup:passive`) or accepting its connection (`tcp-passive`).
 *
 * Sending starts at {@link GbEgress.start} (the ACK) with a keyframe request (PLI) and waits for
 * the first keyframe; after a loss it waits for the next one. IFameCmd from the superior
 * becomes {@link GbEgress.requestKeyframe}.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { types } from 'mediasoup';
import type { GbStreamMode } from '@argus/shared';
import { frameRfc4571, H264Depacketizer, isKeyframeAccessUnit, parseRtpPacket, PsMuxer, PsRtpPacketizer } from './ps/index.js';

export interface GbEgressTarget {
  mode: GbStreamMode;
  /** The superior's media address and port from its offer (unused for `tcp-passive`). */
  address: string;
  port: number;
}

export interface GbEgressCounters {
  accessUnits: number;
  psPackets: number;
  bytes: number;
  /** Access units dropped while waiting for a keyframe. */
  heldForKeyframe: number;
}

/** How long a `tcp-active` connect may take, ms. */
const CONNECT_TIMEOUT_MS = 5000;

export class GbEgress extends EventEmitter<{ ended: [reason: string] }> {
  readonly counters: GbEgressCounters = { accessUnits: 0, psPackets: 0, bytes: 0, heldForKeyframe: 0 };
  private readonly depacketizer = new H264Depacketizer();
  private readonly muxer = new PsMuxer({ videoCodec: 'h264' });
  private readonly packetizer: PsRtpPacketizer;
  private sendSocket: dgram.Socket | null = null;
  private tcp: net.Socket | null = null;
  private listener: net.Server | null = null;
  private waitingForKeyframe = true;
  private started = false;
  private closed = false;

  private constructor(
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
    private readonly rtpIn: dgram.Socket,
    private readonly target: GbEgressTarget,
    ssrc: number,
  ) {
    super();
    this.packetizer = new PsRtpPacketizer({ ssrc });
  }

  /**
   * Consume `producer` (paused until {@link start}) and prepare the way out.
   * @throws Error when mediasoup or the sockets fail
   */
  static async create(options: { producer: types.Producer; router: types.Router; target: GbEgressTarget; ssrc: number; bindHost: string }): Promise<GbEgress> {
    const rtpIn = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      rtpIn.once('error', reject);
      rtpIn.bind(0, '127.0.0.1', () => {
        rtpIn.off('error', reject);
        resolve();
      });
    });
    const transport = await options.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    try {
      await transport.connect({ ip: '127.0.0.1', port: rtpIn.address().port });
      const consumer = await transport.consume({ producerId: options.producer.id, rtpCapabilities: options.router.rtpCapabilities, paused: true });
      const egress = new GbEgress(transport, consumer, rtpIn, options.target, options.ssrc);
      rtpIn.on('message', (datagram) => egress.onRtp(datagram));
      rtpIn.on('error', () => undefined);
      consumer.on('producerclose', () => egress.end('the camera stopped'));
      if (options.target.mode === 'udp') {
        egress.sendSocket = dgram.createSocket(net.isIPv6(options.target.address) ? 'udp6' : 'udp4');
        egress.sendSocket.on('error', () => undefined);
      } else if (options.target.mode === 'tcp-passive') {
        const listener = net.createServer({ noDelay: true });
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(0, options.bindHost, () => resolve());
        });
        listener.on('connection', (socket) => {
          if (egress.tcp || egress.closed) return void socket.destroy();
          egress.attachTcp(socket);
        });
        egress.listener = listener;
      }
      return egress;
    } catch (error) {
      transport.close();
      rtpIn.close();
      throw error;
    }
  }

  get depacketizerCounters() {
    return { ...this.depacketizer.counters };
  }

  /** Our media port for the answer: the TCP listener's for `tcp-passive`, else a placeholder (we send). */
  get localPort(): number {
    return this.listener ? (this.listener.address() as net.AddressInfo).port : 9;
  }

  /** The ACK came: connect (`tcp-active`), resume the consumer and ask for a keyframe. */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    if (this.target.mode === 'tcp-active') {
      const socket = net.connect({ host: this.target.address, port: this.target.port, noDelay: true });
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('timed out')), CONNECT_TIMEOUT_MS);
          socket.once('connect', () => (clearTimeout(timer), resolve()));
          socket.once('error', (error) => (clearTimeout(timer), reject(error)));
        });
      } catch (error) {
        socket.destroy();
        this.end(`could not connect to the superior's media port: ${(error as Error).message}`);
        return;
      }
      this.attachTcp(socket);
    }
    await this.consumer.resume();
    await this.consumer.requestKeyFrame();
  }

  /** IFameCmd from the superior (or a new receiver): ask the camera for a keyframe. */
  requestKeyframe(): void {
    if (!this.closed) void this.consumer.requestKeyFrame().catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
    this.rtpIn.close();
    this.sendSocket?.close();
    this.tcp?.destroy();
    this.listener?.close();
  }

  private end(reason: string): void {
    if (this.closed) return;
    this.close();
    this.emit('ended', reason);
  }

  private attachTcp(socket: net.Socket): void {
    this.tcp = socket;
    socket.on('error', () => undefined);
    socket.on('close', () => this.end('the superior closed the media connection'));
  }

  private onRtp(datagram: Buffer): void {
    if (!this.started || this.closed) return;
    const parsed = parseRtpPacket(datagram);
    if (!parsed.ok || parsed.packet.payloadType >= 72 && parsed.packet.payloadType <= 76) return; // RTCP on the muxed port
    for (const unit of this.depacketizer.push(parsed.packet)) {
      if (unit.afterLoss) this.waitingForKeyframe = true;
      if (this.waitingForKeyframe) {
        if (!isKeyframeAccessUnit('h264', unit.data)) {
          this.counters.heldForKeyframe++;
          this.requestKeyframe();
          continue;
        }
        this.waitingForKeyframe = false;
      }
      this.send(this.muxer.muxFrame({ video: { data: unit.data, pts90k: unit.timestamp } }), unit.timestamp);
    }
  }

  private send(ps: Buffer, timestamp: number): void {
    this.counters.accessUnits++;
    for (const packet of this.packetizer.packetize(ps, timestamp)) {
      this.counters.psPackets++;
      this.counters.bytes += packet.length;
      if (this.sendSocket) this.sendSocket.send(packet, this.target.port, this.target.address);
      else if (this.tcp && !this.tcp.destroyed) this.tcp.write(frameRfc4571(packet));
    }
  }
}
