import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipTransport } from '../../sfu/src/ingest/gb28181/sipTransport.js';
import type { Logger } from '@argus/sfu';

/**
 * The SIP port's TCP side against connection hoarding (slowloris, file-descriptor exhaustion):
 * a connection that does not complete a message in time, or leaves one half-sent, is closed; one
 * address cannot hold more than its share of connections; refusals are logged at a bounded rate.
 */
const warnings: string[] = [];
const log = (): Logger => ({ debug: () => {}, info: () => {}, warn: (message) => void warnings.push(message), error: () => {}, child: () => log() });

describe('SIP over TCP: limits', () => {
  let transport: SipTransport;
  const sockets: net.Socket[] = [];

  const connect = async (): Promise<net.Socket> => {
    const socket = net.connect(transport.port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return socket;
  };
  const closed = (socket: net.Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

  beforeAll(async () => {
    transport = await SipTransport.listen({ host: '127.0.0.1', port: 0, log: log(), onMessage: () => undefined, tcpMessageTimeoutMs: 300, maxTcpConnectionsPerAddress: 3 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await transport.close();
  });

  it('closes a connection that never sends a whole message, and one that leaves a message half-sent', async () => {
    const silent = await connect();
    const partial = await connect();
    partial.write('REGISTER sip:99010200002000000001@9901020000 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5;branch=z9hG4bK1\r\n');
    await Promise.all([closed(silent), closed(partial)]);
    expect(warnings).toContain('SIP TCP connection closed');
  });

  it('refuses a fourth connection from the same address while three are open', async () => {
    const open = [await connect(), await connect(), await connect()];
    const fourth = await connect();
    await closed(fourth);
    expect(open.every((s) => !s.destroyed)).toBe(true);
    expect(warnings).toContain('SIP TCP connection refused: too many from this address');
    for (const s of open) s.destroy();
    await Promise.all(open.map(closed));
  });
});
