/**
 * The GB/T 28181 platform's signalling core (GB/T 28181-2016 §9): the registrar that devices and
 * lower platforms register to, their keepalives, and their catalogs. No media yet.
 *
 * - REGISTER (§9.1.2.1, RFC 3261 §10.3): a device known to the store (kind `gb28181`, its
 *   20-digit ID as `gbDeviceId`, a SIP password set) is challenged with 401 and
 *   `WWW-Authenticate: Digest realm="<domainId>"`, then accepted with 200 (with `Date`, §9.1.2.1)
 *   when its MD5 digest is right (RFC 2617). A wrong digest is challenged again (401); an unknown
 *   device, or one without a password, gets 403. `Expires: 0` unregisters (§9.1.2.2): offline.
 * - Keepalive (§9.6, A.2.5 Notify Keepalive in a MESSAGE): 200 and online; a device that sends
 *   neither keepalive nor REGISTER for `keepaliveMissed` × `keepaliveIntervalMs` goes offline.
 *   A keepalive from a device with no registration is refused (403) so that it registers again.
 * - Catalog (§9.5.1, A.2.4/A.2.6): queried after each successful REGISTER and on demand
 *   ({@link GbPlatform.queryCatalog}); the answer, often several MESSAGEs sharing an SN, is
 *   collected by a {@link CatalogAggregator} and written to the store ({@link syncCatalog}).
 *   Catalog NOTIFY (§9.11) items are written as they come. Every MESSAGE and NOTIFY is answered 200.
 * - Replies go to the source seen on the wire (RFC 3581); requests to a device go to where it
 *   last registered from.
 *
 * Presence is written to the store (`online`, `lastSeenAt`, contact) without audit rows, and
 * emitted as events for the server to refresh the catalog and the walls.
 */
import { EventEmitter } from 'node:events';
import type { Device, SfuConfig } from '@argus/shared';
import type { Logger } from '../../log.js';
import { LogThrottle } from '../../logThrottle.js';
import type { Store } from '../../store/store.js';
import { syncCatalog, type CatalogSyncResult } from './gbCatalogSync.js';
import { buildManscdpMessage, gbDate, localHostFor, MANSCDP_CONTENT_TYPE, type PlatformIdentity } from './gbRequests.js';
import { buildCatalogQuery, CatalogAggregator, ManscdpError, parseManscdp, type CatalogAggregate, type CatalogItem } from './manscdp/index.js';
import {
  DigestNonces,
  formatDigestChallenge,
  getContacts,
  getExpires,
  getFrom,
  parseSipUri,
  verifyDigest,
  type SipMessage,
  type SipRequest,
} from './sip/index.js';
import { SipTransport, type SipPeer, type SipTransportCounters } from './sipTransport.js';
import { SipClientTransactions, SipTransactionError, type SipClientTransactionCounters } from './sipClientTransactions.js';
import { buildAck, buildBye, buildInvite, dialogFrom, type GbDialog } from './gbDialog.js';
import { GbSdpError, liveSsrc, parsePlayAnswer, type GbPlayAnswer } from './sip/index.js';

export type GbPlatformConfig = SfuConfig['gb28181'];

/** Why a device went offline. */
export type GbOfflineReason = 'unregistered' | 'keepalive-timeout' | 'registration-expired' | 'closed';

export interface GbCatalogUpdate {
  device: Device;
  /** The aggregated answer (or one NOTIFY's items, with `reason` 'complete'). */
  complete: boolean;
  items: number;
  sync: CatalogSyncResult;
}

export interface GbPlatformEvents {
  deviceOnline: [device: Device];
  deviceOffline: [device: Device, reason: GbOfflineReason];
  /** Channels were created or updated from a catalog answer or NOTIFY. */
  catalogUpdated: [update: GbCatalogUpdate];
}

/** Counters for metrics and tests; the transport's are in `transport`. */
export interface GbPlatformCounters {
  registrations: number;
  unregistrations: number;
  /** 401 challenges sent (first REGISTERs and failed digests). */
  challenges: number;
  /** REGISTERs with a wrong or unusable digest. */
  authFailures: number;
  /** Requests refused with 403 (unknown device, no password, no registration). */
  forbidden: number;
  keepalives: number;
  catalogQueries: number;
  catalogMessages: number;
  /** MESSAGE/NOTIFY bodies that did not parse as MANSCDP (and INVITE answers with bad SDP). */
  badBodies: number;
  invites: number;
  /** INVITEs answered with an error, not answered, or answered with unusable SDP. */
  failedInvites: number;
  byesSent: number;
  byesReceived: number;
  deviceControls: number;
  transport: SipTransportCounters;
  transactions: SipClientTransactionCounters;
}

