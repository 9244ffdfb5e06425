/**
 * Cutting SIP messages out of a byte stream (SIP over TCP, RFC 3261 §18.3): bytes go in as
 * the socket delivers them, whole messages come out, each ready for `parseSipMessage`.
 *
 * - A message ends after its header section plus Content-Length body bytes (§18.3: over a
 *   stream Content-Length MUST be present; when a sender leaves it out the body is taken as
 *   empty, which is right for the bodiless REGISTER/ACK/BYE/200 such senders write).
 * - Several messages in one read, and a message spread over many reads, are both normal.
 * - Line breaks between messages are skipped (§7.5); each CRLF CRLF among them is an RFC 5626
 *   §3.5.1 keep-alive ping, counted so the caller can answer with a CRLF pong. LF-only
 *   senders are accepted (LF LF ends a header section and counts as a ping).
 * - A stream that cannot be framed (not a start line where a message should begin, headers
 *   or message over the limits, unreadable Content-Length) cannot be resynchronised: the
 *   framer reports a {@link SipFramingError}, stops, and the caller closes the connection.
 *
 * Memory is bounded: at most one partial message (≤ {@link SIP_MAX_MESSAGE_BYTES}) is held
 * between reads, whatever the peer sends.
 */
import { isSipToken } from './sipHeaders.js';
import { SIP_MAX_HEADER_BYTES, SIP_MAX_MESSAGE_BYTES } from './sipMessage.js';

export type SipFramingReason = 'bad-start-line' | 'headers-too-large' | 'message-too-large' | 'bad-content-length';

/** The stream is not SIP or breaks the limits; the connection has to go. */
export class SipFramingError extends Error {
  override readonly name = 'SipFramingError';

