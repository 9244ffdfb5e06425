import { describe, expect, it } from 'vitest';
import { SipFramingError, SipStreamFramer, type FramerOutput } from '../../../sfu/src/ingest/gb28181/sip/sipStreamFramer.js';
import { parseSipMessage, SIP_MAX_HEADER_BYTES, SIP_MAX_MESSAGE_BYTES } from '../../../sfu/src/ingest/gb28181/sip/sipMessage.js';
import { captureFiles, splitLfMessages, wiresharkFrames } from './sipCaptures.js';
import { mulberry32 } from '@argus/shared';

const rng = mulberry32;

/** Feed `stream` in chunks of random sizes (1..maxChunk), collecting everything. */
function feed(stream: Buffer, random: () => number, maxChunk: number, framer = new SipStreamFramer()): FramerOutput & { maxBuffered: number } {
  const out = { messages: [] as Buffer[], pings: 0, error: null as SipFramingError | null, maxBuffered: 0 };
  for (let at = 0; at < stream.length; ) {
    const size = 1 + Math.floor(random() * maxChunk);
    const r = framer.push(stream.subarray(at, at + size));
    out.messages.push(...r.messages);
    out.pings += r.pings;
    out.error = r.error;
    out.maxBuffered = Math.max(out.maxBuffered, framer.bufferedBytes);
    at += size;
  }
  return out;
}

/** The TCP-framable messages of the captures, each exactly as sent (the files whose Content-Length is right). */
function framableMessages(): Buffer[] {
  const srs = [...captureFiles('srs4_capture'), ...captureFiles('srs6_utest_tcp')]
    .filter((f) => !/09_server_401|15_nvr_message/.test(f.name))
    .map((f) => f.bytes);
  return [...srs, ...wiresharkFrames().map((f) => f.bytes)];
}

