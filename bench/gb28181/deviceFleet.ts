import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { channelGbId, deviceGbId, devicePassword } from './fleetIds.js';
import { manscdp, sip, type CatalogEntry, type SipRequest, type SipResponse } from './gbModules.js';

/** Options of a {@link DeviceFleet}. */
export interface FleetOptions {
  devices: number;
  /** UDP sockets the devices share. */
  sockets: number;
  /** The platform's SIP address (UDP). */
  server: { host: string; port: number };
  domainId: string;
  serverId: string;
  /** Keepalive interval of every device, ms. */
  keepaliveIntervalMs: number;
  /** Registrations under way at once. */
  concurrency: number;
  /** Registrations started per second; 0 for as fast as `concurrency` allows. */
  registerRate: number;
  /** No registration starts later than this after the first one (the rest count as failed), ms. */
  registerTimeLimitMs: number;
  /** Channels answered to a Catalog query. */
  catalogItems: number;
  /** `Expires` of the REGISTERs, s. */
  expiresS: number;
  /** How long a keepalive or catalog MESSAGE waits for its answer, ms. */
  responseTimeoutMs: number;
}

/** What the fleet sent and got, counted since it opened. */
export interface FleetCounters {
  registerStarted: number;
  registered: number;
  registerFailed: number;
  /** REGISTERs sent again after Timer E. */
  registerRetransmits: number;
  /** 401 answers received. */
  challenges: number;
  keepalivesSent: number;
  /** 200 answers to keepalives. */
  keepalivesAnswered: number;
  /** Answers to keepalives other than 200 (403: the platform holds no registration). */
  keepalivesRefused: number;
  keepalivesTimedOut: number;
  catalogQueries: number;
  catalogMessagesSent: number;
  catalogMessagesAnswered: number;
  catalogMessagesTimedOut: number;
  /** Final answers matching no transaction (answers to retransmissions, late answers). */
  strayResponses: number;
  /** Datagrams that did not parse as SIP. */
  unparseable: number;
  /** Socket errors (e.g. send buffer full). */
  socketErrors: number;
}

/** The outcome of the registration of every device. */
export interface RegistrationOutcome {
  /** First REGISTER sent to 200 received, per registered device, ms, in completion order. */
  latenciesMs: number[];
  /** First registration started to last one ended (registered or given up), ms. */
  elapsedMs: number;
  /** Devices given up, by reason ("timeout", "status 403", "401 after digest" ...). */
  failures: Record<string, number>;
  /** GB IDs of the first devices given up (at most 20). */
  failedExamples: string[];
}

type DeviceState = 'waiting' | 'registering' | 'registered' | 'failed';

interface SimDevice {
  index: number;
  gbId: string;
  password: string;
  socket: number;
  callId: string;
  fromTag: string;
  cseq: number;
  state: DeviceState;
  /** performance.now() of the first REGISTER, ms. */
  firstRegisterAt: number;
  /** Authorized REGISTERs sent. */
  digestAttempts: number;
  sn: number;
  /** When the next keepalive is due (performance.now()), ms. */
  keepaliveDue: number;
}

interface RegisterTx {
  device: SimDevice;
  bytes: Buffer;
  startedAt: number;
  intervalMs: number;
  timer: NodeJS.Timeout | undefined;
}

interface MessageTx {
  device: SimDevice;
  kind: 'keepalive' | 'catalog';
  sentAt: number;
  /** Sent while keepalive latencies were being sampled. */
  sampled: boolean;
}

