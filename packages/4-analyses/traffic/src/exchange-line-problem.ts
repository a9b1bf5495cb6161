/**
 * Why one parsed log line is not a valid exchange, in words, or null — the same rules as
 * `PROBLEM_SQL`, which DuckDB applies to every row. This JavaScript copy runs only after DuckDB
 * found a bad row (or with --skip-bad-lines), to name the first bad line's number, which DuckDB
 * does not keep.
 */
import { type FieldMapping } from './field-mapping.ts';

const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})$/;
const IPV4 = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/;
const IPV4_MAPPED = /^::ffff:[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/;
const IPV6 = /^([0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}$/;

const text = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));
const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

function isAddress(ip: string): boolean {
  if (IPV4.test(ip)) return ip.split('.').every((o) => Number(o) <= 255);
  const lower = ip.toLowerCase();
  if (IPV4_MAPPED.test(lower)) return true;
  return IPV6.test(lower) && lower.split('::').length <= 2 && !lower.includes(':::');
}

/**
 * @param value - the parsed JSON of one line.
 * @returns a short reason, or null when the line is a valid exchange.
 * @example
 * exchangeLineProblem({ account: 'a', time: 'yesterday' }, parseFieldMapping(undefined));
 * // 'time is not an ISO 8601 timestamp with a zone'
 */
export function exchangeLineProblem(value: unknown, mapping: FieldMapping): string | null {
  if (!isObject(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  // The gateway's integrity lines (open, checkpoint, close) are not traffic: skipped, not bad.
  if (r.type !== undefined && r.type !== 'exchange' && !Object.values(mapping).includes('type')) return null;
  const account = text(r[mapping.account]);
  if (account === null || account.trim() === '') return 'missing field "account"';
  const time = text(r[mapping.time]);
  if (time === null) return 'missing field "time"';
  if (!TIME.test(time) || Number.isNaN(Date.parse(time.replace(' ', 'T')))) return 'time is not an ISO 8601 timestamp with a zone';
  const ip = text(r[mapping.ip]);
  if (ip === null || ip.trim() === '') return 'missing field "ip"';
  if (!isAddress(ip.trim())) return 'ip is not an IPv4 or IPv6 address';
  if (text(r[mapping.endpoint]) === null) return 'missing field "endpoint"';
  const status = Number(text(r[mapping.status]));
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'status is not an HTTP status';
  if (!isObject(r[mapping.request])) return 'request is missing or not a JSON object';
  const response = r[mapping.response];
  if (response !== undefined && response !== null && !isObject(response)) return 'response is not a JSON object';
  return null;
}
