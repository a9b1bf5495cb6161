/**
 * Writing a whole JSON answer, and an `ApiError` as OpenAI's error envelope. An error raised after
 * a stream's headers left cannot change the status any more: the socket is closed instead, so the
 * client sees a cut stream (no `[DONE]`), never a success.
 */
import { type ServerResponse } from 'node:http';
import { type ApiError } from './api-error.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.status, e.toJSON(), { ...e.headers });
}
