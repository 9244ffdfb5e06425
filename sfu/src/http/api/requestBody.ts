import type { IncomingMessage } from 'node:http';
import { ApiError } from './apiError.js';

/** Largest JSON body accepted, bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Read and parse a JSON request body.
 * @throws ApiError `bad-request` when the content type is not JSON, the body is larger than
 * {@link MAX_BODY_BYTES}, or it is not valid JSON.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new ApiError('bad-request', 'the body must be JSON (content-type: application/json)');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError('bad-request', `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError('bad-request', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('bad-request', 'the body is not valid JSON');
  }
}
