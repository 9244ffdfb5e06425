import { describe, expect, it } from 'vitest';
import {
  BARCODE,
  BARCODE_HEIGHT,
  BARCODE_WIDTH,
  barcodeDecoderSource,
  bitsToPayload,
  crc16,
  paintBarcode,
  payloadToBits,
  readBarcodeRgba,
} from '../../bench/latency/barcode.js';

/** Luma plane → RGBA as a canvas would return it (grey: R = G = B = Y). */
function lumaToRgba(luma: Uint8Array, width: number, height: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = luma[i]!;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

describe('latency barcode', () => {
  const payload = { timeMs: 1_795_000_000_123, tag: 0xa5 };

  it('round-trips a payload through bits', () => {
    const bits = payloadToBits(payload);
    expect(bits).toHaveLength(BARCODE.timeBits + BARCODE.tagBits + BARCODE.crcBits);
    expect(bitsToPayload(bits)).toEqual(payload);
  });

  it('rejects bits whose CRC does not match', () => {
    const bits = payloadToBits(payload);
    bits[3] = bits[3] ? 0 : 1;
    expect(bitsToPayload(bits)).toBeNull();
  });

  it('computes CRC-16/CCITT-FALSE (check value of "123456789" is 0x29B1)', () => {
    expect(crc16([...'123456789'].map((c) => c.charCodeAt(0)))).toBe(0x29b1);
  });

  it('paints into a luma plane and reads back from RGBA pixels', () => {
    const width = 640;
    const height = 64;
    const luma = new Uint8Array(width * height).fill(128);
    paintBarcode(luma, width, payload);
    expect(readBarcodeRgba(lumaToRgba(luma, width, height), width)).toEqual(payload);
  });

  it('drops a frame with a damaged guard or a grey block instead of decoding garbage', () => {
    const width = 640;
    const luma = new Uint8Array(width * BARCODE_HEIGHT);
    paintBarcode(luma, width, payload);
    const guardBroken = luma.slice();
    for (let y = 0; y < BARCODE.block; y++) guardBroken.fill(BARCODE.black, y * width, y * width + BARCODE.block);
    expect(readBarcodeRgba(lumaToRgba(guardBroken, width, BARCODE_HEIGHT), width)).toBeNull();
    const grey = luma.slice();
    for (let y = 0; y < BARCODE.block; y++) grey.fill(128, y * width + 5 * BARCODE.block, y * width + 6 * BARCODE.block);
    expect(readBarcodeRgba(lumaToRgba(grey, width, BARCODE_HEIGHT), width)).toBeNull();
  });

  it('rejects out-of-range payloads and planes smaller than the barcode', () => {
    expect(() => payloadToBits({ timeMs: 2 ** 48, tag: 0 })).toThrow(RangeError);
    expect(() => payloadToBits({ timeMs: 0, tag: 256 })).toThrow(RangeError);
    expect(() => paintBarcode(new Uint8Array(10), BARCODE_WIDTH - 1, payload)).toThrow(RangeError);
  });

  it('ships a decoder source for the page that decodes the same way', () => {
    const luma = new Uint8Array(640 * BARCODE_HEIGHT);
    paintBarcode(luma, 640, payload);
    const decode = new Function('rgba', 'width', `${barcodeDecoderSource()}; return readBarcodeRgba(rgba, width);`);
    expect(decode(lumaToRgba(luma, 640, BARCODE_HEIGHT), 640)).toEqual(payload);
  });
});
