/**
 * Prompt sets for generation: a built-in set (`builtin`, `builtin:sotu`, `builtin:moby-dick`) or a
 * JSONL file with a `prompt` field per line (and an optional `id`).
 */
import { BUILTIN_CORPORA, builtinPrompts, isBuiltinCorpus, type PromptRecord } from '@tracemark/corpora';
import { InputError } from './errors.ts';
import { readJsonl } from './io.ts';

/** `builtin, builtin:sotu, builtin:moby-dick`: the built-in specs, from the corpora the package ships. */
export const BUILTIN_SPECS = `builtin, ${BUILTIN_CORPORA.map((c) => `builtin:${c}`).join(', ')}`;

export async function loadPrompts(spec: string, count = 100): Promise<PromptRecord[]> {
  if (spec === 'builtin' || spec.startsWith('builtin:')) {
    const corpus = spec === 'builtin' ? 'sotu' : spec.slice('builtin:'.length);
    if (!isBuiltinCorpus(corpus)) throw new InputError(`unknown built-in prompt set ${JSON.stringify(spec)} (known: ${BUILTIN_SPECS})`);
    return builtinPrompts(corpus, count);
  }
  const out: PromptRecord[] = [];
  const seen = new Set<string>();
  for await (const { line, value } of readJsonl(spec)) {
    if (typeof value.prompt !== 'string') throw new InputError(`${spec}:${line}: no string field "prompt"`);
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : `p${line}`;
    if (seen.has(id)) throw new InputError(`${spec}:${line}: duplicate prompt id ${JSON.stringify(id)}`);
    seen.add(id);
    out.push({ id, prompt: value.prompt });
  }
  if (out.length === 0) throw new InputError(`${spec}: no prompts`);
  return out;
}
