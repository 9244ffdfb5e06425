import type { Server as HttpServer } from 'node:http';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import {
  describeIssues,
  type CameraSummary,
  type Permission,
  signallingRequests,
  type ServerEvents,
  type SfuConfig,
  type SignallingAck,
  type SignallingMethod,
} from '@argus/shared';
import type { Logger } from '../log.js';
import { AuthError, type AuthService } from '../auth/authService.js';
import { can, type Principal } from '../auth/principal.js';
import type { Catalog } from '../catalog/catalog.js';
import { cookieToken } from '../http/api/apiRouter.js';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import type { WorkerPool } from '../media/workerPool.js';
import type { Store } from '../store/store.js';
import { SignallingError } from './signallingError.js';
import { isOriginAllowed } from '../security/originPolicy.js';
import { WallPeer } from './wallPeer.js';

/** Largest socket.io message accepted, bytes (RTP capabilities are a few kB). */
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface SignallingDeps {
  pool: WorkerPool;
  cameras: CameraRegistry;
  catalog: Catalog;
  store: Store;
  auth: AuthService;
  webrtc: SfuConfig['mediasoup'];
  allowedOrigins: readonly string[];
  log: Logger;
}

export interface Signalling {
  io: SocketIoServer;
  /**
   * Push an analytics event to the walls of users who hold `permission` and whose area holds
   * `orgUnitId` (a sign-in goes by the person's org unit, an alert by the camera's).
   */
  notify<E extends 'signIn' | 'alert' | 'alertAcknowledged'>(event: E, payload: Parameters<ServerEvents[E]>[0], orgUnitId: string, permission: Permission): void;
  /** Close every connection and wait until their live views are recorded as ended. */
  close(): Promise<void>;
}

/** Wall connections one user may hold at once (a command centre runs a few monitors per operator). */
export const MAX_CONNECTIONS_PER_USER = 8;

