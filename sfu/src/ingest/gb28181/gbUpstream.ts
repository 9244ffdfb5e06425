/**
 * Cascade upward (GB/T 28181-2016 §5.1 interconnection between platforms; §9.1 registration,
 * §9.5 catalog, §9.2 live play, §9.6 keepalive): Argus as a lower platform of a superior one,
 * over SIP/UDP on the platform's own port.
 *
 * - Registers with MD5 digest (RFC 2617) and re-registers at half the granted lifetime; keeps
 *   alive with Notify Keepalive; after a failure (refused, no answer) retries in 5 s doubling to 60 s.
 * - Answers the superior's Catalog query with 200 and Response Catalog MESSAGEs (A.2.6) listing
 *   the channels of the shared org subtree. GB/T 28181 channels keep their 20-digit IDs; other
 *   channels get a stable one: the first 10 digits of our ID, type 131 (camera), and 7 digits
 *   from a hash of the channel id.
 * - Accepts the superior's INVITE for one of those channels: takes a viewer lease on the camera
 *   (starting an on-demand channel), answers 200 with its SDP (`sendonly`, the offered `y=`), and
 *   from the ACK sends PS over RTP ({@link GbEgress}) until BYE (either side). Unknown channels get
 *   404, cameras that cannot play 480.
 * - IFameCmd from the superior asks the camera for a keyframe.
 * - Requests that name the superior but come from another address than `upstream.host` get 403.
 */
import { createHash } from 'node:crypto';
import type { Channel, SfuConfig } from '@argus/shared';
import type { Logger } from '../../log.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { Store } from '../../store/store.js';
import type { CameraRegistry } from '../cameraRegistry.js';
import type { CameraLease } from '../cameraSource.js';
import { GbEgress } from './gbEgress.js';
import type { GbPlatform } from './gbPlatform.js';
import { buildManscdpMessage } from './gbRequests.js';
import { buildCatalogResponses, buildKeepalive, ManscdpError, parseManscdp, type CatalogEntry } from './manscdp/index.js';
import {
  buildAuthorization,
  generateBranch,
  generateCallId,
  generateTag,
  getContacts,
  GbSdpError,
  parsePlayAnswer,
  SipHeaders,
  type SipRequest,
} from './sip/index.js';
import type { SipPeer } from './sipTransport.js';

export type GbUpstreamConfig = NonNullable<SfuConfig['gb28181']['upstream']>;

export interface GbUpstreamDeps {
  platform: GbPlatform;
  config: SfuConfig['gb28181'];
  upstream: GbUpstreamConfig;
  store: Store;
  catalog: Catalog;
  cameras: CameraRegistry;
  log: Logger;
}

export interface GbUpstreamCounters {
  registrations: number;
  registrationFailures: number;
  keepalives: number;
  catalogAnswers: number;
  invites: number;
  refusedInvites: number;
  byes: number;
}

interface UpstreamDialog {
  callId: string;
  channelId: string;
  lease: CameraLease;
  egress: GbEgress;
  /** For a BYE of ours: the superior's From (our To), our To with tag (our From), its Contact. */
  remoteTarget: string;
  from: string;
  to: string;
}

const RETRY_MIN_MS = 5000;
const RETRY_MAX_MS = 60_000;

/** A channel's 20-digit ID toward the superior. */
export function upstreamChannelId(channel: Pick<Channel, 'id' | 'source'>, localId: string): string {
  if (channel.source.type === 'gb28181') return channel.source.gbChannelId;
  if (/^\d{20}$/.test(channel.id)) return channel.id;
  const digits = (BigInt('0x' + createHash('sha1').update(channel.id).digest('hex').slice(0, 15)) % 10_000_000n).toString().padStart(7, '0');
  return `${localId.slice(0, 10)}131${digits}`;
}

export class GbUpstream {
  readonly counters: GbUpstreamCounters = { registrations: 0, registrationFailures: 0, keepalives: 0, catalogAnswers: 0, invites: 0, refusedInvites: 0, byes: 0 };
  private readonly peer: SipPeer;
  private readonly localId: string;
  private readonly callId = generateCallId();
  private readonly fromTag = generateTag();
  private readonly dialogs = new Map<string, UpstreamDialog>();
  private timer: NodeJS.Timeout | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  registered = false;

  private constructor(private readonly deps: GbUpstreamDeps) {
    this.peer = { transport: 'udp', address: deps.upstream.host, port: deps.upstream.port };
    this.localId = deps.upstream.localId ?? deps.config.serverId;
  }

