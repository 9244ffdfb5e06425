import { describe, expect, it } from 'vitest';
import {
  parseSipMessage,
  serializeSipMessage,
  SIP_MAX_HEADER_BYTES,
  type SipMessage,
} from '../../../sfu/src/ingest/gb28181/sip/sipMessage.js';
import { SipParseError, type SipParseReason } from '../../../sfu/src/ingest/gb28181/sip/sipParseError.js';
import { SipHeaders, canonicalHeaderName } from '../../../sfu/src/ingest/gb28181/sip/sipHeaders.js';
import {
  getContacts,
  getCSeq,
  getExpires,
  getFrom,
  getTo,
  getTopVia,
  getVias,
  parseNameAddress,
  parseSipUri,
  parseVia,
  splitHeaderList,
} from '../../../sfu/src/ingest/gb28181/sip/sipHeaderFields.js';
import { createResponse, stampVia } from '../../../sfu/src/ingest/gb28181/sip/sipResponse.js';
import { generateBranch, generateCallId, generateTag } from '../../../sfu/src/ingest/gb28181/sip/sipIdentifiers.js';
import { captureFiles, splitLfMessages, wiresharkFrames } from './sipCaptures.js';
import { mulberry32 } from '@argus/shared';

const rng = mulberry32;

function reasonOf(fn: () => unknown): SipParseReason | 'parsed' {
  try {
    fn();
    return 'parsed';
  } catch (err) {
    if (err instanceof SipParseError) return err.reason;
    throw err;
  }
}

function crlf(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

const REGISTER_LINES = [
  'REGISTER sip:34020000002000000001@3402000000 SIP/2.0',
  'Via: SIP/2.0/UDP 192.168.137.11:5060;rport;branch=z9hG4bK1371463273',
  'From: <sip:34020000001320000003@3402000000>;tag=2043466181',
  'To: <sip:34020000001320000003@3402000000>',
  'Call-ID: 1011047669',
  'CSeq: 1 REGISTER',
  'Contact: <sip:34020000001320000003@192.168.137.11:5060>',
  'Max-Forwards: 70',
  'Expires: 3600',
  'Content-Length: 0',
];

type Expect =
  | { request: string; uri?: string; cseq: string; callId: string; bodyLength: number; extra?: Record<string, string> }
  | { status: number; reason: string; cseq: string; callId: string; bodyLength: number; extra?: Record<string, string> }
  | { rejected: SipParseReason };

/** What each single-message capture holds (read off the files; see MANIFEST.md). */
const SINGLE_MESSAGES: Record<string, Expect> = {
  'srs4_capture/01_ipc_register.sip': { request: 'REGISTER', uri: 'sip:34020000002000000001@3402000000', cseq: '1 REGISTER', callId: '1011047669', bodyLength: 0, extra: { Expires: '3600', 'User-Agent': 'IP Camera' } },
  'srs4_capture/02_server_200ok_register.sip': { status: 200, reason: 'OK', cseq: '1 REGISTER', callId: '1011047669', bodyLength: 0, extra: { 'User-Agent': 'SRS/4.0.4(Leo)' } },
  'srs4_capture/03_ipc_keepalive_message.sip': { request: 'MESSAGE', cseq: '20 MESSAGE', callId: '1185236415', bodyLength: 175, extra: { 'Content-Type': 'Application/MANSCDP+xml', 'Content-Length': '175' } },
  'srs4_capture/04_server_200ok_keepalive.sip': { status: 200, reason: 'OK', cseq: '20 MESSAGE', callId: '1185236415', bodyLength: 0 },
  'srs4_capture/05_server_invite_udp.sip': { request: 'INVITE', uri: 'sip:34020000001320000003@3402000000', cseq: '20 INVITE', callId: '200008805', bodyLength: 164, extra: { Subject: '34020000001320000003:630886,34020000002000000001:0', 'Max-Forwards': '70', 'Content-Type': 'Application/SDP' } },
  'srs4_capture/06_ipc_100_trying.sip': { status: 100, reason: 'Trying', cseq: '20 INVITE', callId: '200008805', bodyLength: 0 },
  'srs4_capture/07_ipc_200ok_invite_sdp.sip': { status: 200, reason: 'OK', cseq: '20 INVITE', callId: '200008805', bodyLength: 263, extra: { 'Content-Type': 'application/sdp' } },
  'srs4_capture/08_server_ack.sip': { request: 'ACK', cseq: '20 ACK', callId: '200008805', bodyLength: 0 },
  'srs4_capture/09_server_401_unauthorized.sip': { rejected: 'bad-start-line' },
  'srs4_capture/10_server_bye.sip': { request: 'BYE', cseq: '79 BYE', callId: '200008805', bodyLength: 0 },
  'srs4_capture/11_ipc_200ok_bye.sip': { status: 200, reason: 'OK', cseq: '79 BYE', callId: '200008805', bodyLength: 0 },
  'srs4_capture/12_server_message_query_catalog.sip': { request: 'MESSAGE', uri: 'sip:34020000001110000001@192.168.1.21:5060', cseq: '32 MESSAGE', callId: '728315752', bodyLength: 162 },
  'srs4_capture/13_nvr_200ok_query.sip': { status: 200, reason: 'OK', cseq: '32 MESSAGE', callId: '728315752', bodyLength: 0, extra: { 'User-Agent': 'Embedded Net DVR/NVR/DVS' } },
  'srs4_capture/14_server_200ok.sip': { status: 200, reason: 'OK', cseq: '32 MESSAGE', callId: '728315752', bodyLength: 0 },
  'srs4_capture/15_nvr_message_catalog_response.sip': { rejected: 'content-length-mismatch' },
  'srs6_utest_tcp/tcp_01_ipc_register.sip': { request: 'REGISTER', cseq: '1 REGISTER', callId: '393945367', bodyLength: 0 },
  'srs6_utest_tcp/tcp_02_server_200ok_register.sip': { status: 200, reason: 'OK', cseq: '1 REGISTER', callId: '393945367', bodyLength: 0 },
  'srs6_utest_tcp/tcp_03_server_invite_tcp.sip': { request: 'INVITE', cseq: '854 INVITE', callId: '854k7337207yxpfj', bodyLength: 168, extra: { Server: 'SRS/5.0.65(Bee)' } },
  'srs6_utest_tcp/tcp_04_ipc_100_trying.sip': { status: 100, reason: 'Trying', cseq: '854 INVITE', callId: '854k7337207yxpfj', bodyLength: 0 },
  'srs6_utest_tcp/tcp_05_ipc_200ok_sdp.sip': { status: 200, reason: 'OK', cseq: '854 INVITE', callId: '854k7337207yxpfj', bodyLength: 205 },
  'srs6_utest_tcp/tcp_06_server_ack.sip': { request: 'ACK', cseq: '854 ACK', callId: '854k7337207yxpfj', bodyLength: 0 },
  // A whole TCP read holding two messages is not one datagram: the second message is excess body.
  'srs6_utest_tcp/tcp_framing_two_messages_one_buffer.bin': { rejected: 'content-length-mismatch' },
  'srs6_utest_tcp/tcp_framing_two_messages_with_bodies.bin': { rejected: 'content-length-mismatch' },
};

const singleFiles = [...captureFiles('srs4_capture'), ...captureFiles('srs6_utest_tcp', ['.sip', '.bin'])];

let goodMessages: Array<{ name: string; bytes: Buffer }> | undefined;

/** Every message in the captures that parses, for round trips and mutation. */
function allGoodMessages(): Array<{ name: string; bytes: Buffer }> {
  if (goodMessages) return goodMessages;
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const f of singleFiles) if (!('rejected' in (SINGLE_MESSAGES[f.name] ?? { rejected: 'empty' }))) out.push(f);
  for (const file of captureFiles('dahua_flylab', ['.txt'])) {
    if (file.name.includes('wireshark')) continue;
    splitLfMessages(file.bytes).forEach((bytes, i) => out.push({ name: `${file.name}#${i}`, bytes }));
  }
  for (const f of wiresharkFrames()) out.push({ name: `wireshark frame ${f.frame}`, bytes: f.bytes });
  goodMessages = out;
  return out;
}

