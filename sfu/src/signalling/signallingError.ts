import type { SignallingErrorCode } from '@argus/shared';

/** A request failure that is the client's to know about; sent back in the error acknowledgement. */
export class SignallingError extends Error {
  override readonly name = 'SignallingError';
  constructor(
    readonly code: SignallingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
