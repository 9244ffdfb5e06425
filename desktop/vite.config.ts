import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The wall's renderer: built to desktop/dist/renderer, served by the SFU and loaded by Electron. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist/renderer',
    emptyOutDir: true,
    // No source maps in what the SFU serves to walls.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `vite dev` against a running SFU on 8080: signalling and the HTTP API. The Host header
    // is passed through unchanged, so the SFU sees the dev page as same-origin and the session
    // cookie it sets belongs to the dev origin.
    proxy: {
      '/socket.io': { target: 'http://127.0.0.1:8080', ws: true },
      '/api': { target: 'http://127.0.0.1:8080' },
    },
  },
});
