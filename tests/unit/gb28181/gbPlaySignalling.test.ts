import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildPlayOffer, GbSdpError, liveSsrc, parsePlayAnswer, parseSipMessage, SipHeaders, type SipRequest, type SipResponse } from '../../../sfu/src/ingest/gb28181/sip/index.js';
import { buildAck, buildBye, buildInvite, dialogFrom } from '../../../sfu/src/ingest/gb28181/gbDialog.js';
import { SipClientTransactions, SipTransactionError } from '../../../sfu/src/ingest/gb28181/sipClientTransactions.js';
import { passthroughProfileFor, rtcpAsksForKeyframe } from '../../../sfu/src/ingest/gb28181/gbMediaSinks.js';
import type { SipPeer } from '../../../sfu/src/ingest/gb28181/sipTransport.js';
import { sharedData } from '../../support/paths.js';

/** Live-play signalling pieces (GB/T 28181-2016 §9.2.2, Appendix G; RFC 3261 §13, §15, §17.1). */

const sip = (relative: string) => parseSipMessage(readFileSync(sharedData(`gb28181/sip/${relative}`)));
const identity = { serverId: '99010200002000000001', domainId: '9901020000' };
const udpPeer: SipPeer = { transport: 'udp', address: '192.168.137.11', port: 5060 };

describe('play SDP', () => {
  it('offers PS over RTP/AVP with recvonly, y= and f= for UDP', () => {
    const sdp = buildPlayOffer({ channelId: '34020000001320000003', address: '10.0.0.5', port: 30000, transport: 'udp', ssrc: '0102000001' });
    expect(sdp.split('\r\n')).toEqual([
      'v=0', 'o=34020000001320000003 0 0 IN IP4 10.0.0.5', 's=Play', 'c=IN IP4 10.0.0.5', 't=0 0',
      'm=video 30000 RTP/AVP 96 98 97', 'a=recvonly', 'a=rtpmap:96 PS/90000', 'a=rtpmap:98 H264/90000', 'a=rtpmap:97 MPEG4/90000',
      'y=0102000001', 'f=', '',
    ]);
  });

  it('offers TCP/RTP/AVP with setup and connection:new, and a=streamnumber when asked', () => {
    const passive = buildPlayOffer({ channelId: '34020000001320000003', address: '10.0.0.5', port: 30000, transport: 'tcp-passive', ssrc: '0102000001', streamNumber: 1 });
    expect(passive).toContain('m=video 30000 TCP/RTP/AVP 96 98 97\r\n');
    expect(passive).toContain('a=setup:passive\r\na=connection:new\r\na=streamnumber:1\r\n');
    expect(buildPlayOffer({ channelId: '34020000001320000003', address: '10.0.0.5', port: 9, transport: 'tcp-active', ssrc: '0102000001' })).toContain('a=setup:active\r\n');
  });

  it('reads a real IP camera\'s UDP answer (SRS capture) with its own SSRC', () => {
    const ok = sip('srs4_capture/07_ipc_200ok_invite_sdp.sip') as SipResponse;
    const answer = parsePlayAnswer(ok.body.toString('utf8'));
    expect(answer).toMatchObject({ address: '192.168.137.11', port: 15060, protocol: 'RTP/AVP', setup: 'active', ssrc: 630886, payloadTypes: [96], streamNumber: null });
    expect(answer.rtpmap.get(96)).toBe('PS/90000');
  });

  it('reads a real TCP answer', () => {
    const ok = sip('srs6_utest_tcp/tcp_05_ipc_200ok_sdp.sip') as SipResponse;
    expect(parsePlayAnswer(ok.body.toString('utf8'))).toMatchObject({ address: '192.168.3.99', port: 15060, protocol: 'TCP/RTP/AVP', setup: 'active', ssrc: 200007585 });
  });

  it('tolerates LF line ends and a 2022-edition a=streamnumber; refuses answers without video, port or address', () => {
    expect(parsePlayAnswer('v=0\nc=IN IP4 1.2.3.4\nm=video 5 RTP/AVP 96\na=streamnumber:1\ny=0100000001\n')).toMatchObject({ port: 5, streamNumber: 1, ssrc: 100000001 });
    expect(() => parsePlayAnswer('v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 8\r\n')).toThrow(GbSdpError);
    expect(() => parsePlayAnswer('v=0\r\nc=IN IP4 1.2.3.4\r\nm=video x RTP/AVP 96\r\n')).toThrow(/port/);
    expect(() => parsePlayAnswer('v=0\r\nm=video 5 RTP/AVP 96\r\n')).toThrow(/address/);
    // A y= that is not a 32-bit decimal is ignored (the offered SSRC is used).
    expect(parsePlayAnswer('c=IN IP4 1.2.3.4\r\nm=video 5 RTP/AVP 96\r\ny=9999999999\r\n').ssrc).toBeNull();
  });

  it('numbers live SSRCs 0 + domain digits 4-8 + a 4-digit sequence', () => {
    // The SRS capture's device in domain 3402000000 answered y=0200007585: the same layout.
    expect(liveSsrc('3402000000', 1)).toBe('0200000001');
    expect(liveSsrc('9901020000', 12_345)).toBe('0102002345');
    expect(() => liveSsrc('340200', 1)).toThrow(RangeError);
  });
});

