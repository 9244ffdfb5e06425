/**
 * Files as base64 for JSON bodies (enrolment photos, `POST /api/persons/:id/faces`), without
 * data-URL prefixes. Works in the browser and in Node (both have `btoa` and `Blob`).
 */

/** Bytes converted per `String.fromCharCode` call: well under engines' argument limits. */
const CHUNK = 0x8000;

/** `bytes` as standard base64 (RFC 4648 §4, with padding). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return btoa(binary);
}

/** A file's (or any blob's) content as base64. @throws when the file cannot be read (e.g. removed since it was picked). */
export async function readFileAsBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}
