/**
 * SIP messages (RFC 3261 §7): types, a strict parser and a serializer.
 *
 * Strict: a message Argus cannot answer correctly is refused with a {@link SipParseError}
 * naming the reason, never half-read. Tolerant of what GB/T 28181 devices are seen to send:
 * - LF-only line endings (Dahua catalog exports, python platforms), and CRLF headers with an
 *   LF-only XML body (Hikvision keepalives);
 * - header folding (RFC 3261 §7.3.1) and extra whitespace (`Content-Length:   175`,
 *   `Max-Forwards: 70 `);
 * - any reason phrase (`101 Dialog Establishement` from Dahua IPCs): only the code counts (§21);
 * - no Content-Length over UDP: the body is the rest of the datagram (§18.3, §20.14);
 * - line breaks before the start line (§7.5) and padding after the body;
 * - no blank line after the headers when the datagram ends right after a header line and
 *   there is no body (seen from python test platforms).
 *
 * Bodies stay bytes: GB/T 28181 MANSCDP bodies are often GB2312 and are decoded by the layer
 * that knows their charset. Headers are UTF-8 (RFC 3261 §7.3.1 TEXT-UTF8).
 */
import { isSipToken, SipHeaders } from './sipHeaders.js';
import { parseCSeq, parseNameAddress, parseVia, splitHeaderList } from './sipHeaderFields.js';
import { SipParseError } from './sipParseError.js';

/** A SIP request (RFC 3261 §7.1). */
export interface SipRequest {
  kind: 'request';
  /** Method token, case-sensitive (RFC 3261 §7.1): "REGISTER", "MESSAGE", "INVITE", ... */
  method: string;
  /** Request-URI as written. */
  uri: string;
  headers: SipHeaders;
  /** Body bytes, undecoded (may be GB2312). */
  body: Buffer;
}

/** A SIP response (RFC 3261 §7.2). */
export interface SipResponse {
  kind: 'response';
  /** Status-Code, 100-699. */
  status: number;
  /** Reason-Phrase as sent (may be misspelled or empty; only `status` has meaning, RFC 3261 §21). */
  reason: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** The methods GB/T 28181-2016 uses (§9), with the rest of RFC 3261 §27.4 and the event/message RFCs. */
export const SIP_METHODS = ['REGISTER', 'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'MESSAGE', 'INFO', 'SUBSCRIBE', 'NOTIFY', 'UPDATE', 'PRACK', 'REFER', 'PUBLISH'] as const;

/** Largest message accepted: 64 KiB, the most a UDP datagram carries (RFC 3261 §18.1.1 keeps SIP over UDP well under it). */
export const SIP_MAX_MESSAGE_BYTES = 64 * 1024;

/** Largest start line plus header section accepted: 16 KiB. GB/T 28181 headers are under 1 KiB. */
export const SIP_MAX_HEADER_BYTES = 16 * 1024;

const CR = 0x0d;
const LF = 0x0a;

/** Header fields a request and a response must carry (RFC 3261 §8.1.1, §8.2.6.2). */
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

/** Header fields that are not list-valued: a second row would be ambiguous (RFC 3261 §7.3). */
const SINGLETONS = ['From', 'To', 'Call-ID', 'CSeq', 'Content-Length'] as const;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Control characters other than HTAB are not allowed in a start line or header (RFC 3261 §25.1 TEXT-UTF8, LWS). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

function trimWs(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Bytes that may follow a body in a datagram without being a second message: padding, discarded (RFC 3261 §18.3). */
function isPadding(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i];
    if (b !== CR && b !== LF && b !== 0x20 && b !== 0x09 && b !== 0x00) return false;
  }
  return true;
}

type StartLine = { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string };

function parseStartLine(line: string): StartLine {
  if (CONTROL.test(line)) throw new SipParseError('bad-start-line', 'control character in start line');
  const text = line.replace(/[ \t]+$/, '');
  if (/^SIP\//i.test(text)) {
    const m = /^(SIP\/\d+\.\d+) +(\S+)(?: (.*))?$/i.exec(text);
    if (!m) throw new SipParseError('bad-start-line', `not a Status-Line: "${text.slice(0, 80)}"`);
    if ((m[1] ?? '').toUpperCase() !== 'SIP/2.0') throw new SipParseError('bad-version', `version ${m[1]}`);
    const code = m[2] ?? '';
    if (!/^\d{3}$/.test(code) || Number(code) < 100 || Number(code) > 699) {
      throw new SipParseError('bad-status-code', `status code "${code.slice(0, 20)}"`);
    }
    return { kind: 'response', status: Number(code), reason: trimWs(m[3] ?? '') };
  }
  const parts = text.split(/ +/);
  if (parts.length !== 3) throw new SipParseError('bad-start-line', `not "method URI version": "${text.slice(0, 80)}"`);
  const [method = '', uri = '', version = ''] = parts;
  if (!isSipToken(method)) throw new SipParseError('bad-start-line', `method "${method.slice(0, 20)}" is not a token`);
  if (version.toUpperCase() !== 'SIP/2.0') throw new SipParseError('bad-version', `version "${version.slice(0, 20)}"`);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) throw new SipParseError('bad-request-uri', `Request-URI "${uri.slice(0, 80)}"`);
  return { kind: 'request', method, uri };
}

