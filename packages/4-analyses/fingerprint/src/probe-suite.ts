/**
 * The probe suite: versioned data (a JSON file in the repository) listing the prompts sent to every
 * model under comparison. Each probe has a unique id and a category; the suite has a name, a
 * version and a content hash — SHA-256 of its canonical JSON — that every transcript records, so
 * two transcripts are only ever compared probe by probe when they answered the same questions.
 */
import { canonicalJson, sha256Hex } from '@tracemark/encoding';
import { InputError } from '@tracemark/errors';

export const PROBE_SUITE_FORMAT = 'tracemark.probe-suite';

/** The categories the default suite uses; a custom suite may add its own. */
export const PROBE_CATEGORIES = ['identity', 'refusal', 'style', 'reasoning', 'formatting', 'cutoff'] as const;

export interface Probe {
  /** Unique within the suite: letters, digits, `.`, `_`, `-` (it appears in batch custom ids). */
  readonly id: string;
  readonly category: string;
  /** The user message. */
  readonly prompt: string;
  /** An optional system message sent before it. */
  readonly system?: string;
  /** BCP 47 language tag of the prompt, for reports. */
  readonly language?: string;
  /** Overrides the suite's `defaults.maxTokens`. */
  readonly maxTokens?: number;
}

export interface ProbeSuite {
  readonly format: typeof PROBE_SUITE_FORMAT;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly defaults: { readonly maxTokens: number };
  /** Category → what it measures (documentation only). */
  readonly categories?: Readonly<Record<string, string>>;
  readonly probes: readonly Probe[];
}

/** A suite with its identity, as transcripts record it. */
export interface LoadedProbeSuite {
  readonly suite: ProbeSuite;
  /** `sha256:` + hex SHA-256 of the canonical JSON of `suite`. */
  readonly hash: string;
  /** Where it came from (a path, or `builtin:default`). */
  readonly source: string;
}

/** A probe suite file that cannot be used; the message names the file (and the probe). */
export class ProbeSuiteError extends InputError {
  override name = 'ProbeSuiteError';
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Upper bound on max_tokens a suite may ask for: beyond it a typo (25600) would cost real money. */
export const MAX_SUITE_MAX_TOKENS = 32_768;

/**
 * The content hash of a suite: `sha256:` + hex of SHA-256 over its canonical JSON.
 *
 * @example
 * suiteHash(suite); // 'sha256:3f…' — unchanged by re-indenting or reordering keys in the file
 */
export function suiteHash(suite: ProbeSuite): string {
  return `sha256:${sha256Hex(canonicalJson(suite))}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function positiveInteger(v: unknown, where: string, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SUITE_MAX_TOKENS)
    throw new ProbeSuiteError(`${where}: ${name} must be an integer in [1, ${MAX_SUITE_MAX_TOKENS}], got ${JSON.stringify(v)}`);
  return v;
}

function nonEmptyString(v: unknown, where: string, name: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new ProbeSuiteError(`${where}: ${name} must be a non-empty string`);
  return v;
}

/**
 * Parse and validate a probe suite from the text of its JSON file.
 *
 * Checks: the format tag, name, version, `defaults.maxTokens`, and for each probe a well-formed id
 * that no other probe has, a category, and a non-empty prompt. Unknown probe fields are kept
 * (they are part of the hashed content) so a newer suite still loads.
 * O(size of the file).
 *
 * @param source - the file name used in error messages.
 * @throws ProbeSuiteError naming `source` (and the probe id or index) for anything malformed,
 *   notably `duplicate probe id "x" (probes 3 and 17)`.
 * @example
 * parseProbeSuite(readFileSync('my-suite.json', 'utf8'), 'my-suite.json').suite.probes.length;
 */
export function parseProbeSuite(text: string, source: string): LoadedProbeSuite {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProbeSuiteError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(raw)) throw new ProbeSuiteError(`${source}: a probe suite must be a JSON object`);
  if (raw.format !== PROBE_SUITE_FORMAT)
    throw new ProbeSuiteError(`${source}: "format" must be "${PROBE_SUITE_FORMAT}", got ${JSON.stringify(raw.format)}`);
  nonEmptyString(raw.name, source, '"name"');
  nonEmptyString(raw.version, source, '"version"');
  if (raw.description !== undefined && typeof raw.description !== 'string') throw new ProbeSuiteError(`${source}: "description" must be a string`);
  if (!isRecord(raw.defaults)) throw new ProbeSuiteError(`${source}: "defaults" must be an object with "maxTokens"`);
  positiveInteger(raw.defaults.maxTokens, source, '"defaults.maxTokens"');
  if (raw.categories !== undefined) {
    if (!isRecord(raw.categories) || Object.values(raw.categories).some((v) => typeof v !== 'string'))
      throw new ProbeSuiteError(`${source}: "categories" must map category names to descriptions`);
  }
  if (!Array.isArray(raw.probes) || raw.probes.length === 0) throw new ProbeSuiteError(`${source}: "probes" must be a non-empty array`);
  const seen = new Map<string, number>();
  raw.probes.forEach((p: unknown, i: number) => {
    const at = `${source}: probe ${i + 1}`;
    if (!isRecord(p)) throw new ProbeSuiteError(`${at}: must be an object`);
    if (typeof p.id !== 'string' || !ID_PATTERN.test(p.id))
      throw new ProbeSuiteError(`${at}: "id" must be 1–64 letters, digits, ".", "_" or "-", got ${JSON.stringify(p.id)}`);
    const first = seen.get(p.id);
    if (first !== undefined) throw new ProbeSuiteError(`${source}: duplicate probe id "${p.id}" (probes ${first} and ${i + 1})`);
    seen.set(p.id, i + 1);
    const where = `${source}: probe "${p.id}"`;
    nonEmptyString(p.category, where, '"category"');
    nonEmptyString(p.prompt, where, '"prompt"');
    if (p.system !== undefined && typeof p.system !== 'string') throw new ProbeSuiteError(`${where}: "system" must be a string`);
    if (p.language !== undefined && typeof p.language !== 'string') throw new ProbeSuiteError(`${where}: "language" must be a string`);
    if (p.maxTokens !== undefined) positiveInteger(p.maxTokens, where, '"maxTokens"');
  });
  const suite = raw as unknown as ProbeSuite;
  return { suite, hash: suiteHash(suite), source };
}

/** The max_tokens a probe is sent with: its own, else the suite default, capped by `cap` when given. */
export function probeMaxTokens(suite: ProbeSuite, probe: Probe, cap?: number): number {
  const n = probe.maxTokens ?? suite.defaults.maxTokens;
  return cap === undefined ? n : Math.min(n, cap);
}
