/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish (up to
 * `limits.shutdownTimeoutMs`, then abort them), write the `close` receipt (and close the exchange
 * log), and close the models. Idle keep-alive sockets are closed at once, so a client holding one does not delay
 * the shutdown.
 */
import { type Server } from 'node:http';
import { type GatewayState } from './gateway-state.ts';
import { ClientGone } from './interruptions.ts';

/** Wait for the in-flight requests, at most `timeoutMs`; then abort those left. */
function drainInFlight(state: GatewayState, timeoutMs: number): Promise<void> {
  if (state.inFlight.size === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      for (const a of state.inFlight) a.abort(new ClientGone('gateway shut down before the request finished'));
      resolve();
    }, timeoutMs);
    state.drained = () => {
      clearTimeout(t);
      resolve();
    };
  });
}

export async function closeGateway(state: GatewayState, server: Server): Promise<void> {
  state.closing = true;
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await drainInFlight(state, state.config.limits.shutdownTimeoutMs);
  server.closeIdleConnections();
  server.closeAllConnections();
  await serverClosed;
  await state.receipts.close({ type: 'close', time: new Date().toISOString(), responses: state.responses });
  await state.exchanges?.close();
  await Promise.all([...state.models.values()].map((m) => m.backend.close().catch(() => undefined)));
}