/** What the cascade needs of the platform's SIP stack (see {@link GbPlatform.sip}). */
export interface GbSipAccess {
  readonly port: number;
  localHost(peer: SipPeer): string;
  nextCseq(): number;
  nextSn(): number;
  /** A client transaction: resolves with the final response. @throws SipTransactionError */
  request(peer: SipPeer, request: SipRequest, timeoutMs?: number): Promise<SipMessage & { kind: 'response' }>;
  send(peer: SipPeer, message: SipMessage): boolean;
  reply(request: SipRequest, peer: SipPeer, status: number, options?: { headers?: Array<[string, string]>; body?: Buffer; toTag?: string }): boolean;
}

/** Why a play could not start. */
export type GbPlayFailure = 'not-registered' | 'refused' | 'timeout' | 'unreachable' | 'bad-answer' | 'closed';

/** A play (INVITE) that did not establish a stream; `message` is for the operator. */
export class GbPlayError extends Error {
  override readonly name = 'GbPlayError';
  constructor(
    readonly reason: GbPlayFailure,
    message: string,
    /** The device's final status, for `refused`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What {@link GbPlatform.invite} needs. */
export interface GbInviteRequest {
  /** 20-digit IDs of the registered device and of the channel to play. */
  deviceId: string;
  channelId: string;
  /** Builds the SDP offer once the SSRC and our address toward the device are known. */
  offer: (context: { ssrc: string; localHost: string }) => string;
  /** Give up after this long without a final answer, ms. */
  timeoutMs: number;
  /** Called when the device ends the dialog with BYE. */
  onBye: () => void;
}

/** An established play: the dialog (for BYE) and the device's answer. */
export interface GbInviteResult {
  dialog: GbDialog;
  answer: GbPlayAnswer;
  /** The SSRC offered in `y=`, as a number. */
  offeredSsrc: number;
}

interface Session {
  /** Store id. */
  deviceId: string;
  gbId: string;
  peer: SipPeer;
  /** Epoch ms when the registration lapses (Expires, RFC 3261 §10.2.1.1). */
  expiresAt: number;
  lastSeenAt: number;
  online: boolean;
  /** When presence was last written to the store, epoch ms (0: never). */
  storedAt: number;
  /** The contact last written to the store. */
  storedPeer: SipPeer | null;
}

/**
 * A device that stays online has its `lastSeenAt` written to the store at most this often, ms:
 * keepalives of thousands of devices must not each cost a SQLite write. Going online or offline,
 * and a new contact address, are written at once; the watchdog works from memory.
 */
const PRESENCE_WRITE_INTERVAL_MS = 5 * 60_000;
/** The watchdog lets incoming messages through after this many offline writes. */
const WATCHDOG_BATCH = 100;

export interface GbPlatformOptions {
  config: GbPlatformConfig;
  store: Store;
  log: Logger;
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
}

/** Registration lifetime when the REGISTER names none (RFC 3261 §10.2.1.1 suggests 3600 s). */
const DEFAULT_EXPIRES_S = 3600;
/** Longest registration accepted; longer requests are shortened in the 200's Expires (RFC 3261 §10.3 step 7). */
const MAX_EXPIRES_S = 86_400;

/** The signalling core; create with {@link GbPlatform.start}. */
export class GbPlatform extends EventEmitter<GbPlatformEvents> {
  private readonly counterValues = {
    registrations: 0,
    unregistrations: 0,
    challenges: 0,
    authFailures: 0,
    forbidden: 0,
    keepalives: 0,
    catalogQueries: 0,
    catalogMessages: 0,
    badBodies: 0,
    invites: 0,
    failedInvites: 0,
    byesSent: 0,
    byesReceived: 0,
    deviceControls: 0,
  };
  /** Established play dialogs by Call-ID. */
  private readonly dialogs = new Map<string, { dialog: GbDialog; onBye: () => void; localHost: string }>();
  private transactions: SipClientTransactions | null = null;
  private checking = false;
  /** Refusals of untrusted input are logged at a bounded rate per kind. */
  private readonly refusals: LogThrottle;
  private superior: { id: string; handler: (request: SipRequest, peer: SipPeer) => void | Promise<void> } | null = null;
  private ssrcSequence = Math.floor(Math.random() * 10_000);
  /** Registered devices by GB/T 28181 ID. */
  private readonly sessions = new Map<string, Session>();
  private readonly nonces: DigestNonces;
  private readonly aggregator: CatalogAggregator;
  private readonly identity: PlatformIdentity;
  private readonly now: () => number;
  private transport: SipTransport | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private sn = Math.floor(Math.random() * 100_000);
  private cseq = 1;
  private closed = false;

  private constructor(private readonly options: GbPlatformOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.nonces = new DigestNonces({ now: this.now });
    this.refusals = new LogThrottle(options.log);
    this.identity = { serverId: options.config.serverId, domainId: options.config.domainId };
    this.aggregator = new CatalogAggregator({
      idleTimeoutMs: options.config.catalogTimeoutMs,
      maxDurationMs: Math.max(60_000, options.config.catalogTimeoutMs * 6),
      onResult: (aggregate) => void this.onCatalog(aggregate),
    });
  }

  /**
   * Bind the SIP port (UDP and TCP) and start the keepalive watchdog. Devices the store says
   * are online from a previous run are marked offline first: their registrations are not known.
   * @throws Error when the port cannot be bound
   */
  static async start(options: GbPlatformOptions): Promise<GbPlatform> {
    const platform = new GbPlatform(options);
    for (const device of await options.store.devices.list()) {
      if (device.online) await options.store.devices.setPresence(device.id, { online: false, at: platform.now(), contact: null });
    }
    platform.transport = await SipTransport.listen({
      host: options.config.host,
      port: options.config.port,
      log: options.log.child('sip'),
      onMessage: (message, peer) => platform.onMessage(message, peer),
    });
    const transport = platform.transport;
    platform.transactions = new SipClientTransactions({ send: (peer, request) => transport.send(peer, request) });
    const { keepaliveIntervalMs } = options.config;
    platform.watchdog = setInterval(() => void platform.checkPresence(), Math.min(Math.max(keepaliveIntervalMs / 4, 50), 5000));
    platform.watchdog.unref();
    options.log.info('GB/T 28181 platform listening', { port: platform.port, domainId: options.config.domainId, serverId: options.config.serverId });
    return platform;
  }

  /** The SIP port, UDP and TCP. */
  get port(): number {
    return this.transport?.port ?? 0;
  }

  get counters(): GbPlatformCounters {
    return {
      ...this.counterValues,
      transport: { ...(this.transport?.counters ?? emptyTransportCounters()) },
      transactions: { ...(this.transactions?.counters ?? { started: 0, retransmissions: 0, timeouts: 0, unmatchedResponses: 0 }) },
    };
  }

  /** GB/T 28181 IDs of the devices registered now. */
  registeredDevices(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * Ask a registered device for its catalog (A.2.4 Query Catalog) with a fresh SN; the answer
   * updates the store and emits `catalogUpdated`.
   * @returns false when the device is not registered or cannot be reached
   */
  queryCatalog(gbId: string): boolean {
    const session = this.sessions.get(gbId);
    if (!session || !this.transport) return false;
    const sn = this.nextSn();
    this.aggregator.expect(gbId, sn);
    const sent = this.sendManscdp(session, buildCatalogQuery({ sn, deviceId: gbId }));
    if (sent) this.counterValues.catalogQueries++;
    return sent;
  }

  /**
   * Hand every request whose From user is `superiorId` (the superior platform of a cascade) to
   * `handler` instead of the registrar. Null removes it.
   */
  setSuperior(superiorId: string | null, handler: ((request: SipRequest, peer: SipPeer) => void | Promise<void>) | null): void {
    this.superior = superiorId && handler ? { id: superiorId, handler } : null;
  }

  /** SIP plumbing for the cascade: our SIP port, our address toward `peer`, a CSeq, a client transaction, a raw send, a reply. */
  get sip(): GbSipAccess {
    const platform = this;
    return {
      get port() {
        return platform.port;
      },
      localHost: (peer) => localHostFor(peer, this.options.config.host, this.transport?.localAddressOf(peer) ?? null),
      nextCseq: () => this.nextCseq(),
      nextSn: () => this.nextSn(),
      request: (peer, request, timeoutMs) => {
        if (!this.transactions) return Promise.reject(new SipTransactionError('closed', 'the SIP platform is closed'));
        return this.transactions.request(peer, request, timeoutMs === undefined ? {} : { timeoutMs });
      },
      send: (peer, message) => this.transport?.send(peer, message) ?? false,
      reply: (request, peer, status, options = {}) => this.transport?.reply(request, peer, status, { ...options, headers: [['User-Agent', 'Argus'], ...(options.headers ?? [])] }) ?? false,
    };
  }

  /** Whether device `gbId` is registered and online now. */
  isOnline(gbId: string): boolean {
    return this.sessions.get(gbId)?.online ?? false;
  }

  /**
   * Start live play of a channel (GB/T 28181-2016 §9.2.2): INVITE with the SDP offer to the
   * device where it registered from, wait for the final answer (retransmitted over UDP), ACK
   * a 2xx and return the dialog and the parsed answer. A 2xx with unusable SDP is ACKed and
   * ended with BYE.
   * @throws GbPlayError `not-registered`, `refused` (with the status), `timeout`, `unreachable`,
   * `bad-answer` or `closed`
   */
  async invite(request: GbInviteRequest): Promise<GbInviteResult> {
    const session = this.sessions.get(request.deviceId);
    const transport = this.transport;
    const transactions = this.transactions;
    if (!session || !session.online || !transport || !transactions || this.closed) {
      throw new GbPlayError('not-registered', `device ${request.deviceId} is not registered`);
    }
    this.ssrcSequence = (this.ssrcSequence + 1) % 10_000;
    const ssrc = liveSsrc(this.options.config.domainId, this.ssrcSequence);
    const localHost = localHostFor(session.peer, this.options.config.host, transport.localAddressOf(session.peer));
    const mediaHost = this.options.config.mediaAddress ?? localHost;
    const cseq = this.nextCseq();
    const { request: invite } = buildInvite({
      identity: this.identity,
      deviceId: request.deviceId,
      channelId: request.channelId,
      peer: session.peer,
      localHost,
      localPort: transport.port,
      cseq,
      ssrc,
      sdp: request.offer({ ssrc, localHost: mediaHost }),
    });
    this.counterValues.invites++;
    let response;
    try {
      response = await transactions.request(session.peer, invite, { timeoutMs: request.timeoutMs });
    } catch (error) {
      this.counterValues.failedInvites++;
      const reason = error instanceof SipTransactionError ? error.reason : 'unreachable';
      throw new GbPlayError(reason, `INVITE for channel ${request.channelId}: ${(error as Error).message}`);
    }
    if (response.status >= 300) {
      this.counterValues.failedInvites++;
      throw new GbPlayError('refused', `device ${request.deviceId} answered INVITE for channel ${request.channelId} with ${response.status} ${response.reason}`.trim(), response.status);
    }
    let dialog: GbDialog;
    try {
      dialog = dialogFrom(invite, response, { peer: session.peer, deviceId: request.deviceId, channelId: request.channelId, cseq });
    } catch (error) {
      this.counterValues.failedInvites++;
      throw new GbPlayError('bad-answer', `the 2xx to INVITE cannot establish a dialog: ${(error as Error).message}`);
    }
    transport.send(session.peer, buildAck(dialog, localHost, transport.port));
    let answer: GbPlayAnswer;
    try {
      answer = parsePlayAnswer(response.body.toString('utf8'));
    } catch (error) {
      this.counterValues.failedInvites++;
      this.counterValues.badBodies++;
      this.sendBye(dialog, localHost);
      throw new GbPlayError('bad-answer', `the device's SDP answer is unusable: ${error instanceof GbSdpError ? error.message : String(error)}`);
    }
    this.dialogs.set(dialog.callId, { dialog, onBye: request.onBye, localHost });
    return { dialog, answer, offeredSsrc: Number(ssrc) };
  }

  /** End a play with BYE (RFC 3261 §15.1.1). Unknown or already ended dialogs are ignored. */
  bye(dialog: GbDialog): void {
    const entry = this.dialogs.get(dialog.callId);
    if (!entry) return;
    this.dialogs.delete(dialog.callId);
    this.sendBye(dialog, entry.localHost);
  }

  /** Play dialogs open now. */
  get openDialogs(): number {
    return this.dialogs.size;
  }

  /**
   * Send a Control DeviceControl MESSAGE (A.2.3: PTZCmd, IFameCmd, ...) that `build` makes
   * with a fresh SN, to the device, and wait for its SIP answer.
   * @returns the SIP status of the answer
   * @throws GbPlayError `not-registered`, `timeout`, `unreachable` or `closed`
   */
  async deviceControl(deviceId: string, build: (sn: number) => string, timeoutMs = 5000): Promise<number> {
    const session = this.sessions.get(deviceId);
    if (!session || !session.online) throw new GbPlayError('not-registered', `device ${deviceId} is not registered`);
    this.counterValues.deviceControls++;
    try {
      const response = await this.requestManscdp(session, build(this.nextSn()), timeoutMs);
      return response.status;
    } catch (error) {
      const reason = error instanceof SipTransactionError ? error.reason : 'unreachable';
      throw new GbPlayError(reason, `DeviceControl to ${deviceId}: ${(error as Error).message}`);
    }
  }

  /** Stop the watchdog, close the socket and server, and mark registered devices offline. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const { dialog } of [...this.dialogs.values()]) this.bye(dialog);
    this.closed = true;
    this.transactions?.close();
    if (this.watchdog) clearInterval(this.watchdog);
    this.aggregator.close();
    await this.transport?.close();
    for (const session of [...this.sessions.values()]) await this.goOffline(session, 'closed').catch(() => undefined);
    this.sessions.clear();
  }

  // ---- dispatch ----

  private async onMessage(message: SipMessage, peer: SipPeer): Promise<void> {
    if (this.closed) return;
    if (message.kind === 'response') {
      if (this.transactions?.onResponse(message)) return;
      this.onStrayResponse(message, peer);
      return;
    }
    if (this.superior && this.senderId(message) === this.superior.id) return this.superior.handler(message, peer);
    switch (message.method) {
      case 'REGISTER':
        return this.onRegister(message, peer);
      case 'MESSAGE':
      case 'NOTIFY':
        return this.onManscdp(message, peer);
      case 'ACK':
        return;
      case 'BYE':
        return this.onBye(message, peer);
      case 'OPTIONS':
        this.reply(message, peer, 200);
        return;
      default:
        this.reply(message, peer, 405, [['Allow', 'REGISTER, MESSAGE, NOTIFY, OPTIONS, ACK, BYE']]);
    }
  }

  private reply(request: SipRequest, peer: SipPeer, status: number, headers: Array<[string, string]> = []): void {
    this.transport?.reply(request, peer, status, { headers: [['User-Agent', 'Argus'], ...headers] });
  }

  /** The user part of the From URI: the sender's 20-digit ID (GB/T 28181-2016 §9.1.2.1). */
  private senderId(request: SipRequest): string | null {
    try {
      const user = parseSipUri(getFrom(request).uri, 'From').user;
      return user && /^\d{20}$/.test(user) ? user : null;
    } catch {
      return null;
    }
  }

  // ---- dialogs ----

  /** The device ended a play (RFC 3261 §15.1.2): 200, and the stream's owner is told. */
  private onBye(request: SipRequest, peer: SipPeer): void {
    const callId = request.headers.get('Call-ID') ?? '';
    const entry = this.dialogs.get(callId);
    if (!entry) {
      this.reply(request, peer, 481);
      return;
    }
    this.counterValues.byesReceived++;
    this.dialogs.delete(callId);
    this.reply(request, peer, 200);
    this.options.log.info('device ended a play with BYE', { gbId: entry.dialog.deviceId, channel: entry.dialog.channelId });
    try {
      entry.onBye();
    } catch (error) {
      this.options.log.error('BYE handler failed', { error: error as Error });
    }
  }

  /**
   * A response no transaction waits for. A 2xx to an INVITE whose dialog is open was sent again
   * because our ACK was lost: ACK it again (RFC 3261 §13.2.2.4). The rest are dropped (counted).
   */
  private onStrayResponse(response: SipMessage & { kind: 'response' }, peer: SipPeer): void {
    const entry = this.dialogs.get(response.headers.get('Call-ID') ?? '');
    if (!entry || response.status < 200 || response.status >= 300 || !/\bINVITE\b/i.test(response.headers.get('CSeq') ?? '')) return;
    this.transport?.send(peer, buildAck(entry.dialog, entry.localHost, this.transport.port));
  }

  private sendBye(dialog: GbDialog, localHost: string): void {
    const transport = this.transport;
    const transactions = this.transactions;
    if (!transport || !transactions) return;
    this.counterValues.byesSent++;
    transactions.request(dialog.peer, buildBye(dialog, localHost, transport.port), { timeoutMs: 8000 }).catch((error: Error) => {
      this.options.log.debug('BYE not answered', { gbId: dialog.deviceId, channel: dialog.channelId, reason: error.message });
    });
  }

  // ---- REGISTER ----

  private async onRegister(request: SipRequest, peer: SipPeer): Promise<void> {
    const { log, store, config } = this.options;
    const gbId = this.senderId(request);
    const device = gbId ? await store.devices.findByGbId(gbId) : null;
    if (!gbId || !device || device.kind !== 'gb28181') {
      this.counterValues.forbidden++;
      this.refusals.warn('register-unknown', 'REGISTER refused: unknown device', { from: `${peer.transport}:${peer.address}:${peer.port}`, gbId: gbId ?? '(none)' });
      this.reply(request, peer, 403);
      return;
    }
    const password = await store.devices.sipSecret(device.id);
    if (password === null) {
      this.counterValues.forbidden++;
      this.refusals.warn('register-no-password', 'REGISTER refused: the device has no SIP password', { device: device.id, gbId });
      this.reply(request, peer, 403);
      return;
    }
    let expires: number;
    try {
      const contactExpires = getContacts(request).contacts[0]?.expires;
      expires = Math.min(getExpires(request) ?? contactExpires ?? DEFAULT_EXPIRES_S, MAX_EXPIRES_S);
    } catch {
      this.reply(request, peer, 400);
      return;
    }
    const authorization = request.headers.get('Authorization');
    if (authorization === undefined) {
      this.challenge(request, peer, gbId, false);
      return;
    }
    const verdict = verifyDigest(authorization, 'REGISTER', password, {
      realm: config.domainId,
      username: gbId,
      checkNonce: (nonce) => this.nonces.check(nonce, gbId),
    });
    if (!verdict.ok) {
      if (verdict.reason !== 'bad-nonce' && verdict.reason !== 'stale-nonce') {
        this.counterValues.authFailures++;
        this.refusals.warn('register-digest', 'REGISTER digest refused', { device: device.id, gbId, reason: verdict.reason, from: `${peer.address}:${peer.port}` });
      }
      if (verdict.reason === 'username-mismatch' || verdict.reason === 'not-digest' || verdict.reason === 'unsupported-algorithm') {
        this.counterValues.forbidden++;
        this.reply(request, peer, 403);
      } else this.challenge(request, peer, gbId, verdict.reason === 'stale-nonce');
      return;
    }
    const at = this.now();
    if (expires === 0) {
      this.reply(request, peer, 200, [['Expires', '0'], ['Date', gbDate(at)]]);
      this.counterValues.unregistrations++;
      const session = this.sessions.get(gbId) ?? { deviceId: device.id, gbId, peer, expiresAt: at, lastSeenAt: at, online: device.online, storedAt: 0, storedPeer: null };
      this.sessions.delete(gbId);
      this.aggregator.close(gbId);
      await this.goOffline(session, 'unregistered');
      return;
    }
    this.reply(request, peer, 200, [['Expires', String(expires)], ['Date', gbDate(at)]]);
    this.counterValues.registrations++;
    const previous = this.sessions.get(gbId);
    const session: Session = { deviceId: device.id, gbId, peer, expiresAt: at + expires * 1000, lastSeenAt: at, online: previous?.online ?? false, storedAt: previous?.storedAt ?? 0, storedPeer: previous?.storedPeer ?? null };
    this.sessions.set(gbId, session);
    // A refresh of a live registration from the same address does not ask for the catalog again:
    // devices re-register every Expires/2, and thousands of catalog queries would follow.
    const refresh = previous?.online === true && previous.peer.transport === peer.transport && previous.peer.address === peer.address && previous.peer.port === peer.port;
    await this.goOnline(session, at);
    if (!refresh) this.queryCatalog(gbId);
  }

  private challenge(request: SipRequest, peer: SipPeer, gbId: string, stale: boolean): void {
    this.counterValues.challenges++;
    const value = formatDigestChallenge({ realm: this.options.config.domainId, nonce: this.nonces.issue(gbId), stale });
    this.reply(request, peer, 401, [['WWW-Authenticate', value]]);
  }

  // ---- MESSAGE / NOTIFY with MANSCDP ----

  private async onManscdp(request: SipRequest, peer: SipPeer): Promise<void> {
    const gbId = this.senderId(request);
    const session = gbId ? this.sessions.get(gbId) : undefined;
    if (!gbId || !session) {
      this.counterValues.forbidden++;
      this.options.log.debug('MANSCDP request from an unregistered sender refused', { from: `${peer.address}:${peer.port}`, gbId: gbId ?? '(none)' });
      this.reply(request, peer, 403);
      return;
    }
    // Only the socket the device registered from (transport, address and port) speaks for it: a
    // keepalive or catalog from elsewhere — another host, or another socket on the same host —
    // would otherwise keep a dead device online, rewrite its channels, or move where INVITEs and
    // PTZ commands go. A device whose address changed gets 403 and registers again.
    if (peer.address !== session.peer.address || peer.transport !== session.peer.transport || peer.port !== session.peer.port) {
      this.counterValues.forbidden++;
      this.refusals.warn('manscdp-address', 'MANSCDP request from another address than the registration refused', { gbId, from: `${peer.transport}:${peer.address}:${peer.port}`, registered: `${session.peer.transport}:${session.peer.address}` });
      this.reply(request, peer, 403);
      return;
    }
    const contentType = (request.headers.get('Content-Type') ?? '').toLowerCase();
    if (contentType !== '' && !contentType.includes('manscdp')) {
      this.reply(request, peer, 415, [['Accept', MANSCDP_CONTENT_TYPE]]);
      return;
    }
    let parsed;
    try {
      parsed = parseManscdp(request.body);
    } catch (error) {
      this.counterValues.badBodies++;
      this.refusals.warn('manscdp-body', 'MANSCDP body refused', { gbId, reason: error instanceof ManscdpError ? error.reason : String(error) });
      this.reply(request, peer, 400);
      return;
    }
    this.reply(request, peer, 200);
    const message = parsed.message;
    const at = this.now();
    switch (message.kind) {
      case 'keepalive':
        this.counterValues.keepalives++;
        session.lastSeenAt = at;
        await this.goOnline(session, at);
        return;
      case 'catalogResponse':
        this.counterValues.catalogMessages++;
        this.aggregator.add({ deviceId: message.deviceId ?? gbId, sn: message.sn, sumNum: message.sumNum, items: message.items });
        return;
      case 'catalogNotify':
        this.counterValues.catalogMessages++;
        await this.applyCatalog(gbId, message.items, true);
        return;
      default:
        return;
    }
  }

  private async onCatalog(aggregate: CatalogAggregate): Promise<void> {
    if (aggregate.reason === 'closed' || aggregate.reason === 'evicted') return;
    if (!aggregate.complete) {
      this.options.log.warn('catalog answer incomplete; keeping what arrived', { gbId: aggregate.deviceId, sn: aggregate.sn, received: aggregate.items.length, sumNum: aggregate.sumNum ?? -1, reason: aggregate.reason });
    }
    await this.applyCatalog(aggregate.deviceId, aggregate.items, aggregate.complete);
  }

  private async applyCatalog(gbId: string, items: readonly CatalogItem[], complete: boolean): Promise<void> {
    try {
      const device = await this.options.store.devices.findByGbId(gbId);
      if (!device) return;
      const sync = await syncCatalog(this.options.store, device, items, this.options.log);
      this.options.log.info('catalog applied', { device: device.id, gbId, items: items.length, created: sync.created.length, updated: sync.updated.length, removed: sync.removed.length, skipped: sync.skipped.length });
      this.emit('catalogUpdated', { device, complete, items: items.length, sync });
    } catch (error) {
      this.options.log.error('catalog could not be stored', { gbId, error: error as Error });
    }
  }

  // ---- presence ----

  private async goOnline(session: Session, at: number): Promise<void> {
    const wasOnline = session.online;
    session.online = true;
    const samePeer = session.storedPeer !== null && session.storedPeer.transport === session.peer.transport && session.storedPeer.address === session.peer.address && session.storedPeer.port === session.peer.port;
    if (wasOnline && samePeer && at - session.storedAt < PRESENCE_WRITE_INTERVAL_MS) return;
    session.storedAt = at;
    session.storedPeer = { ...session.peer };
    const device = await this.options.store.devices.setPresence(session.deviceId, { online: true, at, contact: { ...session.peer } });
    if (!wasOnline) {
      this.options.log.info('GB/T 28181 device online', { device: device.id, gbId: session.gbId, via: `${session.peer.transport}:${session.peer.address}:${session.peer.port}` });
      this.emit('deviceOnline', device);
    }
  }

  private async goOffline(session: Session, reason: GbOfflineReason): Promise<void> {
    const wasOnline = session.online;
    session.online = false;
    const device = await this.options.store.devices.setPresence(session.deviceId, { online: false, at: this.now(), contact: null });
    if (wasOnline) {
      this.options.log.info('GB/T 28181 device offline', { device: device.id, gbId: session.gbId, reason });
      this.emit('deviceOffline', device, reason);
    }
  }

  /** Watchdog tick: keepalive timeouts (§9.6) and lapsed registrations (RFC 3261 §10.2.1.1). */
  private async checkPresence(): Promise<void> {
    if (this.checking) return; // the previous pass is still writing
    this.checking = true;
    try {
      await this.checkPresenceOnce();
    } finally {
      this.checking = false;
    }
  }

  private async checkPresenceOnce(): Promise<void> {
    const now = this.now();
    const silence = this.options.config.keepaliveMissed * this.options.config.keepaliveIntervalMs;
    let writes = 0;
    for (const session of [...this.sessions.values()]) {
      // Thousands of devices timing out together: let incoming messages through between batches.
      if (writes > 0 && writes % WATCHDOG_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
      try {
        if (now >= session.expiresAt) {
          this.sessions.delete(session.gbId);
          this.aggregator.close(session.gbId);
          writes++;
          await this.goOffline(session, 'registration-expired');
        } else if (session.online && now - session.lastSeenAt > silence) {
          writes++;
          await this.goOffline(session, 'keepalive-timeout');
        }
      } catch (error) {
        this.options.log.error('presence update failed', { gbId: session.gbId, error: error as Error });
      }
    }
  }

  // ---- outgoing ----

  /** A fresh MANSCDP SN. */
  nextSn(): number {
    this.sn = (this.sn + 1) % 1_000_000_000;
    return this.sn;
  }

  private nextCseq(): number {
    this.cseq = this.cseq >= 2 ** 31 - 1 ? 1 : this.cseq + 1;
    return this.cseq;
  }

  /** A MANSCDP MESSAGE to the device as a client transaction (retransmitted over UDP). */
  private requestManscdp(session: Session, body: string, timeoutMs?: number): Promise<SipMessage & { kind: 'response' }> {
    const transport = this.transport;
    const transactions = this.transactions;
    if (!transport || !transactions) return Promise.reject(new SipTransactionError('closed', 'the SIP platform is closed'));
    const localHost = localHostFor(session.peer, this.options.config.host, transport.localAddressOf(session.peer));
    const request = buildManscdpMessage({ identity: this.identity, gbId: session.gbId, peer: session.peer, localHost, localPort: transport.port, cseq: this.nextCseq(), body });
    return transactions.request(session.peer, request, timeoutMs === undefined ? {} : { timeoutMs });
  }

  /** Send a MANSCDP MESSAGE without waiting for its answer (failures are logged). */
  private sendManscdp(session: Session, body: string): boolean {
    if (!this.transport?.reachable(session.peer)) {
      this.options.log.warn('MESSAGE to device not sent: no connection', { gbId: session.gbId, transport: session.peer.transport });
      return false;
    }
    this.requestManscdp(session, body).catch((error: Error) => {
      this.options.log.warn('MESSAGE to device not answered', { gbId: session.gbId, reason: error.message });
    });
    return true;
  }
}

function emptyTransportCounters(): SipTransportCounters {
  return { received: 0, rejected: 0, badRequests: 0, framingErrors: 0, sent: 0, sendFailures: 0, handlerErrors: 0, tcpConnections: 0 };
}
