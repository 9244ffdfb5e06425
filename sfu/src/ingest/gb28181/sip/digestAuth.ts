/**
 * HTTP Digest authentication as SIP uses it (RFC 3261 §22.4) and GB/T 28181-2016 §9.1.2.1
 * requires for REGISTER: the platform answers a first REGISTER with 401 and
 * `WWW-Authenticate: Digest realm="<10-digit SIP domain ID>", nonce="..."`, the device repeats
 * the REGISTER with `Authorization: Digest username="<20-digit device ID>", ...`.
 *
 * - Computation: RFC 2617 §3.2.2 (MD5, MD5-sess; with qop=auth, or without qop as RFC 2069
 *   devices do); RFC 7616 §3.4 adds SHA-256 and SHA-256-sess, accepted too. qop=auth-int is not
 *   supported (no GB/T 28181 device uses it).
 * - Server side: {@link formatDigestChallenge}, {@link DigestNonces} (stateless nonces:
 *   timestamp, random, HMAC: RFC 2617 §3.2.1, RFC 7616 §5.4, §5.12), {@link verifyDigest} (constant-time
 *   comparison of the response; stale nonces per RFC 2617 §3.2.1 and RFC 7616 §3.3).
 * - Client side (device simulator, cascade to a superior platform): {@link parseDigestChallenge},
 *   {@link buildAuthorization}.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Algorithms accepted (RFC 2617 §3.2.1, RFC 7616 §3.3). */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['md5', 'MD5'],
  ['md5-sess', 'MD5-sess'],
  ['sha-256', 'SHA-256'],
  ['sha-256-sess', 'SHA-256-sess'],
]);

export type DigestParseReason = 'not-digest' | 'malformed' | 'duplicate-param' | 'missing-param';

/** An Authorization or WWW-Authenticate value that cannot be read. */
export class DigestParseError extends Error {
  override readonly name = 'DigestParseError';

  constructor(
    readonly reason: DigestParseReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/**
 * Read `Scheme name=value, name="quoted, value", ...` (RFC 2617 §1.2 auth-param, RFC 3261 §25.1
 * LWS rules): names are case-insensitive (returned lower-case), values are tokens or quoted
 * strings (backslash escapes undone; commas inside quotes kept). Unquoted values are read up to
 * the next comma or whitespace, so devices that leave `uri=sip:...` or `algorithm=MD5` unquoted
 * are understood.
 * @throws DigestParseError 'malformed' (no scheme, missing '=', unterminated quote) or 'duplicate-param'
 */
export function parseAuthParams(header: string): { scheme: string; params: Map<string, string> } {
  const s = header.trim();
  const m = /^([A-Za-z0-9\-.!%*_+`'~]+)(?:[ \t]+|$)/.exec(s);
  if (!m) throw new DigestParseError('malformed', 'no authentication scheme');
  const scheme = m[1] ?? '';
  const params = new Map<string, string>();
  let i = m[0].length;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  };
  for (;;) {
    skipWs();
    while (s[i] === ',') {
      i++;
      skipWs();
    }
    if (i >= s.length) break;
    const nameStart = i;
    while (i < s.length && /[A-Za-z0-9\-.!%*_+`'~]/.test(s[i] ?? '')) i++;
    const name = s.slice(nameStart, i).toLowerCase();
    if (name.length === 0) throw new DigestParseError('malformed', `unexpected "${s.slice(i, i + 20)}"`);
    skipWs();
    if (s[i] !== '=') throw new DigestParseError('malformed', `parameter ${name} has no value`);
    i++;
    skipWs();
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const ch = s[i++];
        if (ch === '\\' && i < s.length) value += s[i++];
        else if (ch === '"') {
          closed = true;
          break;
        } else value += ch;
      }
      if (!closed) throw new DigestParseError('malformed', `unterminated quoted value of ${name}`);
    } else {
      const start = i;
      while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
      value = s.slice(start, i);
    }
    if (params.has(name)) throw new DigestParseError('duplicate-param', name);
    params.set(name, value);
    skipWs();
    if (i < s.length && s[i] !== ',') throw new DigestParseError('malformed', `expected ',' after ${name}`);
  }
  return { scheme, params };
}

/** A parsed `WWW-Authenticate: Digest ...` (RFC 2617 §3.2.1, RFC 7616 §3.3). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** Algorithm as written; absent means MD5. */
  algorithm?: string;
  /** qop options offered ("auth", "auth-int"), empty when the challenge has no qop (RFC 2069 style). */
  qop: string[];
  stale: boolean;
  /** Every parameter, lower-case names. */
  params: Map<string, string>;
}

