/**
 * Which browser pages may open signalling connections (defence against cross-site WebSocket
 * hijacking: a page elsewhere, open in an operator's browser, must not reach the SFU).
 *
 * Allowed: requests without an `Origin` header (non-browser clients: tools, tests), the wall's
 * own origin (the `Origin` host equals the request's `Host`), and the configured extra origins
 * (e.g. `http://10.1.2.3:5173` for a development server). The HTTP API applies the same rule to writes.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host.toLowerCase() === host.toLowerCase()) return true;
  return allowedOrigins.some((allowed) => allowed.replace(/\/$/, '').toLowerCase() === parsed.origin.toLowerCase());
}