describe('SIP captures replay', () => {
  it('knows every single-message capture file', () => {
    expect(singleFiles.map((f) => f.name).sort()).toEqual(Object.keys(SINGLE_MESSAGES).sort());
  });

  it.each(singleFiles.map((f) => [f.name, f] as const))('%s', (name, file) => {
    const want = SINGLE_MESSAGES[name];
    if (!want) throw new Error(`no expectation for ${name}`);
    if ('rejected' in want) {
      expect(reasonOf(() => parseSipMessage(file.bytes))).toBe(want.rejected);
      return;
    }
    const msg = parseSipMessage(file.bytes);
    if ('request' in want) {
      expect(msg.kind).toBe('request');
      if (msg.kind !== 'request') return;
      expect(msg.method).toBe(want.request);
      if (want.uri) expect(msg.uri).toBe(want.uri);
    } else {
      expect(msg.kind).toBe('response');
      if (msg.kind !== 'response') return;
      expect(msg.status).toBe(want.status);
      expect(msg.reason).toBe(want.reason);
    }
    expect(msg.headers.get('CSeq')).toBe(want.cseq);
    expect(msg.headers.get('Call-ID')).toBe(want.callId);
    expect(msg.body.length).toBe(want.bodyLength);
    expect(Number(msg.headers.get('Content-Length'))).toBe(want.bodyLength);
    for (const [k, v] of Object.entries(want.extra ?? {})) expect(msg.headers.get(k)).toBe(v);
    // Every message has a readable top Via, From, To and CSeq.
    expect(getTopVia(msg).branch).toMatch(/^z9hG4bK/);
    expect(getFrom(msg).uri).toMatch(/^sip:/);
    expect(getTo(msg).uri).toMatch(/^sip:/);
    expect(getCSeq(msg).method).toBe(want.cseq.split(' ')[1]);
  });

  it('keeps the keepalive body as bytes: CRLF headers, LF-only XML, padded Content-Length', () => {
    const file = singleFiles.find((f) => f.name.endsWith('03_ipc_keepalive_message.sip'));
    const msg = parseSipMessage(file?.bytes ?? Buffer.alloc(0));
    expect(msg.body.toString('latin1')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Notify>\n/);
    expect(msg.body.includes('\r')).toBe(false);
  });

  it('refuses the indented 401 transcript, and reads it once the indentation is removed', () => {
    const file = singleFiles.find((f) => f.name.endsWith('09_server_401_unauthorized.sip'));
    const bytes = file?.bytes ?? Buffer.alloc(0);
    expect(() => parseSipMessage(bytes)).toThrow(/bad-start-line/);
    const dedented = Buffer.from(bytes.toString('latin1').replace(/^ {3}/gm, ''), 'latin1');
    const msg = parseSipMessage(dedented);
    expect(msg.kind === 'response' && msg.status).toBe(401);
    expect(msg.headers.get('WWW-Authenticate')).toBe('Digest realm="3402000000",qop="auth",nonce="f1da98bd160f3e2efe954c6eedf5f75a"');
    const via = getTopVia(msg);
    expect(via).toMatchObject({ host: '192.168.137.92', port: 5061, rport: 61378, received: '192.168.1.13', branch: 'z9hG4bK802519080' });
  });

  it('refuses the catalog whose Content-Length is 36 bytes short, with the headers kept for a 400', () => {
    const file = singleFiles.find((f) => f.name.endsWith('15_nvr_message_catalog_response.sip'));
    const bytes = file?.bytes ?? Buffer.alloc(0);
    let error: unknown;
    try {
      parseSipMessage(bytes);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SipParseError);
    const e = error as SipParseError;
    expect(e.reason).toBe('content-length-mismatch');
    expect(e.header).toBe('Content-Length');
    expect(e.partial?.kind).toBe('request');
    expect(e.partial?.headers.get('Call-ID')).toBe('685380150');
    expect(createResponse(e.partial as Extract<SipMessage, { kind: 'request' }>, 400).status).toBe(400);
    // With the Content-Length the transcript lost put back, it parses.
    const text = bytes.toString('latin1');
    const bodyLength = bytes.length - (text.indexOf('\r\n\r\n') + 4);
    expect(bodyLength).toBe(945);
    const fixed = parseSipMessage(Buffer.from(text.replace('Content-Length:   909', `Content-Length: ${bodyLength}`), 'latin1'));
    expect(fixed.body.toString('latin1')).toContain('<SumNum>8</SumNum>');
    expect(fixed.kind === 'request' && fixed.uri).toBe('sip:34020000001110000001@3402000000.spvmn.cn');
  });

  it('parses the LF-only Dahua/FlyLab files message by message', () => {
    const [queries, responses] = ['catalog_queries.txt', 'catalog_responses_dahua.txt'].map((n) =>
      splitLfMessages(captureFiles('dahua_flylab', ['.txt']).find((f) => f.name.endsWith(n))?.bytes ?? Buffer.alloc(0)),
    );
    expect(queries).toHaveLength(17);
    expect(responses).toHaveLength(17);
    for (const raw of [...(queries ?? []), ...(responses ?? [])]) {
      expect(raw.includes('\r')).toBe(false);
      const msg = parseSipMessage(raw);
      expect(msg.kind === 'request' && msg.method).toBe('MESSAGE');
      expect(msg.body.length).toBe(Number(msg.headers.get('Content-Length')));
      expect(msg.headers.get('Content-Type')).toBe('Application/MANSCDP+xml');
    }
    const query = parseSipMessage(queries?.[0] ?? Buffer.alloc(0));
    expect(getFrom(query).uri).toBe('sip:0000042001000001@0.0.0.0:5080');
    expect(getTopVia(query)).toMatchObject({ host: '0.0.0.0', port: 5080, rportRequested: true });
    const response = parseSipMessage(responses?.[0] ?? Buffer.alloc(0));
    expect(response.body.toString('latin1')).toContain('<Model>IPC-HDW2230C-A-V2</Model>');
    expect(response.headers.get('Call-ID')).toBe('2107091374@192.168.28.110');
  });

  it('rebuilds every SIP frame of the Wireshark export byte-exactly and parses it', () => {
    const frames = wiresharkFrames();
    expect(frames).toHaveLength(88);
    const kinds = new Map<string, number>();
    for (const f of frames) {
      expect(f.bytes.length, `frame ${f.frame}`).toBe(f.wireLength);
      const msg = parseSipMessage(f.bytes);
      const key = msg.kind === 'request' ? msg.method : `${msg.status} ${msg.reason}`;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
      expect(msg.body.length).toBe(Number(msg.headers.get('Content-Length')));
    }
    expect(Object.fromEntries(kinds)).toEqual({
      MESSAGE: 37,
      '400 Bad Request': 1,
      REGISTER: 2,
      '401 Unauthorized': 1,
      '200 OK': 36,
      SUBSCRIBE: 1,
      '101 Dialog Establishement': 3,
      INVITE: 2,
      '100 Trying': 2,
      ACK: 2,
      BYE: 1,
    });
  });

  it('reads the Dahua INVITE answer: SSRC 0, f= line, stream profile', () => {
    const answer = wiresharkFrames().find((f) => f.frame === 1715);
    const msg = parseSipMessage(answer?.bytes ?? Buffer.alloc(0));
    const sdp = msg.body.toString('latin1');
    expect(sdp).toContain('y=0000000000\r\n');
    expect(sdp).toContain('f=v/0/0/0/0/0a/0/0/0\r\n');
    expect(sdp).toContain('a=streamprofile:0\r\n');
    expect(getTo(msg).tag).toBe('92381153');
    expect(getContacts(msg).contacts[0]?.uri).toBe('sip:34020000001320000001@192.168.28.110:5060');
  });

  it('round-trips every capture: serialize → parse gives the same message, and serializing again the same bytes', () => {
    for (const { name, bytes } of allGoodMessages()) {
      const first = parseSipMessage(bytes);
      const wire = serializeSipMessage(first);
      const second = parseSipMessage(wire);
      expect(second, name).toEqual(first);
      expect(serializeSipMessage(second).equals(wire), name).toBe(true);
      const head = wire.subarray(0, wire.indexOf('\r\n\r\n') + 4).toString('latin1');
      expect(head.replace(/\r\n/g, '').includes('\n'), name).toBe(false);
      expect(head).toContain(`\r\nContent-Length: ${first.body.length}\r\n`);
    }
  });
});

