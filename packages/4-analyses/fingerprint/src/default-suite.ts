/**
 * The suites shipped in this package's `suites/` folder. `default` is the current default suite;
 * older versions stay in the folder so old transcripts can still be re-analysed.
 */
import { readFileSync } from 'node:fs';
import { type LoadedProbeSuite, parseProbeSuite } from './probe-suite.ts';

/** Builtin suite name → file in `suites/`. */
export const BUILTIN_SUITES: Readonly<Record<string, string>> = {
  default: 'default-v1.json',
  'default-v1': 'default-v1.json',
};

export function isBuiltinSuite(name: string): boolean {
  return Object.hasOwn(BUILTIN_SUITES, name);
}

/**
 * Load a builtin suite by name (`default`, `default-v1`).
 *
 * @throws ProbeSuiteError for an unknown name or a damaged file.
 * @example
 * loadBuiltinSuite('default').suite.version; // '1.0.0'
 */
export function loadBuiltinSuite(name = 'default'): LoadedProbeSuite {
  const file = BUILTIN_SUITES[name];
  if (file === undefined) throw new RangeError(`unknown builtin suite "${name}" (known: ${Object.keys(BUILTIN_SUITES).join(', ')})`);
  const url = new URL(`../suites/${file}`, import.meta.url);
  const loaded = parseProbeSuite(readFileSync(url, 'utf8'), `builtin:${name}`);
  return loaded;
}
