import { describe, expect, it } from 'vitest';
import {
  buildAuthorization,
  computeDigestResponse,
  DigestNonces,
  DigestParseError,
  formatDigestChallenge,
  parseAuthParams,
  parseDigestChallenge,
  parseDigestCredentials,
  verifyDigest,
  type NonceState,
} from '../../../sfu/src/ingest/gb28181/sip/digestAuth.js';
import { parseSipMessage, serializeSipMessage } from '../../../sfu/src/ingest/gb28181/sip/sipMessage.js';
import { getFrom, parseSipUri } from '../../../sfu/src/ingest/gb28181/sip/sipHeaderFields.js';
import { createResponse } from '../../../sfu/src/ingest/gb28181/sip/sipResponse.js';
import { captureFiles, wiresharkFrames } from './sipCaptures.js';

const valid = (): NonceState => 'valid';

describe('digest computation: published vectors', () => {
  it('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    expect(
      computeDigestResponse({
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
    // The example's Authorization header, as printed in the RFC (folded, mixed quoting).
    const header = `Digest username="Mufasa",
                 realm="testrealm@host.com",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 uri="/dir/index.html",
                 qop=auth,
                 nc=00000001,
                 cnonce="0a4f113b",
                 response="6629fae49393a05397450978507c4ef1",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41"`;
    expect(verifyDigest(header, 'GET', 'Circle Of Life', { realm: 'testrealm@host.com', checkNonce: valid })).toMatchObject({ ok: true });
    expect(verifyDigest(header, 'GET', 'Circle of Life', { realm: 'testrealm@host.com', checkNonce: valid })).toMatchObject({ ok: false, reason: 'wrong-response' });
    expect(verifyDigest(header, 'POST', 'Circle Of Life', { realm: 'testrealm@host.com', checkNonce: valid })).toMatchObject({ ok: false, reason: 'wrong-response' });
  });

  it('RFC 7616 §3.9.1 (MD5 and SHA-256)', () => {
    const base = {
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      qop: 'auth' as const,
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(computeDigestResponse(base)).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(computeDigestResponse({ ...base, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
});

describe('parsing Authorization and WWW-Authenticate', () => {
  it('reads quoted and unquoted values, commas and escapes inside quotes, any spacing and case', () => {
    const { scheme, params } = parseAuthParams(
      'digest  USERNAME = "34020000001320000001" ,realm=3402000000,, nonce="a,b\\"c" , uri=sip:34020000002000000001@3402000000,response="ABCDEF0123456789abcdef0123456789", algorithm=MD5',
    );
    expect(scheme).toBe('digest');
    expect(Object.fromEntries(params)).toEqual({
      username: '34020000001320000001',
      realm: '3402000000',
      nonce: 'a,b"c',
      uri: 'sip:34020000002000000001@3402000000',
      response: 'ABCDEF0123456789abcdef0123456789',
      algorithm: 'MD5',
    });
    const creds = parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="ABC"');
    expect(creds.response).toBe('abc');
    expect(creds.qop).toBeUndefined();
  });

  it.each([
    ['Digest realm="unterminated', 'malformed'],
    ['Digest realm', 'malformed'],
    ['Digest realm="a" nonce="b"', 'malformed'],
    ['Digest realm="a", realm="b", nonce="c"', 'duplicate-param'],
    ['', 'malformed'],
  ] as const)('refuses %j (%s)', (header, reason) => {
    expect(() => parseAuthParams(header)).toThrow(DigestParseError);
    try {
      parseAuthParams(header);
    } catch (err) {
      expect((err as DigestParseError).reason).toBe(reason);
    }
  });

  it('asks for the parameters a digest needs', () => {
    expect(() => parseDigestChallenge('Basic realm="x"')).toThrow(/not-digest/);
    expect(() => parseDigestChallenge('Digest nonce="x"')).toThrow(/missing-param: realm/);
    expect(() => parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="x"')).toThrow(/missing-param: response/);
    expect(() => parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="x", response="y", qop=auth, nc=00000001')).toThrow(/missing-param: cnonce/);
  });
});

describe('the REGISTER / 401 exchanges in the captures', () => {
  it('SRS 401: realm is the 10-digit domain ID, qop auth', () => {
    const file = captureFiles('srs4_capture').find((f) => f.name.endsWith('09_server_401_unauthorized.sip'));
    const msg = parseSipMessage(Buffer.from((file?.bytes ?? Buffer.alloc(0)).toString('latin1').replace(/^ {3}/gm, ''), 'latin1'));
    const challenge = parseDigestChallenge(msg.headers.get('WWW-Authenticate') ?? '');
    expect(challenge).toMatchObject({ realm: '3402000000', nonce: 'f1da98bd160f3e2efe954c6eedf5f75a', qop: ['auth'], stale: false });
    expect(challenge.algorithm).toBeUndefined();
    // A device answering it: qop=auth, and the platform's check accepts it.
    const authorization = buildAuthorization({
      challenge,
      username: '34020000001320000004',
      password: '12345678',
      method: 'REGISTER',
      uri: 'sip:34020000002000000001@3402000000',
      cnonce: '0a4f113b',
    });
    expect(authorization).toMatch(/qop=auth, nc=00000001/);
    expect(
      verifyDigest(authorization, 'REGISTER', '12345678', { realm: '3402000000', username: '34020000001320000004', checkNonce: (n) => (n === challenge.nonce ? 'valid' : 'invalid') }),
    ).toMatchObject({ ok: true });
  });

  it('Dahua IPC and a python platform: challenge without qop, answer in the RFC 2069 form', () => {
    const frames = wiresharkFrames();
    const challengeMsg = parseSipMessage(frames.find((f) => f.frame === 112)?.bytes ?? Buffer.alloc(0));
    const register = parseSipMessage(frames.find((f) => f.frame === 113)?.bytes ?? Buffer.alloc(0));
    if (register.kind !== 'request') throw new Error('fixture');
    const challenge = parseDigestChallenge(challengeMsg.headers.get('WWW-Authenticate') ?? '');
    expect(challenge).toMatchObject({ realm: '3402000000', nonce: '1560147531-29bec85c6ab25d6f81ee6533582797ec', qop: [] });
    const authorization = register.headers.get('Authorization') ?? '';
    const creds = parseDigestCredentials(authorization);
    expect(creds).toMatchObject({
      username: parseSipUri(getFrom(register).uri).user,
      realm: challenge.realm,
      nonce: challenge.nonce,
      uri: register.uri,
      response: 'b2adfbe6d392085b930ad26105668f27',
      algorithm: 'MD5',
    });
    expect(creds.qop).toBeUndefined();
    // The device's password is not in the capture: a wrong one is refused, the nonce is judged by the caller.
    const options = { realm: '3402000000', username: '34020000001320000001', checkNonce: (n: string): NonceState => (n === challenge.nonce ? 'valid' : 'invalid') };
    expect(verifyDigest(authorization, 'REGISTER', '12345678', options)).toMatchObject({ ok: false, reason: 'wrong-response' });
    expect(verifyDigest(authorization, 'REGISTER', '12345678', { ...options, checkNonce: () => 'invalid' })).toMatchObject({ ok: false, reason: 'bad-nonce' });
    expect(verifyDigest(authorization, 'REGISTER', '12345678', { ...options, requireQop: true })).toMatchObject({ ok: false, reason: 'unsupported-qop' });
    // Our client answers that challenge the way the Dahua did, with the same parameters in the same order.
    const ours = buildAuthorization({ challenge, username: creds.username, password: 'secret', method: 'REGISTER', uri: register.uri });
    expect([...parseDigestCredentials(ours).params.keys()]).toEqual([...creds.params.keys()]);
    expect(verifyDigest(ours, 'REGISTER', 'secret', options)).toMatchObject({ ok: true });
  });
});

describe('server side: challenge, nonces, verification', () => {
  it('formats a challenge that parses back', () => {
    const value = formatDigestChallenge({ realm: '3402000000', nonce: 'abc' });
    expect(value).toBe('Digest realm="3402000000", nonce="abc", algorithm=MD5, qop="auth"');
    expect(parseDigestChallenge(formatDigestChallenge({ realm: 'r', nonce: 'n', qop: false, stale: true, opaque: 'o"x' }))).toMatchObject({
      realm: 'r',
      nonce: 'n',
      qop: [],
      stale: true,
      opaque: 'o"x',
    });
  });

  it('nonces: hex, unique, valid then stale, bound, unforgeable', () => {
    let now = 1_700_000_000_000;
    const nonces = new DigestNonces({ secret: Buffer.alloc(32, 7), lifetimeMs: 60_000, now: () => now });
    const a = nonces.issue('192.0.2.1');
    expect(a).toMatch(/^[0-9a-f]{48}$/);
    expect(nonces.issue('192.0.2.1')).not.toBe(a);
    expect(nonces.check(a, '192.0.2.1')).toBe('valid');
    expect(nonces.check(a, '192.0.2.2')).toBe('invalid');
    expect(nonces.check(a)).toBe('invalid');
    const flipped = a.slice(0, 47) + (a[47] === '0' ? '1' : '0');
    expect(nonces.check(flipped, '192.0.2.1')).toBe('invalid');
    const older = (parseInt(a.slice(0, 8), 16) - 10).toString(16).padStart(8, '0') + a.slice(8);
    expect(nonces.check(older, '192.0.2.1')).toBe('invalid');
    expect(nonces.check('not a nonce')).toBe('invalid');
    expect(new DigestNonces({ now: () => now }).check(a, '192.0.2.1')).toBe('invalid');
    now += 61_000;
    expect(nonces.check(a, '192.0.2.1')).toBe('stale');
  });

  it('verifies a REGISTER answered by our client, and says why it refuses', () => {
    let now = 1_700_000_000_000;
    const nonces = new DigestNonces({ now: () => now });
    const nonce = nonces.issue();
    const challenge = formatDigestChallenge({ realm: '3402000000', nonce });
    const request = {
      username: '34020000001320000001',
      password: 'pw-1',
      method: 'REGISTER',
      uri: 'sip:34020000002000000001@3402000000',
    };
    const options = { realm: '3402000000', username: request.username, checkNonce: (n: string) => nonces.check(n) };
    const good = buildAuthorization({ challenge, ...request });
    expect(verifyDigest(good, 'REGISTER', 'pw-1', options)).toMatchObject({ ok: true, credentials: { username: request.username, qop: 'auth', nc: '00000001' } });
    expect(verifyDigest(good, 'REGISTER', 'pw-2', options)).toMatchObject({ ok: false, reason: 'wrong-response' });
    expect(verifyDigest(good, 'REGISTER', 'pw-1', { ...options, realm: '3402000001' })).toMatchObject({ ok: false, reason: 'realm-mismatch' });
    expect(verifyDigest(good, 'REGISTER', 'pw-1', { ...options, username: '34020000001320000002' })).toMatchObject({ ok: false, reason: 'username-mismatch' });
    expect(verifyDigest(good, 'REGISTER', 'pw-1', { ...options, algorithms: ['SHA-256'] })).toMatchObject({ ok: false, reason: 'unsupported-algorithm' });
    expect(verifyDigest(good.replace('qop=auth', 'qop=auth-int'), 'REGISTER', 'pw-1', options)).toMatchObject({ ok: false, reason: 'unsupported-qop' });
    expect(verifyDigest(good.replace('nc=00000001', 'nc=1'), 'REGISTER', 'pw-1', options)).toMatchObject({ ok: false, reason: 'unsupported-qop' });
    expect(verifyDigest(good.replace('algorithm=MD5', 'algorithm=SHA-512-256'), 'REGISTER', 'pw-1', options)).toMatchObject({ ok: false, reason: 'unsupported-algorithm' });
    expect(verifyDigest('Basic dXNlcjpwdw==', 'REGISTER', 'pw-1', options)).toEqual({ ok: false, reason: 'not-digest' });
    expect(verifyDigest('Digest username="x', 'REGISTER', 'pw-1', options)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyDigest('', 'REGISTER', 'pw-1', options)).toEqual({ ok: false, reason: 'malformed' });
    const shorter = good.replace(/response="[0-9a-f]+"/, 'response="abc"');
    expect(verifyDigest(shorter, 'REGISTER', 'pw-1', options)).toMatchObject({ ok: false, reason: 'wrong-response' });
    // Stale: only a right digest is told so (RFC 2617 §3.2.1); a wrong one stays wrong.
    now += 10 * 60_000;
    expect(verifyDigest(good, 'REGISTER', 'pw-1', options)).toMatchObject({ ok: false, reason: 'stale-nonce' });
    expect(verifyDigest(good, 'REGISTER', 'pw-2', options)).toMatchObject({ ok: false, reason: 'wrong-response' });
  });

  it.each(['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as const)('client and server agree on %s, with and without qop', (algorithm) => {
    for (const qop of [true, false]) {
      const challenge = formatDigestChallenge({ realm: '3402000000', nonce: 'n0nce', algorithm, qop, opaque: 'op' });
      const auth = buildAuthorization({ challenge, username: 'dev', password: 'p', method: 'REGISTER', uri: 'sip:34020000002000000001@3402000000', nc: 3 });
      expect(auth).toContain(`algorithm=${algorithm}`);
      expect(auth).toContain('opaque="op"');
      if (qop) expect(auth).toContain('nc=00000003');
      expect(verifyDigest(auth, 'REGISTER', 'p', { realm: '3402000000', checkNonce: valid })).toMatchObject({ ok: true });
      expect(verifyDigest(auth, 'REGISTER', 'q', { realm: '3402000000', checkNonce: valid })).toMatchObject({ ok: false, reason: 'wrong-response' });
    }
  });

  it('refuses to answer challenges it cannot compute', () => {
    expect(() => buildAuthorization({ challenge: 'Digest realm="r", nonce="n", algorithm=SHA-512-256', username: 'u', password: 'p', method: 'REGISTER', uri: 'sip:a@b' })).toThrow(/algorithm/);
    expect(() => buildAuthorization({ challenge: 'Digest realm="r", nonce="n", qop="auth-int"', username: 'u', password: 'p', method: 'REGISTER', uri: 'sip:a@b' })).toThrow(/qop/);
    expect(buildAuthorization({ challenge: 'Digest realm="r", nonce="n", qop="auth-int,auth"', username: 'u', password: 'p', method: 'REGISTER', uri: 'sip:a@b' })).toContain('qop=auth,');
  });

  it('a full REGISTER round: 401 with challenge, REGISTER with Authorization, verified', () => {
    const nonces = new DigestNonces();
    const register = parseSipMessage(
      Buffer.from(
        'REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.9:5060;rport;branch=z9hG4bK1\r\n' +
          'From: <sip:34020000001320000001@3402000000>;tag=1\r\nTo: <sip:34020000001320000001@3402000000>\r\nCall-ID: 9\r\nCSeq: 1 REGISTER\r\n' +
          'Contact: <sip:34020000001320000001@10.1.1.9:5060>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    if (register.kind !== 'request') throw new Error('fixture');
    const source = { address: '198.51.100.20', port: 40000 };
    const unauthorized = parseSipMessage(
      serializeSipMessage(createResponse(register, 401, { source, headers: [['WWW-Authenticate', formatDigestChallenge({ realm: '3402000000', nonce: nonces.issue(source.address) })]] })),
    );
    const again = { ...register, headers: register.headers.clone() };
    again.headers.set('CSeq', '2 REGISTER');
    again.headers.append(
      'Authorization',
      buildAuthorization({ challenge: unauthorized.headers.get('WWW-Authenticate') ?? '', username: '34020000001320000001', password: 'pw', method: 'REGISTER', uri: register.uri }),
    );
    const received = parseSipMessage(serializeSipMessage(again));
    if (received.kind !== 'request') throw new Error('fixture');
    const verdict = verifyDigest(received.headers.get('Authorization') ?? '', received.method, 'pw', {
      realm: '3402000000',
      username: parseSipUri(getFrom(received).uri).user,
      checkNonce: (n) => nonces.check(n, source.address),
    });
    expect(verdict).toMatchObject({ ok: true });
  });
});
