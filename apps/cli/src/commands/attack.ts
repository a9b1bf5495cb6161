/**
 * `tracemark attack`: apply one of the `@tracemark/attacks` edits to a text file, or to the text
 * field of every line of a JSONL file (other fields kept), and write the result — so robustness
 * can be checked end to end with `tracemark detect`. Deterministic for a given --seed; JSONL
 * lines are written as they are attacked to `<out>.partial`, renamed to `<out>` when complete.
 */
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ATTACKS, type AttackResources, type AttackStats, isAttackKind, TEXT_ATTACKS, type TextAttack } from '@tracemark/attacks';
import { jsonlTextField } from '@tracemark/corpora';
import { loadModel } from '@tracemark/models';
import { InputError, IoError } from '../errors.ts';
import { formatRate, renderTable } from '../format.ts';
import { checkOutput, readJsonl, readTextInput, writeOutput } from '../io.ts';
import { createProgress } from '../progress.ts';
import { argument, defineCommand, flag, option } from '../command.ts';
import { MAX_SEED, parseNumber } from '../option-parsers.ts';

export interface AttackCommandOptions {
  kind: string;
  strength: number;
  seed?: number;
  input: string;
  output: string;
  format?: 'text' | 'jsonl';
  /** JSONL field holding the text; default: the rule of `jsonlTextField` (`@tracemark/corpora`), as every command. */
  field?: string;
  /** Human text file (copy-paste). */
  human?: string;
  /** Model file from `tracemark train` (regenerate). */
  model?: string;
  force?: boolean;
  quiet?: boolean;
}

/** What was done to one document. */
export interface AttackedDocument {
  readonly id: string;
  readonly stats: AttackStats;
}

export interface AttackCommandResult {
  kind: string;
  description: string;
  strength: number;
  /** What `strength` measures for this attack. */
  strengthMeaning: string;
  seed: number;
  input: string;
  output: string;
  format: 'text' | 'jsonl';
  documents: number;
  /** Units changed over all documents (words, characters … as the attack counts them). */
  total: { unit: AttackStats['unit']; total: number; changed: number; rate: number };
  /** Per-document stats, the first `MAX_DOCUMENT_STATS` documents. */
  perDocument: AttackedDocument[];
}

/** Per-document stats kept in the result; beyond this only the totals grow (bounded memory on huge JSONL). */
export const MAX_DOCUMENT_STATS = 1000;

function formatOf(path: string, explicit?: 'text' | 'jsonl'): 'text' | 'jsonl' {
  if (explicit) return explicit;
  return /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'text';
}

function textAttack(kind: string): TextAttack {
  if (!isAttackKind(kind)) throw new InputError(`unknown attack ${JSON.stringify(kind)} (known: ${Object.keys(ATTACKS).join(', ')})`);
  const attack = ATTACKS[kind];
  if (attack.stage !== 'text') {
    throw new InputError(`${kind} is applied during generation, not to finished text (use generateWithEmojiAttack from @tracemark/attacks, or pnpm bench attacks)`);
  }
  return attack;
}

async function loadResources(attack: TextAttack, o: AttackCommandOptions): Promise<AttackResources> {
  const resources: { human?: string; model?: AttackResources['model'] } = {};
  if (attack.needs.includes('human')) {
    if (!o.human) throw new InputError(`${attack.kind} needs --human <file>: the human text the watermarked text is pasted into`);
    resources.human = await readTextInput(o.human);
    if (resources.human.trim() === '') throw new InputError(`${o.human}: empty text (no human words to paste into)`);
  }
  if (attack.needs.includes('model')) {
    if (!o.model) throw new InputError(`${attack.kind} needs --model <file>: an unwatermarked model from \`tracemark train\``);
    resources.model = await loadModel(o.model);
  }
  return resources;
}

/**
 * Attack IN and write OUT. Errors: unknown or generation-time kind, strength out of range,
 * missing --human/--model, unreadable input, a JSONL line without the text field (naming
 * file:line), OUT existing without --force or being IN — all InputError (exit 2).
 */
