import type { SipMessage } from './sipMessage.js';

/**
 * Why a SIP message was refused. RFC 3261 §21.4.1 (400 Bad Request) is the answer to
 * most of them when enough of the message was read to answer at all.
 */
export type SipParseReason =
  /** Nothing but line breaks (RFC 3261 §7.5, RFC 5626 §3.5.1 keep-alives belong to the transport). */
  | 'empty'
  /** The message is larger than {@link SIP_MAX_MESSAGE_BYTES}. */
  | 'message-too-large'
  /** The start line and headers are larger than {@link SIP_MAX_HEADER_BYTES}. */
  | 'headers-too-large'
  /** The header section stops in the middle of a line (RFC 3261 §7: every line ends in CRLF). */
  | 'unterminated-headers'
  /** Neither a Request-Line nor a Status-Line (RFC 3261 §7.1, §7.2). */
  | 'bad-start-line'
  /** SIP-Version other than SIP/2.0 (RFC 3261 §7.1). */
  | 'bad-version'
  /** Status-Code outside 100-699 (RFC 3261 §7.2, §21). */
  | 'bad-status-code'
  /** Request-URI is not an absolute URI (RFC 3261 §7.1, §19.1). */
  | 'bad-request-uri'
  /** A header line with no colon (RFC 3261 §7.3.1). */
  | 'header-without-colon'
  /** A header name that is not a token (RFC 3261 §25.1). */
  | 'bad-header-name'
  /** A continuation line (leading whitespace) with no header before it (RFC 3261 §7.3.1). */
  | 'bad-folding'
  /** Header bytes that are not UTF-8 (RFC 3261 §7.3.1: TEXT-UTF8). Bodies are never decoded. */
  | 'bad-header-encoding'
  /** A header value with control characters, or a Via/From/To/Call-ID that does not parse. `header` says which. */
  | 'bad-header-value'
  /** Via, From, To, Call-ID or CSeq is absent (RFC 3261 §8.1.1, §8.2.6.2). `header` says which. */
  | 'missing-header'
  /** From, To, Call-ID, CSeq or Content-Length appears twice (RFC 3261 §7.3: not list-valued). */
  | 'duplicate-header'
  /** CSeq is not "number method", the number is ≥ 2^31, or the method differs from the request's (RFC 3261 §8.1.1.5, §20.16). */
  | 'bad-cseq'
  /** Content-Length is not a decimal number (RFC 3261 §20.14). */
  | 'bad-content-length'
  /**
   * The body is shorter than Content-Length (truncated), or longer by anything but padding
   * (RFC 3261 §18.3; see parseSipMessage for why non-padding excess is refused).
   */
  | 'content-length-mismatch';

/** A SIP message that could not be parsed; `reason` says why, `header` names the field when one is at fault. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';

  /**
   * @param reason machine-readable cause
   * @param detail human-readable detail, used as the message
   * @param header the header field at fault, when there is one
   * @param partial for 'content-length-mismatch': the message as far as it was read (headers
   *   complete and valid, body as much as arrived), so that a server can still answer 400.
   */
  constructor(
    readonly reason: SipParseReason,
    detail: string,
    readonly header?: string,
    readonly partial?: SipMessage,
  ) {
    super(`${reason}: ${detail}`);
  }
}
