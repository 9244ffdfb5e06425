import { paintBarcode, type BarcodePayload } from './barcode.js';

/** Frame size, px (the barcode needs ≥ 640 px of width). */
export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 360;
/** Bytes of one yuv420p frame. */
export const FRAME_BYTES = (FRAME_WIDTH * FRAME_HEIGHT * 3) / 2;

/** Luma ramp wide enough for any row of any frame: 40–239 repeating every 200 px. */
const RAMP = Uint8Array.from({ length: FRAME_WIDTH + FRAME_HEIGHT + 200 }, (_, i) => 40 + (i % 200));

/**
 * Paint frame number `n` into `frame` (yuv420p, {@link FRAME_BYTES} long): a diagonal luma
 * ramp scrolling 4 px per frame (so the encoder has motion to code), neutral chroma, and the
 * barcode of `payload` in the top 640 × 32 px.
 */
export function paintFrame(frame: Uint8Array, n: number, payload: BarcodePayload): void {
  const shift = (n * 4) % 200;
  for (let y = 0; y < FRAME_HEIGHT; y++) frame.set(RAMP.subarray(y + shift, y + shift + FRAME_WIDTH), y * FRAME_WIDTH);
  frame.fill(128, FRAME_WIDTH * FRAME_HEIGHT, FRAME_BYTES);
  paintBarcode(frame, FRAME_WIDTH, payload);
}
