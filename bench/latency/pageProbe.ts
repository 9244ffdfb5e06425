import type { Page } from 'playwright-core';
import { barcodeDecoderSource, type BarcodePayload } from './barcode.js';

/**
 * The in-page half of the benchmark: a `requestVideoFrameCallback` loop on one tile's <video>
 * that draws every presented frame's barcode strip into a canvas, decodes it and records
 *
 * - glass-to-glass latency: `Date.now()` in the frame's callback minus the time painted into
 *   the frame by the source, ms (same machine, same clock);
 * - first frame after a switch: from a camera button's click event to the callback of the first
 *   presented frame carrying the new camera's tag, ms (page `performance` timeline).
 *
 * The callback runs once the frame has been handed to the compositor; Chromium's
 * `expectedDisplayTime` (recorded alongside) is usually a few ms earlier in headless mode, so
 * the callback time is the conservative choice.
 */

/** What the probe has gathered for glass-to-glass; all latencies in ms. */
export interface GlassReading {
  /** Latency to the frame's rVFC callback, one per decoded frame while collecting. */
  samples: number[];
  /** Latency to the frame's `expectedDisplayTime` (wall clock), same frames. */
  atExpectedDisplay: number[];
  /** Frames presented while collecting whose barcode did not decode (dropped, not recorded). */
  undecoded: number;
  /** Frames whose tag was not the expected camera's. */
  wrongTag: number;
}

/** One switch, as measured in the page; times are ms on the page's `performance` timeline. */
export interface SwitchReading {
  /** `event.timeStamp` of the camera button's click. */
  clickedAt: number;
  /** Callback time of the first presented frame of the new MediaStream (any content). */
  firstNewStreamFrameAt: number | null;
  /** Callback time of the first presented frame whose barcode carries the new camera's tag. */
  firstTaggedFrameAt: number | null;
  /** Frames of the new stream presented before the first tagged one (undecoded or stale). */
  framesBeforeTagged: number;
}

interface ProbeApi {
  attach(selector: string): boolean;
  startGlass(tag: number): void;
  stopGlass(): GlassReading;
  glassCount(): number;
  armSwitch(tag: number): void;
  readSwitch(): SwitchReading | null;
  lastTag(): number | null;
}

declare global {
  interface Window {
    __argusLatency?: ProbeApi;
  }
}

/**
 * Runs in the page (serialised with `toString()`: it must not use anything from outside
 * itself but its argument). Returns the probe's API.
 */
