import type { Server as HttpServer } from 'node:http';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import {
  describeIssues,
  signallingRequests,
  type ServerEvents,
  type SfuConfig,
  type SignallingAck,
  type SignallingMethod,
} from '@argus/shared';
import type { Logger } from '../log.js';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import type { WorkerPool } from '../media/workerPool.js';
import { SignallingError } from './signallingError.js';
import { isOriginAllowed } from './originPolicy.js';
import { WallPeer } from './wallPeer.js';

/** Largest socket.io message accepted, bytes (RTP capabilities are a few kB). */
const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * socket.io signalling on the HTTP server: one {@link WallPeer} per connection, camera
 * state broadcast to every wall. Every request is validated against the shared schema
 * before it reaches a handler; anything wrong is answered with an error acknowledgement
 * and logged, never thrown.
 */
export function attachSignalling(
  httpServer: HttpServer,
  deps: { pool: WorkerPool; cameras: CameraRegistry; webrtc: SfuConfig['mediasoup']; allowedOrigins: readonly string[]; log: Logger },
): SocketIoServer {
  const log = deps.log;
  const io = new SocketIoServer<Record<string, never>, ServerEvents>(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    allowRequest: (req, callback) => {
      const allowed = isOriginAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins);
      if (!allowed) log.warn('connection from a foreign origin refused', { origin: String(req.headers.origin).slice(0, 200), address: req.socket.remoteAddress ?? '?' });
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });

  deps.cameras.on('change', (summary) => io.emit('cameraState', summary));

  io.on('connection', (socket: Socket) => {
    const peer = new WallPeer(
      socket.id,
      deps.pool.routerForPeer(),
      deps.pool,
      deps.cameras,
      deps.webrtc,
      { consumerClosed: (consumerId, reason) => socket.emit('consumerClosed', { consumerId, reason }) },
      log.child('peer'),
    );
    log.info('wall connected', { peer: socket.id, address: socket.handshake.address });

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
      log.info('wall disconnected', { peer: socket.id, reason });
      peer.close();
    });
  });

  return io;
}