describe('parseSipMessage tolerates what devices send', () => {
  it('LF-only line endings', () => {
    const msg = parseSipMessage(Buffer.from(`${REGISTER_LINES.join('\n')}\n\n`));
    expect(msg.kind === 'request' && msg.method).toBe('REGISTER');
    expect(msg.headers.get('Expires')).toBe('3600');
  });

  it('header folding and extra whitespace', () => {
    const msg = parseSipMessage(
      crlf([
        'MESSAGE sip:34020000002000000001@3402000000 SIP/2.0  ',
        'Via: SIP/2.0/UDP 10.0.0.2:5060',
        '  ;rport;branch=z9hG4bKabc',
        'From   :   <sip:34020000001320000001@3402000000>;tag=1',
        'To:<sip:34020000002000000001@3402000000>',
        'Call-ID:\t77',
        'CSeq:   20    MESSAGE',
        'Subject: a,',
        '\tb',
        'Content-Length:   2  ',
      ], 'ok'),
    );
    expect(msg.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.2:5060 ;rport;branch=z9hG4bKabc');
    expect(getTopVia(msg)).toMatchObject({ sentBy: '10.0.0.2:5060', branch: 'z9hG4bKabc', rportRequested: true });
    expect(msg.headers.get('From')).toBe('<sip:34020000001320000001@3402000000>;tag=1');
    expect(msg.headers.get('Subject')).toBe('a, b');
    expect(getCSeq(msg)).toEqual({ seq: 20, method: 'MESSAGE' });
    expect(msg.body.toString()).toBe('ok');
  });

  it('compact header names, read by either name', () => {
    const msg = parseSipMessage(
      crlf([
        'MESSAGE sip:a@b SIP/2.0',
        'v: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1',
        'f: <sip:x@b>;tag=1',
        't: <sip:a@b>',
        'i: abc',
        'CSEQ: 1 MESSAGE',
        'c: Application/MANSCDP+xml',
        'm: <sip:x@10.0.0.2>',
        'k: timer',
        's: subject',
        'e: gzip',
        'l: 3',
      ], 'xyz'),
    );
    expect(msg.headers.entries().map(([n]) => n)).toEqual([
      'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Type', 'Contact', 'Supported', 'Subject', 'Content-Encoding', 'Content-Length',
    ]);
    expect(msg.headers.get('call-id')).toBe('abc');
    expect(msg.headers.get('I')).toBe('abc');
    expect(msg.headers.get('l')).toBe('3');
    expect(canonicalHeaderName('www-authenticate')).toBe('WWW-Authenticate');
    expect(canonicalHeaderName('X-Custom')).toBe('X-Custom');
  });

  it('any reason phrase, or none', () => {
    const lines = (start: string): Buffer => crlf([start, ...REGISTER_LINES.slice(1)]);
    const a = parseSipMessage(lines('SIP/2.0 101 Dialog Establishement'));
    expect(a.kind === 'response' && [a.status, a.reason]).toEqual([101, 'Dialog Establishement']);
    const b = parseSipMessage(lines('SIP/2.0 200'));
    expect(b.kind === 'response' && [b.status, b.reason]).toEqual([200, '']);
    const c = parseSipMessage(lines('SIP/2.0 200 成功'));
    expect(c.kind === 'response' && c.reason).toBe('成功');
  });

  it('no Content-Length over UDP: the body is the rest of the datagram', () => {
    const lines = REGISTER_LINES.filter((l) => !l.startsWith('Content-Length')).map((l) => l.replace('REGISTER', 'MESSAGE'));
    const msg = parseSipMessage(crlf(lines, '<Notify/>\r\n'));
    expect(msg.body.toString()).toBe('<Notify/>\r\n');
  });

  it('line breaks before the start line, padding after the body', () => {
    const msg = parseSipMessage(Buffer.concat([Buffer.from('\r\n\r\n'), crlf(REGISTER_LINES), Buffer.from('\r\n\0\0 ')]));
    expect(msg.body.length).toBe(0);
  });

  it('no blank line after the last header when there is no body (python test platforms)', () => {
    const msg = parseSipMessage(Buffer.from(`${REGISTER_LINES.join('\n')}\n`));
    expect(msg.body.length).toBe(0);
    expect(reasonOf(() => parseSipMessage(Buffer.from(`${REGISTER_LINES.join('\n').replace('Content-Length: 0', 'Content-Length: 5')}\n`)))).toBe(
      'content-length-mismatch',
    );
  });

  it('keeps bodies as bytes, GB2312 included', () => {
    const gb2312Name = Buffer.from([0xb6, 0xab, 0xc3, 0xc5]); // 东门 in GB2312
    const body = Buffer.concat([Buffer.from('<Name>'), gb2312Name, Buffer.from('</Name>')]);
    const head = Buffer.from(`${REGISTER_LINES.slice(0, -1).join('\r\n').replace(/REGISTER/g, 'MESSAGE')}\r\nContent-Length: ${body.length}\r\n\r\n`);
    const msg = parseSipMessage(Buffer.concat([head, body]));
    expect(msg.body.equals(body)).toBe(true);
    expect(serializeSipMessage(msg).subarray(-body.length).equals(body)).toBe(true);
  });
});

describe('parseSipMessage refuses, with a reason', () => {
  const valid = REGISTER_LINES;
  const without = (prefix: string): string[] => valid.filter((l) => !l.startsWith(prefix));
  const replace = (prefix: string, line: string): string[] => valid.map((l) => (l.startsWith(prefix) ? line : l));

  const cases: Array<[string, Buffer, SipParseReason, string?]> = [
    ['empty buffer', Buffer.alloc(0), 'empty'],
    ['only line breaks', Buffer.from('\r\n\r\n\n'), 'empty'],
    ['1 MB of headers', Buffer.concat([crlf(valid.slice(0, -1)).subarray(0, -2), Buffer.alloc(1 << 20, 'a'), Buffer.from('\r\n\r\n')]), 'message-too-large'],
    ['20 KB header section', crlf([...valid.slice(0, -1), `X-Long: ${'a'.repeat(20_000)}`, 'Content-Length: 0']), 'headers-too-large'],
    ['message ends inside a header line', Buffer.from(valid.join('\r\n')), 'unterminated-headers'],
    ['binary start line', Buffer.from([0x00, 0x01, 0x02, 0x0d, 0x0a, 0x0d, 0x0a]), 'bad-start-line'],
    ['two-word start line', crlf(['REGISTER SIP/2.0', ...valid.slice(1)]), 'bad-start-line'],
    ['method not a token', crlf(['REG(ISTER sip:a@b SIP/2.0', ...valid.slice(1)]), 'bad-start-line'],
    ['HTTP request', crlf(['GET / HTTP/1.1', 'Host: x']), 'bad-version'],
    ['SIP/3.0 request', crlf(['REGISTER sip:a@b SIP/3.0', ...valid.slice(1)]), 'bad-version'],
    ['SIP/1.0 response', crlf(['SIP/1.0 200 OK', ...valid.slice(1)]), 'bad-version'],
    ['status 099', crlf(['SIP/2.0 099 Early', ...valid.slice(1)]), 'bad-status-code'],
    ['status 700', crlf(['SIP/2.0 700 Late', ...valid.slice(1)]), 'bad-status-code'],
    ['status 2OO', crlf(['SIP/2.0 2OO OK', ...valid.slice(1)]), 'bad-status-code'],
    ['relative Request-URI', crlf(['REGISTER /register SIP/2.0', ...valid.slice(1)]), 'bad-request-uri'],
    ['header without colon', crlf([...valid.slice(0, 3), 'Garbage line', ...valid.slice(3)]), 'header-without-colon'],
    ['header name with space', crlf([...valid.slice(0, 3), 'Bad Name: x', ...valid.slice(3)]), 'bad-header-name'],
    ['empty header name', crlf([...valid.slice(0, 3), ': x', ...valid.slice(3)]), 'bad-header-name'],
    ['continuation first', crlf([valid[0] ?? '', ' folded', ...valid.slice(1)]), 'bad-folding'],
    ['latin-1 header bytes', Buffer.concat([crlf(valid.slice(0, -1)).subarray(0, -2), Buffer.from([0x58, 0x3a, 0x20, 0xff, 0x0d, 0x0a]), Buffer.from('Content-Length: 0\r\n\r\n')]), 'bad-header-encoding'],
    ['NUL in a header value', crlf(replace('User-Agent', 'User-Agent: a\u0000b').concat('User-Agent: a\u0000b')), 'bad-header-value', 'User-Agent'],
    ['malformed Via', crlf(replace('Via', 'Via: 192.168.1.1:5060')), 'bad-header-value', 'Via'],
    ['Via of another protocol', crlf(replace('Via', 'Via: HTTP/1.1/TCP 192.168.1.1')), 'bad-header-value', 'Via'],
    ['malformed From', crlf(replace('From', 'From: <sip:a@b')), 'bad-header-value', 'From'],
    ['Call-ID with spaces', crlf(replace('Call-ID', 'Call-ID: a b')), 'bad-header-value', 'Call-ID'],
    ['no Via', crlf(without('Via')), 'missing-header', 'Via'],
    ['no From', crlf(without('From')), 'missing-header', 'From'],
    ['no To', crlf(without('To')), 'missing-header', 'To'],
    ['no Call-ID', crlf(without('Call-ID')), 'missing-header', 'Call-ID'],
    ['no CSeq', crlf(without('CSeq')), 'missing-header', 'CSeq'],
    ['two CSeq', crlf([...valid.slice(0, -1), 'CSeq: 2 REGISTER', 'Content-Length: 0']), 'duplicate-header', 'CSeq'],
    ['two Call-ID, one compact', crlf([...valid.slice(0, -1), 'i: other', 'Content-Length: 0']), 'duplicate-header', 'Call-ID'],
    ['CSeq without method', crlf(replace('CSeq', 'CSeq: 1')), 'bad-cseq', 'CSeq'],
    ['CSeq not a number', crlf(replace('CSeq', 'CSeq: one REGISTER')), 'bad-cseq', 'CSeq'],
    ['CSeq 2^31', crlf(replace('CSeq', 'CSeq: 2147483648 REGISTER')), 'bad-cseq', 'CSeq'],
    ['CSeq method differs', crlf(replace('CSeq', 'CSeq: 1 INVITE')), 'bad-cseq', 'CSeq'],
    ['Content-Length not a number', crlf(replace('Content-Length', 'Content-Length: abc')), 'bad-content-length', 'Content-Length'],
    ['Content-Length negative', crlf(replace('Content-Length', 'Content-Length: -1')), 'bad-content-length', 'Content-Length'],
    ['two Content-Length', crlf([...valid, 'l: 0']), 'duplicate-header', 'Content-Length'],
    ['truncated body', crlf(replace('Content-Length', 'Content-Length: 100'), 'short'), 'content-length-mismatch', 'Content-Length'],
    ['a second message in the datagram', Buffer.concat([crlf(valid), crlf(valid)]), 'content-length-mismatch', 'Content-Length'],
  ];

  it.each(cases)('%s', (_label, bytes, reason, header) => {
    let error: unknown;
    try {
      parseSipMessage(bytes);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SipParseError);
    expect((error as SipParseError).reason).toBe(reason);
    if (header) expect((error as SipParseError).header).toBe(header);
  });

  it('the header limit is 16 KiB', () => {
    const filler = (n: number): string[] => [...valid.slice(0, -1), `X-Fill: ${'a'.repeat(n)}`, 'Content-Length: 0'];
    const base = crlf(filler(0)).length;
    expect(reasonOf(() => parseSipMessage(crlf(filler(SIP_MAX_HEADER_BYTES - base))))).toBe('parsed');
    expect(reasonOf(() => parseSipMessage(crlf(filler(SIP_MAX_HEADER_BYTES - base + 1))))).toBe('headers-too-large');
  });

  it('every truncation of every kind of captured message is refused or parses, never anything else; cuts in a body are mismatches', () => {
    // One message per start line and CSeq method: the 35 keepalives of the Wireshark export add nothing new.
    const kinds = new Map<string, { name: string; bytes: Buffer }>();
    for (const m of allGoodMessages()) {
      const msg = parseSipMessage(m.bytes);
      const key = `${msg.kind === 'request' ? msg.method : msg.status} ${msg.headers.get('CSeq')?.split(' ')[1]} ${m.bytes.includes('\r\n')}`;
      if (!kinds.has(key)) kinds.set(key, m);
    }
    expect(kinds.size).toBeGreaterThan(15);
    for (const { name, bytes } of kinds.values()) {
      const crlfEnd = bytes.indexOf('\r\n\r\n');
      const bodyStart = crlfEnd >= 0 ? crlfEnd + 4 : bytes.indexOf('\n\n') + 2;
      const bodyEnd = bodyStart + Number(parseSipMessage(bytes).headers.get('Content-Length'));
      for (let cut = 0; cut < bytes.length; cut++) {
        const reason = reasonOf(() => parseSipMessage(bytes.subarray(0, cut)));
        if (cut >= bodyStart && cut < bodyEnd) {
          expect(reason, `${name} cut at ${cut}`).toBe('content-length-mismatch');
        }
      }
    }
  });

  it('random binary garbage is refused', () => {
    const random = rng(28181);
    for (let n = 0; n < 2000; n++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      expect(reasonOf(() => parseSipMessage(bytes))).not.toBe('parsed');
    }
  });

  it('mutated captures are refused or parsed, quickly, never with another error', () => {
    const random = rng(3261);
    const messages = allGoodMessages();
    const started = performance.now();
    const reasons = new Map<string, number>();
    for (let n = 0; n < 5000; n++) {
      const source = messages[Math.floor(random() * messages.length)]?.bytes ?? Buffer.alloc(0);
      const bytes = Buffer.from(source);
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * bytes.length);
        const choice = random();
        if (choice < 0.5) bytes[at] = Math.floor(random() * 256);
        else if (choice < 0.7) bytes[at] = [0x0d, 0x0a, 0x3a, 0x20, 0x3b][Math.floor(random() * 5)] ?? 0;
        else bytes.fill(0x41, at, Math.min(bytes.length, at + 1 + Math.floor(random() * 40)));
      }
      const reason = reasonOf(() => parseSipMessage(bytes));
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(reasons.get('parsed')).toBeGreaterThan(0);
    expect(reasons.size).toBeGreaterThan(5);
  });
});