/** Room of the sockets of users whose org unit is `orgUnitId`. */
const orgRoom = (orgUnitId: string) => `org:${orgUnitId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * socket.io signalling on the HTTP server: one {@link WallPeer} per connection of a logged-in
 * user allowed to watch video (`wall.view`); the handshake's session token is checked first.
 * Camera state goes only to walls whose user's subtree holds the camera. Every request is
 * validated against the shared schema before it reaches a handler; anything wrong is answered
 * with an error acknowledgement and logged, never thrown. A session that ends (logout, expiry,
 * revoked) is told `sessionEnded` and disconnected.
 */
export function attachSignalling(httpServer: HttpServer, deps: SignallingDeps): Signalling {
  const log = deps.log;
  const peers = new Set<WallPeer>();
  const connectionsPerUser = new Map<string, number>();
  const io = new SocketIoServer<Record<string, never>, ServerEvents>(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    allowRequest: (req, callback) => {
      const allowed = isOriginAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins);
      if (!allowed) log.warn('connection from a foreign origin refused', { origin: String(req.headers.origin).slice(0, 200), address: req.socket.remoteAddress ?? '?' });
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });

  // Users of a unit and of every unit above it see its cameras.
  const roomsFor = (orgUnitId: string) => deps.catalog.tree.ancestry(orgUnitId).map(orgRoom);
  const onChange = (summary: CameraSummary) => {
    const rooms = roomsFor(summary.orgUnitId);
    if (rooms.length > 0) io.to(rooms).emit('cameraState', summary);
  };
  // Only walls that can no longer see the camera are told it is gone (a move keeps it for units above both places).
  const onRemoved = (summary: CameraSummary) => {
    const now = deps.cameras.get(summary.id)?.summary;
    const keep = new Set(now ? roomsFor(now.orgUnitId) : []);
    const rooms = roomsFor(summary.orgUnitId).filter((room) => !keep.has(room));
    if (rooms.length > 0) io.to(rooms).emit('cameraRemoved', { cameraId: summary.id });
  };
  const onCatalogChanged = () => {
    for (const peer of peers) peer.revalidate();
  };
  const onSessionEnded = (sessionId: string, reason: 'logout' | 'expired' | 'revoked') => {
    io.to(sessionRoom(sessionId)).emit('sessionEnded', { reason });
    io.in(sessionRoom(sessionId)).disconnectSockets(true);
  };
  deps.cameras.on('change', onChange);
  deps.cameras.on('removed', onRemoved);
  deps.catalog.on('changed', onCatalogChanged);
  deps.auth.on('sessionEnded', onSessionEnded);

  // Authenticate the handshake: the session cookie (browsers) or `auth.token` (other clients).
  io.use((socket, next) => {
    const token = cookieToken(socket.handshake.headers.cookie) ?? (typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined);
    deps.auth
      .authenticate(token, socket.handshake.address)
      .then((principal) => {
        if (principal.user.mustChangePassword) {
          next(new Error('password-change-required'));
          return;
        }
        if (!can(principal, 'wall.view')) {
          log.warn('wall connection refused: the user may not watch video', { user: principal.user.username, address: socket.handshake.address });
          next(new Error('forbidden'));
          return;
        }
        if ((connectionsPerUser.get(principal.user.id) ?? 0) >= MAX_CONNECTIONS_PER_USER) {
          log.warn('wall connection refused: too many connections for one user', { user: principal.user.username, address: socket.handshake.address });
          next(new Error('limit'));
          return;
        }
        socket.data.principal = principal;
        next();
      })
      .catch((error: Error) => {
        if (!(error instanceof AuthError)) log.error('wall authentication failed', { error });
        else log.info('wall connection refused', { reason: error.message, address: socket.handshake.address });
        next(new Error('unauthenticated'));
      });
  });

  io.on('connection', (socket: Socket) => {
    const principal = socket.data.principal as Principal;
    const peer = new WallPeer(
      socket.id,
      principal,
      deps.pool.routerForPeer(),
      { pool: deps.pool, cameras: deps.cameras, catalog: deps.catalog, store: deps.store, webrtc: deps.webrtc },
      { consumerClosed: (consumerId, reason) => socket.emit('consumerClosed', { consumerId, reason }) },
      log.child('peer'),
    );
    peers.add(peer);
    connectionsPerUser.set(principal.user.id, (connectionsPerUser.get(principal.user.id) ?? 0) + 1);
    void socket.join([orgRoom(principal.user.orgUnitId), sessionRoom(principal.sessionId)]);
    // The session's end is the connection's end; timers over ~24.8 days overflow, and sessions are shorter.
    const expiry = setTimeout(() => {
      socket.emit('sessionEnded', { reason: 'expired' });
      socket.disconnect(true);
    }, Math.max(0, principal.expiresAt - Date.now()));
    log.info('wall connected', { peer: socket.id, user: principal.user.username, address: socket.handshake.address });

    // Unknown methods get an error acknowledgement too (when the client asked for one).
    socket.onAny((event: string, ...args: unknown[]) => {
      if (Object.hasOwn(signallingRequests, event)) return;
      log.warn('unknown method rejected', { peer: socket.id, method: event.slice(0, 64) });
      const ack = args.at(-1);
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'bad-request', message: 'unknown method' } });
    });

    for (const method of Object.keys(signallingRequests) as SignallingMethod[]) {
      socket.on(method, async (...args: unknown[]) => {
        // emit(method, payload, ack); an acknowledgement without a payload is a bad request, answered.
        const ack = args.at(-1);
        if (typeof ack !== 'function') {
          log.warn('request without acknowledgement rejected', { peer: socket.id, method });
          return;
        }
        const payload = args.length === 2 ? args[0] : Symbol('missing');
        const reply = ack as (response: SignallingAck<typeof method>) => void;
        if (typeof payload === 'symbol') {
          log.warn('bad request rejected', { peer: socket.id, method, issues: 'want exactly (payload, ack)' });
          reply({ ok: false, error: { code: 'bad-request', message: 'want exactly one payload and an acknowledgement' } });
          return;
        }
        const parsed = signallingRequests[method].safeParse(payload);
        if (!parsed.success) {
          log.warn('bad request rejected', { peer: socket.id, method, issues: describeIssues(parsed.error) });
          reply({ ok: false, error: { code: 'bad-request', message: describeIssues(parsed.error) } });
          return;
        }
        try {
          const handler = peer.handlers[method] as (request: unknown) => Promise<never>;
          reply({ ok: true, data: await handler(parsed.data) });
        } catch (error) {
          if (error instanceof SignallingError) {
            log.info('request refused', { peer: socket.id, method, code: error.code, message: error.message });
            reply({ ok: false, error: { code: error.code, message: error.message } });
          } else if (error instanceof TypeError || error instanceof RangeError) {
            // mediasoup rejects malformed RTP capabilities / DTLS parameters with TypeError;
            // absurdly nested payloads end in RangeError (call stack) while being read.
            log.warn('request rejected by mediasoup', { peer: socket.id, method, error });
            reply({ ok: false, error: { code: 'bad-request', message: (error as Error).message } });
          } else {
            log.error('request failed', { peer: socket.id, method, error: error as Error });
            reply({ ok: false, error: { code: 'internal', message: 'internal error' } });
          }
        }
      });
    }

    socket.on('disconnect', (reason) => {
      clearTimeout(expiry);
      const left = (connectionsPerUser.get(principal.user.id) ?? 1) - 1;
      if (left > 0) connectionsPerUser.set(principal.user.id, left);
      else connectionsPerUser.delete(principal.user.id);
      log.info('wall disconnected', { peer: socket.id, user: principal.user.username, reason });
      peer.close();
      void peer.settled().then(() => peers.delete(peer));
    });
  });

  return {
    io,
    notify(event, payload, orgUnitId, permission) {
      const rooms = roomsFor(orgUnitId);
      if (rooms.length === 0) return;
      void io
        .in(rooms)
        .fetchSockets()
        .then((sockets) => {
          for (const socket of sockets) {
            const principal = socket.data.principal as Principal | undefined;
            if (principal && can(principal, permission)) (socket.emit as (name: string, body: unknown) => void)(event, payload);
          }
        })
        .catch((error: Error) => log.error('analytics event not delivered', { event, error }));
    },
    async close() {
      deps.cameras.off('change', onChange);
      deps.cameras.off('removed', onRemoved);
      deps.catalog.off('changed', onCatalogChanged);
      deps.auth.off('sessionEnded', onSessionEnded);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all([...peers].map((peer) => peer.settled()));
    },
  };
}
