/**
 * Tamper helpers for tests of signed evidence: change every field of a signed statement by one
 * byte and collect the ones verification failed to notice (the list must be empty).
 */
import { type Envelope } from './dsse.ts';

/** Every leaf of a JSON value, as a path and its value. */
function leaves(v: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: unknown }[] {
  if (v !== null && typeof v === 'object') return Object.entries(v as object).flatMap(([k, x]) => leaves(x, [...path, Array.isArray(v) ? Number(k) : k]));
  return [{ path, value: v }];
}

/** Change one byte of a leaf: the last character of a string, or the last digit of a number. */
function tweak(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 0 ? value.slice(0, -1) + (value.endsWith('a') ? 'b' : 'a') : 'a';
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return 0;
}

/** Every field of an envelope's signed statement changed by one byte: each must fail verification. */
export function tamperEveryField(env: Envelope, verify: (e: Envelope) => unknown): string[] {
  const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  const failures: string[] = [];
  for (const { path } of leaves(statement)) {
    const copy = JSON.parse(JSON.stringify(statement));
    let node = copy;
    for (const p of path.slice(0, -1)) node = node[p];
    const last = path[path.length - 1]!;
    node[last] = tweak(node[last]);
    const tampered = { ...env, payload: Buffer.from(JSON.stringify(copy)).toString('base64') };
    try {
      verify(tampered);
      failures.push(path.join('.'));
    } catch (e) {
      if (!/signature does not verify/.test((e as Error).message)) failures.push(`${path.join('.')} (failed for another reason: ${(e as Error).message})`);
    }
  }
  return failures;
}