function createProbe(readBarcode: (rgba: Uint8ClampedArray, width: number) => BarcodePayload | null): ProbeApi {
  const STRIP_WIDTH = 640;
  const STRIP_HEIGHT = 32;
  const canvas = document.createElement('canvas');
  canvas.width = STRIP_WIDTH;
  canvas.height = STRIP_HEIGHT;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

  let video: HTMLVideoElement | null = null;
  let handle = 0;
  let lastTag: number | null = null;
  let glass: { tag: number; reading: GlassReading } | null = null;
  let pendingSwitch: { tag: number; fromStream: MediaProvider | null; reading: SwitchReading | null } | null = null;

  const onFrame = (_now: DOMHighResTimeStamp, metadata: VideoFrameCallbackMetadata) => {
    if (!video) return;
    handle = video.requestVideoFrameCallback(onFrame);
    const perfNow = performance.now();
    const wallNow = Date.now();
    const width = metadata.width || video.videoWidth;
    const height = metadata.height || video.videoHeight;
    let payload: BarcodePayload | null = null;
    if (width > 0 && height > 0) {
      // The top STRIP_HEIGHT rows of the frame scaled to 640 px wide.
      const scale = width / STRIP_WIDTH;
      ctx.drawImage(video, 0, 0, width, STRIP_HEIGHT * scale, 0, 0, STRIP_WIDTH, STRIP_HEIGHT);
      payload = readBarcode(ctx.getImageData(0, 0, STRIP_WIDTH, STRIP_HEIGHT).data, STRIP_WIDTH);
    }
    if (payload) lastTag = payload.tag;

    if (glass) {
      if (!payload) glass.reading.undecoded++;
      else if (payload.tag !== glass.tag) glass.reading.wrongTag++;
      else {
        glass.reading.samples.push(wallNow - payload.timeMs);
        glass.reading.atExpectedDisplay.push(wallNow + (metadata.expectedDisplayTime - perfNow) - payload.timeMs);
      }
    }

    const sw = pendingSwitch;
    if (sw?.reading && sw.reading.firstTaggedFrameAt === null && video.srcObject && video.srcObject !== sw.fromStream) {
      if (sw.reading.firstNewStreamFrameAt === null) sw.reading.firstNewStreamFrameAt = perfNow;
      if (payload?.tag === sw.tag) sw.reading.firstTaggedFrameAt = perfNow;
      else sw.reading.framesBeforeTagged++;
    }
  };

  // A new source (srcObject) restarts the element's media pipeline: re-arm the callback so it
  // follows the new stream whatever the browser does with callbacks pending on the old one.
  const rearm = () => {
    if (!video) return;
    video.cancelVideoFrameCallback(handle);
    handle = video.requestVideoFrameCallback(onFrame);
  };

  // The click that starts a switch: stamped by the event itself, not by the automation.
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target as Element | null;
      if (!pendingSwitch || pendingSwitch.reading || !target?.closest('[data-testid^="camera-"]')) return;
      pendingSwitch.fromStream = video?.srcObject ?? null;
      pendingSwitch.reading = { clickedAt: event.timeStamp, firstNewStreamFrameAt: null, firstTaggedFrameAt: null, framesBeforeTagged: 0 };
    },
    { capture: true },
  );

  return {
    attach(selector) {
      const found = document.querySelector<HTMLVideoElement>(selector);
      if (!found) return false;
      if (found === video) return true;
      if (video) {
        video.cancelVideoFrameCallback(handle);
        video.removeEventListener('loadstart', rearm);
      }
      video = found;
      video.addEventListener('loadstart', rearm);
      handle = video.requestVideoFrameCallback(onFrame);
      return true;
    },
    startGlass(tag) {
      glass = { tag, reading: { samples: [], atExpectedDisplay: [], undecoded: 0, wrongTag: 0 } };
    },
    stopGlass() {
      const reading = glass?.reading ?? { samples: [], atExpectedDisplay: [], undecoded: 0, wrongTag: 0 };
      glass = null;
      return reading;
    },
    glassCount() {
      return glass?.reading.samples.length ?? 0;
    },
    armSwitch(tag) {
      pendingSwitch = { tag, fromStream: null, reading: null };
    },
    readSwitch() {
      return pendingSwitch?.reading ?? null;
    },
    lastTag() {
      return lastTag;
    },
  };
}

/** The init script that defines `window.__argusLatency` in every document of the page. */
export function probeInitScript(): string {
  return `(() => {\n${barcodeDecoderSource()}\nwindow.__argusLatency = (${createProbe.toString()})(readBarcodeRgba);\n})();`;
}

function api(page: Page) {
  return {
    /** Attach the probe to the first element matching `selector` (a <video>); false when absent. */
    attach: (selector: string) => page.evaluate((s) => window.__argusLatency!.attach(s), selector),
    /** Start recording glass-to-glass samples of frames tagged `tag` (previous samples dropped). */
    startGlass: (tag: number) => page.evaluate((t) => window.__argusLatency!.startGlass(t), tag),
    /** Stop recording and return what was recorded. */
    stopGlass: () => page.evaluate(() => window.__argusLatency!.stopGlass()),
    /** Samples recorded so far. */
    glassCount: () => page.evaluate(() => window.__argusLatency!.glassCount()),
    /** Expect the next camera-button click to switch the tile to the camera tagged `tag`. */
    armSwitch: (tag: number) => page.evaluate((t) => window.__argusLatency!.armSwitch(t), tag),
    /** The armed switch's reading, null before its click. */
    readSwitch: () => page.evaluate(() => window.__argusLatency!.readSwitch()),
    /** Tag of the last decoded frame, null before any. */
    lastTag: () => page.evaluate(() => window.__argusLatency!.lastTag()),
  };
}

/** Node-side handle on the page's probe. */
export type LatencyProbe = ReturnType<typeof api>;

/**
 * Install the probe in `page` (call before navigating: it is an init script).
 * @returns the Node-side API, which works once the page has loaded.
 */
export async function installLatencyProbe(page: Page): Promise<LatencyProbe> {
  await page.addInitScript({ content: probeInitScript() });
  return api(page);
}