/** RFC 3261 §17.1.2.2 timers over UDP, ms. */
const T1_MS = 500;
const T2_MS = 4000;
const TIMER_F_MS = 64 * T1_MS;
/** Scheduler tick: keepalive slots, timeouts, rate-limited registration starts, ms. */
const TICK_MS = 5;
/** Socket buffers asked for (the kernel caps them at net.core.rmem_max / wmem_max), bytes. */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * The load generator of `bench:gb28181`: many simulated GB/T 28181 devices over a few UDP sockets
 * on loopback (devices are spread round-robin over the sockets; the platform answers to the
 * source address and port and addresses its requests by device ID, so a socket can carry many
 * devices). Built on the SFU's pure SIP and MANSCDP modules; lean on purpose (the test
 * simulator, tests/support/gbDevice.ts, is the thorough one).
 *
 * Each device:
 * - registers with MD5 digest (GB/T 28181-2016 §9.1.2.1): REGISTER, 401, REGISTER with
 *   Authorization, 200. REGISTERs are retransmitted as RFC 3261 §17.1.2.2 asks over UDP (Timer E
 *   from T1 = 500 ms doubling to T2 = 4 s) and given up after Timer F (32 s). At most
 *   `concurrency` registrations are under way at once, optionally at most `registerRate` started per
 *   second, none started after `registerTimeLimitMs`;
 * - answers the platform's Catalog query (A.2.4) with 200 OK, then `catalogItems` channels in
 *   Response Catalog MESSAGEs (A.2.6), one item each (an empty catalog when 0);
 * - from its registration on, sends a Notify Keepalive MESSAGE (A.2.5) every `keepaliveIntervalMs`,
 *   the first one at a uniformly random point of the first interval so that the fleet's
 *   keepalives are spread evenly. Keepalives and catalog MESSAGEs are not retransmitted: an
 *   answer missing after `responseTimeoutMs` counts as timed out.
 */
export class DeviceFleet {
  private readonly counterValues: FleetCounters = {
    registerStarted: 0,
    registered: 0,
    registerFailed: 0,
    registerRetransmits: 0,
    challenges: 0,
    keepalivesSent: 0,
    keepalivesAnswered: 0,
    keepalivesRefused: 0,
    keepalivesTimedOut: 0,
    catalogQueries: 0,
    catalogMessagesSent: 0,
    catalogMessagesAnswered: 0,
    catalogMessagesTimedOut: 0,
    strayResponses: 0,
    unparseable: 0,
    socketErrors: 0,
  };
  private readonly devices: SimDevice[] = [];
  private readonly byGbId = new Map<string, SimDevice>();
  /** REGISTER transactions by `Call-ID CSeq-number`. */
  private readonly registerTx = new Map<string, RegisterTx>();
  /** Keepalive and catalog MESSAGE transactions by Call-ID, oldest first (all share one timeout). */
  private readonly messageTx = new Map<string, MessageTx>();
  /** Keepalives due, by tick slot (floor(due / TICK_MS)). */
  private readonly wheel = new Map<number, SimDevice[]>();
  private wheelSlot = 0;
  private keepalivesOn = true;
  private keepaliveLatencies: number[] | null = null;
  private samplingKeepalives = false;
  private readonly latencies: number[] = [];
  private readonly failures: Record<string, number> = {};
  private readonly failedExamples: string[] = [];
  private nextToRegister = 0;
  private underWay = 0;
  private registerStartedAt = 0;
  private registrationDone: ((outcome: RegistrationOutcome) => void) | null = null;
  private readonly ticker: NodeJS.Timeout;
  private readonly uri: string;
  private readonly toPlatform: string;