/** Read the header lines (after the start line) into rows, undoing folding (RFC 3261 §7.3.1). */
function parseHeaderLines(lines: string[]): SipHeaders {
  const rows: Array<[string, string]> = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = rows[rows.length - 1];
      if (!last) throw new SipParseError('bad-folding', 'continuation line before any header');
      const more = trimWs(line);
      if (more.length > 0) last[1] = last[1].length > 0 ? `${last[1]} ${more}` : more;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) throw new SipParseError('header-without-colon', `"${line.slice(0, 80)}"`);
    const name = line.slice(0, colon).replace(/[ \t]+$/, '');
    if (!isSipToken(name)) throw new SipParseError('bad-header-name', `"${name.slice(0, 80)}"`);
    rows.push([name, trimWs(line.slice(colon + 1))]);
  }
  const headers = new SipHeaders(rows);
  for (const h of headers) {
    if (CONTROL.test(h.value)) throw new SipParseError('bad-header-value', `${h.name}: control character`, h.name);
  }
  return headers;
}

/** Check the fields every message needs, and that they are readable. */
function checkMandatory(start: StartLine, headers: SipHeaders): void {
  for (const name of MANDATORY) {
    if (!headers.has(name)) throw new SipParseError('missing-header', `no ${name}`, name);
  }
  for (const name of SINGLETONS) {
    if (headers.getAll(name).length > 1) throw new SipParseError('duplicate-header', `${name} appears more than once`, name);
  }
  const callId = headers.get('Call-ID') ?? '';
  if (!/^\S+$/.test(callId)) throw new SipParseError('bad-header-value', `Call-ID "${callId.slice(0, 80)}"`, 'Call-ID');
  const cseq = parseCSeq(headers.get('CSeq') ?? '');
  if (start.kind === 'request' && cseq.method !== start.method) {
    throw new SipParseError('bad-cseq', `CSeq method ${cseq.method} is not the request method ${start.method}`, 'CSeq');
  }
  parseNameAddress(headers.get('From') ?? '', 'From');
  parseNameAddress(headers.get('To') ?? '', 'To');
  const topVia = splitHeaderList(headers.get('Via') ?? '')[0];
  if (topVia === undefined) throw new SipParseError('bad-header-value', 'Via: empty', 'Via');
  parseVia(topVia);
}

function build(start: StartLine, headers: SipHeaders, body: Buffer): SipMessage {
  return start.kind === 'request'
    ? { kind: 'request', method: start.method, uri: start.uri, headers, body }
    : { kind: 'response', status: start.status, reason: start.reason, headers, body };
}

/**
 * Parse one SIP message: a UDP datagram, or one message cut out of a TCP stream by
 * {@link SipStreamFramer}.
 *
 * Content-Length (RFC 3261 §18.3, §20.14): when absent the body is the rest of the buffer
 * (right for UDP; the framer always cuts stream messages at their Content-Length). When
 * present and the buffer holds fewer body bytes, the message is truncated: refused. When the
 * buffer holds more, trailing CR/LF/SP/HT/NUL padding is discarded as §18.3 says; other
 * excess bytes are refused rather than discarded, because in the field they have meant a
 * sender that miscounted its body (SRS transcript 15: a catalog response 36 bytes longer than
 * its Content-Length), and silently cutting a MANSCDP body loses catalog items.
 *
 * @throws SipParseError with `reason`:
 *   'empty' | 'message-too-large' | 'headers-too-large' | 'unterminated-headers' | 'bad-start-line' |
 *   'bad-version' | 'bad-status-code' | 'bad-request-uri' | 'header-without-colon' | 'bad-header-name' |
 *   'bad-folding' | 'bad-header-encoding' | 'bad-header-value' | 'missing-header' | 'duplicate-header' |
 *   'bad-cseq' | 'bad-content-length' | 'content-length-mismatch' (with `partial`).
 */
