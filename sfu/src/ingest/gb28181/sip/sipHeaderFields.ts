/**
 * Readers for the structured SIP header fields a GB/T 28181 platform uses: Via, From/To,
 * Contact, CSeq, Expires, and the SIP URI inside them (RFC 3261 §19.1, §20, §25.1 grammar).
 *
 * Readers throw {@link SipParseError} ('bad-header-value', with the field name) on values that
 * do not follow the grammar. Messages from `parseSipMessage` already have a valid top Via,
 * From, To and CSeq, so reading those from a parsed message does not throw.
 */
import type { SipMessage } from './sipMessage.js';
import { isSipToken } from './sipHeaders.js';
import { SipParseError } from './sipParseError.js';

/** Header or URI parameters, lower-case names in order of appearance; `null` for a flag without `=value`. */
export type SipParams = Map<string, string | null>;

function bad(header: string, detail: string): SipParseError {
  return new SipParseError('bad-header-value', `${header}: ${detail}`, header);
}

/**
 * Split a list-valued header value at commas that are outside quoted strings and `<...>`
 * (RFC 3261 §7.3.1: "Via: a, b" equals two Via rows). Empty elements are dropped.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Read a quoted-string (RFC 3261 §25.1) starting at `s[at] === '"'`. @returns text and index after the closing quote, or null. */
function readQuoted(s: string, at: number): { text: string; end: number } | null {
  let text = '';
  for (let i = at + 1; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\') {
      if (i + 1 >= s.length) return null;
      text += s[++i];
    } else if (ch === '"') return { text, end: i + 1 };
    else text += ch;
  }
  return null;
}

/**
 * Parse `;name[=value]` parameters (RFC 3261 §25.1 generic-param; values may be tokens,
 * hosts or quoted strings, which are unquoted here).
 * @param header field name for error messages
 * @throws SipParseError 'bad-header-value' on an empty or non-token name or an unterminated quote
 */
export function parseParams(text: string, header: string): SipParams {
  const params: SipParams = new Map();
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    if (s[i] !== ';') throw bad(header, `expected ';' at "${s.slice(i, i + 20)}"`);
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
    let j = i;
    while (j < s.length && s[j] !== '=' && s[j] !== ';' && s[j] !== ' ' && s[j] !== '\t') j++;
    const name = s.slice(i, j).toLowerCase();
    if (!isSipToken(name)) throw bad(header, `bad parameter name "${s.slice(i, j)}"`);
    while (s[j] === ' ' || s[j] === '\t') j++;
    let value: string | null = null;
    if (s[j] === '=') {
      j++;
      while (s[j] === ' ' || s[j] === '\t') j++;
      if (s[j] === '"') {
        const q = readQuoted(s, j);
        if (!q) throw bad(header, `unterminated quote in parameter ${name}`);
        value = q.text;
        j = q.end;
      } else {
        let k = j;
        while (k < s.length && s[k] !== ';') k++;
        value = s.slice(j, k).trim();
        j = k;
      }
      while (s[j] === ' ' || s[j] === '\t') j++;
    }
    if (!params.has(name)) params.set(name, value);
    i = j;
  }
  return params;
}

const PARAM_TOKEN = /^[A-Za-z0-9\-.!%*_+`'~:[\]]*$/;

/** Write parameters back as `;name=value`, quoting values that are not tokens (or IPv6 references). */
export function formatParams(params: SipParams): string {
  let out = '';
  for (const [name, value] of params) {
    if (value === null) out += `;${name}`;
    else if (PARAM_TOKEN.test(value) && value.length > 0) out += `;${name}=${value}`;
    else out += `;${name}="${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  }
  return out;
}

/** A SIP or SIPS URI (RFC 3261 §19.1.1). GB/T 28181 puts the 20-digit device or platform ID in `user`. */
export interface SipUri {
  /** "sip" or "sips" (lower case). */
  scheme: string;
  user?: string;
  password?: string;
  /** Host name, IPv4 address, or IPv6 reference with brackets ("[::1]"). GB devices also use the 10-digit domain ID. */
  host: string;
  port?: number;
  params: SipParams;
  /** Raw `?headers` part, without the '?'. */
  headers?: string;
}

