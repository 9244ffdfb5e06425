import http from 'node:http';
import { existsSync } from 'node:fs';
import sirv from 'sirv';
import type { CameraRegistry } from '../ingest/cameraRegistry.js';
import type { Logger } from '../log.js';
import type { Api } from './api/api.js';

/**
 * The HTTP server: the wall's web build (a single-page app; unknown paths get index.html)
 * `GET /healthz` → `200 {"status":"ok","cameras":{"total":N,"live":N,"connecting":N,"lost":N}}`
 * (counts only, no names: it needs no login), and the JSON API under `/api`.
 * socket.io attaches to the same server.
 */
export function createHttpServer(options: { staticDir: string | null; cameras: CameraRegistry; api: Api; log: Logger }): http.Server {
  const { staticDir, cameras, api, log } = options;
  const serveStatic = staticDir && existsSync(staticDir) ? sirv(staticDir, { single: true, etag: true, gzip: false }) : null;
  if (!serveStatic) log.warn('no wall build to serve; run `npm run build`', { staticDir: staticDir ?? 'none' });

  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const counts = { total: 0, idle: 0, live: 0, connecting: 0, lost: 0 };
      for (const camera of cameras.list()) {
        counts.total++;
        counts[camera.state]++;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok', cameras: counts }));
      return;
    }
    if (api.handle(req, res)) return;
    if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
      serveStatic(req, res, () => {
        res.writeHead(404).end();
      });
      return;
    }
    res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405).end();
  });
}