describe('serializeSipMessage', () => {
  it('writes CRLF, canonical names and the right Content-Length, without changing the message', () => {
    const headers = new SipHeaders([
      ['v', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1'],
      ['f', '<sip:a@b>;tag=1'],
      ['t', '<sip:c@b>'],
      ['i', 'x'],
      ['cseq', '2 MESSAGE'],
      ['Content-Length', '999'],
      ['c', 'Application/MANSCDP+xml'],
    ]);
    const msg: SipMessage = { kind: 'request', method: 'MESSAGE', uri: 'sip:c@b', headers, body: Buffer.from('<x/>') };
    expect(serializeSipMessage(msg).toString()).toBe(
      'MESSAGE sip:c@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@b>\r\n' +
        'Call-ID: x\r\nCSeq: 2 MESSAGE\r\nContent-Length: 4\r\nContent-Type: Application/MANSCDP+xml\r\n\r\n<x/>',
    );
    expect(headers.get('Content-Length')).toBe('999');
    headers.delete('Content-Length');
    expect(serializeSipMessage(msg).toString()).toMatch(/Content-Type: Application\/MANSCDP\+xml\r\nContent-Length: 4\r\n\r\n<x\/>$/);
  });

  it('refuses to write line breaks into headers or the start line', () => {
    const headers = new SipHeaders([['Subject', 'a\r\nInjected: 1']]);
    expect(() => serializeSipMessage({ kind: 'request', method: 'MESSAGE', uri: 'sip:a@b', headers, body: Buffer.alloc(0) })).toThrow(TypeError);
    expect(() => serializeSipMessage({ kind: 'response', status: 200, reason: 'OK\r\nX: 1', headers: new SipHeaders(), body: Buffer.alloc(0) })).toThrow(TypeError);
    expect(() => serializeSipMessage({ kind: 'request', method: 'MESSAGE', uri: 'sip:a b', headers: new SipHeaders(), body: Buffer.alloc(0) })).toThrow(TypeError);
    expect(() => serializeSipMessage({ kind: 'request', method: 'MES SAGE', uri: 'sip:a@b', headers: new SipHeaders(), body: Buffer.alloc(0) })).toThrow(TypeError);
    expect(() => serializeSipMessage({ kind: 'response', status: 99, reason: '', headers: new SipHeaders(), body: Buffer.alloc(0) })).toThrow(TypeError);
  });
});

describe('SipHeaders', () => {
  it('is ordered, multi-valued and case-insensitive', () => {
    const h = new SipHeaders();
    h.append('Via', 'a').append('v', 'b').append('X-One', '1').append('VIA', 'c');
    expect(h.getAll('via')).toEqual(['a', 'b', 'c']);
    expect(h.size).toBe(4);
    h.set('Via', 'z');
    expect(h.entries()).toEqual([['Via', 'z'], ['X-One', '1']]);
    expect(h.replaceFirst('x-one', '2')).toBe(true);
    expect(h.replaceFirst('Missing', '2')).toBe(false);
    expect(h.delete('X-ONE')).toBe(1);
    expect(h.has('x-one')).toBe(false);
    const copy = h.clone();
    copy.append('Via', 'y');
    expect(h.getAll('Via')).toEqual(['z']);
    expect([...copy]).toEqual([{ name: 'Via', value: 'z' }, { name: 'Via', value: 'y' }]);
  });
});

describe('header field readers', () => {
  const register = parseSipMessage(crlf(REGISTER_LINES));

  it('Via: sent-by, branch, rport, received; lists split at commas', () => {
    expect(getTopVia(register)).toMatchObject({
      protocol: 'SIP/2.0',
      transport: 'UDP',
      sentBy: '192.168.137.11:5060',
      host: '192.168.137.11',
      port: 5060,
      branch: 'z9hG4bK1371463273',
      rportRequested: true,
    });
    expect(getTopVia(register).rport).toBeUndefined();
    const two = parseSipMessage(crlf([...REGISTER_LINES.slice(0, 1), 'Via: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKa, SIP/2.0/UDP proxy.example;received=10.0.0.9;rport=7000', ...REGISTER_LINES.slice(1)]));
    const vias = getVias(two);
    expect(vias.map((v) => [v.transport, v.host, v.port, v.received, v.rport])).toEqual([
      ['TCP', '[2001:db8::1]', 5061, undefined, undefined],
      ['UDP', 'proxy.example', undefined, '10.0.0.9', 7000],
      ['UDP', '192.168.137.11', 5060, undefined, undefined],
    ]);
    expect(() => parseVia('SIP/2.0/UDP host:99999')).toThrow(SipParseError);
    expect(splitHeaderList('"a, b" <sip:x>, <sip:y;p=1,2>, c')).toEqual(['"a, b" <sip:x>', '<sip:y;p=1,2>', 'c']);
  });

  it('From/To: URI, display name, tag', () => {
    expect(getFrom(register)).toMatchObject({ uri: 'sip:34020000001320000003@3402000000', tag: '2043466181' });
    expect(getTo(register).tag).toBeUndefined();
    expect(parseNameAddress('"东门 \\"1\\"" <sip:34020000001320000001@3402000000>;tag=9')).toMatchObject({ displayName: '东门 "1"', tag: '9' });
    expect(parseNameAddress('Camera <sip:a@b>')).toMatchObject({ displayName: 'Camera', uri: 'sip:a@b' });
    expect(parseNameAddress('sip:a@b;tag=7')).toMatchObject({ uri: 'sip:a@b', tag: '7' });
  });

  it('SIP URIs: GB/T 28181 user part, domain-ID host, port, params', () => {
    expect(parseSipUri('sip:34020000001320000001@192.168.28.110:5060;transport=udp')).toEqual({
      scheme: 'sip',
      user: '34020000001320000001',
      host: '192.168.28.110',
      port: 5060,
      params: new Map([['transport', 'udp']]),
    });
    expect(parseSipUri('sip:34020000001110000001@3402000000.spvmn.cn')).toMatchObject({ user: '34020000001110000001', host: '3402000000.spvmn.cn' });
    expect(parseSipUri('sip:3402000000')).toMatchObject({ host: '3402000000' });
    expect(() => parseSipUri('http://x')).toThrow(SipParseError);
    expect(() => parseSipUri('sip:@host')).toThrow(SipParseError);
  });

  it('CSeq, Contact, Expires', () => {
    expect(getCSeq(register)).toEqual({ seq: 1, method: 'REGISTER' });
    expect(getContacts(register)).toEqual({
      wildcard: false,
      contacts: [{ uri: 'sip:34020000001320000003@192.168.137.11:5060', params: new Map() }],
    });
    expect(getExpires(register)).toBe(3600);
    const unregisterAll = parseSipMessage(crlf([...REGISTER_LINES.filter((l) => !/^(Contact|Expires)/.test(l)), 'Contact: *', 'Expires: 0']));
    expect(getContacts(unregisterAll)).toEqual({ wildcard: true, contacts: [] });
    expect(getExpires(unregisterAll)).toBe(0);
    const withParam = parseSipMessage(crlf([...REGISTER_LINES.filter((l) => !l.startsWith('Contact')), 'm: <sip:a@10.0.0.1>;expires=60, <sip:b@10.0.0.2>']));
    expect(getContacts(withParam).contacts.map((c) => c.expires)).toEqual([60, undefined]);
    const badExpires = parseSipMessage(crlf(REGISTER_LINES.map((l) => (l.startsWith('Expires') ? 'Expires: soon' : l))));
    expect(() => getExpires(badExpires)).toThrow(/Expires/);
    expect(getExpires(parseSipMessage(crlf(REGISTER_LINES.filter((l) => !l.startsWith('Expires')))))).toBeUndefined();
  });
});

describe('createResponse', () => {
  const register = parseSipMessage(crlf(REGISTER_LINES));
  if (register.kind !== 'request') throw new Error('fixture');

  it('copies Via, From, To (with a tag), Call-ID and CSeq, and stamps received/rport (RFC 3581)', () => {
    const res = createResponse(register, 200, {
      source: { address: '203.0.113.7', port: 61378 },
      toTag: '1228105145',
      headers: [['User-Agent', 'Argus'], ['Expires', '3600']],
    });
    expect(res.reason).toBe('OK');
    expect(res.headers.entries()).toEqual([
      ['Via', 'SIP/2.0/UDP 192.168.137.11:5060;rport=61378;received=203.0.113.7;branch=z9hG4bK1371463273'],
      ['From', '<sip:34020000001320000003@3402000000>;tag=2043466181'],
      ['To', '<sip:34020000001320000003@3402000000>;tag=1228105145'],
      ['Call-ID', '1011047669'],
      ['CSeq', '1 REGISTER'],
      ['User-Agent', 'Argus'],
      ['Expires', '3600'],
    ]);
    // What a device gets back parses, and its Via tells it where it was seen.
    const back = parseSipMessage(serializeSipMessage(res));
    expect(getTopVia(back)).toMatchObject({ received: '203.0.113.7', rport: 61378 });
  });

  it('writes the Via the SRS 401 capture shows', () => {
    const req = parseSipMessage(
      crlf([
        'REGISTER sip:34020000002000000001@3402000000 SIP/2.0',
        'Via: SIP/2.0/UDP 192.168.137.92:5061;rport;branch=z9hG4bK802519080',
        'From: <sip:34020000001320000004@192.168.137.92:5061>;tag=611442989',
        'To: <sip:34020000001320000004@192.168.137.92:5061>',
        'Call-ID: 1650345118',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
      ]),
    );
    if (req.kind !== 'request') throw new Error('fixture');
    const res = createResponse(req, 401, { source: { address: '192.168.1.13', port: 61378 }, toTag: '102092689' });
    expect(res.headers.get('Via')).toBe('SIP/2.0/UDP 192.168.137.92:5061;rport=61378;received=192.168.1.13;branch=z9hG4bK802519080');
    expect(res.headers.get('To')).toBe('<sip:34020000001320000004@192.168.137.92:5061>;tag=102092689');
    expect(res.reason).toBe('Unauthorized');
  });

  it('received only when the host differs, without rport (RFC 3261 §18.2.1)', () => {
    expect(stampVia('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1', { address: '10.0.0.1', port: 5060 })).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1');
    expect(stampVia('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1', { address: '198.51.100.1', port: 1024 })).toBe(
      'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;received=198.51.100.1',
    );
    expect(stampVia('SIP/2.0/UDP [::1]:5060;rport;branch=z9hG4bK1', { address: '::1', port: 5062 })).toBe('SIP/2.0/UDP [::1]:5060;rport=5062;received=::1;branch=z9hG4bK1');
  });

  it('keeps an existing To tag, leaves 100 Trying untagged, makes a fresh tag otherwise', () => {
    expect(createResponse(register, 100).headers.get('To')).toBe('<sip:34020000001320000003@3402000000>');
    const a = getTo(createResponse(register, 200)).tag;
    const b = getTo(createResponse(register, 200)).tag;
    expect(a).toMatch(/^\d{12}$/);
    expect(a).not.toBe(b);
    const tagged = parseSipMessage(crlf(REGISTER_LINES.map((l) => (l.startsWith('To:') ? `${l};tag=abc` : l))));
    if (tagged.kind !== 'request') throw new Error('fixture');
    expect(getTo(createResponse(tagged, 200, { toTag: 'other' })).tag).toBe('abc');
  });

  it('copies every Via row in order, stamping only the top value, and Record-Route for dialogs', () => {
    const invite = parseSipMessage(
      crlf([
        'INVITE sip:34020000001320000001@3402000000 SIP/2.0',
        'Via: SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKtop, SIP/2.0/UDP 10.0.0.6:5060;branch=z9hG4bKmid',
        'Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKlow',
        'Record-Route: <sip:10.0.0.5;lr>',
        'From: <sip:34020000002000000001@3402000000>;tag=1',
        'To: <sip:34020000001320000001@3402000000>',
        'Call-ID: c',
        'CSeq: 20 INVITE',
        'Content-Length: 0',
      ]),
    );
    if (invite.kind !== 'request') throw new Error('fixture');
    const res = createResponse(invite, 200, { source: { address: '10.0.0.5', port: 5070 }, body: Buffer.from('v=0\r\n'), headers: [['Content-Type', 'application/sdp']] });
    expect(res.headers.getAll('Via')).toEqual([
      'SIP/2.0/UDP 10.0.0.5:5060;rport=5070;received=10.0.0.5;branch=z9hG4bKtop, SIP/2.0/UDP 10.0.0.6:5060;branch=z9hG4bKmid',
      'SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKlow',
    ]);
    expect(res.headers.getAll('Record-Route')).toEqual(['<sip:10.0.0.5;lr>']);
    expect(serializeSipMessage(res).toString()).toMatch(/Content-Length: 5\r\n\r\nv=0\r\n$/);
    expect(createResponse(invite, 486).headers.has('Record-Route')).toBe(false);
  });
});

describe('identifiers', () => {
  it('tags, branches and Call-IDs are fresh and well-formed', () => {
    const tags = new Set(Array.from({ length: 1000 }, generateTag));
    expect(tags.size).toBe(1000);
    for (const t of tags) expect(t).toMatch(/^\d{12}$/);
    expect(generateBranch()).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
    expect(generateCallId()).toMatch(/^\d{18}$/);
    expect(generateCallId('192.168.1.2')).toMatch(/^\d{18}@192\.168\.1\.2$/);
  });
});
