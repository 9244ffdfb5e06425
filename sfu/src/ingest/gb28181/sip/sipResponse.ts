/**
 * Building a response to a request (RFC 3261 §8.2.6), with the Via rewriting that lets the
 * reply reach a device behind NAT (RFC 3261 §18.2.1 `received`, RFC 3581 §4 `rport`).
 * GB/T 28181 devices ask for rport in every request ("Via: ...;rport;branch=..."), and the
 * platform answers to the source address and port seen on the wire, not to the Contact.
 */
import { SipHeaders } from './sipHeaders.js';
import { formatParams, formatVia, getTo, parseVia, splitHeaderList } from './sipHeaderFields.js';
import type { SipRequest, SipResponse } from './sipMessage.js';
import { generateTag } from './sipIdentifiers.js';

/** Reason phrases of RFC 3261 §21 (and RFC 3265 489, RFC 4028 422) for the codes a GB/T 28181 platform sends. */
export const SIP_REASON_PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Trying'], [180, 'Ringing'], [181, 'Call Is Being Forwarded'], [182, 'Queued'], [183, 'Session Progress'],
  [200, 'OK'], [202, 'Accepted'],
  [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Moved Temporarily'], [305, 'Use Proxy'], [380, 'Alternative Service'],
  [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'], [403, 'Forbidden'], [404, 'Not Found'],
  [405, 'Method Not Allowed'], [406, 'Not Acceptable'], [407, 'Proxy Authentication Required'], [408, 'Request Timeout'],
  [410, 'Gone'], [413, 'Request Entity Too Large'], [414, 'Request-URI Too Long'], [415, 'Unsupported Media Type'],
  [416, 'Unsupported URI Scheme'], [420, 'Bad Extension'], [421, 'Extension Required'], [422, 'Session Interval Too Small'],
  [423, 'Interval Too Brief'], [480, 'Temporarily Unavailable'], [481, 'Call/Transaction Does Not Exist'],
  [482, 'Loop Detected'], [483, 'Too Many Hops'], [484, 'Address Incomplete'], [485, 'Ambiguous'], [486, 'Busy Here'],
  [487, 'Request Terminated'], [488, 'Not Acceptable Here'], [489, 'Bad Event'], [491, 'Request Pending'], [493, 'Undecipherable'],
  [500, 'Server Internal Error'], [501, 'Not Implemented'], [502, 'Bad Gateway'], [503, 'Service Unavailable'],
  [504, 'Server Time-out'], [505, 'Version Not Supported'], [513, 'Message Too Large'],
  [600, 'Busy Everywhere'], [603, 'Decline'], [604, 'Does Not Exist Anywhere'], [606, 'Not Acceptable'],
]);

/** Where a request came from on the wire (UDP source, or the TCP peer). */
export interface SourceAddress {
  address: string;
  port: number;
}

export interface ResponseOptions {
  /** Reason phrase; defaults to the RFC 3261 §21 phrase, or "" for unlisted codes. */
  reason?: string;
  /**
   * To tag to add when the request's To has none (RFC 3261 §8.2.6.2). Pass the same tag for
   * every response of a transaction (and of a dialog). Default: a fresh tag, except for
   * 100 Trying, which gets none (§8.2.6.2 makes it optional there).
   */
  toTag?: string;
  /** The request's source: adds `received` and fills `rport` in the top Via (RFC 3261 §18.2.1, RFC 3581 §4). */
  source?: SourceAddress;
  /** Further header rows, after Via, From, To, Call-ID and CSeq (e.g. User-Agent, Contact, WWW-Authenticate, Expires, Date). */
  headers?: Iterable<readonly [string, string]>;
  /** Body bytes (Content-Type goes in `headers`); empty by default. */
  body?: Buffer;
}

/**
 * Rewrite one Via value the way a server records where a request came from:
 * - RFC 3581 §4: when the client asked for rport, set `rport=<source port>` and always add
 *   `received=<source address>`;
 * - RFC 3261 §18.2.1: otherwise add `received` only when the sent-by host differs from the source.
 * `received` goes right after `rport` when there is one, where devices are seen to expect it.
 */
export function stampVia(viaValue: string, source: SourceAddress): string {
  const via = parseVia(viaValue);
  const params = new Map<string, string | null>();
  const addReceived = via.rportRequested || via.host.replace(/^\[|\]$/g, '') !== source.address;
  for (const [name, value] of via.params) {
    if (name === 'rport') {
      params.set('rport', String(source.port));
      if (addReceived) params.set('received', source.address);
    } else if (name === 'received') params.set(name, addReceived ? source.address : value);
    else params.set(name, value);
  }
  if (addReceived && !params.has('received')) params.set('received', source.address);
  return formatVia({ ...via, params });
}

/**
 * A response to `request` (RFC 3261 §8.2.6): Via rows copied in order (the top one stamped
 * when `source` is given), From, To (tag added), Call-ID and CSeq copied (§8.2.6.2), then
 * `options.headers`. Record-Route is copied into 101-299 answers to INVITE and SUBSCRIBE
 * (§12.1.1). Content-Length is written by the serializer.
 * @throws SipParseError when the request's Via or To does not parse (never, for a parsed request)
 */
export function createResponse(request: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers = new SipHeaders();
  const vias = request.headers.getAll('Via');
  vias.forEach((row, index) => {
    if (index === 0 && options.source) {
      const [top = '', ...rest] = splitHeaderList(row);
      headers.append('Via', [stampVia(top, options.source), ...rest].join(', '));
    } else headers.append('Via', row);
  });
  headers.append('From', request.headers.get('From') ?? '');
  const toValue = request.headers.get('To') ?? '';
  const to = getTo(request);
  const tag = options.toTag ?? (status === 100 ? undefined : generateTag());
  headers.append('To', to.tag === undefined && tag !== undefined ? `${toValue}${formatParams(new Map([['tag', tag]]))}` : toValue);
  headers.append('Call-ID', request.headers.get('Call-ID') ?? '');
  headers.append('CSeq', request.headers.get('CSeq') ?? '');
  if (status > 100 && status < 300 && (request.method === 'INVITE' || request.method === 'SUBSCRIBE')) {
    for (const rr of request.headers.getAll('Record-Route')) headers.append('Record-Route', rr);
  }
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  return {
    kind: 'response',
    status,
    reason: options.reason ?? SIP_REASON_PHRASES.get(status) ?? '',
    headers,
    body: options.body ?? Buffer.alloc(0),
  };
}
