/**
 * Connection caps, so that one client cannot hold every socket the gateway has. Node's
 * `server.maxConnections` caps sockets in total; this adds a cap per client address: a socket
 * beyond `perClient` from one address is closed as soon as it is accepted, before it costs a request
 * (as Node treats sockets beyond `maxConnections`: no answer, since Node's own parser is already
 * attached to the socket and an answer written beside it could interleave with one of its own).
 * Without the cap one client holding ~1,000 half-open sockets (connected, sending nothing or half a
 * header) filled the total cap and every other request timed out.
 *
 * The default (256) is generous on purpose (measured): at 64, the load test's 50 concurrent clients
 * on one address lost 16 of 930 requests to sockets closed on accept, and none without the cap —
 * most likely because sockets being closed (keep-alive timeouts, `Connection: close` answers) are
 * counted until the server processes their close while the client already opens replacements.
 *
 * The address is the socket's peer — `X-Forwarded-For` is not known at accept time, and a client
 * can write it. Trusted proxies are exempt: every client behind one shares its address. Sockets
 * that never finish their headers are closed by Node's `headersTimeout` (measured: it applies from
 * the moment of connection, whether or not a byte arrives), and idle keep-alive sockets by
 * `keepAliveTimeout`, so a held slot is freed within those deadlines.
 */
import { type Server } from 'node:http';
import { normalizeAddress } from './client-address.ts';

export interface ConnectionCapStats {
  /** Sockets closed on accept because their address was over the cap. */
  readonly refused: number;
  /** Addresses with open sockets now. */
  readonly clients: number;
}

/** Enforce `perClient` on `server`; returns live statistics. */
export function capConnectionsPerClient(server: Server, perClient: number, exempt: ReadonlySet<string>): () => ConnectionCapStats {
  const open = new Map<string, number>();
  let refused = 0;
  server.on('connection', (socket) => {
    const address = socket.remoteAddress === undefined ? 'unknown' : normalizeAddress(socket.remoteAddress);
    if (exempt.has(address)) return;
    const count = open.get(address) ?? 0;
    if (count >= perClient) {
      refused++;
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return () => ({ refused, clients: open.size });
}
