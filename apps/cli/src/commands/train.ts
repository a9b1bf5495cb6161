/**
 * `tracemark train`: train a reference n-gram model (teacher, student or control) from built-in
 * corpora, text files and JSONL transcripts, mixed by stated token fractions, and save it.
 */
import { readTrainingSource, saveModel, trainNgram, type SourceSummary, type TrainingSource } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { InputError } from '../errors.ts';
import { checkOutput } from '../io.ts';
import { note } from '../progress.ts';
import { defineCommand, flag, listOption, option } from '../command.ts';
import { MAX_SEED, parseNumber } from '../option-parsers.ts';

export interface TrainCommandOptions {
  corpus: string[];
  order: number;
  tokenizer: string;
  out: string;
  name?: string;
  seed?: number;
  force?: boolean;
  quiet?: boolean;
}

export interface TrainCommandResult {
  out: string;
  name: string;
  order: number;
  tokenizer: { name: string; vocabSize: number; hash: string };
  sources: SourceSummary[];
  trainingTokens: number;
  bytes: number;
  seconds: { read: number; train: number; save: number };
}

export async function train(o: TrainCommandOptions): Promise<TrainCommandResult> {
  if (o.corpus.length === 0) throw new InputError('give at least one --corpus (sotu, moby-dick, a .txt file or a .jsonl transcript)');
  await checkOutput(o.out, { force: o.force ?? false });
  const tokenizer = await getTokenizer(o.tokenizer);
  const t0 = performance.now();
  const sources: TrainingSource[] = [];
  for (const spec of o.corpus) {
    note(`train: reading ${spec}`, { quiet: o.quiet ?? false });
    const source = await userInput(() => readTrainingSource(spec, tokenizer));
    if (source.documents.every((d) => d.length === 0)) throw new InputError(`${spec}: no text to train on`);
    sources.push(source);
  }
  const t1 = performance.now();
  note(`train: counting n-grams (order ${o.order})`, { quiet: o.quiet ?? false });
  const model = await userInput(() => trainNgram({ tokenizer, order: o.order, sources, seed: o.seed ?? 0, ...(o.name ? { name: o.name } : {}) }));
  const t2 = performance.now();
  const { bytes } = await saveModel(model, o.out);
  const t3 = performance.now();
  return {
    out: o.out,
    name: model.name,
    order: o.order,
    tokenizer: tokenizer.identity(),
    sources: [...model.sources],
    trainingTokens: model.sources.reduce((a, s) => a + s.tokens, 0),
    bytes,
    seconds: { read: (t1 - t0) / 1000, train: (t2 - t1) / 1000, save: (t3 - t2) / 1000 },
  };
}

/**
 * The corpus specs and their fractions are what the user typed (`--corpus sotu:0.3`), and the
 * models package checks them with RangeError (a fraction outside [0, 1], fractions not summing to
 * 1, a repeated source). Here, and only here, such a RangeError is the user's input error (exit 2),
 * not a bug (70); its message already names the source.
 */
async function userInput<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(e.message, { cause: e });
    throw e;
  }
}

export function renderTrain(r: TrainCommandResult): string {
  const parts = r.sources.map((s) => `${s.name} ${s.tokens.toLocaleString('en-US')} tokens${s.fraction !== null ? ` (${(100 * s.fraction).toFixed(1)}%)` : ''}`);
  return [
    `trained ${r.name}: order ${r.order}, ${r.trainingTokens.toLocaleString('en-US')} tokens (${parts.join(', ')}), tokenizer ${r.tokenizer.name}`,
    `wrote ${r.out} (${(r.bytes / 1e6).toFixed(1)} MB) — read ${r.seconds.read.toFixed(1)} s, train ${r.seconds.train.toFixed(1)} s, save ${r.seconds.save.toFixed(1)} s`,
  ].join('\n');
}

export const command = defineCommand({
  name: 'train',
  description: 'train a reference n-gram language model (teacher, student or control)',
  options: {
    corpus: listOption('--corpus <spec...>', 'sotu, moby-dick, FILE.txt or FILE.jsonl, each optionally :FRACTION of training tokens (fractions must sum to 1)').required(),
    order: option('--order <n>', 'n-gram order, 2–6', { parse: parseNumber('order', 2, 6, true) }).default(4),
    tokenizer: option('--tokenizer <name|path>', 'tokenizer').default('o200k_base'),
    name: option('--name <name>', 'model name recorded in the file and in generations'),
    seed: option('--seed <n>', 'seed for the mixture document order', { parse: parseNumber('seed', 0, MAX_SEED, true) }).default(0),
    out: option('--out <file>', 'model file to write').required(),
    force: flag('--force', 'overwrite an existing file'),
    json: flag('--json', 'print the training summary as JSON'),
  },
  async run({ json, ...o }, { emit }) {
    const r = await train({ ...o, quiet: json });
    emit(json, r, renderTrain(r));
  },
});
