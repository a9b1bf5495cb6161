/**
 * Field mapping: logs exported by other serving stacks name their fields differently
 * (`user_id`, `client_ip`, `ts`…). A mapping `account=user_id,ip=client_ip` says which source field
 * holds each canonical field of {@link ExchangeRecord}; unmapped fields keep their canonical name.
 */
import { TrafficInputError } from './traffic-errors.ts';

/** The canonical fields the scanner reads, in the order of the ingest table. */
export const CANONICAL_FIELDS = ['time', 'account', 'ip', 'userAgent', 'payment', 'endpoint', 'status', 'request', 'response', 'keyId'] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** Canonical field → source field name. */
export type FieldMapping = Readonly<Record<CanonicalField, string>>;

/**
 * Parse `canonical=source,…` into a complete mapping (identity for fields not named).
 *
 * @throws {TrafficInputError} for an unknown canonical field, an empty source name, a field mapped
 *   twice, or two canonical fields read from one source field.
 * @example
 * parseFieldMapping('account=user_id,ip=client_ip').account; // 'user_id'
 */
export function parseFieldMapping(spec: string | undefined): FieldMapping {
  const map: Record<string, string> = Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, f]));
  if (spec === undefined || spec.trim() === '') return map as FieldMapping;
  const seen = new Set<string>();
  for (const part of spec.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(\S(?:.*\S)?)\s*$/.exec(part);
    if (!m) throw new TrafficInputError(`--map: "${part}" is not canonical=source (e.g. account=user_id)`);
    const [, canonical, source] = m as unknown as [string, string, string];
    if (!(CANONICAL_FIELDS as readonly string[]).includes(canonical)) throw new TrafficInputError(`--map: unknown field "${canonical}" (fields: ${CANONICAL_FIELDS.join(', ')})`);
    if (seen.has(canonical)) throw new TrafficInputError(`--map: "${canonical}" is mapped twice`);
    seen.add(canonical);
    map[canonical] = source;
  }
  const sources = Object.values(map);
  const dup = sources.find((s, i) => sources.indexOf(s) !== i);
  if (dup !== undefined) throw new TrafficInputError(`--map: two fields read from the same source field "${dup}"`);
  return map as FieldMapping;
}