function parsePort(text: string, header: string): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(header, `bad port "${text}"`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(header, `port ${port} out of range`);
  return port;
}

/** Split "host[:port]" with IPv6 references. */
function parseHostPort(text: string, header: string): { host: string; port?: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw bad(header, `unterminated IPv6 reference "${text}"`);
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) throw bad(header, `bad host "${text}"`);
      portText = rest.slice(1);
    }
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    if (colon >= 0) portText = text.slice(colon + 1);
  }
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._]+)$/.test(host)) throw bad(header, `bad host "${host}"`);
  return portText === undefined ? { host } : { host, port: parsePort(portText, header) };
}

/**
 * Parse a sip: or sips: URI (RFC 3261 §19.1.1).
 * @param header field name for error messages
 * @throws SipParseError 'bad-header-value' when it is not a SIP URI
 */
export function parseSipUri(uri: string, header = 'URI'): SipUri {
  const m = /^(sips?):([^?]*)(?:\?(.*))?$/i.exec(uri.trim());
  if (!m) throw bad(header, `not a SIP URI "${uri}"`);
  const scheme = (m[1] ?? '').toLowerCase();
  const main = m[2] ?? '';
  const semi = main.indexOf(';', main.lastIndexOf('@') + 1);
  const addr = semi < 0 ? main : main.slice(0, semi);
  const params = semi < 0 ? new Map<string, string | null>() : parseParams(main.slice(semi), header);
  const at = addr.lastIndexOf('@');
  const out: SipUri = { scheme, host: '', params };
  if (at >= 0) {
    const userinfo = addr.slice(0, at);
    const colon = userinfo.indexOf(':');
    out.user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (colon >= 0) out.password = userinfo.slice(colon + 1);
    if (out.user.length === 0) throw bad(header, `empty user in "${uri}"`);
  }
  const { host, port } = parseHostPort(at >= 0 ? addr.slice(at + 1) : addr, header);
  out.host = host;
  if (port !== undefined) out.port = port;
  if (m[3] !== undefined) out.headers = m[3];
  return out;
}

/** One Via value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport). */
export interface Via {
  /** "SIP/2.0". */
  protocol: string;
  /** Transport in upper case: "UDP", "TCP", "TLS", "WS", ... */
  transport: string;
  /** sent-by as written: "host" or "host:port". */
  sentBy: string;
  host: string;
  port?: number;
  /** RFC 3261 §8.1.1.7 branch; RFC 3261 transactions start with "z9hG4bK". */
  branch?: string;
  /** RFC 3261 §18.2.1 received: the source address a server saw. */
  received?: string;
  /** RFC 3581 §4: the client asked for rport (the parameter is present, with or without a value). */
  rportRequested: boolean;
  /** RFC 3581 §4: the source port a server saw, once filled in. */
  rport?: number;
  /** Every parameter, in order (branch, received and rport included). */
  params: SipParams;
}

/**
 * Parse one Via value (not a comma list): `SIP/2.0/UDP host:port;params`.
 * @throws SipParseError 'bad-header-value' (header "Via")
 */
