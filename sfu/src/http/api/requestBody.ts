import type { IncomingMessage } from 'node:http';
import { ApiError } from './apiError.js';

/** Largest JSON body accepted, bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Read and parse a JSON request body of at most `maxBytes` (default {@link MAX_BODY_BYTES}).
 * @throws ApiError `bad-request` when the content type is not JSON, the body is larger than
 * {@link MAX_BODY_BYTES}, or it is not valid JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new ApiError('bad-request', 'the body must be JSON (content-type: application/json)');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new ApiError('bad-request', `the body is larger than ${maxBytes} bytes`);
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('bad-request', 'the body is not valid JSON');
  }
}

/**
 * The raw body, up to {@link MAX_BODY_BYTES}. A longer body is refused without destroying the
 * request (which would abort the connection under the answer, and a client still sending gets
 * a reset instead of the 400): the rest is left to flow and be discarded, as Node does for a
 * body declared too long, within the server's request timeout.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.resume(); // keep discarding the rest
        reject(new ApiError('bad-request', `the body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => onError(new Error('the request ended before its body was complete'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}