/**
 * Read a WWW-Authenticate (or Proxy-Authenticate) Digest challenge.
 * @throws DigestParseError 'not-digest' | 'malformed' | 'duplicate-param' | 'missing-param' (realm, nonce)
 */
export function parseDigestChallenge(header: string): DigestChallenge {
  const { scheme, params } = parseAuthParams(header);
  if (scheme.toLowerCase() !== 'digest') throw new DigestParseError('not-digest', `scheme ${scheme}`);
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined) throw new DigestParseError('missing-param', 'realm');
  if (nonce === undefined) throw new DigestParseError('missing-param', 'nonce');
  const challenge: DigestChallenge = {
    realm,
    nonce,
    qop: (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase()).filter((q) => q.length > 0),
    stale: (params.get('stale') ?? '').toLowerCase() === 'true',
    params,
  };
  const opaque = params.get('opaque');
  if (opaque !== undefined) challenge.opaque = opaque;
  const algorithm = params.get('algorithm');
  if (algorithm !== undefined) challenge.algorithm = algorithm;
  return challenge;
}

/** A parsed `Authorization: Digest ...` (RFC 2617 §3.2.2, RFC 7616 §3.4). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  /** digest-uri: the Request-URI the client hashed. */
  uri: string;
  /** request-digest, lower-case hex. */
  response: string;
  algorithm?: string;
  qop?: string;
  /** nonce-count, 8 hex digits, with qop. */
  nc?: string;
  cnonce?: string;
  opaque?: string;
  params: Map<string, string>;
}

/**
 * Read an Authorization (or Proxy-Authorization) Digest header.
 * @throws DigestParseError 'not-digest' | 'malformed' | 'duplicate-param' | 'missing-param'
 *   (username, realm, nonce, uri, response; with qop also nc and cnonce)
 */
export function parseDigestCredentials(header: string): DigestCredentials {
  const { scheme, params } = parseAuthParams(header);
  if (scheme.toLowerCase() !== 'digest') throw new DigestParseError('not-digest', `scheme ${scheme}`);
  const need = (name: string): string => {
    const v = params.get(name);
    if (v === undefined) throw new DigestParseError('missing-param', name);
    return v;
  };
  const creds: DigestCredentials = {
    username: need('username'),
    realm: need('realm'),
    nonce: need('nonce'),
    uri: need('uri'),
    response: need('response').toLowerCase(),
    params,
  };
  for (const key of ['algorithm', 'opaque', 'cnonce', 'nc'] as const) {
    const v = params.get(key);
    if (v !== undefined) creds[key] = v;
  }
  const qop = params.get('qop');
  if (qop !== undefined && qop.length > 0) {
    creds.qop = qop.toLowerCase();
    creds.nc = need('nc');
    creds.cnonce = need('cnonce');
  }
  return creds;
}

/** Inputs of the request-digest (RFC 2617 §3.2.2.1-3, RFC 7616 §3.4.1-3). */
export interface DigestInput {
  /** Default MD5. */
  algorithm?: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** "auth", or absent for the RFC 2069 form. */
  qop?: 'auth';
  /** 8 hex digits, with qop. */
  nc?: string;
  /** with qop, or with a -sess algorithm. */
  cnonce?: string;
}

