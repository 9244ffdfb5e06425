import jpeg from 'jpeg-js';
import type { RgbImage } from './imageDecode.js';

/** A box in picture pixels: x, y (top-left), width, height. */
export type Box = [number, number, number, number];

/**
 * Where {@link cropImage} cuts: `box` grown by `margin` (a fraction of its size on each side) and
 * clipped to a `width` × `height` picture, px: x, y, width, height (at least 1 × 1).
 */
export function cropRect(width: number, height: number, box: Box, margin = 0): Box {
  const [bx, by, bw, bh] = box;
  const x0 = Math.max(0, Math.floor(bx - bw * margin));
  const y0 = Math.max(0, Math.floor(by - bh * margin));
  const x1 = Math.min(width, Math.ceil(bx + bw * (1 + margin)));
  const y1 = Math.min(height, Math.ceil(by + bh * (1 + margin)));
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}

/**
 * The part of `image` inside `box`, grown by `margin` (a fraction of the box's size on each
 * side, e.g. 0.3) and clipped to the picture. A box outside the picture gives a 1×1 picture.
 */
export function cropImage(image: RgbImage, box: Box, margin = 0): RgbImage {
  const [x0, y0, width, height] = cropRect(image.width, image.height, box, margin);
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const y = Math.min(image.height - 1, y0 + row);
    const from = (y * image.width + Math.min(x0, image.width - 1)) * 3;
    data.set(image.data.subarray(from, from + Math.min(width, image.width - x0) * 3), row * width * 3);
  }
  return { width, height, data };
}

/**
 * Encode `image` as a baseline JPEG (jpeg-js), for snapshots stored with sign-ins and alerts.
 * @param quality 1-100 (default 80)
 */
export function encodeJpeg(image: RgbImage, quality = 80): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    rgba[j] = image.data[i]!;
    rgba[j + 1] = image.data[i + 1]!;
    rgba[j + 2] = image.data[i + 2]!;
    rgba[j + 3] = 255;
  }
  const encoded = jpeg.encode({ width: image.width, height: image.height, data: rgba }, quality);
  return new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.length);
}
