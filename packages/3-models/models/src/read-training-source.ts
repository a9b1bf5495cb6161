/**
 * From a CLI source spec (`sotu:0.9`, `teacher.jsonl:0.1`, `notes.txt`) to a tokenized
 * `TrainingSource`: the one place where corpus files meet the tokenizer.
 */
import {
  type CorpusDocument,
  type CorpusSpec,
  loadBuiltinCorpus,
  parseCorpusSpec,
  readJsonlDocuments,
  readTextFile,
  splitHeldOut,
} from '@tracemark/corpora';
import { type Tokenizer } from '@tracemark/tokenizers';
import { type TrainingSource } from './mix-sources.ts';

export interface ReadTrainingSourceOptions {
  /**
   * Which documents of a built-in corpus: all (default), or the training / held-out part of
   * `splitHeldOut` (every 10th document held out), so evaluation text stays unseen.
   */
  readonly split?: 'all' | 'train' | 'held-out';
  /** JSONL field holding the text (default `response`, else `text`). */
  readonly field?: string;
}

/**
 * Read and tokenize one source. Built-in names load from npm; a path ending in `.jsonl` is read
 * one document per line; any other path is one text document. The name is the spec without its
 * fraction.
 *
 * @throws RangeError for a malformed spec; SourceFormatError (from `@tracemark/corpora`) naming
 *   the file and line for unreadable input.
 */
export async function readTrainingSource(
  spec: string | CorpusSpec,
  tokenizer: Tokenizer,
  options: ReadTrainingSourceOptions = {},
): Promise<TrainingSource> {
  const parsed = typeof spec === 'string' ? parseCorpusSpec(spec) : spec;
  let docs: readonly CorpusDocument[];
  if (parsed.kind === 'builtin') {
    const all = loadBuiltinCorpus(parsed.source);
    const split = options.split ?? 'all';
    docs = split === 'all' ? all : split === 'train' ? splitHeldOut(all).train : splitHeldOut(all).heldOut;
  } else if (/\.jsonl$/i.test(parsed.source)) docs = await readJsonlDocuments(parsed.source, options.field);
  else docs = [await readTextFile(parsed.source)];
  const documents = docs.map((d) => tokenizer.encode(d.text));
  return parsed.fraction === undefined ? { name: parsed.source, documents } : { name: parsed.source, documents, fraction: parsed.fraction };
}
