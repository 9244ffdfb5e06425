/**
 * A pixel barcode that carries a wall-clock time and a source tag through H.264 and back.
 *
 * Layout (luma plane, top-left corner of the frame, 640 × 32 px): 2 rows of 40 square blocks of
 * 16 × 16 px, aligned to H.264 macroblocks. Each row is `[W B] 36 data blocks [B W]`: the guard
 * blocks at both ends must read back as exactly that, every block must be clearly black
 * (luma 16) or white (luma 235), and the 72 data bits end in a CRC-16 of the others, so a frame
 * that did not survive compression is dropped instead of decoded into garbage.
 *
 * Data bits, most significant first: 48 bits of time (ms since the Unix epoch, `Date.now()`),
 * 8 bits of tag (which source painted the frame), 16 bits CRC-16/CCITT-FALSE of those 7 bytes.
 *
 * Pure functions, no Node or DOM APIs. The decoder runs inside Chromium:
 * {@link barcodeDecoderSource} is its self-contained JavaScript source.
 */

/** What one frame carries. */
export interface BarcodePayload {
  /** Wall-clock time when the frame was painted, ms since the Unix epoch (integer, < 2^48). */
  timeMs: number;
  /** Source tag, integer 0–255. */
  tag: number;
}

/** Geometry and levels of the barcode (plain data: it is also sent to the browser). */
export const BARCODE = {
  /** Block side, px. */
  block: 16,
  rows: 2,
  /** Blocks per row, guards included; the barcode is `columns * block` = 640 px wide. */
  columns: 40,
  /** Luma of a black / white block (BT.601 limited range). */
  black: 16,
  white: 235,
  /** A sampled block must be this far from mid-grey (128) in 8-bit full-range luma to count. */
  margin: 40,
  /** Side of the square sampled at each block's centre, px. */
  sample: 8,
  timeBits: 48,
  tagBits: 8,
  crcBits: 16,
} as const;

/** Total width and height of the barcode, px. */
export const BARCODE_WIDTH = BARCODE.columns * BARCODE.block;
export const BARCODE_HEIGHT = BARCODE.rows * BARCODE.block;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of `bytes` (each 0–255). */
export function crc16(bytes: number[]): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The 72 data bits (0 or 1, most significant first) for `payload`.
 * @throws RangeError when `timeMs` or `tag` is out of range.
 */
export function payloadToBits(payload: BarcodePayload): number[] {
  const { timeMs, tag } = payload;
  if (!Number.isSafeInteger(timeMs) || timeMs < 0 || timeMs >= 2 ** BARCODE.timeBits) throw new RangeError(`timeMs out of range: ${timeMs}`);
  if (!Number.isInteger(tag) || tag < 0 || tag > 255) throw new RangeError(`tag out of range: ${tag}`);
  const bytes: number[] = [];
  for (let k = BARCODE.timeBits / 8 - 1; k >= 0; k--) bytes.push(Math.floor(timeMs / 2 ** (8 * k)) % 256);
  bytes.push(tag);
  const crc = crc16(bytes);
  bytes.push(crc >> 8, crc & 0xff);
  const bits: number[] = [];
  for (const byte of bytes) for (let i = 7; i >= 0; i--) bits.push((byte >> i) & 1);
  return bits;
}

/** The payload in `bits` (as {@link payloadToBits} makes them), or null when the length or CRC is wrong. */
export function bitsToPayload(bits: number[]): BarcodePayload | null {
  const dataBits = BARCODE.timeBits + BARCODE.tagBits + BARCODE.crcBits;
  if (bits.length !== dataBits) return null;
  const bytes: number[] = [];
  for (let b = 0; b < dataBits; b += 8) {
    let byte = 0;
    for (let i = 0; i < 8; i++) byte = byte * 2 + (bits[b + i] ? 1 : 0);
    bytes.push(byte);
  }
  const crc = ((bytes[7] ?? 0) << 8) | (bytes[8] ?? 0);
  const body = bytes.slice(0, 7);
  if (crc16(body) !== crc) return null;
  let timeMs = 0;
  for (let k = 0; k < 6; k++) timeMs = timeMs * 256 + (body[k] ?? 0);
  return { timeMs, tag: body[6] ?? 0 };
}

