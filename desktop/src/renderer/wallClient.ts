import { Device } from 'mediasoup-client';
import type { types as msTypes } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type {
  BehaviourAlert,
  CameraSummary,
  PtzRequestCommand,
  ServerEvents,
  SignallingAck,
  SignallingMethod,
  SignallingRequest,
  SignallingResponse,
  SignInRecord,
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
  /**
   * The socket disconnected. socket.io's `reason`: `io server disconnect` means the SFU closed
   * it (after `sessionEnded`, or for another reason) and it does not reconnect by itself;
   * otherwise it does.
   */
  disconnected: (reason: string) => void;
  cameraState: (camera: CameraSummary) => void;
  /** A camera this wall could see was removed or moved out of the user's subtree. */
  cameraRemoved: (cameraId: string) => void;
  /** The user's session ended (the SFU disconnects right after). */
  sessionEnded: (reason: SessionEndReason) => void;
  /**
   * The SFU refused the connection (`connect_error` from its handshake check): `unauthenticated`,
   * `forbidden` or `password-change-required`, about the session (see {@link FINAL_REFUSALS});
   * anything else is retried after {@link REFUSED_RETRY_MS}.
   */
  refused: (message: string) => void;
  consumerClosed: (consumerId: string) => void;
  /** A supervised person signed in at a sign-in camera (users with `signins.read`). */
  signIn: (record: SignInRecord) => void;
  /** A behaviour rule fired on a camera in the user's area (users with `alerts.handle`). */
  alert: (alert: BehaviourAlert) => void;
  /** Someone (on any wall) acknowledged an alert. */
  alertAcknowledged: (event: AlertAcknowledgedEvent) => void;
}

/** An `alertAcknowledged` event (shared/src/signalling.ts). */
export type AlertAcknowledgedEvent = Parameters<ServerEvents['alertAcknowledged']>[0];

/** Why the SFU ended a session (shared/src/signalling.ts `sessionEnded`). */
export type SessionEndReason = Parameters<ServerEvents['sessionEnded']>[0]['reason'];

/** Refusals about the session itself: retrying cannot help (the app leaves the wall). */
export const FINAL_REFUSALS: ReadonlySet<string> = new Set(['unauthenticated', 'forbidden', 'password-change-required']);

/** A refusal not about the session (e.g. the SFU starting up) is retried after this long, ms. */
export const REFUSED_RETRY_MS = 5000;

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
  private retryTimer: number | null = null;
  private readonly listeners: { [K in keyof WallClientEvents]: Set<WallClientEvents[K]> } = {
    session: new Set(),
    disconnected: new Set(),
    cameraState: new Set(),
    cameraRemoved: new Set(),
    sessionEnded: new Set(),
    refused: new Set(),
    consumerClosed: new Set(),
    signIn: new Set(),
    alert: new Set(),
    alertAcknowledged: new Set(),
  };

  /**
   * Nothing connects until {@link open}. The handshake is authenticated by the session cookie,
   * which the browser sends along because the SFU is the page's own origin. Each client has
   * its own connection (`forceNew`): a later login's client must not share a socket with an
   * earlier one.
   */
  constructor(url?: string) {
    this.socket = io(url ?? window.location.origin, { transports: ['websocket'], autoConnect: false, forceNew: true });
    this.socket.on('connect', () => {
      this.device = null;
      this.transport = null;
      this.session++;
      this.emit('session', this.session);
    });
    this.socket.on('disconnect', (reason) => this.emit('disconnected', reason));
    this.socket.on('connect_error', (error) => {
      // socket.active is false when the SFU's handshake check refused us (socket.io does not
      // retry those); true for transport errors, which socket.io retries with its own backoff.
      if (this.socket.active) return;
      this.emit('refused', error.message);
      if (!FINAL_REFUSALS.has(error.message)) {
        this.clearRetry();
        this.retryTimer = window.setTimeout(() => {
          this.retryTimer = null;
          this.socket.connect();
        }, REFUSED_RETRY_MS);
      }
    });
    this.socket.on('cameraState', (camera) => this.emit('cameraState', camera));
    this.socket.on('cameraRemoved', ({ cameraId }) => this.emit('cameraRemoved', cameraId));
    this.socket.on('sessionEnded', ({ reason }) => this.emit('sessionEnded', reason));
    this.socket.on('consumerClosed', ({ consumerId }) => this.emit('consumerClosed', consumerId));
    this.socket.on('signIn', (record) => this.emit('signIn', record));
    this.socket.on('alert', (alert) => this.emit('alert', alert));
    this.socket.on('alertAcknowledged', (event) => this.emit('alertAcknowledged', event));
  }

  /** Connect (again); socket.io reconnects by itself after network trouble until {@link close}. */
  open(): void {
    this.clearRetry();
    if (!this.socket.active) this.socket.connect();
  }

  /** Disconnect and stay disconnected (logout, leaving the wall). Consumers die with the connection. */
  close(): void {
    this.clearRetry();
    this.socket.disconnect();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
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

  /**
   * Steer a PTZ camera (GB/T 28181 PTZCmd on the SFU). A `move` keeps going until `stop`.
   * @throws WallRequestError (`bad-request` without PTZ, `forbidden` outside the user's area, `unavailable` when the device did not take it)
   */
  async ptz(cameraId: string, command: PtzRequestCommand): Promise<void> {
    await this.request('ptz', { cameraId, command });
  }
}
