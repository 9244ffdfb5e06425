import type { RgbImage } from './imageDecode.js';

/**
 * Splits a byte stream of PAM pictures (ffmpeg `-f image2pipe -c:v pam -pix_fmt rgb24`) into
 * {@link RgbImage}s. PAM carries each picture's size in its own text header
 * (`P7 WIDTH w HEIGHT h DEPTH 3 MAXVAL 255 TUPLTYPE RGB ENDHDR`), so a stream whose size changes
 * mid-way (a camera switching resolution) needs no probing.
 * @throws Error from {@link push} when a header is not RGB with 8 bits per sample or is larger than 64 KiB
 */
export class PamStream {
  /** Bytes received and not yet part of a whole picture, kept as the chunks they came in. */
  private chunks: Buffer[] = [];
  private length = 0;
  /** The picture being received, once its header is known: where its pixels start and its size. */
  private next: { start: number; width: number; height: number } | null = null;

  /**
   * Feed bytes; returns the pictures completed by them, in order. A 960×540 picture arrives in
   * about 24 pipe chunks: they are joined once, when the picture is whole, not on every chunk.
   */
  push(chunk: Buffer): RgbImage[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const pictures: RgbImage[] = [];
    for (;;) {
      this.next ??= this.readHeader();
      if (!this.next) return pictures;
      const { start, width, height } = this.next;
      const end = start + width * height * 3;
      if (this.length < end) return pictures;
      const buffered = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
      // Copy: the picture outlives the chunks it came in.
      pictures.push({ width, height, data: new Uint8Array(buffered.subarray(start, end)) });
      const rest = buffered.subarray(end);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
      this.next = null;
    }
  }

  /** The header of the picture at the front, or null while it is incomplete. */
  private readHeader(): { start: number; width: number; height: number } | null {
    // A header is a few dozen bytes: look for its end in the first 64 KiB only.
    const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, Math.min(this.length, 65_536 + 8));
    const end = head.indexOf('ENDHDR\n');
    if (end < 0) {
      if (this.length > 65_536) throw new Error('PAM stream: no header end within 64 KiB');
      return null;
    }
    return { start: end + 'ENDHDR\n'.length, ...parseHeader(head.subarray(0, end).toString('latin1')) };
  }
}

/**
 * Width and height of an 8-bit RGB PAM header (the text before `ENDHDR`).
 * @throws Error when it is not PAM or not 8-bit RGB
 */
export function parseHeader(header: string): { width: number; height: number } {
  if (!header.startsWith('P7')) throw new Error(`PAM stream: not a PAM header (${JSON.stringify(header.slice(0, 16))})`);
  const width = Number(/WIDTH (\d+)/.exec(header)?.[1]);
  const height = Number(/HEIGHT (\d+)/.exec(header)?.[1]);
  const depth = Number(/DEPTH (\d+)/.exec(header)?.[1]);
  const maxval = Number(/MAXVAL (\d+)/.exec(header)?.[1]);
  if (!width || !height || depth !== 3 || maxval !== 255) throw new Error(`PAM stream: expected 8-bit RGB, got ${header.replace(/\n/g, ' ')}`);
  return { width, height };
}
