/**
 * The INVITE dialog of GB/T 28181 live play (GB/T 28181-2016 §9.2.2 实时视音频点播, RFC 3261
 * §12-§15): the INVITE we send with its SDP offer and `Subject`, the ACK to its 2xx (a new
 * transaction, §13.2.2.4), and the BYE that ends it (§15.1.1). Pure builders; the platform
 * sends them.
 */
import { generateBranch, generateCallId, generateTag, getContacts, getTo, SipHeaders, type SipRequest, type SipResponse } from './sip/index.js';
import type { PlatformIdentity } from './gbRequests.js';
import type { SipPeer } from './sipTransport.js';

/** An established play dialog (RFC 3261 §12.1.2, the UAC's view). */
export interface GbDialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Where in-dialog requests go: the Contact of the 2xx, else the INVITE's Request-URI. */
  remoteTarget: string;
  /** The INVITE's CSeq number; in-dialog requests count on from it. */
  cseq: number;
  /** The device's registered address: requests of the dialog are sent there. */
  peer: SipPeer;
  /** The 20-digit IDs of the device and of the channel being played. */
  deviceId: string;
  channelId: string;
  /** The From and To values of the INVITE, for in-dialog requests. */
  from: string;
  to: string;
}

export interface InviteInput {
  identity: PlatformIdentity;
  deviceId: string;
  channelId: string;
  peer: SipPeer;
  localHost: string;
  localPort: number;
  cseq: number;
  /** The 10-digit SSRC of `y=`; also written in `Subject`. */
  ssrc: string;
  sdp: string;
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * The INVITE for live play. `Subject: <channel>:<ssrc>,<platform>:0` names the media sender and
 * receiver with their stream sequence numbers (§9.2.2.1, 8.1 of Appendix G); the body is the
 * SDP offer (`Content-Type: APPLICATION/SDP`).
 */
export function buildInvite(input: InviteInput): { request: SipRequest; callId: string; localTag: string } {
  const { identity, channelId, peer, localHost, localPort, cseq } = input;
  const callId = generateCallId();
  const localTag = generateTag();
  const headers = new SipHeaders([
    ['Via', `SIP/2.0/${peer.transport.toUpperCase()} ${bracket(localHost)}:${localPort};rport;branch=${generateBranch()}`],
    ['From', `<sip:${identity.serverId}@${identity.domainId}>;tag=${localTag}`],
    ['To', `<sip:${channelId}@${identity.domainId}>`],
    ['Call-ID', callId],
    ['CSeq', `${cseq} INVITE`],
    ['Contact', `<sip:${identity.serverId}@${bracket(localHost)}:${localPort}>`],
    ['Max-Forwards', '70'],
    ['User-Agent', 'Argus'],
    ['Subject', `${channelId}:${input.ssrc},${identity.serverId}:0`],
    ['Content-Type', 'APPLICATION/SDP'],
  ]);
  const request: SipRequest = { kind: 'request', method: 'INVITE', uri: `sip:${channelId}@${bracket(peer.address)}:${peer.port}`, headers, body: Buffer.from(input.sdp, 'utf8') };
  return { request, callId, localTag };
}

/**
 * The dialog a 2xx to `invite` establishes (RFC 3261 §12.1.2).
 * @throws SipParseError when the 2xx's To does not parse; Error when it has no tag
 */
export function dialogFrom(invite: SipRequest, ok: SipResponse, context: { peer: SipPeer; deviceId: string; channelId: string; cseq: number }): GbDialog {
  const remoteTag = getTo(ok).tag;
  if (!remoteTag) throw new Error('the 2xx to INVITE has no To tag');
  let remoteTarget = invite.uri;
  try {
    const contact = getContacts(ok).contacts[0];
    if (contact) remoteTarget = contact.uri;
  } catch {
    // A malformed Contact: keep the Request-URI (the peer address is used for sending anyway).
  }
  const localTag = /;\s*tag=([^;>\s]+)/i.exec(invite.headers.get('From') ?? '')?.[1] ?? '';
  return {
    callId: invite.headers.get('Call-ID') ?? '',
    localTag,
    remoteTag,
    remoteTarget,
    cseq: context.cseq,
    peer: context.peer,
    deviceId: context.deviceId,
    channelId: context.channelId,
    from: invite.headers.get('From') ?? '',
    to: ok.headers.get('To') ?? '',
  };
}

/** An in-dialog request (ACK or BYE) with a fresh branch. */
function inDialog(dialog: GbDialog, method: 'ACK' | 'BYE', cseq: number, localHost: string, localPort: number): SipRequest {
  const headers = new SipHeaders([
    ['Via', `SIP/2.0/${dialog.peer.transport.toUpperCase()} ${bracket(localHost)}:${localPort};rport;branch=${generateBranch()}`],
    ['From', dialog.from],
    ['To', dialog.to],
    ['Call-ID', dialog.callId],
    ['CSeq', `${cseq} ${method}`],
    ['Max-Forwards', '70'],
    ['User-Agent', 'Argus'],
  ]);
  return { kind: 'request', method, uri: dialog.remoteTarget, headers, body: Buffer.alloc(0) };
}

/** The ACK to the 2xx of the INVITE (same CSeq number, method ACK; RFC 3261 §13.2.2.4). */
export function buildAck(dialog: GbDialog, localHost: string, localPort: number): SipRequest {
  return inDialog(dialog, 'ACK', dialog.cseq, localHost, localPort);
}

/** The BYE that ends the dialog (CSeq one above the INVITE's; RFC 3261 §15.1.1). */
export function buildBye(dialog: GbDialog, localHost: string, localPort: number): SipRequest {
  return inDialog(dialog, 'BYE', dialog.cseq + 1, localHost, localPort);
}
