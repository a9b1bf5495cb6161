import { type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  const trusted = new Set(['10.0.0.1', '10.0.0.2']);
  it('believes X-Forwarded-For only from a trusted proxy, taking the right-most untrusted entry', () => {
    expect(clientAddress(req('192.0.2.9', '203.0.113.1'), trusted)).toBe('192.0.2.9');
    expect(clientAddress(req('::ffff:10.0.0.1', '203.0.113.1'), trusted)).toBe('203.0.113.1');
    // The client wrote 6.6.6.6 itself; the proxies appended the real address.
    expect(clientAddress(req('10.0.0.1', '6.6.6.6, 203.0.113.1, 10.0.0.2'), trusted)).toBe('203.0.113.1');
    expect(clientAddress(req('10.0.0.1'), trusted)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', 'not-an-ip'), trusted)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', 'garbage, 203.0.113.1'), trusted)).toBe('203.0.113.1');
    expect(clientAddress(req('10.0.0.1', '2001:db8::1'), trusted)).toBe('2001:db8::1');
  });
});