export function parseVia(value: string): Via {
  const m = /^([A-Za-z0-9\-.!%*_+`'~]+)[ \t]*\/[ \t]*([A-Za-z0-9\-.!%*_+`'~]+)[ \t]*\/[ \t]*([A-Za-z0-9\-.!%*_+`'~]+)[ \t]+([^;]+?)[ \t]*(;.*)?$/.exec(
    value.trim(),
  );
  if (!m) throw bad('Via', `not "SIP/2.0/transport sent-by" in "${value}"`);
  const protocol = `${m[1] ?? ''}/${m[2] ?? ''}`.toUpperCase();
  if (protocol !== 'SIP/2.0') throw bad('Via', `protocol ${protocol}`);
  const sentBy = (m[4] ?? '').replace(/[ \t]+/g, '');
  const { host, port } = parseHostPort(sentBy, 'Via');
  const params = parseParams(m[5] ?? '', 'Via');
  const via: Via = { protocol, transport: (m[3] ?? '').toUpperCase(), sentBy, host, rportRequested: params.has('rport'), params };
  if (port !== undefined) via.port = port;
  const branch = params.get('branch');
  if (branch) via.branch = branch;
  const received = params.get('received');
  if (received) via.received = received;
  const rport = params.get('rport');
  if (rport) via.rport = parsePort(rport, 'Via');
  return via;
}

/** Write a Via value back (`SIP/2.0/UDP host:port;params`), parameters in their order. */
export function formatVia(via: Via): string {
  return `${via.protocol}/${via.transport} ${via.sentBy}${formatParams(via.params)}`;
}

/** Every Via value of a message, top first, comma lists split (RFC 3261 §7.3.1, §20.42). */
export function getVias(msg: SipMessage): Via[] {
  return msg.headers.getAll('Via').flatMap(splitHeaderList).map(parseVia);
}

/**
 * The top Via: the one a server answers to (RFC 3261 §18.2.2) and whose branch names the
 * transaction (§17.2.3).
 * @throws SipParseError 'missing-header' when there is none (never, for a parsed message)
 */
export function getTopVia(msg: SipMessage): Via {
  const first = msg.headers.get('Via');
  const top = first === undefined ? undefined : splitHeaderList(first)[0];
  if (top === undefined) throw new SipParseError('missing-header', 'no Via', 'Via');
  return parseVia(top);
}

/** name-addr or addr-spec with header parameters: From, To, Contact, Route (RFC 3261 §20.10, §20.20, §20.39). */
export interface NameAddress {
  displayName?: string;
  /** The URI as written, without angle brackets. */
  uri: string;
  /** Header parameters (after the URI), lower-case names. */
  params: SipParams;
  /** The `tag` parameter (RFC 3261 §19.3), when present. */
  tag?: string;
}

/**
 * Parse `"Name" <uri>;params`, `Name <uri>;params`, `<uri>;params` or `uri;params`
 * (in the last form the parameters belong to the header, RFC 3261 §20.10).
 * @param header field name for error messages
 * @throws SipParseError 'bad-header-value'
 */
export function parseNameAddress(value: string, header = 'From'): NameAddress {
  const s = value.trim();
  let displayName: string | undefined;
  let uri: string;
  let rest: string;
  let i = 0;
  if (s.startsWith('"')) {
    const q = readQuoted(s, 0);
    if (!q) throw bad(header, `unterminated display name in "${value}"`);
    displayName = q.text;
    i = q.end;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] !== '<') throw bad(header, `expected <uri> after display name in "${value}"`);
  }
  const lt = s.indexOf('<', i);
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw bad(header, `unterminated <uri> in "${value}"`);
    if (displayName === undefined) {
      const name = s.slice(0, lt).trim();
      if (name.length > 0) displayName = name;
    }
    uri = s.slice(lt + 1, gt).trim();
    rest = s.slice(gt + 1);
  } else {
    const semi = s.indexOf(';');
    uri = (semi < 0 ? s : s.slice(0, semi)).trim();
    rest = semi < 0 ? '' : s.slice(semi);
    if (/[ \t]/.test(uri)) throw bad(header, `URI with spaces needs <...> in "${value}"`);
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri) && uri !== '*') throw bad(header, `bad URI "${uri}"`);
  const params = parseParams(rest, header);
  const out: NameAddress = { uri, params };
  if (displayName !== undefined) out.displayName = displayName;
  const tag = params.get('tag');
  if (tag) out.tag = tag;
  return out;
}

