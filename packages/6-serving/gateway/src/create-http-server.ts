/**
 * The `node:http` server of a gateway, with Node's own protections set from the limits:
 * `headersTimeout` and `requestTimeout` (checked every `connectionsCheckingInterval`) close a
 * connection that dribbles its headers or body (slowloris); `keepAliveTimeout` closes idle
 * sockets; `maxConnections` caps sockets in total and `maxConnectionsPerClient` per client address
 * (`connection-caps.ts`). Malformed HTTP gets a JSON 400 / 408 / 431 on the socket before it closes.
 */
import { createServer, type Server } from 'node:http';
import { ApiError } from './api-error.ts';
import { capConnectionsPerClient, type ConnectionCapStats } from './connection-caps.ts';
import { type GatewayState } from './gateway-state.ts';
import { handleRequest } from './handle-request.ts';

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** Answer a client error (malformed HTTP, oversized headers, a request deadline) if the socket still can. */
function answerClientError(err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (!socket.writable || (err.code === 'ECONNRESET' && !socket.readable)) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify(new ApiError(status, status === 408 ? 'Request timeout.' : status === 431 ? 'Request headers too large.' : 'Malformed HTTP request.', 'invalid_request_error', null).toJSON());
  // Destroy once written: `end` alone leaves the socket open until the client closes its side, so
  // a client that never reads, and so never closes, keeps its slot (measured: all 8 of one address's
  // sockets stayed open on the server after their 408).
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`, () => socket.destroy());
}

export function createHttpServer(state: GatewayState): { server: Server; connections: () => ConnectionCapStats } {
  const { limits } = state.config;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: state.options.connectionsCheckingIntervalMs ?? Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    (req, res) => void handleRequest(state, req, res),
  );
  server.maxConnections = limits.maxConnections;
  const connections = capConnectionsPerClient(server, limits.maxConnectionsPerClient, new Set(state.config.trustedProxies));
  server.on('clientError', answerClientError);
  return { server, connections };
}
