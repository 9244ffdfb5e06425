/**
 * Command-line flags for headless Debian Chromium on our machines (tests, benchmark, demos):
 * no sandbox as root, no GPU, no QUIC, and no background traffic — the network is closed and
 * Chromium's background connections would be refused many at a time. Autoplay is allowed so a
 * wall opened by a script plays without a user gesture.
 */
export const HEADLESS_CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Debian's Chromium (apt package `chromium`); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