/** Write a name-addr back: `"Name" <uri>;params`. */
export function formatNameAddress(addr: NameAddress): string {
  const name = addr.displayName === undefined ? '' : `"${addr.displayName.replace(/["\\]/g, (c) => `\\${c}`)}" `;
  return `${name}<${addr.uri}>${formatParams(addr.params)}`;
}

/** The From header (RFC 3261 §20.20). @throws SipParseError when absent or malformed (never, for a parsed message). */
export function getFrom(msg: SipMessage): NameAddress {
  const v = msg.headers.get('From');
  if (v === undefined) throw new SipParseError('missing-header', 'no From', 'From');
  return parseNameAddress(v, 'From');
}

/** The To header (RFC 3261 §20.39). @throws SipParseError when absent or malformed (never, for a parsed message). */
export function getTo(msg: SipMessage): NameAddress {
  const v = msg.headers.get('To');
  if (v === undefined) throw new SipParseError('missing-header', 'no To', 'To');
  return parseNameAddress(v, 'To');
}

/** A Contact (RFC 3261 §20.10) with its `expires` parameter (§10.2.1.1) read as a number. */
export interface ContactAddress extends NameAddress {
  expires?: number;
}

/**
 * Contacts of a message (RFC 3261 §20.10). `wildcard` is the REGISTER form `Contact: *`
 * (§10.2.2: remove all bindings, only with `Expires: 0`).
 * @throws SipParseError 'bad-header-value' (header "Contact")
 */
export function getContacts(msg: SipMessage): { wildcard: boolean; contacts: ContactAddress[] } {
  const values = msg.headers.getAll('Contact').flatMap(splitHeaderList);
  if (values.length === 1 && values[0] === '*') return { wildcard: true, contacts: [] };
  const contacts = values.map((v): ContactAddress => {
    const addr: ContactAddress = parseNameAddress(v, 'Contact');
    const expires = addr.params.get('expires');
    if (expires !== undefined && expires !== null) addr.expires = parseDeltaSeconds(expires, 'Contact');
    return addr;
  });
  return { wildcard: false, contacts };
}

/** RFC 3261 §20.16 CSeq. */
export interface CSeq {
  /** 32-bit unsigned, less than 2^31 (§8.1.1.5). */
  seq: number;
  method: string;
}

/**
 * Parse a CSeq value "number method".
 * @throws SipParseError 'bad-cseq'
 */
export function parseCSeq(value: string): CSeq {
  const m = /^(\d{1,10})[ \t]+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(value.trim());
  if (!m) throw new SipParseError('bad-cseq', `not "number method": "${value}"`, 'CSeq');
  const seq = Number(m[1]);
  if (seq >= 2 ** 31) throw new SipParseError('bad-cseq', `sequence number ${m[1]} is not below 2^31`, 'CSeq');
  return { seq, method: m[2] ?? '' };
}

/** The CSeq of a message. @throws SipParseError when absent or malformed (never, for a parsed message). */
export function getCSeq(msg: SipMessage): CSeq {
  const v = msg.headers.get('CSeq');
  if (v === undefined) throw new SipParseError('missing-header', 'no CSeq', 'CSeq');
  return parseCSeq(v);
}

/** delta-seconds (RFC 3261 §25.1); values past 2^32-1 are read as 2^32-1 (§20.19 allows larger values on the wire). */
function parseDeltaSeconds(text: string, header: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw bad(header, `expires "${text}" is not delta-seconds`);
  return Math.min(Number(t), 2 ** 32 - 1);
}

/**
 * The Expires header in seconds (RFC 3261 §20.19), or undefined when absent.
 * GB/T 28181-2016 §9.1: a REGISTER with `Expires: 0` unregisters.
 * @throws SipParseError 'bad-header-value' (header "Expires") when it is not delta-seconds
 */
export function getExpires(msg: SipMessage): number | undefined {
  const v = msg.headers.get('Expires');
  return v === undefined ? undefined : parseDeltaSeconds(v, 'Expires');
}
