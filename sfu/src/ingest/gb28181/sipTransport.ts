/**
 * SIP transport of the GB/T 28181 platform: one UDP socket and one TCP server on the same port
 * (RFC 3261 §18: a server listens on both for the same address and port; GB/T 28181-2016 §4.2
 * lets devices use either).
 *
 * - UDP: one datagram is one message (RFC 3261 §18.3).
 * - TCP: each connection has its own {@link SipStreamFramer} (Content-Length framing, several
 *   messages in one read, a message over many reads); RFC 5626 §3.5.1 CRLF CRLF pings are
 *   answered with CRLF; a stream that cannot be framed closes its connection.
 * - Every message is parsed with {@link parseSipMessage}. A request that cannot be parsed but
 *   whose headers were read (the parser's `partial`) is answered 400 Bad Request (RFC 3261
 *   §21.4.1); anything else unreadable is logged and counted, never answered, never thrown.
 * - Replies go back where the request came from on the wire (RFC 3261 §18.2.2 with RFC 3581 §4
 *   rport): the UDP source address and port, or the same TCP connection. See {@link SipTransport.reply}.
 *
 * Nothing here knows about registration or MANSCDP: messages go to the `onMessage` handler.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../log.js';
import { LogThrottle } from '../../logThrottle.js';
import { createResponse, parseSipMessage, serializeSipMessage, SipParseError, SipStreamFramer, type ResponseOptions, type SipMessage, type SipRequest } from './sip/index.js';

/** Where a message came from, as seen on the wire. */
export interface SipPeer {
  transport: 'udp' | 'tcp';
  /** Source IP address. */
  address: string;
  /** Source port. */
  port: number;
}

/** Counters of what the transport saw, for metrics and tests. */
export interface SipTransportCounters {
  /** Messages parsed and handed to `onMessage`. */
  received: number;
  /** Datagrams or stream messages that did not parse (answered 400 or dropped). */
  rejected: number;
  /** 400 Bad Request answers sent for unparseable requests whose headers were readable. */
  badRequests: number;
  /** TCP connections closed because their stream could not be framed. */
  framingErrors: number;
  /** Messages written. */
  sent: number;
  /** Messages that could not be written (no such TCP connection, socket error). */
  sendFailures: number;
  /** `onMessage` handlers that threw or rejected. */
  handlerErrors: number;
  /** TCP connections accepted so far. */
  tcpConnections: number;
}

export interface SipTransportOptions {
  /** Bind address (IPv4 or IPv6; "0.0.0.0" for all). */
  host: string;
  /** UDP and TCP port; 0 picks a free UDP port and binds TCP to the same number. */
  port: number;
  log: Logger;
  /** Called for every parsed message. Errors it throws or rejects with are logged and counted. */
  onMessage: (message: SipMessage, peer: SipPeer) => void | Promise<void>;
  /** Most TCP connections at once; more are refused. Default 10,000 (half the process's usual open-file limit: the HTTP port and media need the rest). */
  maxTcpConnections?: number;
  /** Most TCP connections from one address; more are refused. Default 256 (a lower platform needs one; devices behind one NAT a few). */
  maxTcpConnectionsPerAddress?: number;
  /** A TCP connection idle this long is closed, ms. Default 10 minutes (devices keep alive every 60 s). */
  tcpIdleTimeoutMs?: number;
  /** A TCP connection that has not completed its first message, or sits on a partial one, this long is closed, ms. Default 30 s. */
  tcpMessageTimeoutMs?: number;
}

const peerKey = (address: string, port: number): string => `${address}|${port}`;

/** One UDP socket and one TCP server on one port. Create with {@link SipTransport.listen}. */
export class SipTransport {
  readonly counters: SipTransportCounters = {
    received: 0,
    rejected: 0,
    badRequests: 0,
    framingErrors: 0,
    sent: 0,
    sendFailures: 0,
    handlerErrors: 0,
    tcpConnections: 0,
  };
  /** Refusals of untrusted input are logged at a bounded rate (a flood of garbage must not flood the log). */
  private readonly refusals: LogThrottle;
  /** Open TCP connections by remote address and port. */
  private readonly connections = new Map<string, net.Socket>();
  /** Open TCP connections per remote address. */
  private readonly connectionsPerAddress = new Map<string, number>();
  private closed = false;

