import type { ApiErrorCode } from '@argus/shared';

/**
 * Why an API call failed: the server's own codes (shared/src/api.ts), plus
 * - `unreachable`: no answer (network down, server stopped, or a proxy answering 502/503/504 for it;
 *   a 503 with the API's own body is `unavailable`: the analytics worker is not running);
 * - `bad-response`: an answer that is not the API's JSON (e.g. an HTML page).
 */
export type ApiFailureCode = ApiErrorCode | 'unreachable' | 'bad-response';

/** A failed API call, with the server's error code, the HTTP status (0 when there was no answer) and, for 429, the wait. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiFailureCode,
    readonly status: number,
    message: string,
    /** Seconds to wait before retrying (from `Retry-After` on 429), or null. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** Every code the server sends (a Record, so TypeScript notices a code added to ApiErrorCode but not here). */
const SERVER_CODE_RECORD = {
  'bad-request': true,
  unauthenticated: true,
  forbidden: true,
  'password-change-required': true,
  'not-found': true,
  conflict: true,
  'rate-limited': true,
  unavailable: true,
  internal: true,
} as const satisfies Record<ApiErrorCode, true>;
const SERVER_CODES: ReadonlySet<string> = new Set(Object.keys(SERVER_CODE_RECORD));

/**
 * Seconds to wait according to a `Retry-After` header: delta-seconds or an HTTP-date
 * (RFC 9110 §10.2.3), rounded up and never negative. null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The code a status stands for when the body does not name one. */
function codeForStatus(status: number): ApiFailureCode {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate-limited';
    case 502:
    case 503:
    case 504:
      return 'unreachable';
    default:
      return 'internal';
  }
}

/**
 * The ApiError for a failed response: `body` is the parsed JSON (or null when there was none),
 * `{ error: { code, message } }` when the server produced it; otherwise the code is derived
 * from the status (a development proxy answers 502/504 while the SFU is down: `unreachable`).
 */
export function apiErrorFromResponse(status: number, body: unknown, retryAfterHeader: string | null, now: number = Date.now()): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code: ApiFailureCode = typeof error?.code === 'string' && SERVER_CODES.has(error.code) ? (error.code as ApiErrorCode) : codeForStatus(status);
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  return new ApiError(code, status, message, code === 'rate-limited' ? parseRetryAfter(retryAfterHeader, now) : null);
}

/** `error` as an ApiError (anything else thrown becomes `internal` with its message). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('internal', 0, error instanceof Error ? error.message : String(error));
}