  constructor(
    readonly reason: SipFramingReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** What one `push` produced. */
export interface FramerOutput {
  /** Whole messages, in order, each a fresh Buffer from its start line to the end of its body. */
  messages: Buffer[];
  /** RFC 5626 §3.5.1 CRLF CRLF pings seen between messages: answer each with one CRLF. */
  pings: number;
  /** Set once the stream cannot be framed; every later push returns it again and reads nothing. Close the connection. */
  error: SipFramingError | null;
}

export interface FramerLimits {
  /** Largest message (headers and body), bytes. Default {@link SIP_MAX_MESSAGE_BYTES}. */
  maxMessageBytes?: number;
  /** Largest start line plus headers, bytes. Default {@link SIP_MAX_HEADER_BYTES}. */
  maxHeaderBytes?: number;
}

const CR = 0x0d;
const LF = 0x0a;

/** A start line as the first line of a message must look (RFC 3261 §7.1, §7.2), loosely: the parser judges the rest. */
function looksLikeStartLine(line: string): boolean {
  if (/^SIP\/\d+\.\d+ \S/i.test(line)) return true;
  const parts = line.replace(/[ \t]+$/, '').split(/ +/);
  return parts.length === 3 && isSipToken(parts[0] ?? '') && /^SIP\/\d+\.\d+$/i.test(parts[2] ?? '');
}

/** Content-Length of a header section (long or compact form, RFC 3261 §7.3.3), or null when absent. */
function contentLengthOf(head: string): number | null {
  let found: number | null = null;
  for (const line of head.split('\n')) {
    const m = /^(?:content-length|l)[ \t]*:[ \t]*(.*?)[ \t\r]*$/i.exec(line);
    if (!m) continue;
    const text = m[1] ?? '';
    if (!/^\d{1,10}$/.test(text)) throw new SipFramingError('bad-content-length', `"${text.slice(0, 40)}"`);
    const value = Number(text);
    if (found !== null && found !== value) throw new SipFramingError('bad-content-length', `two different values, ${found} and ${value}`);
    found = value;
  }
  return found;
}

/**
 * Stateful framer for one TCP connection. Not shared between connections.
 *
 * Each byte is copied once into an internal buffer and scanned once: a message that arrives
 * one byte per read costs no more than one that arrives whole.
 *
 * @example
 * const framer = new SipStreamFramer();
 * socket.on('data', (chunk) => {
 *   const { messages, pings, error } = framer.push(chunk);
 *   for (const raw of messages) handle(raw);
 *   for (let i = 0; i < pings; i++) socket.write('\r\n');
 *   if (error) socket.destroy();
 * });
 */
export class SipStreamFramer {
  private store: Buffer = Buffer.alloc(0);
  /** Unconsumed bytes are store[start, end). */
  private start = 0;
  private end = 0;
  /** Line feeds seen since the last message or ping, while between messages. */
  private idleLineFeeds = 0;
  /** A message has begun at `start` (its first byte arrived). */
  private inMessage = false;
  /** Scan position and start of the current line, relative to `start`, while looking for the end of the headers. */
  private scanAt = 0;
  private lineAt = 0;
  private firstLineDone = false;
  /** Total length of the message at `start` once its headers are read, else -1. */
  private total = -1;
  private failure: SipFramingError | null = null;
  private readonly maxMessage: number;
  private readonly maxHeader: number;

  constructor(limits: FramerLimits = {}) {
    this.maxMessage = limits.maxMessageBytes ?? SIP_MAX_MESSAGE_BYTES;
    this.maxHeader = Math.min(limits.maxHeaderBytes ?? SIP_MAX_HEADER_BYTES, this.maxMessage);
  }

  /** Bytes held for a message not yet complete (at most the message limit between pushes). */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** The error that stopped the framer, or null. */
  get error(): SipFramingError | null {
    return this.failure;
  }

  /** Feed bytes as they arrive. */
  push(chunk: Buffer): FramerOutput {
    const out: FramerOutput = { messages: [], pings: 0, error: this.failure };
    if (this.failure) return out;
    this.append(chunk);
    try {
      for (;;) {
        if (!this.inMessage) {
          // Between messages: skip line breaks, counting CRLF CRLF (or LF LF) as a ping.
          while (this.start < this.end && (this.store[this.start] === CR || this.store[this.start] === LF)) {
            if (this.store[this.start] === LF && ++this.idleLineFeeds === 2) {
              out.pings++;
              this.idleLineFeeds = 0;
            }
            this.start++;
          }
          if (this.start >= this.end) break;
          this.beginMessage();
        }
        if (this.total < 0 && !this.scanHeaders()) break;
        if (this.end - this.start < this.total) break;
        out.messages.push(Buffer.from(this.store.subarray(this.start, this.start + this.total)));
        this.start += this.total;
        this.inMessage = false;
        this.idleLineFeeds = 0;
      }
    } catch (err) {
      this.failure = err instanceof SipFramingError ? err : new SipFramingError('bad-start-line', String(err));
      this.store = Buffer.alloc(0);
      this.start = this.end = 0;
      out.error = this.failure;
      return out;
    }
    this.compact();
    return out;
  }

  private beginMessage(): void {
    this.inMessage = true;
    this.scanAt = 0;
    this.lineAt = 0;
    this.firstLineDone = false;
    this.total = -1;
    const first = this.store[this.start] ?? 0;
    const isLetter = (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a);
    if (!isLetter) throw new SipFramingError('bad-start-line', `byte 0x${first.toString(16).padStart(2, '0')} where a message should begin`);
  }

  /**
   * Continue looking for the end of the headers of the message at `start`.
   * @returns true once found (and `total` set), false when more bytes are needed
   * @throws SipFramingError
   */
  private scanHeaders(): boolean {
    const s = this.store;
    const base = this.start;
    const stop = Math.min(this.end, base + this.maxHeader);
    let i = base + this.scanAt;
    for (; i < stop; i++) {
      const b = s[i] ?? 0;
      if (b !== LF) {
        // A start line is text: fail on binary garbage at once, without waiting for a line break.
        if (!this.firstLineDone && ((b < 0x20 && b !== CR && b !== 0x09) || b === 0x7f)) {
          throw new SipFramingError('bad-start-line', `byte 0x${b.toString(16).padStart(2, '0')} in the start line`);
        }
        continue;
      }
      const lineStart = base + this.lineAt;
      const lineEnd = i > lineStart && s[i - 1] === CR ? i - 1 : i;
      if (!this.firstLineDone) {
        const firstLine = s.toString('latin1', lineStart, lineEnd);
        if (!looksLikeStartLine(firstLine)) throw new SipFramingError('bad-start-line', `"${firstLine.slice(0, 60)}"`);
        this.firstLineDone = true;
      } else if (lineEnd === lineStart) {
        const length = contentLengthOf(s.toString('latin1', base, i + 1)) ?? 0;
        const total = i + 1 - base + length;
        if (total > this.maxMessage) throw new SipFramingError('message-too-large', `${total} bytes, limit ${this.maxMessage}`);
        this.total = total;
        return true;
      }
      this.lineAt = i + 1 - base;
    }
    this.scanAt = i - base;
    if (this.end - base > this.maxHeader) throw new SipFramingError('headers-too-large', `no end of headers within ${this.maxHeader} bytes`);
    return false;
  }

  /** Copy a chunk in, making room by moving unconsumed bytes to the front or growing the store. */
  private append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.store.length - this.end < chunk.length) {
      const held = this.end - this.start;
      const target = this.store.length >= held + chunk.length ? this.store : Buffer.allocUnsafe(Math.max(held + chunk.length, 2 * this.store.length, 4096));
      this.store.copy(target, 0, this.start, this.end);
      this.store = target;
      this.start = 0;
      this.end = held;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  /** After a push: reset offsets when empty, and give back memory a large read made the store grow to. */
  private compact(): void {
    const held = this.end - this.start;
    if (held === 0) {
      this.start = this.end = 0;
      if (this.store.length > 4 * this.maxMessage) this.store = Buffer.alloc(0);
    } else if (this.store.length > 4 * this.maxMessage) {
      const smaller = Buffer.allocUnsafe(Math.max(held, 4096));
      this.store.copy(smaller, 0, this.start, this.end);
      this.store = smaller;
      this.start = 0;
      this.end = held;
    }
  }
}