describe('play dialog', () => {
  const invite = () =>
    buildInvite({ identity, deviceId: '34020000001180000001', channelId: '34020000001320000003', peer: udpPeer, localHost: '10.0.0.5', localPort: 5060, cseq: 20, ssrc: '0020000001', sdp: 'v=0\r\n' }).request;

  it('sends INVITE to the channel with Subject <channel>:<ssrc>,<platform>:0 and an SDP body', () => {
    const request = invite();
    expect(request.uri).toBe('sip:34020000001320000003@192.168.137.11:5060');
    expect(request.headers.get('Subject')).toBe('34020000001320000003:0020000001,99010200002000000001:0');
    expect(request.headers.get('Content-Type')).toBe('APPLICATION/SDP');
    expect(request.headers.get('Contact')).toBe('<sip:99010200002000000001@10.0.0.5:5060>');
    expect(request.headers.get('Via')).toMatch(/^SIP\/2\.0\/UDP 10\.0\.0\.5:5060;rport;branch=z9hG4bK/);
  });

  it('ACKs the 2xx with the INVITE\'s CSeq number and a new branch, and BYEs with the next CSeq, both to the Contact', () => {
    const request = invite();
    const ok = sip('srs4_capture/07_ipc_200ok_invite_sdp.sip') as SipResponse;
    ok.headers.set('Call-ID', request.headers.get('Call-ID')!);
    const dialog = dialogFrom(request, ok, { peer: udpPeer, deviceId: '34020000001180000001', channelId: '34020000001320000003', cseq: 20 });
    expect(dialog).toMatchObject({ remoteTag: '1083111311', remoteTarget: 'sip:34020000001320000003@192.168.137.11:5060', cseq: 20 });
    const ack = buildAck(dialog, '10.0.0.5', 5060);
    const bye = buildBye(dialog, '10.0.0.5', 5060);
    expect(ack.headers.get('CSeq')).toBe('20 ACK');
    expect(bye.headers.get('CSeq')).toBe('21 BYE');
    for (const r of [ack, bye]) {
      expect(r.uri).toBe('sip:34020000001320000003@192.168.137.11:5060');
      expect(r.headers.get('To')).toContain('tag=1083111311');
      expect(r.headers.get('From')).toBe(request.headers.get('From'));
      expect(r.headers.get('Call-ID')).toBe(request.headers.get('Call-ID'));
    }
    expect(ack.headers.get('Via')).not.toBe(request.headers.get('Via'));
  });
});

