import type { types } from 'mediasoup';
import { SIGNALLING_LIMITS, type SignallingMethod, type SignallingRequest, type SignallingResponse, type SfuConfig } from '@argus/shared';
import type { Logger } from '../log.js';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import type { WorkerPool } from '../media/workerPool.js';
import { SignallingError } from './signallingError.js';

/** Notifications a peer sends to its wall. */
export interface WallPeerNotifier {
  consumerClosed(consumerId: string, reason: 'producer-closed' | 'transport-closed'): void;
}

export type WallPeerHandlers = {
  [M in SignallingMethod]: (request: SignallingRequest<M>) => Promise<SignallingResponse<M>>;
};

/**
 * One wall connection: its router (from the pool), its WebRTC receive transports and its
 * consumers. Only objects it created are reachable through its requests.
 */
export class WallPeer {
  private readonly transports = new Map<string, types.WebRtcTransport>();
  private readonly consumers = new Map<string, types.Consumer>();
  private readonly connectedTransports = new Set<string>();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly router: types.Router,
    private readonly pool: WorkerPool,
    private readonly cameras: CameraRegistry,
    private readonly webrtc: SfuConfig['mediasoup'],
    private readonly notify: WallPeerNotifier,
    private readonly log: Logger,
  ) {}

  readonly handlers: WallPeerHandlers = {
    getRouterRtpCapabilities: async () => ({ rtpCapabilities: this.router.rtpCapabilities }),

    listCameras: async () => ({ cameras: this.cameras.list() }),

    createRecvTransport: async () => {
      if (this.transports.size >= SIGNALLING_LIMITS.transportsPerConnection) {
        throw new SignallingError('limit', `at most ${SIGNALLING_LIMITS.transportsPerConnection} transports per connection`);
      }
      const { listenIp, announcedAddress, rtcMinPort, rtcMaxPort } = this.webrtc;
      const listen = { ip: listenIp, announcedAddress, portRange: { min: rtcMinPort, max: rtcMaxPort } };
      const transport = await this.router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 4_000_000,
      });
      if (this.closed) {
        transport.close();
        throw new SignallingError('unavailable', 'connection closed');
      }
      this.transports.set(transport.id, transport);
      transport.observer.once('close', () => {
        this.transports.delete(transport.id);
        this.connectedTransports.delete(transport.id);
      });
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      };
    },

    connectTransport: async ({ transportId, dtlsParameters }) => {
      const transport = this.transport(transportId);
      if (this.connectedTransports.has(transportId)) throw new SignallingError('bad-request', `transport ${transportId} is already connected`);
      await transport.connect({ dtlsParameters: dtlsParameters as unknown as types.DtlsParameters });
      this.connectedTransports.add(transportId);
      return {};
    },

    consume: async ({ transportId, cameraId, rtpCapabilities }) => {
      const transport = this.transport(transportId);
      if (this.consumers.size >= SIGNALLING_LIMITS.consumersPerConnection) {
        throw new SignallingError('limit', `at most ${SIGNALLING_LIMITS.consumersPerConnection} consumers per connection`);
      }
      const source = this.cameras.get(cameraId);
      if (!source) throw new SignallingError('not-found', `unknown camera ${cameraId}`);
      const producer = source.videoProducer;
      if (!producer) throw new SignallingError('unavailable', `camera ${cameraId} is ${source.summary.state}`);
      await this.pool.ensureProducerOn(producer, source.router, this.router);
      const caps = rtpCapabilities as unknown as types.RtpCapabilities;
      if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
        throw new SignallingError('bad-request', `this wall cannot decode camera ${cameraId}`);
      }
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
      this.consumers.set(consumer.id, consumer);
      consumer.observer.once('close', () => this.consumers.delete(consumer.id));
      consumer.on('producerclose', () => this.notify.consumerClosed(consumer.id, 'producer-closed'));
      consumer.on('transportclose', () => this.notify.consumerClosed(consumer.id, 'transport-closed'));
      return { consumerId: consumer.id, producerId: producer.id, cameraId, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
    },

    setConsumerPaused: async ({ consumerId, paused }) => {
      const consumer = this.consumer(consumerId);
      if (paused) {
        await consumer.pause();
      } else {
        await consumer.resume();
        // A decoder joining or returning needs a keyframe now, not at the next GOP: ask the
        // source (RTCP PLI, RFC 4585 §6.3.1). Sources that ignore it are covered by their GOP.
        await consumer.requestKeyFrame();
      }
      return {};
    },

    closeConsumer: async ({ consumerId }) => {
      this.consumer(consumerId).close();
      return {};
    },
  };

  private transport(transportId: string): types.WebRtcTransport {
    const transport = this.transports.get(transportId);
    if (!transport) throw new SignallingError('not-found', `unknown transport ${transportId}`);
    return transport;
  }

  private consumer(consumerId: string): types.Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new SignallingError('not-found', `unknown consumer ${consumerId}`);
    return consumer;
  }

  /** Close every transport (and so every consumer) of this connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.pool.releasePeerRouter(this.router);
    this.log.debug('peer closed', { peer: this.id });
  }
}