describe('SipStreamFramer', () => {
  it('cuts the two-message TCP reads of the SRS tests', () => {
    for (const name of ['tcp_framing_two_messages_one_buffer.bin', 'tcp_framing_two_messages_with_bodies.bin']) {
      const file = captureFiles('srs6_utest_tcp', ['.bin']).find((f) => f.name.endsWith(name));
      const { messages, error } = new SipStreamFramer().push(file?.bytes ?? Buffer.alloc(0));
      expect(error).toBeNull();
      expect(messages).toHaveLength(2);
      const [a, b] = messages.map((m) => parseSipMessage(m));
      expect(a?.kind === 'response' && a.status).toBe(100);
      expect(b?.kind === 'response' && b.status).toBe(200);
      if (name.includes('bodies')) expect([a?.body.toString(), b?.body.toString()]).toEqual(['HelloWorld', 'HelloServer']);
    }
  });

  it('random chunking of all captures concatenated gives exactly the messages, whatever the seed', () => {
    const messages = framableMessages();
    expect(messages.length).toBeGreaterThan(100);
    const stream = Buffer.concat(messages);
    for (const [seed, maxChunk] of [[1, 1], [2, 7], [3, 64], [4, 600], [5, 1500], [6, 9000], [7, stream.length]] as const) {
      const out = feed(stream, rng(seed), maxChunk);
      expect(out.error, `seed ${seed}`).toBeNull();
      expect(out.pings).toBe(0);
      expect(out.messages.length, `seed ${seed}`).toBe(messages.length);
      out.messages.forEach((m, i) => expect(m.equals(messages[i] ?? Buffer.alloc(0)), `seed ${seed} message ${i}`).toBe(true));
      expect(out.maxBuffered).toBeLessThanOrEqual(Math.max(...messages.map((m) => m.length)) + maxChunk);
    }
  });

  it('frames the LF-only Dahua/FlyLab files, the same messages as splitting them', () => {
    for (const file of captureFiles('dahua_flylab', ['.txt']).filter((f) => !f.name.includes('wireshark'))) {
      const expected = splitLfMessages(file.bytes).map((m) => parseSipMessage(m));
      const out = feed(file.bytes, rng(42), 333);
      expect(out.error).toBeNull();
      expect(out.messages.map((m) => parseSipMessage(m))).toEqual(expected);
    }
  });

  it('counts CRLF CRLF keep-alives (RFC 5626) between messages, split or not, and skips lone line breaks', () => {
    const [one = Buffer.alloc(0), two = Buffer.alloc(0)] = framableMessages();
    const stream = Buffer.concat([Buffer.from('\r\n\r\n'), one, Buffer.from('\r\n'), two, Buffer.from('\r\n\r\n\r\n\r\n'), Buffer.from('\n\n')]);
    for (const maxChunk of [1, 3, stream.length]) {
      const out = feed(stream, rng(maxChunk), maxChunk);
      expect(out.error).toBeNull();
      expect(out.messages).toHaveLength(2);
      expect(out.pings).toBe(4);
    }
  });

  it('takes a missing Content-Length as an empty body', () => {
    const msg = 'BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:x@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n\r\n';
    const out = new SipStreamFramer().push(Buffer.from(msg + msg));
    expect(out.messages.map((m) => m.toString())).toEqual([msg, msg]);
    expect(parseSipMessage(out.messages[0] ?? Buffer.alloc(0)).body.length).toBe(0);
  });

  it('reads the compact form l: of Content-Length', () => {
    const msg = 'MESSAGE sip:a@b SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bK1\r\nf: <sip:x@b>;tag=1\r\nt: <sip:a@b>\r\ni: c\r\nCSeq: 2 MESSAGE\r\nl:   4\r\n\r\nbody';
    const out = new SipStreamFramer().push(Buffer.from(msg + msg));
    expect(out.messages.map((m) => m.toString())).toEqual([msg, msg]);
  });

  it('stops on a garbage prefix, at once, and stays stopped', () => {
    const framer = new SipStreamFramer();
    const first = framer.push(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), framableMessages()[0] ?? Buffer.alloc(0)]));
    expect(first.error).toBeInstanceOf(SipFramingError);
    expect(first.error?.reason).toBe('bad-start-line');
    expect(first.messages).toHaveLength(0);
    const again = framer.push(framableMessages()[0] ?? Buffer.alloc(0));
    expect(again.error).toBe(first.error);
    expect(again.messages).toHaveLength(0);
    expect(framer.bufferedBytes).toBe(0);
    expect(framer.error).toBe(first.error);
  });

  it('stops on a first line that is text but no start line', () => {
    expect(new SipStreamFramer().push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).error?.reason).toBe('bad-start-line');
    expect(new SipStreamFramer().push(Buffer.from('<?xml version="1.0"?>\r\n')).error?.reason).toBe('bad-start-line');
    // Garbage after a good message: the good one is delivered, then the error.
    const out = new SipStreamFramer().push(Buffer.concat([framableMessages()[0] ?? Buffer.alloc(0), Buffer.from('hello world\r\n')]));
    expect(out.messages).toHaveLength(1);
    expect(out.error?.reason).toBe('bad-start-line');
  });

  it('stops on headers over 16 KiB and messages over 64 KiB, before buffering them', () => {
    const framer = new SipStreamFramer();
    const head = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n');
    expect(framer.push(head).error).toBeNull();
    let error: SipFramingError | null = null;
    for (let i = 0; i < 100 && !error; i++) error = framer.push(Buffer.from(`X-Filler: ${'a'.repeat(1000)}\r\n`)).error;
    expect(error?.reason).toBe('headers-too-large');
    expect(framer.bufferedBytes).toBe(0);

    const big = new SipStreamFramer().push(Buffer.from(`MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${SIP_MAX_MESSAGE_BYTES}\r\n\r\n`));
    expect(big.error?.reason).toBe('message-too-large');

    const noLineBreak = new SipStreamFramer();
    expect(noLineBreak.push(Buffer.alloc(1 << 20, 'A')).error?.reason).toBe('headers-too-large');
  });

  it('stops on an unreadable or contradictory Content-Length', () => {
    const base = 'MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n';
    expect(new SipStreamFramer().push(Buffer.from(`${base}Content-Length: ten\r\n\r\n`)).error?.reason).toBe('bad-content-length');
    expect(new SipStreamFramer().push(Buffer.from(`${base}Content-Length: 1\r\nl: 2\r\n\r\n`)).error?.reason).toBe('bad-content-length');
    expect(new SipStreamFramer().push(Buffer.from(`${base}Content-Length: 2\r\nl: 2\r\n\r\nok`)).messages).toHaveLength(1);
  });

  it('never holds more than one message, while 1 MB of messages stream through', () => {
    const messages = framableMessages();
    const parts: Buffer[] = [];
    let size = 0;
    for (let i = 0; size < 1 << 20; i++) {
      const m = messages[i % messages.length] ?? Buffer.alloc(0);
      parts.push(m);
      size += m.length;
    }
    const framer = new SipStreamFramer();
    const out = feed(Buffer.concat(parts), rng(9), 4096, framer);
    expect(out.error).toBeNull();
    expect(out.messages).toHaveLength(parts.length);
    expect(out.maxBuffered).toBeLessThanOrEqual(Math.max(...messages.map((m) => m.length)));
    expect(framer.bufferedBytes).toBe(0);
    // One read holding all of it is fine too.
    expect(new SipStreamFramer().push(Buffer.concat(parts)).messages).toHaveLength(parts.length);
  });

  it('a message arriving byte by byte costs about as much as one arriving whole', () => {
    const body = Buffer.alloc(60_000, 'x');
    const msg = Buffer.concat([Buffer.from(`MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    const framer = new SipStreamFramer();
    const started = performance.now();
    let got = 0;
    for (let i = 0; i < msg.length; i++) got += framer.push(msg.subarray(i, i + 1)).messages.length;
    expect(got).toBe(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('random binary garbage ends in an error, never an exception or a hang', () => {
    const random = rng(5626);
    for (let n = 0; n < 500; n++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 4000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      const framer = new SipStreamFramer();
      const out = feed(bytes, random, 512, framer);
      // Refused, or (a letter then no control byte yet: could still be a start line) held, within the header limit.
      expect(out.messages).toHaveLength(0);
      if (out.error === null) {
        expect(framer.bufferedBytes, `case ${n}`).toBeLessThanOrEqual(SIP_MAX_HEADER_BYTES);
        expect(bytes.toString('latin1').replace(/^[\r\n]+/, ''), `case ${n}`).toMatch(/^([A-Za-z]|$)/);
      }
    }
  });

  it('mutated capture streams end in messages or an error, never an exception', () => {
    const random = rng(1833);
    const stream = Buffer.concat(framableMessages().slice(0, 20));
    for (let n = 0; n < 300; n++) {
      const bytes = Buffer.from(stream);
      for (let e = 0; e < 3; e++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const out = feed(bytes, random, 700);
      for (const m of out.messages) expect(m.length).toBeLessThanOrEqual(SIP_MAX_MESSAGE_BYTES);
    }
  });
});