describe('client transactions', () => {
  afterEach(() => vi.useRealTimers());

  const request = (method: string, branch: string): SipRequest => ({
    kind: 'request',
    method,
    uri: 'sip:x@127.0.0.1:5060',
    headers: new SipHeaders([
      ['Via', `SIP/2.0/UDP 127.0.0.1:5060;rport;branch=${branch}`],
      ['CSeq', `1 ${method}`],
    ]),
    body: Buffer.alloc(0),
  });
  const response = (req: SipRequest, status: number): SipResponse => ({ kind: 'response', status, reason: '', headers: new SipHeaders([['Via', req.headers.get('Via')!], ['CSeq', req.headers.get('CSeq')!]]), body: Buffer.alloc(0) });

  it('retransmits over UDP at T1 doubling to T2, and resolves on the final answer', async () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const tx = new SipClientTransactions({ send: () => (sent.push(Date.now()), true) });
    const start = Date.now();
    const req = request('MESSAGE', 'z9hG4bK-a');
    const done = tx.request(udpPeer, req, { timeoutMs: 32_000 });
    await vi.advanceTimersByTimeAsync(12_000);
    // Sent at 0, then after 500, 1000, 2000, 4000, 4000 ms (RFC 3261 §17.1.2.2 Timer E).
    expect(sent.map((t) => t - start)).toEqual([0, 500, 1500, 3500, 7500, 11500]);
    expect(tx.onResponse(response(req, 200))).toBe(true);
    expect((await done).status).toBe(200);
    expect(tx.size).toBe(0);
  });

  it('stops retransmitting an INVITE after a provisional answer; sends TCP once; times out with a reason', async () => {
    vi.useFakeTimers();
    let sends = 0;
    const tx = new SipClientTransactions({ send: () => (sends++, true) });
    const req = request('INVITE', 'z9hG4bK-b');
    const done = tx.request(udpPeer, req, { timeoutMs: 10_000 });
    done.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(600);
    expect(sends).toBe(2);
    tx.onResponse(response(req, 100));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sends).toBe(2);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(done).rejects.toMatchObject({ reason: 'timeout' });

    const tcpSends: number[] = [];
    const tcp = new SipClientTransactions({ send: () => (tcpSends.push(1), true) });
    const tcpDone = tcp.request({ transport: 'tcp', address: '127.0.0.1', port: 5060 }, request('MESSAGE', 'z9hG4bK-c'), { timeoutMs: 3000 });
    tcpDone.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(3000);
    expect(tcpSends).toHaveLength(1);
    await expect(tcpDone).rejects.toBeInstanceOf(SipTransactionError);
  });

  it('refuses what cannot be sent, ignores stray answers, and fails pending ones on close', async () => {
    const tx = new SipClientTransactions({ send: () => false });
    await expect(tx.request(udpPeer, request('MESSAGE', 'z9hG4bK-d'))).rejects.toMatchObject({ reason: 'unreachable' });
    const ok = new SipClientTransactions({ send: () => true });
    expect(ok.onResponse(response(request('MESSAGE', 'z9hG4bK-unknown'), 200))).toBe(false);
    expect(ok.counters.unmatchedResponses).toBe(1);
    const pending = ok.request(udpPeer, request('MESSAGE', 'z9hG4bK-e'));
    ok.close();
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
  });
});

describe('video sink helpers', () => {
  it('finds PLI and FIR in compound RTCP, and nothing in a receiver report alone', () => {
    const rr = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1]);
    const pli = Buffer.from([0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
    const fir = Buffer.from([0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0]);
    expect(rtcpAsksForKeyframe(rr)).toBe(false);
    expect(rtcpAsksForKeyframe(Buffer.concat([rr, pli]))).toBe(true);
    expect(rtcpAsksForKeyframe(Buffer.concat([rr, fir]))).toBe(true);
    expect(rtcpAsksForKeyframe(Buffer.from([0x00, 0x01]))).toBe(false);
    expect(rtcpAsksForKeyframe(Buffer.from([0x80, 201, 0xff, 0xff]))).toBe(false);
  });

  it('passes Baseline, Main and High through, and sends High 10 or 4:2:2 to the transcoder', () => {
    expect(passthroughProfileFor(Buffer.from([0x67, 66, 0xc0, 0x1e]))).toBe('42e01f');
    expect(passthroughProfileFor(Buffer.from([0x67, 77, 0x40, 0x1f]))).toBe('4d001f');
    expect(passthroughProfileFor(Buffer.from([0x67, 100, 0x00, 0x28]))).toBe('4d001f');
    expect(passthroughProfileFor(Buffer.from([0x67, 110, 0x00, 0x28]))).toBeNull();
    expect(passthroughProfileFor(Buffer.from([0x67, 122, 0x00, 0x28]))).toBeNull();
    expect(passthroughProfileFor(null)).toBeNull();
  });
});