/** Block colours, row by row (true = white), guards included: `[W B] data [B W]` per row. */
export function barcodeBlocks(payload: BarcodePayload): boolean[][] {
  const bits = payloadToBits(payload);
  const perRow = BARCODE.columns - 4;
  const rows: boolean[][] = [];
  for (let r = 0; r < BARCODE.rows; r++) {
    const data = bits.slice(r * perRow, (r + 1) * perRow).map((bit) => bit === 1);
    rows.push([true, false, ...data, false, true]);
  }
  return rows;
}

/**
 * Paint the barcode of `payload` into the top-left 640 × 32 px of an 8-bit luma plane.
 * @param luma the Y plane (e.g. of a yuv420p frame), modified in place.
 * @param stride bytes per row of `luma`, ≥ 640.
 * @throws RangeError when the plane is too small or the payload out of range.
 */
export function paintBarcode(luma: Uint8Array, stride: number, payload: BarcodePayload): void {
  if (stride < BARCODE_WIDTH || luma.length < stride * BARCODE_HEIGHT) throw new RangeError('luma plane smaller than the barcode (640 x 32 px)');
  const blocks = barcodeBlocks(payload);
  for (let r = 0; r < BARCODE.rows; r++) {
    const row = blocks[r]!;
    for (let c = 0; c < BARCODE.columns; c++) {
      const value = row[c] ? BARCODE.white : BARCODE.black;
      for (let y = r * BARCODE.block; y < (r + 1) * BARCODE.block; y++) {
        const start = y * stride + c * BARCODE.block;
        luma.fill(value, start, start + BARCODE.block);
      }
    }
  }
}

/**
 * Read the barcode back from RGBA pixels (as `CanvasRenderingContext2D.getImageData` returns
 * them) of a frame drawn at 640 px wide: samples the centre of every block, rejects the frame
 * unless every block is clearly black or white, the guards read `[W B] … [B W]` and the CRC
 * matches.
 * Self-contained apart from `BARCODE`, {@link crc16} and {@link bitsToPayload} (see
 * {@link barcodeDecoderSource}).
 * @param rgba at least 32 rows of `width` pixels, 4 bytes each.
 * @param width pixels per row of `rgba`, ≥ 640.
 * @returns the payload, or null when the frame does not carry a valid barcode.
 */
export function readBarcodeRgba(rgba: Uint8ClampedArray | Uint8Array, width: number): BarcodePayload | null {
  const { block, rows, columns, margin, sample } = BARCODE;
  if (width < columns * block || rgba.length < width * rows * block * 4) return null;
  const offset = (block - sample) / 2;
  const bits: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      let sum = 0;
      for (let y = r * block + offset; y < r * block + offset + sample; y++) {
        for (let x = c * block + offset; x < c * block + offset + sample; x++) {
          const i = (y * width + x) * 4;
          sum += 0.299 * (rgba[i] ?? 0) + 0.587 * (rgba[i + 1] ?? 0) + 0.114 * (rgba[i + 2] ?? 0);
        }
      }
      const mean = sum / (sample * sample);
      if (Math.abs(mean - 128) < margin) return null;
      const white = mean > 128;
      const guard = c === 0 ? true : c === 1 ? false : c === columns - 2 ? false : c === columns - 1 ? true : null;
      if (guard !== null) {
        if (white !== guard) return null;
      } else {
        bits.push(white ? 1 : 0);
      }
    }
  }
  return bitsToPayload(bits);
}

/**
 * JavaScript source that declares `BARCODE`, `crc16`, `bitsToPayload` and `readBarcodeRgba`
 * in the scope it is evaluated in (e.g. a page script), so the browser decodes with exactly
 * this module's code.
 */
export function barcodeDecoderSource(): string {
  return [`const BARCODE = ${JSON.stringify(BARCODE)};`, crc16.toString(), bitsToPayload.toString(), readBarcodeRgba.toString()].join('\n');
}
