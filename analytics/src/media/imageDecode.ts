import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { PamStream } from './pamStream.js';

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
  // PAM carries the size in a text header: one process, no ffprobe.
  const { stdout } = await run(ffmpegPath, ['-v', 'error', '-i', file, ...PAM_OUTPUT], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return parsePam(stdout, file);
}

const PAM_OUTPUT = ['-frames:v', '1', '-vf', `scale='min(${MAX_IMAGE_SIDE},iw)':'min(${MAX_IMAGE_SIDE},ih)':force_original_aspect_ratio=decrease`, '-pix_fmt', 'rgb24', '-f', 'image2pipe', '-c:v', 'pam', 'pipe:1'];

/**
 * Decode an encoded picture held in memory (an uploaded enrolment photo) like {@link decodeImage},
 * strictly: any complaint of the decoder (a truncated or corrupt file) refuses it.
 * @throws Error when ffmpeg cannot read it, reports damage, or it is larger than 32 MiB
 */
export async function decodeImageBytes(bytes: Uint8Array, ffmpegPath = 'ffmpeg'): Promise<RgbImage> {
  if (bytes.length > 32 * 1024 * 1024) throw new Error('picture larger than 32 MiB');
  const ffmpeg = spawn(ffmpegPath, ['-v', 'error', '-i', 'pipe:0', ...PAM_OUTPUT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
  ffmpeg.stdin.on('error', () => undefined); // ffmpeg may stop reading a file it cannot decode
  ffmpeg.stdin.end(bytes);
  const code = await new Promise<number | null>((resolve) => ffmpeg.once('close', resolve));
  if (code !== 0) throw new Error(`not a picture ffmpeg can read: ${stderr.trim().split('\n').pop() ?? ''}`);
  // A truncated or corrupt file still decodes (the missing part painted grey or green) with
  // the decoder's complaint on stderr: an enrolment photo must be whole.
  if (stderr.trim() !== '') throw new Error(`the picture is damaged: ${stderr.trim().split('\n').pop()}`);
  return parsePam(Buffer.concat(chunks), 'picture');
}

/** The one picture of ffmpeg's PAM output. @throws Error when there is none, or more bytes than one picture */
function parsePam(stdout: Buffer, file: string): RgbImage {
  const stream = new PamStream();
  const [picture, ...more] = stream.push(stdout);
  if (!picture || more.length > 0) throw new Error(`${file}: ffmpeg gave ${picture ? 'more than one picture' : 'no whole picture'}`);
  return picture;
}