  private constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    private readonly options: SipTransportOptions,
  ) {
    this.refusals = new LogThrottle(options.log);
  }

  /**
   * Bind the UDP socket and the TCP server on `options.host`:`options.port`.
   * @throws Error when either cannot be bound (e.g. EADDRINUSE); nothing stays open then.
   */
  static async listen(options: SipTransportOptions): Promise<SipTransport> {
    // A 4 MiB receive buffer (the kernel caps it at net.core.rmem_max): bursts of thousands of
    // devices registering or keeping alive at once must not overflow the default 208 KiB.
    const udp = dgram.createSocket({ type: net.isIPv6(options.host) ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: 4 * 1024 * 1024 });
    const tcp = net.createServer({ noDelay: true });
    const transport = new SipTransport(udp, tcp, options);
    tcp.maxConnections = options.maxTcpConnections ?? 10_000;
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(options.port, options.host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      const port = udp.address().port;
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, options.host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      udp.close();
      tcp.close();
      throw error;
    }
    udp.on('message', (datagram, rinfo) => transport.onDatagram(datagram, { transport: 'udp', address: rinfo.address, port: rinfo.port }));
    udp.on('error', (error) => options.log.error('SIP UDP socket error', { error }));
    tcp.on('connection', (socket) => transport.onConnection(socket));
    tcp.on('error', (error) => options.log.error('SIP TCP server error', { error }));
    return transport;
  }

  /** The bound port (UDP and TCP). */
  get port(): number {
    return this.udp.address().port;
  }

  /** The local address a TCP peer's connection arrived on, when it is open (for Via/Contact of our requests). */
  localAddressOf(peer: SipPeer): string | null {
    if (peer.transport !== 'tcp') return null;
    return this.connections.get(peerKey(peer.address, peer.port))?.localAddress ?? null;
  }

  /** Whether a TCP peer still has its connection open (UDP peers: always true). */
  reachable(peer: SipPeer): boolean {
    return peer.transport === 'udp' || this.connections.has(peerKey(peer.address, peer.port));
  }

  /**
   * Send a message to a peer: a datagram to its address and port, or on its open TCP
   * connection (Argus does not open TCP connections to devices; RFC 3261 §18.2.2 reuses the
   * connection the request came on). Never throws.
   * @returns false when it could not be sent (no such connection, serialization error, closed)
   */
  send(peer: SipPeer, message: SipMessage): boolean {
    if (this.closed) return false;
    let bytes: Buffer;
    try {
      bytes = serializeSipMessage(message);
    } catch (error) {
      this.counters.sendFailures++;
      this.options.log.error('SIP message could not be serialized', { error: error as Error });
      return false;
    }
    if (peer.transport === 'udp') {
      this.udp.send(bytes, peer.port, peer.address, (error) => {
        if (error) {
          this.counters.sendFailures++;
          this.options.log.warn('SIP UDP send failed', { to: `${peer.address}:${peer.port}`, error });
        }
      });
      this.counters.sent++;
      return true;
    }
    const socket = this.connections.get(peerKey(peer.address, peer.port));
    if (!socket || socket.destroyed) {
      this.counters.sendFailures++;
      return false;
    }
    socket.write(bytes);
    this.counters.sent++;
    return true;
  }

  /**
   * Answer a request where it came from (RFC 3261 §18.2.2), with the top Via stamped with
   * `received` and `rport` (RFC 3581 §4) by `createResponse(..., { source })`.
   */
  reply(request: SipRequest, peer: SipPeer, status: number, options: Omit<ResponseOptions, 'source'> = {}): boolean {
    let response: SipMessage;
    try {
      response = createResponse(request, status, { ...options, source: { address: peer.address, port: peer.port } });
    } catch (error) {
      this.counters.sendFailures++;
      this.options.log.warn('SIP response could not be built', { status, error: error as Error });
      return false;
    }
    return this.send(peer, response);
  }

  /** Close the UDP socket, the TCP server and every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      new Promise<void>((resolve) => this.tcp.close(() => resolve())),
    ]);
  }

  private onDatagram(datagram: Buffer, peer: SipPeer): void {
    // A datagram of only line breaks is an RFC 5626 §4.4.1 / GB device keep-alive: ignore it.
    if (datagram.every((b) => b === 0x0d || b === 0x0a || b === 0x20 || b === 0x00)) return;
    this.handleBytes(datagram, peer);
  }

  private onConnection(socket: net.Socket): void {
    const address = socket.remoteAddress;
    const port = socket.remotePort;
    if (address === undefined || port === undefined) {
      socket.destroy();
      return;
    }
    const perAddress = this.connectionsPerAddress.get(address) ?? 0;
    if (perAddress >= (this.options.maxTcpConnectionsPerAddress ?? 256)) {
      this.counters.rejected++;
      this.refusals.warn('tcp-per-address', 'SIP TCP connection refused: too many from this address', { from: address, open: perAddress });
      socket.destroy();
      return;
    }
    this.connectionsPerAddress.set(address, perAddress + 1);
    this.counters.tcpConnections++;
    const key = peerKey(address, port);
    const peer: SipPeer = { transport: 'tcp', address, port };
    const framer = new SipStreamFramer();
    this.connections.set(key, socket);
    socket.setTimeout(this.options.tcpIdleTimeoutMs ?? 10 * 60_000, () => socket.destroy());
    // Until a first whole message, and while a message is incomplete, the clock runs: a client
    // that holds a connection open without speaking SIP (slowloris) is cut off.
    const messageTimeoutMs = this.options.tcpMessageTimeoutMs ?? 30_000;
    let messageTimer: NodeJS.Timeout | null = setTimeout(() => cutOff('no complete SIP message'), messageTimeoutMs);
    const cutOff = (why: string) => {
      this.counters.rejected++;
      this.refusals.warn('tcp-timeout', 'SIP TCP connection closed', { from: `${address}:${port}`, why });
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      const { messages, pings, error } = framer.push(chunk);
      for (const raw of messages) this.handleBytes(raw, peer);
      for (let i = 0; i < pings; i++) socket.write('\r\n');
      if (messages.length > 0 || pings > 0) {
        if (messageTimer) clearTimeout(messageTimer);
        messageTimer = framer.bufferedBytes > 0 ? setTimeout(() => cutOff('a message left incomplete'), messageTimeoutMs) : null;
      } else if (!messageTimer && framer.bufferedBytes > 0) {
        messageTimer = setTimeout(() => cutOff('a message left incomplete'), messageTimeoutMs);
      }
      if (error) {
        this.counters.framingErrors++;
        this.counters.rejected++;
        this.refusals.warn('framing', 'SIP TCP stream cannot be framed; closing the connection', { from: `${address}:${port}`, reason: error.reason });
        socket.destroy();
      }
    });
    socket.on('error', (error) => this.options.log.debug('SIP TCP connection error', { from: `${address}:${port}`, error }));
    socket.on('close', () => {
      if (messageTimer) clearTimeout(messageTimer);
      if (this.connections.get(key) === socket) this.connections.delete(key);
      const left = (this.connectionsPerAddress.get(address) ?? 1) - 1;
      if (left > 0) this.connectionsPerAddress.set(address, left);
      else this.connectionsPerAddress.delete(address);
    });
  }

  private handleBytes(bytes: Buffer, peer: SipPeer): void {
    let message: SipMessage;
    try {
      message = parseSipMessage(bytes);
    } catch (error) {
      this.counters.rejected++;
      const reason = error instanceof SipParseError ? error.reason : 'internal';
      const partial = error instanceof SipParseError ? error.partial : undefined;
      this.refusals.warn(`rejected:${reason}`, 'SIP message rejected', { from: `${peer.transport}:${peer.address}:${peer.port}`, reason, detail: (error as Error).message.slice(0, 200) });
      if (partial?.kind === 'request' && partial.method !== 'ACK') {
        if (this.reply(partial, peer, 400, { reason: 'Bad Request' })) this.counters.badRequests++;
      }
      return;
    }
    this.counters.received++;
    try {
      const pending = this.options.onMessage(message, peer);
      if (pending) {
        pending.catch((error: Error) => {
          this.counters.handlerErrors++;
          this.options.log.error('SIP message handler failed', { error });
        });
      }
    } catch (error) {
      this.counters.handlerErrors++;
      this.options.log.error('SIP message handler failed', { error: error as Error });
    }
  }
}
