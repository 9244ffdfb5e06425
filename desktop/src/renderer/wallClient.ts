import { Device } from 'mediasoup-client';
import type { types as msTypes } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type {
  CameraSummary,
  ServerEvents,
  SignallingAck,
  SignallingMethod,
  SignallingRequest,
  SignallingResponse,
} from '@argus/shared';

/** A failed signalling request, with the SFU's error code. */
export class WallRequestError extends Error {
  override readonly name = 'WallRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A live view of one camera in one tile: a paused-at-start mediasoup-client consumer. */
export interface TileConsumer {
  consumer: msTypes.Consumer;
  track: MediaStreamTrack;
  /** Resume (visible) or pause (hidden); resuming makes the SFU ask the camera for a keyframe. */
  setPaused(paused: boolean): Promise<void>;
  close(): void;
}

export interface WallClientEvents {
  /** The socket (re)connected; `session` increments each time, and consumers of older sessions are dead. */
  session: (session: number) => void;
  disconnected: () => void;
  cameraState: (camera: CameraSummary) => void;
  consumerClosed: (consumerId: string) => void;
}

/** How long a request may wait for its acknowledgement, ms. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The wall's side of the signalling protocol (shared/src/signalling.ts) plus mediasoup-client:
 * one socket.io connection, one Device, one receive transport, created lazily and recreated
 * after a reconnect.
 */
export class WallClient {
  private readonly socket: Socket<ServerEvents>;
  private device: Promise<Device> | null = null;
  private transport: Promise<msTypes.Transport> | null = null;
  private session = 0;
  private readonly listeners: { [K in keyof WallClientEvents]: Set<WallClientEvents[K]> } = {
    session: new Set(),
    disconnected: new Set(),
    cameraState: new Set(),
    consumerClosed: new Set(),
  };

  constructor(url?: string) {
    this.socket = io(url ?? window.location.origin, { transports: ['websocket'] });
    this.socket.on('connect', () => {
      this.device = null;
      this.transport = null;
      this.session++;
      this.emit('session', this.session);
    });
    this.socket.on('disconnect', () => this.emit('disconnected'));
    this.socket.on('cameraState', (camera) => this.emit('cameraState', camera));
    this.socket.on('consumerClosed', ({ consumerId }) => this.emit('consumerClosed', consumerId));
  }

  on<K extends keyof WallClientEvents>(event: K, listener: WallClientEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  private emit<K extends keyof WallClientEvents>(event: K, ...args: Parameters<WallClientEvents[K]>): void {
    for (const listener of this.listeners[event]) (listener as (...a: unknown[]) => void)(...args);
  }

  get currentSession(): number {
    return this.session;
  }

  /** Send one request. @throws WallRequestError with the SFU's code, or code `timeout`. */
  async request<M extends SignallingMethod>(method: M, data: SignallingRequest<M>): Promise<SignallingResponse<M>> {
    let ack: SignallingAck<M>;
    try {
      ack = (await (this.socket as unknown as Socket).timeout(REQUEST_TIMEOUT_MS).emitWithAck(method, data)) as SignallingAck<M>;
    } catch {
      throw new WallRequestError('timeout', `${method}: no answer in ${REQUEST_TIMEOUT_MS} ms`);
    }
    if (!ack.ok) throw new WallRequestError(ack.error.code, ack.error.message);
    return ack.data;
  }

  async listCameras(): Promise<CameraSummary[]> {
    return (await this.request('listCameras', {})).cameras;
  }

  /** The Device loaded with this session's router capabilities; one load shared by concurrent callers. */
  private loadDevice(): Promise<Device> {
    if (!this.device) {
      this.device = (async () => {
        const { rtpCapabilities } = await this.request('getRouterRtpCapabilities', {});
        const device = new Device();
        await device.load({ routerRtpCapabilities: rtpCapabilities as msTypes.RtpCapabilities });
        return device;
      })();
      this.device.catch(() => {
        this.device = null;
      });
    }
    return this.device;
  }

  private recvTransport(): Promise<msTypes.Transport> {
    if (!this.transport) {
      const session = this.session;
      this.transport = (async () => {
        const device = await this.loadDevice();
        const options = await this.request('createRecvTransport', {});
        const transport = device.createRecvTransport(options as msTypes.TransportOptions);
        transport.on('connect', ({ dtlsParameters }, callback, errback) => {
          this.request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as never }).then(() => callback(), errback);
        });
        transport.on('connectionstatechange', (state) => {
          // A failed ICE/DTLS transport cannot recover: drop it so the next consume makes a new one.
          if ((state === 'failed' || state === 'closed') && this.session === session) this.transport = null;
        });
        return transport;
      })();
      this.transport.catch(() => {
        this.transport = null;
      });
    }
    return this.transport;
  }

  /**
   * Consume `cameraId`'s current video producer. The consumer starts paused; call
   * `setPaused(false)` once the track is attached.
   * @throws WallRequestError (`unavailable` when the camera is not live, `not-found` for an unknown camera).
   */
  async consume(cameraId: string): Promise<TileConsumer> {
    const device = await this.loadDevice();
    const transport = await this.recvTransport();
    const answer = await this.request('consume', {
      transportId: transport.id,
      cameraId,
      rtpCapabilities: device.rtpCapabilities as never,
    });
    const consumer = await transport.consume({
      id: answer.consumerId,
      producerId: answer.producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as msTypes.RtpParameters,
    });
    const consumerId = answer.consumerId;
    return {
      consumer,
      track: consumer.track,
      setPaused: async (paused) => {
        if (paused) consumer.pause();
        else consumer.resume();
        await this.request('setConsumerPaused', { consumerId, paused });
      },
      close: () => {
        if (consumer.closed) return;
        consumer.close();
        this.request('closeConsumer', { consumerId }).catch(() => undefined /* already gone on the SFU */);
      },
    };
  }
}
