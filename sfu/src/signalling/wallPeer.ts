import type { types } from 'mediasoup';
import { SIGNALLING_LIMITS, type SignallingMethod, type SignallingRequest, type SignallingResponse, type SfuConfig } from '@argus/shared';
import type { Logger } from '../log.js';
import type { Principal } from '../auth/principal.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import { CameraCommandError, CameraUnavailableError, type CameraLease, type CameraSource } from '../ingest/cameraSource.js';
import type { WorkerPool } from '../media/workerPool.js';
import { inScope } from '../scope/scopeRules.js';
import type { Store } from '../store/store.js';
import { SignallingError } from './signallingError.js';

/** Notifications a peer sends to its wall. */
export interface WallPeerNotifier {
  consumerClosed(consumerId: string, reason: 'producer-closed' | 'transport-closed'): void;
}

export type WallPeerHandlers = {
  [M in SignallingMethod]: (request: SignallingRequest<M>) => Promise<SignallingResponse<M>>;
};

/** Why a view ended, as recorded in the audit log. */
type ViewEndReason = 'closed' | 'camera-lost' | 'disconnected' | 'out-of-scope';

interface ConsumerView {
  consumer: types.Consumer;
  cameraId: string;
  /** The live view's id in the store, once its start is recorded. */
  viewId: Promise<number | null>;
  endReason: ViewEndReason;
}

export interface WallPeerDeps {
  pool: WorkerPool;
  cameras: CameraRegistry;
  catalog: Catalog;
  store: Store;
  webrtc: SfuConfig['mediasoup'];
}

/**
 * One wall connection of one logged-in user: its router (from the pool), its WebRTC receive
 * transports and its consumers. Only objects it created are reachable through its requests,
 * and only cameras in the user's org subtree are listed or consumed. Every consumer is a live
 * view recorded in the store from consume to close; refused consumes are audited.
 */
export class WallPeer {
  private readonly transports = new Map<string, types.WebRtcTransport>();
  private readonly consumers = new Map<string, ConsumerView>();
  private readonly connectedTransports = new Set<string>();
  /** View records being written; awaited before the store closes. */
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private closed = false;
  /** Transports and consumers being created: they count against the limits before they exist. */
  private pendingTransports = 0;
  private pendingConsumers = 0;
  private readonly pool: WorkerPool;
  private readonly cameras: CameraRegistry;
  private readonly webrtc: SfuConfig['mediasoup'];

  constructor(
    readonly id: string,
    readonly principal: Principal,
    private readonly router: types.Router,
    private readonly deps: WallPeerDeps,
    private readonly notify: WallPeerNotifier,
    private readonly log: Logger,
  ) {
    this.pool = deps.pool;
    this.cameras = deps.cameras;
    this.webrtc = deps.webrtc;
  }

  /** Whether this peer's user may see a camera of `orgUnitId`. */
  mayView(orgUnitId: string): boolean {
    return inScope(this.deps.catalog.tree, this.principal, orgUnitId);
  }