  private constructor(
    private readonly options: FleetOptions,
    private readonly sockets: dgram.Socket[],
    /** Local port of each socket. */
    private readonly ports: number[],
  ) {
    this.uri = `sip:${options.serverId}@${options.domainId}`;
    this.toPlatform = `<${this.uri}>`;
    for (let i = 0; i < options.devices; i++) {
      const device: SimDevice = {
        index: i,
        gbId: deviceGbId(i),
        password: devicePassword(i),
        socket: i % sockets.length,
        callId: sip.generateCallId('127.0.0.1'),
        fromTag: sip.generateTag(),
        cseq: 0,
        state: 'waiting',
        firstRegisterAt: 0,
        digestAttempts: 0,
        sn: 0,
        keepaliveDue: 0,
      };
      this.devices.push(device);
      this.byGbId.set(device.gbId, device);
    }
    sockets.forEach((socket, index) => {
      socket.on('message', (datagram, rinfo) => this.onDatagram(datagram, rinfo, index));
      socket.on('error', () => this.counterValues.socketErrors++);
    });
    this.wheelSlot = Math.floor(performance.now() / TICK_MS);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** Bind `options.sockets` UDP sockets on 127.0.0.1 (buffers as large as the kernel allows). */
  static async open(options: FleetOptions): Promise<DeviceFleet> {
    const sockets: dgram.Socket[] = [];
    try {
      for (let i = 0; i < options.sockets; i++) {
        const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(0, '127.0.0.1', () => {
            socket.off('error', reject);
            resolve();
          });
        });
      }
    } catch (error) {
      for (const socket of sockets) socket.close();
      throw error;
    }
    return new DeviceFleet(options, sockets, sockets.map((s) => s.address().port));
  }

  /** Local UDP ports of the fleet's sockets. */
  get localPorts(): readonly number[] {
    return this.ports;
  }

  /** A copy of the counters. */
  get counters(): FleetCounters {
    return { ...this.counterValues };
  }

  /**
   * Register every device (each starts keeping alive once registered).
   * @returns once every device is registered or given up
   */
  registerAll(): Promise<RegistrationOutcome> {
    if (this.registrationDone || this.nextToRegister > 0) return Promise.reject(new Error('registration already started'));
    return new Promise<RegistrationOutcome>((resolve) => {
      this.registrationDone = resolve;
      this.registerStartedAt = performance.now();
      this.pump(this.registerStartedAt);
      this.checkRegistrationDone(this.registerStartedAt);
    });
  }

  /**
   * Sample the latency (answer time − send time, ms) of keepalives sent from now on (`true`, which
   * drops earlier samples), or of none sent from now on (`false`; those sent before are still
   * sampled when answered).
   */
  sampleKeepalives(on: boolean): void {
    if (on) this.keepaliveLatencies = [];
    this.samplingKeepalives = on;
  }

  /** The keepalive latencies sampled (those answered so far), ms; sampling stops. */
  takeKeepaliveSamples(): number[] {
    const samples = this.keepaliveLatencies ?? [];
    this.keepaliveLatencies = null;
    this.samplingKeepalives = false;
    return samples;
  }

  /** Stop sending keepalives and wait until every outstanding MESSAGE is answered or timed out. */
  async stopKeepalives(): Promise<void> {
    this.keepalivesOn = false;
    this.wheel.clear();
    while (this.messageTx.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Stop every timer and close the sockets (pending registrations are dropped). */
  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const tx of this.registerTx.values()) clearTimeout(tx.timer);
    this.registerTx.clear();
    this.messageTx.clear();
    await Promise.all(this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }

  // ---- scheduling ----

  private tick(): void {
    const now = performance.now();
    this.pump(now);
    if (this.keepalivesOn) {
      const current = Math.floor(now / TICK_MS);
      for (let slot = this.wheelSlot; slot <= current; slot++) {
        const due = this.wheel.get(slot);
        if (!due) continue;
        this.wheel.delete(slot);
        for (const device of due) {
          this.sendKeepalive(device, now);
          device.keepaliveDue += this.options.keepaliveIntervalMs;
          // A generator that fell more than an interval behind sends the next one on the next tick.
          this.schedule(device, Math.max(device.keepaliveDue, (current + 1) * TICK_MS));
        }
      }
      this.wheelSlot = current + 1;
    }
    for (const [callId, tx] of this.messageTx) {
      if (now - tx.sentAt < this.options.responseTimeoutMs) break;
      this.messageTx.delete(callId);
      if (tx.kind === 'keepalive') this.counterValues.keepalivesTimedOut++;
      else this.counterValues.catalogMessagesTimedOut++;
    }
  }

  private schedule(device: SimDevice, due: number): void {
    const slot = Math.floor(due / TICK_MS);
    const list = this.wheel.get(slot);
    if (list) list.push(device);
    else this.wheel.set(slot, [device]);
  }

  /** Start registrations while fewer than `concurrency` are under way (and the rate allows). */
  private pump(now: number): void {
    if (!this.registrationDone) return;
    const { devices, concurrency, registerRate, registerTimeLimitMs } = this.options;
    if (now - this.registerStartedAt > registerTimeLimitMs && this.nextToRegister < devices) {
      const left = devices - this.nextToRegister;
      for (let i = this.nextToRegister; i < devices; i++) this.devices[i]!.state = 'failed';
      this.nextToRegister = devices;
      this.counterValues.registerFailed += left;
      this.failures['not started (time limit)'] = left;
      this.checkRegistrationDone(now);
      return;
    }
    const allowed = registerRate > 0 ? Math.floor(((now - this.registerStartedAt) / 1000) * registerRate) + 1 : devices;
    while (this.nextToRegister < devices && this.underWay < concurrency && this.nextToRegister < allowed) {
      const device = this.devices[this.nextToRegister++]!;
      device.state = 'registering';
      device.firstRegisterAt = now;
      this.underWay++;
      this.counterValues.registerStarted++;
      this.sendRegister(device, null, now);
    }
  }

  private checkRegistrationDone(now: number): void {
    if (!this.registrationDone || this.nextToRegister < this.options.devices || this.underWay > 0) return;
    const done = this.registrationDone;
    this.registrationDone = null;
    done({ latenciesMs: this.latencies, elapsedMs: now - this.registerStartedAt, failures: { ...this.failures }, failedExamples: [...this.failedExamples] });
  }

  // ---- sending ----

  private send(device: SimDevice, bytes: Buffer): void {
    this.sockets[device.socket]!.send(bytes, this.options.server.port, this.options.server.host);
  }

  private via(device: SimDevice): string {
    return `SIP/2.0/UDP 127.0.0.1:${this.ports[device.socket]};rport;branch=${sip.generateBranch()}`;
  }

  private sendRegister(device: SimDevice, authorization: string | null, now: number): void {
    const { domainId, expiresS } = this.options;
    const cseq = ++device.cseq;
    const headers = new sip.SipHeaders([
      ['Via', this.via(device)],
      ['From', `<sip:${device.gbId}@${domainId}>;tag=${device.fromTag}`],
      ['To', `<sip:${device.gbId}@${domainId}>`],
      ['Call-ID', device.callId],
      ['CSeq', `${cseq} REGISTER`],
      ['Contact', `<sip:${device.gbId}@127.0.0.1:${this.ports[device.socket]}>`],
      ['Max-Forwards', '70'],
      ['Expires', String(expiresS)],
    ]);
    if (authorization !== null) {
      headers.append('Authorization', authorization);
      device.digestAttempts++;
    }
    const bytes = sip.serializeSipMessage({ kind: 'request', method: 'REGISTER', uri: this.uri, headers, body: EMPTY });
    const key = `${device.callId} ${cseq}`;
    const tx: RegisterTx = { device, bytes, startedAt: now, intervalMs: T1_MS, timer: undefined };
    this.registerTx.set(key, tx);
    this.send(device, bytes);
    tx.timer = setTimeout(() => this.retransmit(key, tx), T1_MS);
  }

  /** Timer E / Timer F of a REGISTER (RFC 3261 §17.1.2.2). */
  private retransmit(key: string, tx: RegisterTx): void {
    if (this.registerTx.get(key) !== tx) return;
    const now = performance.now();
    if (now - tx.startedAt >= TIMER_F_MS) {
      this.registerTx.delete(key);
      this.fail(tx.device, 'timeout', now);
      return;
    }
    this.counterValues.registerRetransmits++;
    this.send(tx.device, tx.bytes);
    tx.intervalMs = Math.min(tx.intervalMs * 2, T2_MS);
    tx.timer = setTimeout(() => this.retransmit(key, tx), Math.min(tx.intervalMs, TIMER_F_MS - (now - tx.startedAt)));
  }

  /** A MESSAGE from `device` to the platform with a MANSCDP body. */
  private message(device: SimDevice, callId: string, body: string): Buffer {
    const headers = new sip.SipHeaders([
      ['Via', this.via(device)],
      ['From', `<sip:${device.gbId}@${this.options.domainId}>;tag=${sip.generateTag()}`],
      ['To', this.toPlatform],
      ['Call-ID', callId],
      ['CSeq', `${++device.cseq} MESSAGE`],
      ['Max-Forwards', '70'],
      ['Content-Type', 'Application/MANSCDP+xml'],
    ]);
    return sip.serializeSipMessage({ kind: 'request', method: 'MESSAGE', uri: this.uri, headers, body: manscdp.encodeManscdpBody(body) });
  }

  private sendKeepalive(device: SimDevice, now: number): void {
    const callId = sip.generateCallId('127.0.0.1');
    const bytes = this.message(device, callId, manscdp.buildKeepalive({ sn: ++device.sn, deviceId: device.gbId }));
    this.messageTx.set(callId, { device, kind: 'keepalive', sentAt: now, sampled: this.samplingKeepalives });
    this.counterValues.keepalivesSent++;
    this.send(device, bytes);
  }

  private sendCatalog(device: SimDevice, sn: number, now: number): void {
    const perDevice = this.options.catalogItems;
    const items: CatalogEntry[] = [];
    for (let i = 0; i < perDevice; i++) {
      items.push({ deviceId: channelGbId(device.index, i, perDevice), name: `基准摄像机 ${device.index + 1}-${i + 1}`, manufacturer: 'Argus bench', status: 'ON', parentId: device.gbId });
    }
    for (const body of manscdp.buildCatalogResponses({ sn, deviceId: device.gbId, items, perMessage: 1 })) {
      const callId = sip.generateCallId('127.0.0.1');
      const bytes = this.message(device, callId, body);
      this.messageTx.set(callId, { device, kind: 'catalog', sentAt: now, sampled: false });
      this.counterValues.catalogMessagesSent++;
      this.send(device, bytes);
    }
  }

  // ---- receiving ----

  private onDatagram(datagram: Buffer, rinfo: dgram.RemoteInfo, socket: number): void {
    let message;
    try {
      message = sip.parseSipMessage(datagram);
    } catch {
      this.counterValues.unparseable++;
      return;
    }
    const now = performance.now();
    if (message.kind === 'response') this.onResponse(message, now);
    else this.onRequest(message, rinfo, socket, now);
  }

  private onResponse(response: SipResponse, now: number): void {
    if (response.status < 200) return; // provisional: the transaction goes on (RFC 3261 §17.1.2.2)
    const callId = response.headers.get('Call-ID') ?? '';
    const message = this.messageTx.get(callId);
    if (message) {
      this.messageTx.delete(callId);
      if (message.kind === 'catalog') {
        if (response.status === 200) this.counterValues.catalogMessagesAnswered++;
        return;
      }
      if (response.status !== 200) {
        this.counterValues.keepalivesRefused++;
        return;
      }
      this.counterValues.keepalivesAnswered++;
      if (message.sampled && this.keepaliveLatencies) this.keepaliveLatencies.push(now - message.sentAt);
      return;
    }
    const key = `${callId} ${Number.parseInt(response.headers.get('CSeq') ?? '', 10)}`;
    const tx = this.registerTx.get(key);
    if (!tx) {
      this.counterValues.strayResponses++;
      return;
    }
    clearTimeout(tx.timer);
    this.registerTx.delete(key);
    this.onRegisterResponse(tx.device, response, now);
  }

  private onRegisterResponse(device: SimDevice, response: SipResponse, now: number): void {
    if (response.status === 401) {
      this.counterValues.challenges++;
      if (device.digestAttempts >= 2) return this.fail(device, '401 after digest', now);
      let authorization: string;
      try {
        authorization = sip.buildAuthorization({
          challenge: response.headers.get('WWW-Authenticate') ?? '',
          username: device.gbId,
          password: device.password,
          method: 'REGISTER',
          uri: this.uri,
        });
      } catch {
        return this.fail(device, 'unusable challenge', now);
      }
      this.sendRegister(device, authorization, now);
      return;
    }
    if (response.status !== 200) return this.fail(device, `status ${response.status}`, now);
    device.state = 'registered';
    this.underWay--;
    this.counterValues.registered++;
    this.latencies.push(now - device.firstRegisterAt);
    device.keepaliveDue = now + Math.random() * this.options.keepaliveIntervalMs;
    if (this.keepalivesOn) this.schedule(device, device.keepaliveDue);
    this.pump(now);
    this.checkRegistrationDone(now);
  }

  private fail(device: SimDevice, reason: string, now: number): void {
    device.state = 'failed';
    this.underWay--;
    this.counterValues.registerFailed++;
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
    if (this.failedExamples.length < 20) this.failedExamples.push(device.gbId);
    this.pump(now);
    this.checkRegistrationDone(now);
  }

  private onRequest(request: SipRequest, rinfo: dgram.RemoteInfo, socket: number, now: number): void {
    if (request.method === 'ACK') return;
    this.sockets[socket]!.send(sip.serializeSipMessage(sip.createResponse(request, 200)), rinfo.port, rinfo.address);
    if (request.method !== 'MESSAGE') return;
    let device: SimDevice | undefined;
    let parsed;
    try {
      device = this.byGbId.get(sip.parseSipUri(sip.getTo(request).uri).user ?? '');
      parsed = manscdp.parseManscdp(request.body).message;
    } catch {
      return;
    }
    if (!device || parsed.kind !== 'catalogQuery' || parsed.sn === null) return;
    this.counterValues.catalogQueries++;
    this.sendCatalog(device, parsed.sn, now);
  }
}
