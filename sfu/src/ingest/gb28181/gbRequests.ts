/**
 * Requests the GB/T 28181 platform sends to a device (GB/T 28181-2016 §9.3 control, §9.5
 * query: SIP MESSAGE with an `Application/MANSCDP+xml` body), built per RFC 3261 §8.1.1:
 * fresh Call-ID, From tag and branch; Via with `rport` (RFC 3581 §3) so the device answers
 * to where we sent from.
 */
import os from 'node:os';
import { encodeManscdpBody } from './manscdp/index.js';
import { generateBranch, generateCallId, generateTag, SipHeaders, type SipRequest } from './sip/index.js';
import type { SipPeer } from './sipTransport.js';

export interface PlatformIdentity {
  /** 20-digit SIP server ID (From user). */
  serverId: string;
  /** 10-digit domain ID (From host). */
  domainId: string;
}

/** The MANSCDP content type, as GB/T 28181-2016 §9.3.1 writes it. */
export const MANSCDP_CONTENT_TYPE = 'Application/MANSCDP+xml';

/**
 * The address to write in our Via for a peer: the local address its TCP connection arrived on,
 * else the bind host, else (bound to all addresses) loopback for a loopback peer, or the first
 * non-internal address of the family.
 */
export function localHostFor(peer: SipPeer, bindHost: string, tcpLocalAddress: string | null): string {
  const strip = (a: string) => a.replace(/^::ffff:/, '');
  if (tcpLocalAddress) return strip(tcpLocalAddress);
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return bindHost;
  const remote = strip(peer.address);
  if (remote.startsWith('127.') || remote === '::1') return remote === '::1' ? '::1' : '127.0.0.1';
  const family = remote.includes(':') ? 'IPv6' : 'IPv4';
  for (const list of Object.values(os.networkInterfaces())) {
    for (const nic of list ?? []) if (!nic.internal && nic.family === family) return nic.address;
  }
  return family === 'IPv6' ? '::1' : '127.0.0.1';
}

/**
 * A MESSAGE request to device `gbId` at `peer` carrying a MANSCDP body (text with its XML
 * declaration; encoded per the declaration, GB2312 as GB18030 bytes).
 * @param cseq CSeq number, below 2^31 (RFC 3261 §8.1.1.5)
 */
export function buildManscdpMessage(options: { identity: PlatformIdentity; gbId: string; peer: SipPeer; localHost: string; localPort: number; cseq: number; body: string }): SipRequest {
  const { identity, gbId, peer, localHost, localPort, cseq } = options;
  const host = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const headers = new SipHeaders([
    ['Via', `SIP/2.0/${peer.transport.toUpperCase()} ${host(localHost)}:${localPort};rport;branch=${generateBranch()}`],
    ['From', `<sip:${identity.serverId}@${identity.domainId}>;tag=${generateTag()}`],
    ['To', `<sip:${gbId}@${identity.domainId}>`],
    ['Call-ID', generateCallId()],
    ['CSeq', `${cseq} MESSAGE`],
    ['Max-Forwards', '70'],
    ['User-Agent', 'Argus'],
    ['Content-Type', MANSCDP_CONTENT_TYPE],
  ]);
  return { kind: 'request', method: 'MESSAGE', uri: `sip:${gbId}@${host(peer.address)}:${peer.port}`, headers, body: encodeManscdpBody(options.body) };
}

/** GB/T 28181-2016 §9.1.2.1: the 200 OK to REGISTER carries `Date` as local time `YYYY-MM-DDThh:mm:ss.SSS` for time sync. */
export function gbDate(at: number): string {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
