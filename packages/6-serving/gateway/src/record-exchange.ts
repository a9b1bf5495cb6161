/**
 * One authenticated API call, as a line of the exchange log, appended once its response has ended
 * (the status is known only then). Calls refused before authentication (401) have no account and
 * are not recorded: the scanner's unit is the account. The client address follows
 * `client-address.ts` (socket peer, or X-Forwarded-For from a trusted proxy).
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type ExchangeRecord } from '@tracemark/traffic';
import { clientAddress } from './client-address.ts';
import { type AccountConfig } from './config.ts';
import { reduceExchangeText } from './exchange-features.ts';
import { type ExchangeNote, type GatewayState } from './gateway-state.ts';

export function exchangeRecordOf(state: GatewayState, req: IncomingMessage, res: ServerResponse, account: AccountConfig, note: ExchangeNote, time: Date, endpoint: string): ExchangeRecord {
  const userAgent = req.headers['user-agent'];
  const request = note.request !== null && typeof note.request === 'object' && !Array.isArray(note.request) ? (note.request as Record<string, unknown>) : {};
  return {
    time: time.toISOString(),
    account: account.name,
    ip: clientAddress(req, state.trustedProxies),
    ...(userAgent !== undefined ? { userAgent } : {}),
    endpoint,
    status: res.statusCode,
    request,
    ...(note.response !== null ? { response: note.response } : {}),
    ...(note.keyId !== null ? { keyId: note.keyId } : {}),
  };
}

/** Append the call's line (text reduced to features when so configured); a failed write is reported once through `onInternalError`. */
export function recordExchange(state: GatewayState, req: IncomingMessage, res: ServerResponse, account: AccountConfig, note: ExchangeNote, time: Date, endpoint: string, requestId: string): void {
  const log = state.exchanges;
  if (log === null || log.failed) return;
  const record = exchangeRecordOf(state, req, res, account, note, time, endpoint);
  log.append(state.config.exchangeLog?.text === 'features' ? reduceExchangeText(record) : record).catch((e: unknown) => state.onInternalError(e, requestId));
}