function hashOf(algorithm: DigestAlgorithm): (s: string) => string {
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return (s) => createHash(name).update(s, 'utf8').digest('hex');
}

/**
 * The request-digest, lower-case hex:
 * HA1 = H(username:realm:password) (for -sess: H(H(username:realm:password):nonce:cnonce)),
 * HA2 = H(method:uri),
 * response = H(HA1:nonce:nc:cnonce:qop:HA2) with qop, H(HA1:nonce:HA2) without.
 */
export function computeDigestResponse(input: DigestInput): string {
  const algorithm = input.algorithm ?? 'MD5';
  const H = hashOf(algorithm);
  let ha1 = H(`${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith('-sess')) ha1 = H(`${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const ha2 = H(`${input.method}:${input.uri}`);
  return input.qop
    ? H(`${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`)
    : H(`${ha1}:${input.nonce}:${ha2}`);
}

function quote(value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError('digest parameter holds a line break');
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export interface ChallengeOptions {
  /** GB/T 28181: the platform's 10-digit SIP domain ID. */
  realm: string;
  nonce: string;
  /** Offer qop="auth" (default true). Devices that ignore it answer in RFC 2069 form, which is accepted. */
  qop?: boolean;
  /** Default MD5 (GB/T 28181-2016); written out because some devices require it. */
  algorithm?: DigestAlgorithm;
  /** RFC 2617 §3.2.1: the nonce was stale but the digest right; the client retries without asking again. */
  stale?: boolean;
  opaque?: string;
}

/** A WWW-Authenticate value: `Digest realm="3402000000", nonce="...", algorithm=MD5, qop="auth"`. */
export function formatDigestChallenge(options: ChallengeOptions): string {
  let out = `Digest realm=${quote(options.realm)}, nonce=${quote(options.nonce)}`;
  if (options.opaque !== undefined) out += `, opaque=${quote(options.opaque)}`;
  out += `, algorithm=${options.algorithm ?? 'MD5'}`;
  if (options.qop ?? true) out += ', qop="auth"';
  if (options.stale) out += ', stale=TRUE';
  return out;
}

export interface AuthorizationInput {
  /** The challenge, parsed or as the WWW-Authenticate value. */
  challenge: DigestChallenge | string;
  username: string;
  password: string;
  method: string;
  /** digest-uri: the Request-URI of the request being authorised. */
  uri: string;
  /** Client nonce; default 16 random hex digits. */
  cnonce?: string;
  /** nonce-count, default 1 (RFC 2617 §3.2.2: count the requests sent with this nonce). */
  nc?: number;
}

/**
 * An Authorization value answering a challenge (client side): qop=auth when the challenge
 * offers it, the RFC 2069 form when it offers no qop.
 * @throws DigestParseError when the challenge string does not parse
 * @throws Error when the challenge asks for an unsupported algorithm or only qop=auth-int
 */
export function buildAuthorization(input: AuthorizationInput): string {
  const challenge = typeof input.challenge === 'string' ? parseDigestChallenge(input.challenge) : input.challenge;
  const algorithm = ALGORITHMS.get((challenge.algorithm ?? 'MD5').toLowerCase());
  if (!algorithm) throw new Error(`unsupported digest algorithm ${challenge.algorithm}`);
  if (challenge.qop.length > 0 && !challenge.qop.includes('auth')) throw new Error(`unsupported qop ${challenge.qop.join(',')}`);
  const useQop = challenge.qop.includes('auth');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const response = computeDigestResponse({
    algorithm,
    username: input.username,
    realm: challenge.realm,
    password: input.password,
    method: input.method,
    uri: input.uri,
    nonce: challenge.nonce,
    ...(useQop ? { qop: 'auth' as const, nc, cnonce } : {}),
    ...(algorithm.endsWith('-sess') ? { cnonce } : {}),
  });
  let out =
    `Digest username=${quote(input.username)}, realm=${quote(challenge.realm)}, nonce=${quote(challenge.nonce)}, ` +
    `uri=${quote(input.uri)}, response=${quote(response)}, algorithm=${algorithm}`;
  if (useQop || algorithm.endsWith('-sess')) out += `, cnonce=${quote(cnonce)}`;
  if (useQop) out += `, qop=auth, nc=${nc}`;
  if (challenge.opaque !== undefined) out += `, opaque=${quote(challenge.opaque)}`;
  return out;
}

/** What a nonce check says (see {@link DigestNonces}). */
export type NonceState = 'valid' | 'stale' | 'invalid';

/** Why verification failed. */
export type DigestFailure =
  /** The header does not parse (DigestParseError). */
  | 'malformed'
  /** Not the Digest scheme. */
  | 'not-digest'
  /** realm is not ours. */
  | 'realm-mismatch'
  /** username is not the expected one (GB/T 28181: the device ID in From). */
  | 'username-mismatch'
  | 'unsupported-algorithm'
  /** qop other than auth, or nc not 8 hex digits. */
  | 'unsupported-qop'
  /** The nonce is not one we issued (or was issued for another binding). Answer 401 with a fresh nonce. */
  | 'bad-nonce'
  /** The digest is right but the nonce expired: answer 401 with a fresh nonce and stale=TRUE (RFC 2617 §3.2.1). */
  | 'stale-nonce'
  /** The digest is wrong: wrong password (answer 403, or 401 to let the device retry). */
  | 'wrong-response';

export type DigestVerdict =
  | { ok: true; credentials: DigestCredentials }
  | { ok: false; reason: DigestFailure; credentials?: DigestCredentials };

export interface VerifyDigestOptions {
  /** Our realm (GB/T 28181: the platform's 10-digit domain ID). Compared exactly. */
  realm: string;
  /** Judge the nonce, e.g. `(n) => nonces.check(n, sourceAddress)`. */
  checkNonce: (nonce: string) => NonceState;
  /** When given, the username must equal it (GB/T 28181: the device ID of the From URI). */
  username?: string;
  /** Refuse the RFC 2069 form (no qop). Default false: many GB/T 28181 devices answer without qop. */
  requireQop?: boolean;
  /** Algorithms allowed; default all of {@link DigestAlgorithm}. */
  algorithms?: readonly DigestAlgorithm[];
}

function constantTimeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work either way; the length of a hash is not secret
    return false;
  }
  return timingSafeEqual(x, y);
}

/**
 * Check an Authorization header of a request (server side).
 *
 * The digest-uri is hashed as the client wrote it and not compared with the Request-URI
 * (RFC 2617 §3.2.2.5 suggests it): GB/T 28181 devices write either the Request-URI or
 * `sip:<platform ID>@<domain>`. A stale nonce is reported as 'stale-nonce' only when the digest
 * is right (RFC 2617 §3.2.1), otherwise as 'wrong-response'. The stateless nonce does not
 * stop a replay within its lifetime; keep lifetimes short, or bind nonces to the source address.
 *
 * @param authorization the Authorization header value
 * @param method the request method (REGISTER)
 * @param password the device's password (from the store)
 */
export function verifyDigest(authorization: string, method: string, password: string, options: VerifyDigestOptions): DigestVerdict {
  let credentials: DigestCredentials;
  try {
    credentials = parseDigestCredentials(authorization);
  } catch (err) {
    return { ok: false, reason: err instanceof DigestParseError && err.reason === 'not-digest' ? 'not-digest' : 'malformed' };
  }
  const fail = (reason: DigestFailure): DigestVerdict => ({ ok: false, reason, credentials });
  if (credentials.realm !== options.realm) return fail('realm-mismatch');
  if (options.username !== undefined && credentials.username !== options.username) return fail('username-mismatch');
  const algorithm = ALGORITHMS.get((credentials.algorithm ?? 'MD5').toLowerCase());
  if (!algorithm || (options.algorithms && !options.algorithms.includes(algorithm))) return fail('unsupported-algorithm');
  if (credentials.qop !== undefined) {
    if (credentials.qop !== 'auth' || !/^[0-9a-f]{8}$/i.test(credentials.nc ?? '')) return fail('unsupported-qop');
  } else if (options.requireQop) return fail('unsupported-qop');
  if (algorithm.endsWith('-sess') && credentials.cnonce === undefined) return fail('malformed');
  const nonceState = options.checkNonce(credentials.nonce);
  if (nonceState === 'invalid') return fail('bad-nonce');
  const expected = computeDigestResponse({
    algorithm,
    username: credentials.username,
    realm: credentials.realm,
    password,
    method,
    uri: credentials.uri,
    nonce: credentials.nonce,
    ...(credentials.qop === 'auth' ? { qop: 'auth' as const, nc: credentials.nc ?? '', cnonce: credentials.cnonce ?? '' } : {}),
    ...(credentials.cnonce !== undefined ? { cnonce: credentials.cnonce } : {}),
  });
  if (!constantTimeEqualHex(expected, credentials.response)) return fail('wrong-response');
  if (nonceState === 'stale') return fail('stale-nonce');
  return { ok: true, credentials };
}

export interface DigestNoncesOptions {
  /** HMAC key; default 32 random bytes (nonces then die with the process, and devices simply re-register). */
  secret?: Buffer;
  /** How long a nonce is accepted, ms. Default 5 minutes: a device answers a 401 within a second. */
  lifetimeMs?: number;
  /** Clock, ms since the epoch. Default Date.now. */
  now?: () => number;
}

const NONCE_FORMAT = /^[0-9a-f]{48}$/;

/**
 * Stateless, unguessable, expiring nonces (RFC 2617 §3.2.1 suggests time-stamp plus a keyed
 * hash; RFC 7616 §5.4, §5.5, §5.12): 48 hex digits = 8 of issue time (seconds), 8 random, 32 of
 * HMAC-SHA-256(secret, time ‖ random ‖ binding) truncated to 128 bits. Hex only, because some
 * devices mishandle other characters in a nonce; 48 characters, because some devices keep it
 * in a 64-byte field.
 *
 * `binding` (optional) ties a nonce to something of the request, e.g. the source address or
 * the device ID, so that a nonce issued to one peer is 'invalid' for another.
 */
export class DigestNonces {
  private readonly secret: Buffer;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(options: DigestNoncesOptions = {}) {
    this.secret = options.secret ?? randomBytes(32);
    this.lifetimeMs = options.lifetimeMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private mac(prefix: string, binding: string): string {
    return createHmac('sha256', this.secret).update(`${prefix}:${binding}`, 'utf8').digest('hex').slice(0, 32);
  }

  /** A fresh nonce. */
  issue(binding = ''): string {
    const seconds = Math.floor(this.now() / 1000) >>> 0;
    const prefix = seconds.toString(16).padStart(8, '0') + randomBytes(4).toString('hex');
    return prefix + this.mac(prefix, binding);
  }

  /** 'valid' when issued by us (for this binding) within the lifetime, 'stale' when older, 'invalid' otherwise. */
  check(nonce: string, binding = ''): NonceState {
    if (!NONCE_FORMAT.test(nonce)) return 'invalid';
    const prefix = nonce.slice(0, 16);
    if (!timingSafeEqual(Buffer.from(nonce.slice(16), 'utf8'), Buffer.from(this.mac(prefix, binding), 'utf8'))) return 'invalid';
    const issuedMs = parseInt(prefix.slice(0, 8), 16) * 1000;
    const age = this.now() - issuedMs;
    if (age < -60_000) return 'invalid'; // issued in the future: not by this clock
    return age > this.lifetimeMs ? 'stale' : 'valid';
  }
}