  private track<T>(write: Promise<T>): Promise<T> {
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write)).catch(() => undefined);
    return write;
  }

  /** Resolves when every view record this peer started writing is written. */
  async settled(): Promise<void> {
    while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites]);
  }

  /** Audit a refused consume or PTZ request (out of scope). */
  private async refuse(detail: Record<string, unknown>, orgUnitId: string): Promise<never> {
    const { user, address } = this.principal;
    await this.track(
      this.deps.store.audit.append({ at: Date.now(), userId: user.id, username: user.username, action: 'view.denied', targetType: 'channel', targetId: String(detail.cameraId ?? detail.producerId ?? ''), orgUnitId, address, outcome: 'denied', detail }),
    );
    this.log.warn('request for a camera outside the user\'s area refused', { peer: this.id, user: user.username, ...detail });
    throw new SignallingError('forbidden', 'this camera is outside your area');
  }

  /** The camera a consume names, after the scope check (refusals are audited). */
  private async cameraFor(cameraId: string | undefined, producerId: string | undefined): Promise<CameraSource> {
    const byProducer = producerId !== undefined ? this.cameras.findByProducer(producerId) : undefined;
    if (byProducer && !this.mayView(byProducer.summary.orgUnitId)) await this.refuse({ cameraId: byProducer.summary.id, producerId, requestedCameraId: cameraId ?? null }, byProducer.summary.orgUnitId);
    const source = cameraId !== undefined ? this.cameras.get(cameraId) : byProducer;
    if (source && !this.mayView(source.summary.orgUnitId)) await this.refuse({ cameraId: source.summary.id, ...(producerId ? { producerId } : {}) }, source.summary.orgUnitId);
    if (!source) throw new SignallingError('not-found', cameraId !== undefined ? `unknown camera ${cameraId}` : `unknown producer ${producerId}`);
    if (producerId !== undefined && byProducer !== source) {
      throw new SignallingError('not-found', `producer ${producerId} is not camera ${source.summary.id}'s current producer`);
    }
    return source;
  }

  /** Close consumers of cameras this user may no longer see (a camera moved or was removed). */
  revalidate(): void {
    for (const [, view] of this.consumers) {
      const source = this.cameras.get(view.cameraId);
      if (!source || !this.mayView(source.summary.orgUnitId)) {
        view.endReason = 'out-of-scope';
        view.consumer.close();
        this.notify.consumerClosed(view.consumer.id, 'producer-closed');
      }
    }
  }

  readonly handlers: WallPeerHandlers = {
    getRouterRtpCapabilities: async () => ({ rtpCapabilities: this.router.rtpCapabilities }),

    listCameras: async () => ({ cameras: this.cameras.list().filter((camera) => this.mayView(camera.orgUnitId)) }),

    createRecvTransport: async () => {
      if (this.transports.size + this.pendingTransports >= SIGNALLING_LIMITS.transportsPerConnection) {
        throw new SignallingError('limit', `at most ${SIGNALLING_LIMITS.transportsPerConnection} transports per connection`);
      }
      const { listenIp, announcedAddress, rtcMinPort, rtcMaxPort } = this.webrtc;
      const listen = { ip: listenIp, announcedAddress, portRange: { min: rtcMinPort, max: rtcMaxPort } };
      this.pendingTransports++;
      let transport: types.WebRtcTransport;
      try {
        transport = await this.router.createWebRtcTransport({
          listenInfos: [
            { protocol: 'udp', ...listen },
            { protocol: 'tcp', ...listen },
          ],
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
          initialAvailableOutgoingBitrate: 4_000_000,
        });
      } finally {
        this.pendingTransports--;
      }
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

    consume: async ({ transportId, cameraId: requestedCameraId, producerId, rtpCapabilities }) => {
      const transport = this.transport(transportId);
      if (this.consumers.size + this.pendingConsumers >= SIGNALLING_LIMITS.consumersPerConnection) {
        throw new SignallingError('limit', `at most ${SIGNALLING_LIMITS.consumersPerConnection} consumers per connection`);
      }
      this.pendingConsumers++;
      try {
        return await this.consumeCamera(transport, requestedCameraId, producerId, rtpCapabilities);
      } finally {
        this.pendingConsumers--;
      }
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
      const consumer = this.consumer(consumerId);
      this.consumers.get(consumerId)!.endReason = 'closed';
      consumer.close();
      return {};
    },

    ptz: async ({ cameraId, command }) => {
      const source = await this.cameraFor(cameraId, undefined);
      if (!source.summary.ptz) throw new SignallingError('bad-request', `camera ${cameraId} has no PTZ`);
      try {
        await source.ptz(command);
      } catch (error) {
        if (error instanceof CameraCommandError) throw new SignallingError('unavailable', error.message);
        throw error;
      }
      this.log.info('PTZ', { peer: this.id, user: this.principal.user.username, camera: cameraId, command: command.type, ...(command.type === 'preset' ? { operation: command.operation, preset: command.preset } : {}) });
      return {};
    },
  };

  /** The body of `consume`, after the limit check: scope, producer, pipe, consumer, live view. */
  private async consumeCamera(
    transport: types.WebRtcTransport,
    requestedCameraId: string | undefined,
    producerId: string | undefined,
    rtpCapabilities: SignallingRequest<'consume'>['rtpCapabilities'],
  ): Promise<SignallingResponse<'consume'>> {
    const source = await this.cameraFor(requestedCameraId, producerId);
    const cameraId = source.summary.id;
    // An on-demand camera (GB/T 28181) starts streaming here; its lease ends with the consumer.
    let lease: CameraLease;
    try {
      lease = await source.acquire();
    } catch (error) {
      if (error instanceof CameraUnavailableError) throw new SignallingError('unavailable', error.message);
      throw error;
    }
    let consumer: types.Consumer;
    const producer = lease.producer;
    try {
      if (this.closed) throw new SignallingError('unavailable', 'connection closed');
      await this.pool.ensureProducerOn(producer, source.router, this.router);
      const caps = rtpCapabilities as unknown as types.RtpCapabilities;
      if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
        throw new SignallingError('bad-request', `this wall cannot decode camera ${cameraId}`);
      }
      consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
    } catch (error) {
      lease.release();
      throw error;
    }
    consumer.observer.once('close', () => lease.release());
    const { user, address } = this.principal;
    const orgUnitId = source.summary.orgUnitId;
    const viewId = this.track(
      this.deps.store.views.start({ userId: user.id, username: user.username, channelId: cameraId, orgUnitId, address, at: Date.now() }).catch((error: Error) => {
        this.log.error('could not record a live view start', { peer: this.id, camera: cameraId, error });
        return null;
      }),
    );
    const view: ConsumerView = { consumer, cameraId, viewId, endReason: 'disconnected' };
    this.consumers.set(consumer.id, view);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      const endedAt = Date.now();
      this.track(
        viewId.then((id) => (id === null ? undefined : this.deps.store.views.end(id, endedAt, view.endReason))).catch((error: Error) => {
          this.log.error('could not record a live view end', { peer: this.id, camera: cameraId, error });
        }),
      );
    });
    consumer.on('producerclose', () => {
      view.endReason = 'camera-lost';
      this.notify.consumerClosed(consumer.id, 'producer-closed');
    });
    consumer.on('transportclose', () => this.notify.consumerClosed(consumer.id, 'transport-closed'));
    await viewId;
    return { consumerId: consumer.id, producerId: producer.id, cameraId, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
  }

  private transport(transportId: string): types.WebRtcTransport {
    const transport = this.transports.get(transportId);
    if (!transport) throw new SignallingError('not-found', `unknown transport ${transportId}`);
    return transport;
  }

  private consumer(consumerId: string): types.Consumer {
    const view = this.consumers.get(consumerId);
    if (!view) throw new SignallingError('not-found', `unknown consumer ${consumerId}`);
    return view.consumer;
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
