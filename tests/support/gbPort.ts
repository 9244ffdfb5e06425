import net from 'node:net';
import { freeUdpPort } from '@argus/sfu';

/** A port free for both UDP and TCP on 127.0.0.1 a moment ago (SIP listens on both); retried because the two are separate spaces. */
export async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeUdpPort();
    const tcpFree = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (tcpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP');
}
