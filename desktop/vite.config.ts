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
    // `vite dev` against a running SFU on 8080.
    proxy: { '/socket.io': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
