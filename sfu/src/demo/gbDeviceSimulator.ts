import dgram from 'node:dgram';
import net from 'node:net';
import {
  buildCatalogResponses,
  buildKeepalive,
  encodeManscdpBody,
  parseManscdp,
  type CatalogEntry,
} from '../ingest/gb28181/manscdp/index.js';
import { GbMediaStreamer } from './gbMediaStreamer.js';
import type { LiveEsSource } from './liveEsSource.js';
import type { PtzCommand } from '../ingest/gb28181/manscdp/index.js';
import {
  buildAuthorization,
  parsePlayAnswer,
  createResponse,
  generateBranch,
  generateCallId,
  generateTag,
  parseSipMessage,
  serializeSipMessage,
  SipHeaders,
  SipStreamFramer,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../ingest/gb28181/sip/index.js';

/**
 * A GB/T 28181 device simulator for tests, over real UDP or TCP sockets on loopback, built on
 * the pure SIP and MANSCDP modules:
 * - REGISTER with MD5 digest (GB/T 28181-2016 §9.1.2.1): unauthenticated first, then with
 *   `Authorization` answering the 401; `Expires: 0` unregisters;
 * - keepalive MESSAGEs (A.2.5) at an interval, which can be stopped;
 * - answers a Catalog query (A.2.4) with 200 OK, then its channels in several Response Catalog
 *   MESSAGEs (A.2.6, `perMessage` items each), GB2312-encoded so Chinese names travel as GB18030 bytes;
 * - answers INVITE for a channel with media (§9.2.2): 200 with an SDP answer (its own SSRC
 *   when `answerSsrc` is set), and after the ACK streams PS over RTP built from the channel's
 *   H.264 or H.265 file, over UDP or RFC 4571 TCP (connecting for our `setup:active`, listening
 *   for `setup:passive`); BYE stops it;
 * - records DeviceControl PTZ commands (A.3) and keyframe requests (IFameCmd; the stream jumps
 *   to its next keyframe).
 */
export interface GbDeviceOptions {
  /** 20-digit device ID. */
  deviceId: string;
  password: string;
  /** The platform's 10-digit domain ID (realm) and 20-digit server ID. */
  domainId: string;
  serverId: string;
  server: { host: string; port: number };
  transport: 'udp' | 'tcp';
  /** Channels answered to a Catalog query; those with `media` can be played. */
  channels?: Array<{ id: string; name: string; ptz?: boolean; media?: { file: string | LiveEsSource; codec: 'h264' | 'h265'; fps?: number; audio?: { file: string; law: 'g711a' | 'g711u' }; mangle?: (wire: Buffer) => Buffer | null } }>;
  /** Answer INVITEs with this SSRC instead of the offered one (devices that pick their own). */
  answerSsrc?: number;
  /** Answer INVITEs with this status instead of playing (e.g. 486, 488). */
  refuseInvite?: number;
  /** Catalog items per Response message. Default 1. */
  catalogPerMessage?: number;
  /** Local address to bind (UDP) or connect from (TCP). Default 127.0.0.1. */
  localAddress?: string;
  /** How long to wait for a response, ms. Default 3000. */
  responseTimeoutMs?: number;
}

interface Pending {
  resolve: (response: SipResponse) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class GbDeviceSimulator {
  /** Catalog queries received (their SNs). */
  readonly catalogQueries: number[] = [];
  /** Every message received, parsed. */
  readonly received: SipMessage[] = [];
  /** PTZCmd strings received in DeviceControl, with their decoding (null when invalid). */
  readonly ptzCommands: Array<{ channelId: string | null; ptzCmd: string; decoded: PtzCommand | null }> = [];
  /** IFameCmd keyframe requests received. */
  keyframeRequests = 0;
  /** INVITEs received, BYEs received. */
  invites = 0;
  byes = 0;
  /** Streams playing now, by Call-ID. */
  readonly streams = new Map<string, { channelId: string; streamer: GbMediaStreamer | null; start: () => void; listener?: net.Server }>();
  private udp: dgram.Socket | null = null;
  private tcp: net.Socket | null = null;
  private readonly framer = new SipStreamFramer();
  private readonly pending = new Map<string, Pending>();
  private readonly callId = generateCallId('127.0.0.1');
  private readonly fromTag = generateTag();
  private cseq = 0;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private sn = 1;
  private localPort = 0;

  constructor(private readonly options: GbDeviceOptions) {}

  /** Open the socket (bind UDP, or connect TCP). */
  async start(): Promise<void> {
    if (this.options.transport === 'udp') {
      const udp = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, this.options.localAddress ?? '127.0.0.1', () => {
          udp.off('error', reject);
          resolve();
        });
      });
      udp.on('message', (datagram) => this.onBytes(datagram));
      this.localPort = udp.address().port;
      this.udp = udp;
    } else {
      const socket = net.connect({ port: this.options.server.port, host: this.options.server.host, localAddress: this.options.localAddress ?? '127.0.0.1' });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        for (const raw of this.framer.push(chunk).messages) this.onBytes(raw);
      });
      this.localPort = socket.localPort ?? 0;
      this.tcp = socket;
    }
  }

  /** Send raw bytes to the platform (garbage, malformed messages, replayed captures). */
  sendRaw(bytes: Buffer | string): void {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    if (this.udp) this.udp.send(buf, this.options.server.port, this.options.server.host);
    else this.tcp?.write(buf);
  }

  /** Send raw bytes and wait for the response with this Call-ID and CSeq number. */
  async sendRawAndWait(bytes: Buffer | string, callId: string, cseq: number): Promise<SipResponse> {
    const waiting = this.waitFor(callId, cseq);
    this.sendRaw(bytes);
    return waiting;
  }

  /**
   * Register (RFC 3261 §10.2): REGISTER, and on 401 again with an Authorization header.
   * @returns the final response (200, 401 when the password is wrong, 403 ...)
   */
  async register(expires = 3600): Promise<SipResponse> {
    const first = await this.request(this.registerRequest(expires, null));
    if (first.status !== 401) return first;
    const challenge = first.headers.get('WWW-Authenticate') ?? '';
    const uri = `sip:${this.options.serverId}@${this.options.domainId}`;
    const authorization = buildAuthorization({ challenge, username: this.options.deviceId, password: this.options.password, method: 'REGISTER', uri });
    return this.request(this.registerRequest(expires, authorization));
  }

  /** Unregister: REGISTER with `Expires: 0` (GB/T 28181-2016 §9.1.2.2). */
  unregister(): Promise<SipResponse> {
    return this.register(0);
  }

  /** Send one keepalive MESSAGE and wait for its answer. */
  keepalive(): Promise<SipResponse> {
    return this.request(this.message(buildKeepalive({ sn: this.sn++, deviceId: this.options.deviceId })));
  }

  /** Keep alive every `intervalMs` (failures ignored) until {@link stopKeepalive}. */
  startKeepalive(intervalMs: number): void {
    this.stopKeepalive();
    this.keepaliveTimer = setInterval(() => void this.keepalive().catch(() => undefined), intervalMs);
  }

  stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }

  /** Resolves when `count` streams are playing (ACKed and sending). */
  async waitForStreams(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...this.streams.values()].filter((s) => s.streamer).length < count) {
      if (Date.now() > deadline) throw new Error(`${count} streams not playing within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) {
      stream.streamer?.stop();
      stream.listener?.close();
    }
    this.streams.clear();
    this.stopKeepalive();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('closed'));
    }
    this.pending.clear();
    if (this.udp) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
    this.tcp?.destroy();
    this.udp = null;
    this.tcp = null;
  }

  private get via(): string {
    return `SIP/2.0/${this.options.transport.toUpperCase()} ${this.options.localAddress ?? '127.0.0.1'}:${this.localPort};rport;branch=${generateBranch()}`;
  }

  private registerRequest(expires: number, authorization: string | null): SipRequest {
    const { deviceId, domainId, serverId } = this.options;
    const headers = new SipHeaders([
      ['Via', this.via],
      ['From', `<sip:${deviceId}@${domainId}>;tag=${this.fromTag}`],
      ['To', `<sip:${deviceId}@${domainId}>`],
      ['Call-ID', this.callId],
      ['CSeq', `${++this.cseq} REGISTER`],
      ['Contact', `<sip:${deviceId}@127.0.0.1:${this.localPort}>`],
      ['Max-Forwards', '70'],
      ['User-Agent', 'Argus GB device simulator'],
      ['Expires', String(expires)],
    ]);
    if (authorization) headers.append('Authorization', authorization);
    return { kind: 'request', method: 'REGISTER', uri: `sip:${serverId}@${domainId}`, headers, body: Buffer.alloc(0) };
  }

  private message(bodyText: string): SipRequest {
    const { deviceId, domainId, serverId } = this.options;
    const headers = new SipHeaders([
      ['Via', this.via],
      ['From', `<sip:${deviceId}@${domainId}>;tag=${generateTag()}`],
      ['To', `<sip:${serverId}@${domainId}>`],
      ['Call-ID', generateCallId('127.0.0.1')],
      ['CSeq', `${++this.cseq} MESSAGE`],
      ['Max-Forwards', '70'],
      ['Content-Type', 'Application/MANSCDP+xml'],
    ]);
    return { kind: 'request', method: 'MESSAGE', uri: `sip:${serverId}@${domainId}`, headers, body: encodeManscdpBody(bodyText) };
  }

  private request(request: SipRequest): Promise<SipResponse> {
    const callId = request.headers.get('Call-ID') ?? '';
    const cseq = Number((request.headers.get('CSeq') ?? '').split(' ')[0]);
    const waiting = this.waitFor(callId, cseq);
    this.sendRaw(serializeSipMessage(request));
    return waiting;
  }

  private waitFor(callId: string, cseq: number): Promise<SipResponse> {
    const key = `${callId} ${cseq}`;
    return new Promise<SipResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no response to ${key} within ${this.options.responseTimeoutMs ?? 3000} ms`));
      }, this.options.responseTimeoutMs ?? 3000);
      this.pending.set(key, { resolve, reject, timer });
    });
  }

  private onBytes(bytes: Buffer): void {
    let message: SipMessage;
    try {
      message = parseSipMessage(bytes);
    } catch {
      return;
    }
    this.received.push(message);
    if (message.kind === 'response') {
      const key = `${message.headers.get('Call-ID')} ${(message.headers.get('CSeq') ?? '').split(' ')[0]}`;
      // Provisional answers (1xx) do not end a transaction (RFC 3261 §17.1.1).
      if (message.status < 200) return;
      const p = this.pending.get(key);
      if (p) {
        this.pending.delete(key);
        clearTimeout(p.timer);
        p.resolve(message);
      }
      return;
    }
    this.onRequest(message);
  }

  private onRequest(request: SipRequest): void {
    const callId = request.headers.get('Call-ID') ?? '';
    if (request.method === 'ACK') {
      this.streams.get(callId)?.start();
      return;
    }
    if (request.method === 'INVITE') {
      this.onInvite(request);
      return;
    }
    if (request.method === 'BYE') {
      this.byes++;
      const stream = this.streams.get(callId);
      stream?.streamer?.stop();
      stream?.listener?.close();
      this.streams.delete(callId);
      this.sendRaw(serializeSipMessage(createResponse(request, stream ? 200 : 481)));
      return;
    }
    this.sendRaw(serializeSipMessage(createResponse(request, 200)));
    if (request.method !== 'MESSAGE') return;
    let parsed;
    try {
      parsed = parseManscdp(request.body);
    } catch {
      return;
    }
    if (parsed.message.kind === 'deviceControl') {
      const control = parsed.message;
      if (control.ptzCmd !== null) this.ptzCommands.push({ channelId: control.deviceId, ptzCmd: control.ptzCmd, decoded: control.ptz });
      if (control.iFrameCmd !== null) {
        this.keyframeRequests++;
        for (const stream of this.streams.values()) if (stream.channelId === control.deviceId) stream.streamer?.requestKeyframe();
      }
      return;
    }
    if (parsed.message.kind !== 'catalogQuery' || parsed.message.sn === null) return;
    const sn = parsed.message.sn;
    this.catalogQueries.push(sn);
    const items: CatalogEntry[] = (this.options.channels ?? []).map((c) => ({ deviceId: c.id, name: c.name, manufacturer: 'Argus', status: 'ON', parentId: this.options.deviceId, ...(c.ptz ? { ptzType: 1 } : {}) }));
    const bodies = buildCatalogResponses({ sn, deviceId: this.options.deviceId, items, perMessage: this.options.catalogPerMessage ?? 1 }, { encoding: 'GB2312' });
    for (const body of bodies) void this.request(this.message(body)).catch(() => undefined);
  }

  /** INVITE for live play: answer with SDP, and stream once the ACK comes. */
  private onInvite(request: SipRequest): void {
    this.invites++;
    const callId = request.headers.get('Call-ID') ?? '';
    const channelId = /^sip:(\d{20})@/.exec(request.uri)?.[1] ?? '';
    const channel = (this.options.channels ?? []).find((c) => c.id === channelId);
    const reply = (status: number, body?: string) => {
      const headers: Array<[string, string]> = [['Contact', `<sip:${channelId}@127.0.0.1:${this.localPort}>`]];
      if (body) headers.push(['Content-Type', 'APPLICATION/SDP']);
      this.sendRaw(serializeSipMessage(createResponse(request, status, { toTag: 'dev' + callId.slice(0, 8).replace(/[^a-z0-9]/gi, ''), headers, ...(body ? { body: Buffer.from(body) } : {}) })));
    };
    if (this.streams.has(callId)) return reply(200); // a retransmitted INVITE
    if (this.options.refuseInvite) return reply(this.options.refuseInvite);
    if (!channel?.media) return reply(404);
    let offer;
    try {
      offer = parsePlayAnswer(request.body.toString('utf8'));
    } catch {
      return reply(488);
    }
    const ssrc = this.options.answerSsrc ?? offer.ssrc ?? 1;
    const media = channel.media;
    const tcp = offer.protocol.toUpperCase().startsWith('TCP');
    const entry: { channelId: string; streamer: GbMediaStreamer | null; start: () => void; listener?: net.Server } = { channelId, streamer: null, start: () => undefined };
    this.streams.set(callId, entry);
    const answer = (port: number, setup: string | null) =>
      [
        'v=0', `o=${channelId} 0 0 IN IP4 127.0.0.1`, 's=Play', 'c=IN IP4 127.0.0.1', 't=0 0',
        `m=video ${port} ${tcp ? 'TCP/RTP/AVP' : 'RTP/AVP'} 96`, 'a=sendonly', 'a=rtpmap:96 PS/90000',
        ...(setup ? [`a=setup:${setup}`, 'a=connection:new'] : []), `y=${String(ssrc).padStart(10, '0')}`, 'f=', '',
      ].join('\r\n');
    const begin = (target: ConstructorParameters<typeof GbMediaStreamer>[0]['target']) => {
      if (!this.streams.has(callId) || entry.streamer) return;
      entry.streamer = new GbMediaStreamer({ file: media.file, codec: media.codec, ssrc, target, ...(media.fps ? { fps: media.fps } : {}), ...(media.audio ? { audio: media.audio } : {}), ...(media.mangle ? { mangle: media.mangle } : {}) });
      entry.streamer.start();
    };
    if (!tcp) {
      entry.start = () => begin({ kind: 'udp', address: offer.address, port: offer.port });
      reply(200, answer(40000 + (this.invites % 1000), null));
    } else if (offer.setup === 'active') {
      // The platform connects to us: listen, answer with the port, stream on connection after the ACK.
      const listener = net.createServer();
      entry.listener = listener;
      let socket: net.Socket | null = null;
      let acked = false;
      listener.on('connection', (s) => {
        socket = s;
        s.on('error', () => undefined);
        if (acked) begin({ kind: 'tcp', socket: s });
      });
      listener.listen(0, '127.0.0.1', () => reply(200, answer((listener.address() as net.AddressInfo).port, 'passive')));
      entry.start = () => {
        acked = true;
        if (socket) begin({ kind: 'tcp', socket });
      };
    } else {
      entry.start = () => {
        const socket = net.connect(offer.port, offer.address, () => begin({ kind: 'tcp', socket }));
        socket.on('error', () => undefined);
      };
      reply(200, answer(9, 'active'));
    }
  }
}
