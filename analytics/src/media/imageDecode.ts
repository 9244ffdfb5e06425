import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** An RGB picture: `data` is width × height × 3 bytes, rows top to bottom. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Largest side accepted, px: enrolment photos and snapshots are scaled down to it. */
export const MAX_IMAGE_SIDE = 1920;

/**
 * Decode a still image (JPEG, PNG, WebP, BMP… whatever Debian's ffmpeg reads) to RGB with ffmpeg,
 * scaled down to at most {@link MAX_IMAGE_SIDE} px on its longer side.
 * @throws Error when ffmpeg cannot read it (not an image, truncated)
 */
export async function decodeImage(file: string, ffmpegPath = 'ffmpeg'): Promise<RgbImage> {
  const scale = `scale='min(${MAX_IMAGE_SIDE},iw)':'min(${MAX_IMAGE_SIDE},ih)':force_original_aspect_ratio=decrease`;
  // PAM carries the size in a text header: one process, no ffprobe.
  const { stdout } = await run(ffmpegPath, ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', scale, '-pix_fmt', 'rgb24', '-f', 'image2pipe', '-c:v', 'pam', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const end = stdout.indexOf('ENDHDR\n');
  if (end < 0) throw new Error(`${file}: ffmpeg gave no picture`);
  const header = stdout.subarray(0, end).toString('latin1');
  const width = Number(/WIDTH (\d+)/.exec(header)?.[1]);
  const height = Number(/HEIGHT (\d+)/.exec(header)?.[1]);
  const data = stdout.subarray(end + 'ENDHDR\n'.length);
  if (!width || !height || data.length !== width * height * 3) throw new Error(`${file}: unexpected picture (${header.replace(/\n/g, ' ')})`);
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
