/**
 * Where a device's PS-over-RTP media arrives (GB/T 28181-2016 Appendix C and G):
 * - `udp`: one datagram per RTP packet on a socket we bind;
 * - `tcp-passive`: we listen and the device connects (RFC 4145 `a=setup:passive` in our offer);
 * - `tcp-active`: we connect to the port in the device's answer (`a=setup:active`).
 * Over TCP the packets are framed by a 2-byte length (RFC 4571).
 *
 * Untrusted input: packets that are not RTP (version 2, RFC 3550 §5.1), or are larger than
 * `maxPacketBytes`, are dropped and counted; a second TCP connection is refused; the stream
 * losing its framing resynchronises (see {@link Rfc4571Deframer}). Nothing here throws on bad input.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { GbStreamMode } from '@argus/shared';
import { parseRtpPacket, Rfc4571Deframer, type RtpPacket } from './ps/index.js';

export interface GbMediaReceiverCounters {
  /** RTP packets passed on. */
  packets: number;
  bytes: number;
  /** Datagrams or frames that were not RTP. */
  malformed: number;
  /** Datagrams over maxPacketBytes. */
  oversized: number;
  /** TCP connections refused (a second one, or from an unexpected address). */
  refusedConnections: number;
  /** Times the RFC 4571 stream lost its framing. */
  framingResyncs: number;
}

export interface GbMediaReceiverEvents {
  packet: [RtpPacket];
  /** The TCP connection ended or failed (UDP never ends by itself). */
  closed: [reason: string];
}

export interface GbMediaReceiverOptions {
  mode: GbStreamMode;
  /** Address to bind (udp, tcp-passive). */
  bindHost: string;
  /** Largest RTP packet accepted, bytes (default 65,535). */
  maxPacketBytes?: number;
}

/** How long a `tcp-active` connect may take, ms. */
const CONNECT_TIMEOUT_MS = 5000;

/** One play's media socket. Open with {@link GbMediaReceiver.open}; close when the play ends. */
export class GbMediaReceiver extends EventEmitter<GbMediaReceiverEvents> {
  readonly counters: GbMediaReceiverCounters = { packets: 0, bytes: 0, malformed: 0, oversized: 0, refusedConnections: 0, framingResyncs: 0 };
  private udp: dgram.Socket | null = null;
  private server: net.Server | null = null;
  private connection: net.Socket | null = null;
  private portValue = 0;
  private closed = false;
  private readonly maxPacketBytes: number;

  private constructor(
    readonly mode: GbStreamMode,
    maxPacketBytes: number,
  ) {
    super();
    this.maxPacketBytes = maxPacketBytes;
  }

  /**
   * Bind the UDP socket or the TCP listener on an ephemeral port (`tcp-active` binds nothing:
   * see {@link connect}).
   * @throws Error when the address cannot be bound
   */
  static async open(options: GbMediaReceiverOptions): Promise<GbMediaReceiver> {
    const receiver = new GbMediaReceiver(options.mode, options.maxPacketBytes ?? 65_535);
    if (options.mode === 'udp') {
      const socket = dgram.createSocket({ type: net.isIPv6(options.bindHost) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, options.bindHost, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.on('error', () => undefined /* ICMP errors and the like: the watchdog notices a dead stream */);
      socket.on('message', (datagram) => receiver.onDatagram(datagram));
      receiver.udp = socket;
      receiver.portValue = socket.address().port;
    } else if (options.mode === 'tcp-passive') {
      const server = net.createServer({ noDelay: true });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, options.bindHost, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', () => undefined);
      server.on('connection', (socket) => {
        if (receiver.connection || receiver.closed) {
          receiver.counters.refusedConnections++;
          socket.destroy();
          return;
        }
        receiver.attach(socket);
      });
      receiver.server = server;
      receiver.portValue = (server.address() as net.AddressInfo).port;
    }
    return receiver;
  }

  /** The local port offered in the SDP (0 for `tcp-active`, whose offer carries a placeholder). */
  get port(): number {
    return this.portValue;
  }

  /**
   * `tcp-active`: connect to the device's media port from its answer.
   * @throws Error when the connection fails or takes longer than 5 s
   */
  async connect(address: string, port: number): Promise<void> {
    if (this.mode !== 'tcp-active') throw new Error(`connect() is for tcp-active, not ${this.mode}`);
    const socket = net.connect({ host: address, port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`media connection to ${address}:${port} timed out`));
      }, CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.attach(socket);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.udp?.close();
    this.server?.close();
    this.connection?.destroy();
    this.removeAllListeners('packet');
  }

  private attach(socket: net.Socket): void {
    this.connection = socket;
    const deframer = new Rfc4571Deframer({ maxPacketSize: this.maxPacketBytes });
    let resyncs = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of deframer.push(chunk)) this.onPacket(frame);
      const now = deframer.counters.resyncs;
      if (now !== resyncs) {
        this.counters.framingResyncs += now - resyncs;
        resyncs = now;
      }
    });
    socket.on('error', () => undefined /* 'close' follows */);
    socket.on('close', () => {
      if (!this.closed) this.emit('closed', 'the media connection closed');
    });
  }

  private onDatagram(datagram: Buffer): void {
    if (datagram.length > this.maxPacketBytes) {
      this.counters.oversized++;
      return;
    }
    this.onPacket(datagram);
  }

  private onPacket(bytes: Buffer): void {
    const parsed = parseRtpPacket(bytes);
    if (!parsed.ok) {
      this.counters.malformed++;
      return;
    }
    this.counters.packets++;
    this.counters.bytes += bytes.length;
    this.emit('packet', parsed.packet);
  }
}
