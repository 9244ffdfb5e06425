/**
 * SIP header fields as an ordered multi-map (RFC 3261 §7.3).
 *
 * - Names are case-insensitive (RFC 3261 §7.3.1) and compact forms (§7.3.3, plus the
 *   single-letter forms registered later: o, u, r, b, x) name the same field as the long form.
 *   Each row is stored under its canonical long name ("i" and "call-id" both become "Call-ID");
 *   unknown names keep the spelling they arrived with.
 * - Rows keep their order, and a name may have several rows (Via, Route, Contact, ...).
 *   A row is never split at commas here: "Via: a, b" is one row whose value lists two Vias
 *   (§7.3.1 allows either way of writing a list); see `splitHeaderList` in sipHeaderFields.ts.
 */

/** One header row: canonical name and value (folding undone, surrounding whitespace trimmed). */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
}

/** RFC 3261 §7.3.3 compact forms, and those registered after it (RFC 3265 o/u, RFC 3515 r, RFC 3892 b, RFC 4028 x). */
const COMPACT_FORMS: ReadonlyMap<string, string> = new Map([
  ['v', 'Via'],
  ['f', 'From'],
  ['t', 'To'],
  ['i', 'Call-ID'],
  ['m', 'Contact'],
  ['l', 'Content-Length'],
  ['c', 'Content-Type'],
  ['k', 'Supported'],
  ['s', 'Subject'],
  ['e', 'Content-Encoding'],
  ['o', 'Event'],
  ['u', 'Allow-Events'],
  ['r', 'Refer-To'],
  ['b', 'Referred-By'],
  ['x', 'Session-Expires'],
]);

/** The spelling RFC 3261 §20 (and the RFCs above) give each header field, by lower-case name. */
const CANONICAL_NAMES: ReadonlyMap<string, string> = new Map(
  [
    'Accept', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
    'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
    'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info',
    'Event', 'Expires', 'From', 'In-Reply-To', 'Max-Forwards', 'Min-Expires', 'MIME-Version', 'Organization',
    'Priority', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'Record-Route', 'Refer-To',
    'Referred-By', 'Reply-To', 'Require', 'Retry-After', 'Route', 'Server', 'Session-Expires', 'Subject',
    'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning',
    'WWW-Authenticate',
  ].map((name) => [name.toLowerCase(), name]),
);

/** RFC 3261 §25.1 `token` characters: a header name is one token. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** True when `s` is a non-empty RFC 3261 §25.1 token (header names, methods, parameter names). */
export function isSipToken(s: string): boolean {
  return TOKEN.test(s);
}

/**
 * The canonical name of a header field: compact forms expanded (RFC 3261 §7.3.3), known
 * names in their RFC spelling, unknown names unchanged.
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT_FORMS.get(lower);
    if (long) return long;
  }
  return CANONICAL_NAMES.get(lower) ?? name;
}

function keyOf(name: string): string {
  return canonicalHeaderName(name).toLowerCase();
}

interface Row {
  key: string;
  name: string;
  value: string;
}

/**
 * Ordered, case-insensitive multi-map of SIP header rows (RFC 3261 §7.3).
 * Lookups accept any case and the compact form: `get('i')`, `get('call-id')` and
 * `get('Call-ID')` read the same rows.
 */
export class SipHeaders implements Iterable<SipHeader> {
  private rows: Row[] = [];

  /** @param entries initial rows, in order, as `[name, value]` pairs. */
  constructor(entries?: Iterable<readonly [string, string]>) {
    if (entries) for (const [name, value] of entries) this.append(name, value);
  }

  /** Number of rows. */
  get size(): number {
    return this.rows.length;
  }

  /** Value of the first row of that name, or undefined. */
  get(name: string): string | undefined {
    const key = keyOf(name);
    return this.rows.find((row) => row.key === key)?.value;
  }

  /** Values of every row of that name, in order. */
  getAll(name: string): string[] {
    const key = keyOf(name);
    return this.rows.filter((row) => row.key === key).map((row) => row.value);
  }

  has(name: string): boolean {
    const key = keyOf(name);
    return this.rows.some((row) => row.key === key);
  }

  /** Add a row at the end. */
  append(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    this.rows.push({ key: canonical.toLowerCase(), name: canonical, value });
    return this;
  }

  /**
   * Make `value` the only row of that name: it replaces the first row (keeping its position)
   * and the others are removed; appended when there was none.
   */
  set(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const key = canonical.toLowerCase();
    const first = this.rows.findIndex((row) => row.key === key);
    if (first < 0) return this.append(canonical, value);
    this.rows = this.rows.filter((row, i) => i === first || row.key !== key);
    this.rows[first] = { key, name: canonical, value };
    return this;
  }

  /** Replace the value of the first row of that name in place. @returns false when there is none. */
  replaceFirst(name: string, value: string): boolean {
    const key = keyOf(name);
    const row = this.rows.find((r) => r.key === key);
    if (!row) return false;
    row.value = value;
    return true;
  }

  /** Remove every row of that name. @returns how many were removed. */
  delete(name: string): number {
    const key = keyOf(name);
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => row.key !== key);
    return before - this.rows.length;
  }

  /** Independent copy. */
  clone(): SipHeaders {
    const copy = new SipHeaders();
    copy.rows = this.rows.map((row) => ({ ...row }));
    return copy;
  }

  /** Rows as `[name, value]` pairs, in order. */
  entries(): Array<[string, string]> {
    return this.rows.map((row) => [row.name, row.value]);
  }

  *[Symbol.iterator](): Iterator<SipHeader> {
    for (const row of this.rows) yield { name: row.name, value: row.value };
  }
}
