/** Why a MANSCDP body could not be read at all (a body that is merely malformed is repaired instead). */
export type ManscdpErrorReason =
  /** No bytes, or only whitespace. */
  | 'empty'
  /** Larger than the parser's `maxBytes`. */
  | 'too-large'
  /** No XML element anywhere in the body (binary junk, plain text, an SDP body...). */
  | 'no-element'
  /** Elements nested deeper than the parser's `maxDepth`. */
  | 'too-deep'
  /** More elements than the parser's `maxElements`. */
  | 'too-many-elements'
  /** The XML library rejected the body even after repair. */
  | 'malformed';

/**
 * A MANSCDP body (GB/T 28181-2016 Appendix A) that cannot be parsed into any message.
 * The only error the MANSCDP layer throws for bad input: callers answer it (400, or a
 * counter) without a try/catch that swallows programming errors too.
 */
export class ManscdpError extends Error {
  override readonly name = 'ManscdpError';
  constructor(
    readonly reason: ManscdpErrorReason,
    message: string,
  ) {
    super(message);
  }
}
