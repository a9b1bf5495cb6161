/**
 * Reading training and scoring text from plain files, and the `<sotu|moby-dick|FILE>[:FRACTION]`
 * source syntax the CLI uses to state a training mixture ("teacher.jsonl:0.1 sotu:0.9").
 * A bad line is an error naming the file and line, never a silent skip.
 */
import { readFile } from 'node:fs/promises';
import { type BuiltinCorpusName, type CorpusDocument, isBuiltinCorpus } from './builtin.ts';
import { decodeUtf8 } from './decode-utf8.ts';
import { SourceFormatError } from './source-format-error.ts';

export { SourceFormatError };

/**
 * The JSONL text-field rule, the one every reader of JSONL text follows (training sources, `detect`,
 * `audit`, `attack`): an explicit field (`--field`) always wins; otherwise the first of these that
 * the record has, `response` before `text`. A field that is present but not a string is an error,
 * never a reason to fall through to the next one, so a record is never scored on a field it did
 * not mean as its text.
 *
 * Why `response` first: a record that carries both is a prompt/response exchange, and there
 * `response` is the model's output — the text a watermark can be in — while `text` is typically
 * the rendered conversation or the prompt (instruction datasets keep a `text` column of the whole
 * formatted exchange). Scoring the prompt as if the suspect wrote it is wrong, and tracemark's own
 * files name model output `response` (`audit --save-outputs` writes `{id, prompt, response}`).
 * Plain corpora usually have only `text`, which the fallback reads.
 */
export const DEFAULT_JSONL_FIELDS: readonly string[] = ['response', 'text'];

/**
 * The name of the field that holds a JSONL record's text under the rule of `DEFAULT_JSONL_FIELDS`:
 * `field` when given, else the first default field the record has, else `undefined`. The caller
 * checks that the value is a string and names the file and line when it is not.
 *
 * @example
 * jsonlTextField({ prompt: 'Q', response: 'A', text: 'Q A' }); // 'response'
 * jsonlTextField({ text: 'plain' }); // 'text'
 * jsonlTextField({ body: 'x' }, 'body'); // 'body'
 */
export function jsonlTextField(record: Readonly<Record<string, unknown>>, field?: string): string | undefined {
  if (field !== undefined) return field;
  return DEFAULT_JSONL_FIELDS.find((f) => Object.hasOwn(record, f));
}

async function readUtf8(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceFormatError(path, undefined, code === 'ENOENT' ? 'no such file' : `cannot read (${(error as Error).message})`);
  }
  return decodeUtf8(bytes, path);
}

/**
 * A whole text file as one document, id = the path.
 *
 * @throws SourceFormatError for a missing or unreadable file or invalid UTF-8.
 */
export async function readTextFile(path: string): Promise<CorpusDocument> {
  return { id: path, text: await readUtf8(path) };
}

/**
 * One document per line of a JSONL file, ids `<path>:<line>`. Each non-blank line must be a JSON
 * object whose text field is a string; the field is chosen by `jsonlTextField` (`field` when given,
 * else `response`, else `text`). Blank lines are skipped; `\r\n` endings and a
 * byte-order mark are accepted.
 *
 * @throws SourceFormatError naming the file and 1-based line for invalid JSON, a non-object line
 *   or a missing / non-string text field; naming the file for an unreadable file.
 * @example
 * await readJsonlDocuments('teacher.jsonl'); // [{ id: 'teacher.jsonl:1', text: '…' }, …]
 */
export async function readJsonlDocuments(path: string, field?: string): Promise<CorpusDocument[]> {
  const text = await readUtf8(path);
  const docs: CorpusDocument[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SourceFormatError(path, lineNo, `invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new SourceFormatError(path, lineNo, 'expected a JSON object per line');
    const record = value as Record<string, unknown>;
    const name = jsonlTextField(record, field);
    if (name === undefined || !Object.hasOwn(record, name)) {
      const fields = field === undefined ? DEFAULT_JSONL_FIELDS : [field];
      throw new SourceFormatError(path, lineNo, `no ${fields.map((f) => `"${f}"`).join(' or ')} field`);
    }
    const content = record[name];
    if (typeof content !== 'string') throw new SourceFormatError(path, lineNo, `field "${name}" is not a string`);
    docs.push({ id: `${path}:${lineNo}`, text: content });
  }
  return docs;
}

/** A parsed `<sotu|moby-dick|FILE>[:FRACTION]` source. */
export type CorpusSpec =
  | { readonly kind: 'builtin'; readonly source: BuiltinCorpusName; readonly fraction?: number }
  | { readonly kind: 'file'; readonly source: string; readonly fraction?: number };

/** A decimal number, as a fraction suffix may be written: `0.9`, `.25`, `1`, `1e-1`. */
const FRACTION_SUFFIX = /:((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$/;

/**
 * Parse a corpus source spec. Only a trailing `:<decimal number>` is a fraction, so paths that
 * contain `:` still work (`data/run:3/out.jsonl`); a file literally named like a built-in corpus
 * is written with a directory (`./sotu`).
 *
 * @throws RangeError for an empty spec or a fraction outside [0, 1].
 * @example
 * parseCorpusSpec('sotu:0.9'); // { kind: 'builtin', source: 'sotu', fraction: 0.9 }
 * parseCorpusSpec('a:b.jsonl'); // { kind: 'file', source: 'a:b.jsonl' }
 */
export function parseCorpusSpec(spec: string): CorpusSpec {
  if (typeof spec !== 'string' || spec.trim() === '') throw new RangeError('corpus source must be a name or a path, got an empty string');
  let source = spec;
  let fraction: number | undefined;
  const m = FRACTION_SUFFIX.exec(spec);
  if (m !== null && m.index > 0) {
    fraction = Number(m[1]);
    source = spec.slice(0, m.index);
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction in corpus source "${spec}" must be in [0, 1], got ${m[1]}`);
  }
  const base = isBuiltinCorpus(source) ? { kind: 'builtin' as const, source } : { kind: 'file' as const, source };
  return fraction === undefined ? base : { ...base, fraction };
}
