import { defineConfig } from 'vitest/config';

/**
 * One runner for unit, integration (real mediasoup, ffmpeg, RTSP server) and end-to-end
 * (real Chromium) tests. Files run one at a time: the machine has 2 cores and the
 * integration tests own real processes and ports.
 */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