export function parseSipMessage(buf: Buffer): SipMessage {
  if (buf.length > SIP_MAX_MESSAGE_BYTES) {
    throw new SipParseError('message-too-large', `${buf.length} bytes, limit ${SIP_MAX_MESSAGE_BYTES}`);
  }
  let start = 0;
  while (start < buf.length && (buf[start] === CR || buf[start] === LF)) start++;
  if (start === buf.length) throw new SipParseError('empty', 'no start line');

  // Find the blank line that ends the header section (CRLF CRLF, or LF LF from LF-only senders).
  let lineStart = start;
  let bodyStart = -1;
  const scanLimit = Math.min(buf.length, start + SIP_MAX_HEADER_BYTES);
  let i = start;
  for (; i < scanLimit; i++) {
    if (buf[i] !== LF) continue;
    const end = i > lineStart && buf[i - 1] === CR ? i - 1 : i;
    if (end === lineStart) {
      bodyStart = i + 1;
      break;
    }
    lineStart = i + 1;
  }
  let terminated = true;
  if (bodyStart < 0) {
    if (i < buf.length) throw new SipParseError('headers-too-large', `no end of headers within ${SIP_MAX_HEADER_BYTES} bytes`);
    if (lineStart !== buf.length) throw new SipParseError('unterminated-headers', 'message ends inside a header line');
    terminated = false;
    bodyStart = buf.length;
  }
  const headerEnd = lineStart; // just after the last header line's line break

  let text: string;
  try {
    text = UTF8.decode(buf.subarray(start, headerEnd));
  } catch {
    throw new SipParseError('bad-header-encoding', 'start line or headers are not UTF-8');
  }
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  lines.pop(); // after the last line break
  const [first = '', ...headerLines] = lines;
  const startLine = parseStartLine(first);
  const headers = parseHeaderLines(headerLines);
  checkMandatory(startLine, headers);

  const lengthText = headers.get('Content-Length');
  const available = buf.length - bodyStart;
  if (lengthText === undefined) return build(startLine, headers, Buffer.from(buf.subarray(bodyStart)));
  if (!/^\d{1,10}$/.test(lengthText)) {
    throw new SipParseError('bad-content-length', `"${lengthText.slice(0, 40)}"`, 'Content-Length');
  }
  const length = Number(lengthText);
  if (available < length || (!terminated && length > 0)) {
    const partial = build(startLine, headers, Buffer.from(buf.subarray(bodyStart)));
    throw new SipParseError('content-length-mismatch', `Content-Length ${length}, ${available} body bytes arrived`, 'Content-Length', partial);
  }
  if (available > length && !isPadding(buf, bodyStart + length)) {
    const partial = build(startLine, headers, Buffer.from(buf.subarray(bodyStart, bodyStart + length)));
    throw new SipParseError(
      'content-length-mismatch',
      `Content-Length ${length}, but ${available} body bytes follow the headers`,
      'Content-Length',
      partial,
    );
  }
  return build(startLine, headers, Buffer.from(buf.subarray(bodyStart, bodyStart + length)));
}

/**
 * Write a message as it goes on the wire: CRLF line endings, canonical header names,
 * Content-Length always present and equal to the body length (RFC 3261 §18.3, §20.14: it
 * MUST be present over TCP; an existing row keeps its position, otherwise it comes last).
 * The message is not modified.
 * @throws TypeError when a header name is not a token or a value, method, URI or reason holds
 *   CR or LF (that would inject lines).
 */
export function serializeSipMessage(msg: SipMessage): Buffer {
  let startLine: string;
  if (msg.kind === 'request') {
    if (!isSipToken(msg.method)) throw new TypeError(`SIP method "${msg.method}" is not a token`);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(msg.uri)) throw new TypeError(`Request-URI "${msg.uri}" is not an absolute URI`);
    startLine = `${msg.method} ${msg.uri} SIP/2.0`;
  } else {
    if (!Number.isInteger(msg.status) || msg.status < 100 || msg.status > 699) throw new TypeError(`SIP status ${msg.status}`);
    if (/[\r\n]/.test(msg.reason)) throw new TypeError('reason phrase holds a line break');
    startLine = `SIP/2.0 ${msg.status} ${msg.reason}`;
  }
  const headers = msg.headers.clone();
  headers.set('Content-Length', String(msg.body.length));
  let head = `${startLine}\r\n`;
  for (const { name, value } of headers) {
    if (!isSipToken(name)) throw new TypeError(`SIP header name "${name}" is not a token`);
    if (/[\r\n]/.test(value)) throw new TypeError(`SIP header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), msg.body]);
}
