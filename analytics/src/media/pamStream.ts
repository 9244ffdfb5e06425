import type { RgbImage } from './imageDecode.js';

/**
 * Splits a byte stream of PAM pictures (ffmpeg `-f image2pipe -c:v pam -pix_fmt rgb24`) into
 * {@link RgbImage}s. PAM carries each picture's size in its own text header
 * (`P7 WIDTH w HEIGHT h DEPTH 3 MAXVAL 255 TUPLTYPE RGB ENDHDR`), so a stream whose size changes
 * mid-way (a camera switching resolution) needs no probing.
 * @throws Error from {@link push} when a header is not RGB with 8 bits per sample or is larger than 64 KiB
 */
export class PamStream {
  private buffered: Buffer = Buffer.alloc(0);

  /** Feed bytes; returns the pictures completed by them, in order. */
  push(chunk: Buffer): RgbImage[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const pictures: RgbImage[] = [];
    for (;;) {
      const end = this.buffered.indexOf('ENDHDR\n');
      if (end < 0) {
        if (this.buffered.length > 65_536) throw new Error('PAM stream: no header end within 64 KiB');
        return pictures;
      }
      const header = this.buffered.subarray(0, end).toString('latin1');
      if (!header.startsWith('P7')) throw new Error(`PAM stream: not a PAM header (${JSON.stringify(header.slice(0, 16))})`);
      const width = Number(/WIDTH (\d+)/.exec(header)?.[1]);
      const height = Number(/HEIGHT (\d+)/.exec(header)?.[1]);
      const depth = Number(/DEPTH (\d+)/.exec(header)?.[1]);
      const maxval = Number(/MAXVAL (\d+)/.exec(header)?.[1]);
      if (!width || !height || depth !== 3 || maxval !== 255) throw new Error(`PAM stream: expected 8-bit RGB, got ${header.replace(/\n/g, ' ')}`);
      const start = end + 'ENDHDR\n'.length;
      const size = width * height * 3;
      if (this.buffered.length < start + size) return pictures;
      // Copy: the picture outlives the chunk it came in.
      const data = new Uint8Array(size);
      data.set(this.buffered.subarray(start, start + size));
      pictures.push({ width, height, data });
      this.buffered = this.buffered.subarray(start + size);
    }
  }
}
