/**
 * Canonical JSON for content hashes and key ids: object keys sorted by UTF-16 code unit, no
 * whitespace, numbers and strings as `JSON.stringify` writes them — the subset of RFC 8785 ("JSON
 * Canonicalization Scheme") that our values use (no floats whose shortest form differs between
 * engines). Two files holding the same value hash the same, whatever their indentation or key order.
 *
 * Why it throws on NaN and ±Infinity where `JSON.stringify` writes `null`: a hash over a silently
 * changed value would match the hash of a different value (`{ a: NaN }` and `{ a: null }`), and a
 * key id or a suite hash that collides that way is worse than an error.
 */

/**
 * The canonical serialisation of a JSON value.
 *
 * Method: depth-first; object members whose value is `undefined` are skipped (as `JSON.stringify`
 * does); arrays keep their order. O(size of the value).
 *
 * @throws TypeError for a non-finite number, `undefined` outside an object member, a bigint, a
 *   function or a symbol (not JSON).
 * @example
 * canonicalJson({ b: 1, a: [true, 'x'] }); // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}
