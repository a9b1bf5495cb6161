/**
 * The suspect's outputs for `tracemark audit`: read from a JSONL file, or collected by asking a
 * producer (a local model, an OpenAI-compatible endpoint) to answer each prompt. Collected outputs
 * are appended and fsynced to a file as they arrive, so an interrupted audit loses nothing and a
 * rerun resumes from what was saved (which is also how `verify` recomputes an endpoint audit).
 */
import { open } from 'node:fs/promises';
import { type IdentifiedOutput } from '@tracemark/audit';
import { jsonlTextField } from '@tracemark/corpora';
import { ChatClient } from '@tracemark/probe';
import { type Tokenizer } from '@tracemark/tokenizers';
import { InputError, IoError } from './errors.ts';
import { readJsonl } from './io.ts';
import { createProgress, note } from './progress.ts';
import { loadPrompts } from './prompts.ts';

export interface Collected {
  outputs: IdentifiedOutput[];
  /** Where generated outputs were saved (a report input: verification re-reads it). */
  savedTo?: string;
}

export async function readOutputsFile(path: string, tokenizer: Tokenizer): Promise<Collected> {
  const out: Collected = { outputs: [] };
  for await (const { line, value } of readJsonl(path)) {
    const field = jsonlTextField(value);
    const text = field === undefined ? undefined : value[field];
    if (typeof text !== 'string') throw new InputError(`${path}:${line}: no string field "response" (or "text")`);
    const prompt = typeof value.prompt === 'string' ? value.prompt : '';
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : `${path}:${line}`;
    out.outputs.push({ id, prompt: tokenizer.encode(prompt), tokens: tokenizer.encode(text) });
  }
  if (out.outputs.length === 0) throw new InputError(`${path}: no suspect outputs`);
  return out;
}

/** Outputs already saved by an interrupted run, keyed by prompt id (for resuming). */
async function readSaved(path: string): Promise<Map<string, { prompt: string; response: string }>> {
  const saved = new Map<string, { prompt: string; response: string }>();
  try {
    for await (const { value } of readJsonl(path)) {
      if (typeof value.id === 'string' && typeof value.response === 'string' && typeof value.prompt === 'string') {
        saved.set(value.id, { prompt: value.prompt, response: value.response });
      }
    }
  } catch (e) {
    if (e instanceof InputError && /no such file/.test(e.message)) return saved;
    throw e;
  }
  return saved;
}

export interface CollectOptions {
  prompts: string;
  count: number;
  saveOutputs?: string;
  out?: string;
  quiet?: boolean;
}

export async function collectGenerations(
  o: CollectOptions,
  tokenizer: Tokenizer,
  produce: (prompt: string, id: string) => Promise<string>,
  label: string,
): Promise<Collected> {
  const prompts = await loadPrompts(o.prompts, o.count);
  const savePath = o.saveOutputs ?? (o.out ? o.out.replace(/\.json$/i, '') + '.outputs.jsonl' : undefined);
  const saved = savePath ? await readSaved(savePath) : new Map<string, { prompt: string; response: string }>();
  if (saved.size > 0) note(`audit: resuming — ${saved.size} outputs already in ${savePath}`, { quiet: o.quiet ?? false });
  const fh = savePath ? await open(savePath, 'a') : undefined;
  const progress = createProgress(`audit: ${label}`, { quiet: o.quiet ?? false });
  const out: Collected = { outputs: [], ...(savePath ? { savedTo: savePath } : {}) };
  try {
    for (const [i, p] of prompts.entries()) {
      let response = saved.get(p.id)?.response;
      if (response === undefined) {
        response = await produce(p.prompt, p.id);
        if (fh) {
          await fh.write(`${JSON.stringify({ id: p.id, prompt: p.prompt, response })}\n`);
          await fh.sync();
        }
      }
      out.outputs.push({ id: p.id, prompt: tokenizer.encode(p.prompt), tokens: tokenizer.encode(response) });
      progress.update(i + 1, prompts.length);
    }
  } finally {
    progress.done();
    await fh?.close();
  }
  return out;
}

/** Answers from an OpenAI-compatible endpoint (chat completions, temperature 1, the audit's seed). */
export function endpointProducer(endpoint: string, model: string, apiKeyEnv: string | undefined, maxTokens: number, seed: number): (prompt: string) => Promise<string> {
  const apiKey = apiKeyEnv ? process.env[apiKeyEnv] : undefined;
  if (apiKeyEnv && !apiKey) throw new InputError(`environment variable ${apiKeyEnv} is not set`);
  let client: ChatClient;
  try {
    client = new ChatClient({ endpoint, ...(apiKey ? { apiKey } : {}), retry: { maxAttempts: 4 } });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  return async (prompt) => {
    let r;
    try {
      r = await client.complete({ model, messages: [{ role: 'user', content: prompt }], max_tokens: maxTokens, temperature: 1, seed });
    } catch (e) {
      throw new IoError(`${endpoint}: ${(e as Error).message} (outputs collected so far are kept; rerun to resume)`);
    }
    const choice = (r.body.choices as { message?: { content?: unknown } }[] | undefined)?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string') throw new IoError(`${endpoint}: response has no choices[0].message.content`);
    return content;
  };
}
