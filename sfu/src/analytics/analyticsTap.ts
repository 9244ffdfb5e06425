import type { types } from 'mediasoup';
import { freeUdpPort } from '../net/freePort.js';

/**
 * SDP (RFC 4566) that tells ffmpeg what a consumer sends: one video stream of the consumer's
 * codec and payload type on `port` of 127.0.0.1, RTCP multiplexed on the same port (RFC 5761).
 * @throws Error when the consumer has no video codec
 */
export function tapSdp(rtpParameters: types.RtpParameters, port: number): string {
  const codec = rtpParameters.codecs.find((c) => c.mimeType.toLowerCase().startsWith('video/') && !/rtx$/i.test(c.mimeType));
  if (!codec) throw new Error('the consumer has no video codec');
  const name = codec.mimeType.split('/')[1]!;
  const fmtp = Object.entries(codec.parameters ?? {}).map(([key, value]) => `${key}=${value}`).join(';');
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=Argus analytics tap',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=video ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=rtcp-mux',
    'a=recvonly',
    '',
  ].join('\r\n');
}

/**
 * A camera's video producer consumed for an analytics worker: a PlainTransport on the producer's
 * router sends RTP (with RTCP muxed) to a loopback UDP port where the worker's ffmpeg listens.
 * Keyframes come on request (PLI through the consumer) since the decoder starts mid-stream.
 */
export class AnalyticsTap {
  private closed = false;

  private constructor(
    readonly transport: types.PlainTransport,
    readonly consumer: types.Consumer,
    /** SDP to give the worker's decoder. */
    readonly sdp: string,
  ) {}

  /**
   * Consume `producer` toward a fresh loopback port.
   * @throws Error when mediasoup refuses (closed producer, no common codec)
   */
  static async create(router: types.Router, producer: types.Producer): Promise<AnalyticsTap> {
    const port = await freeUdpPort();
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    try {
      await transport.connect({ ip: '127.0.0.1', port });
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: false });
      return new AnalyticsTap(transport, consumer, tapSdp(consumer.rtpParameters, port));
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** Ask the producer for a keyframe (PLI); the worker's decoder is waiting for one. */
  requestKeyframe(): void {
    if (!this.closed) void this.consumer.requestKeyFrame().catch(() => undefined);
  }

  /** The producer went away (camera lost, source restarted): `listener` is called once. */
  onProducerClosed(listener: () => void): void {
    this.consumer.once('producerclose', listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
  }
}
