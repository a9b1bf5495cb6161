/**
 * `tracemark generate`: sample responses from a reference model, watermarked with a key or not,
 * one JSONL line per response: {id, prompt, response, model, keyId?, seed}. Lines are written as
 * they are produced to `<out>.partial`, renamed to `<out>` when complete.
 */
import { open, rename } from 'node:fs/promises';
import { generate as generateTokens } from '@tracemark/models';
import { openModelFile } from '../model-file.ts';
import { createWatermarker, type Watermarker } from '@tracemark/watermark';
import { IoError } from '../errors.ts';
import { checkOutput } from '../io.ts';
import { loadKeyFile } from '../keys.ts';
import { createProgress } from '../progress.ts';
import { BUILTIN_SPECS, loadPrompts } from '../prompts.ts';
import { assertSameTokenizer } from '@tracemark/tokenizers';
import { defineCommand, flag, option } from '../command.ts';
import { MAX_SEED, parseNumber } from '../option-parsers.ts';

export interface GenerateCommandOptions {
  model: string;
  key?: string;
  prompts: string;
  count?: number;
  out: string;
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  samples: number;
  force?: boolean;
  quiet?: boolean;
}

export interface GenerateCommandResult {
  out: string;
  model: string;
  keyId: string | null;
  responses: number;
  tokens: number;
  seconds: number;
}

export async function generateCommand(o: GenerateCommandOptions): Promise<GenerateCommandResult> {
  await checkOutput(o.out, { force: o.force ?? false });
  const prompts = await loadPrompts(o.prompts, o.count ?? 100);
  const model = await openModelFile(o.model);
  let watermarker: Watermarker | undefined;
  let keyId: string | null = null;
  if (o.key) {
    const key = await loadKeyFile(o.key);
    assertSameTokenizer(key.tokenizer, model.tokenizer.identity(), `key ${key.keyId}`);
    watermarker = createWatermarker(key);
    keyId = key.keyId;
    key.secret.fill(0);
  }
  const partial = `${o.out}.partial`;
  const fh = await open(partial, 'w').catch((e: NodeJS.ErrnoException) => {
    throw new IoError(`${o.out}: cannot write (${e.code ?? e.message})`);
  });
  const progress = createProgress('generate', { quiet: o.quiet ?? false });
  const total = prompts.length * o.samples;
  let tokens = 0;
  let done = 0;
  const t0 = performance.now();
  try {
    for (const p of prompts) {
      const promptTokens = model.tokenizer.encode(p.prompt);
      for (let s = 0; s < o.samples; s++) {
        const seed = `${o.seed}/${p.id}/${s}`;
        const r = generateTokens(model, {
          prompt: promptTokens,
          maxTokens: o.maxTokens,
          temperature: o.temperature,
          topK: o.topK,
          topP: o.topP,
          seed,
          ...(watermarker ? { watermarker } : {}),
        });
        tokens += r.tokens.length;
        const record = {
          id: o.samples > 1 ? `${p.id}#${s}` : p.id,
          prompt: p.prompt,
          response: model.tokenizer.decode(r.tokens),
          model: model.name,
          ...(keyId ? { keyId } : {}),
          seed,
        };
        await fh.write(`${JSON.stringify(record)}\n`);
        progress.update(++done, total);
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
    progress.done();
  }
  await rename(partial, o.out);
  return { out: o.out, model: model.name, keyId, responses: done, tokens, seconds: (performance.now() - t0) / 1000 };
}

export function renderGenerate(r: GenerateCommandResult): string {
  return `wrote ${r.responses} responses (${r.tokens.toLocaleString('en-US')} tokens, ${(r.tokens / Math.max(r.seconds, 1e-3)).toFixed(0)} tokens/s) from ${r.model} to ${r.out}${r.keyId ? `, watermarked with ${r.keyId}` : ', unwatermarked'}`;
}

export const command = defineCommand({
  name: 'generate',
  description: 'generate responses from a reference model, watermarked with --key or not (JSONL out)',
  options: {
    model: option('--model <file>', 'model file from `tracemark train`').required(),
    key: option('--key <file>', 'watermark key; without it the output is unwatermarked'),
    prompts: option('--prompts <spec>', `FILE.jsonl with a "prompt" field, or ${BUILTIN_SPECS}`).default('builtin'),
    count: option('--count <n>', 'how many built-in prompts', { parse: parseNumber('count', 1, 1e6, true) }).default(100),
    out: option('--out <file>', 'JSONL output: {id, prompt, response, model, keyId?, seed}').required(),
    maxTokens: option('--max-tokens <n>', 'tokens per response', { parse: parseNumber('max-tokens', 1, 100_000, true) }).default(200),
    temperature: option('--temperature <t>', 'sampling temperature (0 = greedy)', { parse: parseNumber('temperature', 0, 10) }).default(1),
    topK: option('--top-k <k>', 'candidates per step (0 = whole vocabulary)', { parse: parseNumber('top-k', 0, 1e7, true) }).default(50),
    topP: option('--top-p <p>', 'nucleus mass', { parse: parseNumber('top-p', 1e-9, 1) }).default(1),
    seed: option('--seed <n>', 'sampling seed', { parse: parseNumber('seed', 0, MAX_SEED, true) }).default(0),
    samples: option('--samples <n>', 'responses per prompt', { parse: parseNumber('samples', 1, 10_000, true) }).default(1),
    force: flag('--force', 'overwrite an existing file'),
    json: flag('--json', 'print the summary as JSON'),
  },
  async run({ json, ...o }, { emit }) {
    const r = await generateCommand({ ...o, quiet: json });
    emit(json, r, renderGenerate(r));
  },
});
