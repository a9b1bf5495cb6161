/**
 * Reading a request body with a byte cap, enforced twice: from the declared `Content-Length`
 * before a byte is read, and while the body streams in (chunked bodies declare nothing), so an
 * over-long body costs at most `max` bytes of memory and never reaches the JSON parser or the
 * tokenizer.
 */
import { type IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';
import { ClientGone } from './interruptions.ts';

/** The 413 answer for a body over `max` bytes. */
export function bodyTooLarge(max: number): ApiError {
  return new ApiError(413, `Request body too large: this gateway accepts at most ${max} bytes.`, 'invalid_request_error', 'request_too_large');
}

/** Read the body, refusing more than `max` bytes (from Content-Length up front, or while reading). */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) return Promise.reject(bodyTooLarge(max));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        reject(bodyTooLarge(max));
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that hangs up mid-body: settle, so the handler does not wait forever.
    req.once('close', () => {
      if (!req.complete) reject(new ClientGone('client closed the connection while sending the body'));
    });
  });
}