export async function attack(o: AttackCommandOptions): Promise<AttackCommandResult> {
  const spec = textAttack(o.kind);
  if (!(o.strength >= 0 && o.strength <= spec.maxStrength)) {
    throw new InputError(`--strength for ${spec.kind} must be in [0, ${spec.maxStrength}] (${spec.strength}), got ${o.strength}`);
  }
  const seed = o.seed ?? 0;
  if (o.input !== '-' && resolve(o.input) === resolve(o.output)) throw new InputError(`${o.output}: is also the input; write the attacked text to another file`);
  await checkOutput(o.output, { force: o.force ?? false });
  const resources = await loadResources(spec, o);
  const format = formatOf(o.input, o.format);
  const perDocument: AttackedDocument[] = [];
  const total = { unit: 'word' as AttackStats['unit'], total: 0, changed: 0, rate: 0 };
  let documents = 0;
  const record = (id: string, stats: AttackStats) => {
    documents++;
    total.unit = stats.unit;
    total.total += stats.total;
    total.changed += stats.changed;
    if (perDocument.length < MAX_DOCUMENT_STATS) perDocument.push({ id, stats });
  };

  if (format === 'text') {
    const text = await readTextInput(o.input);
    if (text.trim() === '') throw new InputError(`${o.input}: empty text (nothing to attack)`);
    const r = spec.apply(text, { strength: o.strength, seed }, resources);
    record(o.input, r.stats);
    await writeOutput(o.output, r.text, { force: true });
  } else {
    const partial = `${o.output}.partial`;
    const fh = await open(partial, 'w').catch((e: NodeJS.ErrnoException) => {
      throw new IoError(`${o.output}: cannot write (${e.code ?? e.message})`);
    });
    const progress = createProgress('attack', { quiet: o.quiet ?? false });
    let complete = false;
    try {
      for await (const { line, value } of readJsonl(o.input)) {
        const field = jsonlTextField(value, o.field);
        const text = field === undefined ? undefined : value[field];
        if (field === undefined || typeof text !== 'string') {
          const wanted = o.field ? `"${o.field}"` : '"text" (or "response")';
          throw new InputError(`${o.input}:${line}: no string field ${wanted}; choose one with --field`);
        }
        const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : `${o.input}:${line}`;
        // Each line gets its own stream, so equal texts on two lines are attacked differently.
        const r = spec.apply(text, { strength: o.strength, seed: `${seed}/${line}` }, resources);
        record(id, r.stats);
        await fh.write(`${JSON.stringify({ ...value, [field]: r.text })}\n`);
        progress.update(documents);
      }
      if (documents === 0) throw new InputError(`${o.input}: no documents (the file is empty)`);
      await fh.sync();
      complete = true;
    } finally {
      await fh.close();
      progress.done();
      if (!complete) await rm(partial, { force: true });
    }
    await rename(partial, o.output);
  }
  total.rate = total.total > 0 ? total.changed / total.total : 0;
  return {
    kind: spec.kind,
    description: spec.description,
    strength: o.strength,
    strengthMeaning: spec.strength,
    seed,
    input: o.input,
    output: o.output,
    format,
    documents,
    total,
    perDocument,
  };
}

const MAX_ROWS = 20;

export function renderAttack(r: AttackCommandResult): string {
  const unit = `${r.total.unit}s`;
  const lines = [
    `${r.kind} — ${r.description}`,
    `strength ${r.strength} (${r.strengthMeaning}), seed ${r.seed}`,
    `attacked ${r.documents} document(s) from ${r.input}: ${r.total.changed} of ${r.total.total} ${unit} changed (rate ${formatRate(r.total.rate)}) → ${r.output}`,
  ];
  if (r.documents > 1) {
    const rows = r.perDocument.slice(0, MAX_ROWS).map((d) => [d.id, d.stats.total, d.stats.changed, formatRate(d.stats.rate)]);
    lines.push('', renderTable(['document', unit, 'changed', 'rate'], rows));
    if (r.documents > MAX_ROWS) lines.push(`… ${r.documents - MAX_ROWS} more documents (use --json for the first ${MAX_DOCUMENT_STATS})`);
  }
  return lines.join('\n');
}

/** `a, b or c`: the attacks as the help text lists them. */
function listed(kinds: readonly string[]): string {
  return kinds.length < 2 ? kinds.join('') : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
}

export const command = defineCommand({
  name: 'attack',
  description: 'edit text the way evaders do (deletions, synonyms, homoglyphs …) to measure robustness: text or JSONL in, the same format out',
  options: {
    input: argument('<in>', 'text file, or JSONL file whose "text" (else "response") field is attacked on every line, other fields kept'),
    output: argument('<out>', 'where to write the attacked text'),
    kind: option('--kind <kind>', listed(TEXT_ATTACKS.map((a) => a.kind))).required(),
    strength: option('--strength <x>', "how hard: for most attacks the share of words, letters or gaps changed, in [0, 1] (each attack's meaning is printed with the result)", { parse: parseNumber('strength', 0, 4) }).required(),
    seed: option('--seed <n>', 'the same input, kind, strength and seed give the same output', { parse: parseNumber('seed', 0, MAX_SEED, true) }).default(0),
    format: option('--format <format>', 'input format (default: jsonl for .jsonl/.ndjson files, else text)', { choices: ['text', 'jsonl'] as const }),
    field: option('--field <name>', 'JSONL field to attack (default: text, else response)'),
    human: option('--human <file>', 'human text the watermarked text is pasted into (copy-paste)'),
    model: option('--model <file>', 'unwatermarked model from `tracemark train` that rewrites spans (regenerate)'),
    force: flag('--force', 'overwrite an existing OUT'),
    json: flag('--json', 'print what was done as JSON'),
  },
  async run({ json, ...o }, { emit }) {
    const r = await attack({ ...o, quiet: json });
    emit(json, r, renderAttack(r));
  },
});