  /** Take the superior's requests from the platform and register. */
  static start(deps: GbUpstreamDeps): GbUpstream {
    const upstream = new GbUpstream(deps);
    deps.platform.setSuperior(deps.upstream.serverId, (request, peer) => upstream.onRequest(request, peer));
    void upstream.register();
    return upstream;
  }

  /** Unregister (best effort), end every dialog, stop the timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const dialog of [...this.dialogs.values()]) this.endDialog(dialog, 'closing', true);
    if (this.registered) await this.sendRegister(0).catch(() => undefined);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.deps.platform.setSuperior(null, null);
  }

  /** Dialogs the superior holds now. */
  get openDialogs(): number {
    return this.dialogs.size;
  }

  // ---- registration ----

  private async register(): Promise<void> {
    if (this.closed) return;
    const { upstream, log } = this.deps;
    try {
      const status = await this.sendRegister(upstream.expiresS);
      if (status !== 200) throw new Error(`the superior answered REGISTER with ${status}`);
      this.counters.registrations++;
      this.failures = 0;
      if (!this.registered) log.info('registered to the superior platform', { superior: upstream.serverId, at: `${upstream.host}:${upstream.port}`, as: this.localId });
      this.registered = true;
      this.startKeepalive();
      this.schedule(Math.max(1000, (upstream.expiresS * 1000) / 2));
    } catch (error) {
      this.counters.registrationFailures++;
      this.registered = false;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.failures++);
      log.warn('registration to the superior platform failed', { superior: upstream.serverId, reason: (error as Error).message, retryInMs: delay });
      this.schedule(delay);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => void this.register(), delayMs);
    this.timer.unref();
  }

  /** REGISTER, answering a 401 once with the digest. @returns the final status */
  private async sendRegister(expires: number): Promise<number> {
    const first = await this.deps.platform.sip.request(this.peer, this.registerRequest(expires, null), 8000);
    if (first.status !== 401) return first.status;
    const { upstream } = this.deps;
    const authorization = buildAuthorization({
      challenge: first.headers.get('WWW-Authenticate') ?? '',
      username: this.localId,
      password: upstream.password,
      method: 'REGISTER',
      uri: `sip:${upstream.serverId}@${upstream.domainId}`,
    });
    return (await this.deps.platform.sip.request(this.peer, this.registerRequest(expires, authorization), 8000)).status;
  }

  private registerRequest(expires: number, authorization: string | null): SipRequest {
    const { upstream } = this.deps;
    const sip = this.deps.platform.sip;
    const host = bracket(sip.localHost(this.peer));
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/UDP ${host}:${sip.port};rport;branch=${generateBranch()}`],
      ['From', `<sip:${this.localId}@${upstream.domainId}>;tag=${this.fromTag}`],
      ['To', `<sip:${this.localId}@${upstream.domainId}>`],
      ['Call-ID', this.callId],
      ['CSeq', `${sip.nextCseq()} REGISTER`],
      ['Contact', `<sip:${this.localId}@${host}:${sip.port}>`],
      ['Max-Forwards', '70'],
      ['User-Agent', 'Argus'],
      ['Expires', String(expires)],
    ]);
    if (authorization) headers.append('Authorization', authorization);
    return { kind: 'request', method: 'REGISTER', uri: `sip:${upstream.serverId}@${upstream.domainId}`, headers, body: Buffer.alloc(0) };
  }

  private startKeepalive(): void {
    if (this.keepaliveTimer) return;
    this.keepaliveTimer = setInterval(() => {
      if (!this.registered || this.closed) return;
      this.sendManscdp(buildKeepalive({ sn: this.deps.platform.sip.nextSn(), deviceId: this.localId }))
        .then((status) => {
          this.counters.keepalives++;
          if (status === 403 || status === 404) void this.register(); // the superior lost our registration
        })
        .catch(() => undefined);
    }, this.deps.upstream.keepaliveIntervalMs);
    this.keepaliveTimer.unref();
  }

  private async sendManscdp(body: string): Promise<number> {
    const sip = this.deps.platform.sip;
    const { upstream } = this.deps;
    const request = buildManscdpMessage({
      identity: { serverId: this.localId, domainId: upstream.domainId },
      gbId: upstream.serverId,
      peer: this.peer,
      localHost: sip.localHost(this.peer),
      localPort: sip.port,
      cseq: sip.nextCseq(),
      body,
    });
    return (await sip.request(this.peer, request, 8000)).status;
  }

  // ---- the superior's requests ----

  private async onRequest(request: SipRequest, peer: SipPeer): Promise<void> {
    const sip = this.deps.platform.sip;
    const callId = request.headers.get('Call-ID') ?? '';
    // Requests claiming to be the superior count only from its configured address.
    if (peer.address.replace(/^::ffff:/, '') !== this.deps.upstream.host) {
      this.deps.log.warn('request naming the superior from another address refused', { from: `${peer.transport}:${peer.address}:${peer.port}`, method: request.method });
      if (request.method !== 'ACK') sip.reply(request, peer, 403);
      return;
    }
    switch (request.method) {
      case 'MESSAGE':
        return this.onMessage(request, peer);
      case 'INVITE':
        return this.onInvite(request, peer);
      case 'ACK': {
        const dialog = this.dialogs.get(callId);
        if (dialog) await dialog.egress.start().catch((error: Error) => this.endDialog(dialog, error.message, true));
        return;
      }
      case 'BYE': {
        const dialog = this.dialogs.get(callId);
        sip.reply(request, peer, dialog ? 200 : 481);
        if (dialog) {
          this.counters.byes++;
          this.endDialog(dialog, 'the superior ended the stream', false);
        }
        return;
      }
      case 'OPTIONS':
        sip.reply(request, peer, 200);
        return;
      default:
        sip.reply(request, peer, 405, { headers: [['Allow', 'INVITE, ACK, BYE, MESSAGE, OPTIONS']] });
    }
  }

  private async onMessage(request: SipRequest, peer: SipPeer): Promise<void> {
    const sip = this.deps.platform.sip;
    let message;
    try {
      message = parseManscdp(request.body).message;
    } catch (error) {
      this.deps.log.warn('MANSCDP from the superior refused', { reason: error instanceof ManscdpError ? error.reason : String(error) });
      sip.reply(request, peer, 400);
      return;
    }
    sip.reply(request, peer, 200);
    if (message.kind === 'catalogQuery' && message.sn !== null) {
      await this.answerCatalog(message.sn);
    } else if (message.kind === 'deviceControl' && message.iFrameCmd !== null) {
      for (const dialog of this.dialogs.values()) if (dialog.channelId === message.deviceId) dialog.egress.requestKeyframe();
    }
  }

  /** The shared channels, keyed by their ID toward the superior. */
  private async sharedChannels(): Promise<Map<string, Channel>> {
    const tree = this.deps.catalog.tree;
    const root = this.deps.upstream.orgUnitId;
    const out = new Map<string, Channel>();
    for (const channel of await this.deps.store.channels.list()) {
      if (!channel.enabled || channel.source.type === 'webrtc') continue;
      if (root && !tree.contains(root, channel.orgUnitId)) continue;
      out.set(upstreamChannelId(channel, this.localId), channel);
    }
    return out;
  }

  private async answerCatalog(sn: number): Promise<void> {
    const channels = await this.sharedChannels();
    const items: CatalogEntry[] = [...channels].map(([gbId, channel]) => ({
      deviceId: gbId,
      name: channel.name,
      manufacturer: 'Argus',
      parentId: this.localId,
      status: this.deps.cameras.get(channel.id)?.summary.state === 'lost' ? 'OFF' : 'ON',
      ...(channel.ptz ? { ptzType: 1 } : {}),
    }));
    this.counters.catalogAnswers++;
    for (const body of buildCatalogResponses({ sn, deviceId: this.localId, items, perMessage: 4 })) {
      await this.sendManscdp(body).catch((error: Error) => this.deps.log.warn('catalog answer to the superior not delivered', { reason: error.message }));
    }
  }

  private async onInvite(request: SipRequest, peer: SipPeer): Promise<void> {
    const sip = this.deps.platform.sip;
    const { log, config } = this.deps;
    const callId = request.headers.get('Call-ID') ?? '';
    if (this.dialogs.has(callId)) return; // a retransmission: our 200 goes again with the transaction layer of the superior
    this.counters.invites++;
    const refuse = (status: number, why: string) => {
      this.counters.refusedInvites++;
      log.warn('INVITE from the superior refused', { status, why });
      sip.reply(request, peer, status);
    };
    const channelGbId = /^sip:(\d{20})@/.exec(request.uri)?.[1] ?? '';
    const channel = (await this.sharedChannels()).get(channelGbId);
    if (!channel) return refuse(404, `no shared channel ${channelGbId || request.uri}`);
    let offer;
    try {
      offer = parsePlayAnswer(request.body.toString('utf8'));
    } catch (error) {
      return refuse(488, error instanceof GbSdpError ? error.message : 'unreadable SDP');
    }
    const tcp = offer.protocol.toUpperCase().startsWith('TCP');
    const mode = !tcp ? 'udp' : offer.setup === 'active' ? 'tcp-passive' : 'tcp-active';
    const source = this.deps.cameras.get(channel.id);
    if (!source) return refuse(480, `channel ${channel.id} is not ingested`);
    sip.reply(request, peer, 100);
    let lease: CameraLease;
    try {
      lease = await source.acquire();
    } catch (error) {
      return refuse(480, (error as Error).message);
    }
    const ssrc = offer.ssrc ?? Number(`0${config.domainId.slice(3, 8)}${String(this.counters.invites % 10_000).padStart(4, '0')}`);
    let egress: GbEgress;
    try {
      egress = await GbEgress.create({ producer: lease.producer, router: source.router, target: { mode, address: offer.address, port: offer.port }, ssrc, bindHost: config.mediaBindHost });
    } catch (error) {
      lease.release();
      return refuse(500, (error as Error).message);
    }
    const localHost = config.mediaAddress ?? sip.localHost(peer);
    const family = localHost.includes(':') ? 'IP6' : 'IP4';
    const sdp = [
      'v=0',
      `o=${channelGbId} 0 0 IN ${family} ${localHost}`,
      's=Play',
      `c=IN ${family} ${localHost}`,
      't=0 0',
      `m=video ${egress.localPort} ${tcp ? 'TCP/RTP/AVP' : 'RTP/AVP'} 96`,
      'a=sendonly',
      'a=rtpmap:96 PS/90000',
      ...(tcp ? [`a=setup:${mode === 'tcp-passive' ? 'passive' : 'active'}`, 'a=connection:new'] : []),
      `y=${String(ssrc).padStart(10, '0')}`,
      'f=',
      '',
    ].join('\r\n');
    const toTag = generateTag();
    const host = bracket(sip.localHost(peer));
    let remoteTarget = `sip:${this.deps.upstream.serverId}@${bracket(peer.address)}:${peer.port}`;
    try {
      remoteTarget = getContacts(request).contacts[0]?.uri ?? remoteTarget;
    } catch {
      // keep the address it came from
    }
    const dialog: UpstreamDialog = {
      callId,
      channelId: channelGbId,
      lease,
      egress,
      remoteTarget,
      from: `${request.headers.get('To') ?? ''};tag=${toTag}`,
      to: request.headers.get('From') ?? '',
    };
    this.dialogs.set(callId, dialog);
    egress.once('ended', (reason) => this.endDialog(dialog, reason, true));
    sip.reply(request, peer, 200, {
      toTag,
      headers: [
        ['Contact', `<sip:${channelGbId}@${host}:${sip.port}>`],
        ['Content-Type', 'APPLICATION/SDP'],
      ],
      body: Buffer.from(sdp, 'utf8'),
    });
    log.info('streaming to the superior', { channel: channel.id, as: channelGbId, mode, to: `${offer.address}:${offer.port}`, ssrc });
  }

  /** End a dialog: stop sending, release the camera, and BYE the superior unless it ended it. */
  private endDialog(dialog: UpstreamDialog, reason: string, sendBye: boolean): void {
    if (this.dialogs.get(dialog.callId) !== dialog) return;
    this.dialogs.delete(dialog.callId);
    dialog.egress.close();
    dialog.lease.release();
    this.deps.log.info('stream to the superior ended', { channel: dialog.channelId, reason, ...dialog.egress.counters, depacketizer: JSON.stringify(dialog.egress.depacketizerCounters) });
    if (!sendBye || this.closed) return;
    const sip = this.deps.platform.sip;
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/UDP ${bracket(sip.localHost(this.peer))}:${sip.port};rport;branch=${generateBranch()}`],
      ['From', dialog.from],
      ['To', dialog.to],
      ['Call-ID', dialog.callId],
      ['CSeq', `${sip.nextCseq()} BYE`],
      ['Max-Forwards', '70'],
      ['User-Agent', 'Argus'],
    ]);
    sip.request(this.peer, { kind: 'request', method: 'BYE', uri: dialog.remoteTarget, headers, body: Buffer.alloc(0) }, 8000).catch(() => undefined);
  }
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);
