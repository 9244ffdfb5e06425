import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { RtpTarget } from '../ingest/rtsp/ingestPlan.js';

/**
 * A PlainTransport on `router` for one RTP stream sent from this host (ffmpeg, or our own
 * packetizer): loopback, comedia (the transport learns the sender's address from its first
 * packet, so RTCP feedback such as PLI goes back to it), RTCP on its own port unless `rtcpMux`.
 * @returns the transport and where to send, with a fresh SSRC below 2^31 (ffmpeg takes the SSRC
 * as a signed 32-bit option)
 */
export async function createRtpTarget(router: types.Router, options: { rtcpMux?: boolean } = {}): Promise<{ transport: types.PlainTransport; target: RtpTarget }> {
  const rtcpMux = options.rtcpMux ?? false;
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux,
    comedia: true,
  });
  return {
    transport,
    target: {
      ip: '127.0.0.1',
      rtpPort: transport.tuple.localPort,
      rtcpPort: rtcpMux ? transport.tuple.localPort : transport.rtcpTuple!.localPort,
      ssrc: randomInt(1, 0x7fffffff),
    },
  };
}
