import type { ApiErrorCode } from '@argus/shared';
import { z } from 'zod';
import { describeIssues } from '@argus/shared';
import { AuthError } from '../../auth/authService.js';
import { ConflictError, NotFoundError } from '../../store/store.js';

const STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'password-change-required': 403,
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
  unavailable: 503,
  internal: 500,
};

/** An error answered as `{ error: { code, message } }` with the code's HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** For 429: seconds the client should wait (`Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** Map what a handler threw to an {@link ApiError}; null for an unexpected error (answered 500 and logged). */
export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) return new ApiError('bad-request', describeIssues(error));
  if (error instanceof NotFoundError) return new ApiError('not-found', error.message);
  if (error instanceof ConflictError) return new ApiError('conflict', error.message);
  if (error instanceof AuthError) {
    if (error.code === 'rate-limited') return new ApiError('rate-limited', error.message, Math.ceil(error.retryAfterMs / 1000));
    if (error.code === 'bad-password') return new ApiError('bad-request', error.message);
    return new ApiError('unauthenticated', error.message);
  }
  return null;
}
