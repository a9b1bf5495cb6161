import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { saveModel, trainNgram } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.ts';
import { classifyError, ExitCode } from '../errors.ts';
import { attack, renderAttack } from './attack.ts';

let dir: string;
const speech = loadBuiltinCorpus('sotu')[40]!.text.slice(0, 3000);
const human = loadBuiltinCorpus('moby-dick')[3]!.text;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-attack-'));
});

async function expectInputError(p: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(Error);
  const { exitCode, message: text } = classifyError(err);
  expect(exitCode).toBe(ExitCode.usage);
  expect(text).toMatch(message);
}

describe('attack: text files', () => {
  it('replaces 30% of the words with synonyms, writes OUT, reports what it did, and is deterministic', async () => {
    const input = join(dir, 'speech.txt');
    const output = join(dir, 'speech.syn.txt');
    await writeFile(input, speech);
    const r = await attack({ kind: 'synonyms', strength: 0.3, seed: 7, input, output, quiet: true });
    const out = await readFile(output, 'utf8');
    expect(out).not.toBe(speech);
    expect(r).toMatchObject({ kind: 'synonyms', format: 'text', documents: 1, seed: 7, total: { unit: 'word' } });
    expect(r.total.rate).toBeCloseTo(0.3, 2);
    expect(r.perDocument[0]!.stats.changed).toBe(r.total.changed);
    expect(renderAttack(r)).toMatch(/attacked 1 document\(s\) .*: \d+ of \d+ words changed \(rate 0\.3/);
    await attack({ kind: 'synonyms', strength: 0.3, seed: 7, input, output, force: true, quiet: true });
    expect(await readFile(output, 'utf8')).toBe(out);
  });

  it('pastes into --human text for copy-paste and regenerates with --model', async () => {
    const input = join(dir, 'wm.txt');
    await writeFile(input, speech.slice(0, 800));
    const humanFile = join(dir, 'human.txt');
    await writeFile(humanFile, human);
    const cp = await attack({ kind: 'copy-paste', strength: 0.75, seed: 1, input, output: join(dir, 'cp.txt'), human: humanFile, quiet: true });
    expect(cp.total.rate).toBeCloseTo(0.75, 1);
    const tokenizer = await getTokenizer('o200k_base');
    const model = trainNgram({ tokenizer, order: 3, sources: [{ name: 'moby', documents: loadBuiltinCorpus('moby-dick').slice(0, 20).map((d) => tokenizer.encode(d.text)) }] });
    const modelFile = join(dir, 'model.tmng');
    await saveModel(model, modelFile);
    const rg = await attack({ kind: 'regenerate', strength: 0.5, seed: 1, input, output: join(dir, 'rg.txt'), model: modelFile, quiet: true });
    expect(rg.total.unit).toBe('token');
    expect(rg.total.changed).toBeGreaterThan(0);
  });
});

describe('attack: JSONL', () => {
  it('attacks the response (else text) field of every line and keeps the other fields', async () => {
    const input = join(dir, 'gen.jsonl');
    const output = join(dir, 'gen.ws.jsonl');
    const lines = [
      { id: 'a', prompt: 'The state', response: speech.slice(0, 600), keyId: 'tmk_x' },
      { prompt: 'Call me', response: speech.slice(600, 1200) },
      // Both fields: the JSONL rule of @tracemark/corpora reads `response` (the model's output).
      { id: 7, response: speech.slice(1200, 1800), text: 'untouched' },
    ];
    await writeFile(input, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n\n`);
    const r = await attack({ kind: 'whitespace', strength: 1, seed: 3, input, output, quiet: true });
    expect(r).toMatchObject({ format: 'jsonl', documents: 3, total: { unit: 'gap', rate: 1 } });
    expect(r.perDocument.map((d) => d.id)).toEqual(['a', `${input}:2`, '7']);
    const out = (await readFile(output, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ id: 'a', prompt: 'The state', keyId: 'tmk_x' });
    expect(out[0]!.response).not.toBe(lines[0]!.response);
    expect((out[0]!.response as string).replace(/[\s\p{Zs}]+/gu, ' ')).toBe(lines[0]!.response!.replace(/\s+/g, ' '));
    expect(out[2]).toMatchObject({ id: 7, text: 'untouched' });
    expect(out[2]!.response).not.toBe(lines[2]!.response);
    expect(renderAttack(r)).toMatch(/document\s+gaps\s+changed\s+rate/);
    await expect(stat(`${output}.partial`)).rejects.toThrow();
  });

  it('names the file and line of a bad record, and leaves no partial output', async () => {
    const input = join(dir, 'bad.jsonl');
    const output = join(dir, 'bad.out.jsonl');
    await writeFile(input, `${JSON.stringify({ text: 'fine words here' })}\n${JSON.stringify({ body: 'no text' })}\n`);
    await expectInputError(attack({ kind: 'case', strength: 0.5, input, output, quiet: true }), new RegExp(`${input}:2: no string field "text" \\(or "response"\\)`));
    await expect(stat(output)).rejects.toThrow();
    await expect(stat(`${output}.partial`)).rejects.toThrow();
    await writeFile(input, `${JSON.stringify({ text: 'fine' })}\n{oops\n`);
    await expectInputError(attack({ kind: 'case', strength: 0.5, input, output, quiet: true }), new RegExp(`${input}:2: malformed JSON`));
    await expectInputError(attack({ kind: 'case', strength: 0.5, input, output, field: 'body', quiet: true }), new RegExp(`${input}:1: no string field "body"`));
  });
});

describe('attack: usage errors exit 2 with one line', () => {
  it('rejects unknown and generation-time kinds, bad strengths, missing resources, clobbering', async () => {
    const input = join(dir, 'in.txt');
    await writeFile(input, speech.slice(0, 500));
    const output = join(dir, 'out.txt');
    await expectInputError(attack({ kind: 'paraphrase', strength: 0.1, input, output }), /unknown attack "paraphrase" \(known: delete-words, /);
    await expectInputError(attack({ kind: 'emoji', strength: 1, input, output }), /emoji is applied during generation/);
    await expectInputError(attack({ kind: 'synonyms', strength: 1.5, input, output }), /--strength for synonyms must be in \[0, 1\]/);
    await expectInputError(attack({ kind: 'copy-paste', strength: 0.5, input, output }), /copy-paste needs --human <file>/);
    await expectInputError(attack({ kind: 'regenerate', strength: 0.5, input, output }), /regenerate needs --model <file>/);
    await expectInputError(attack({ kind: 'case', strength: 0.5, input, output: input }), /is also the input/);
    await expectInputError(attack({ kind: 'case', strength: 0.5, input: join(dir, 'nope.txt'), output }), /nope\.txt: no such file/);
    await writeFile(join(dir, 'empty.txt'), '  \n');
    await expectInputError(attack({ kind: 'case', strength: 0.5, input: join(dir, 'empty.txt'), output }), /empty text/);
    await attack({ kind: 'case', strength: 0.5, input, output, quiet: true });
    await expectInputError(attack({ kind: 'case', strength: 0.5, input, output }), /already exists \(use --force/);
  });
});

describe('tracemark attack (argv)', () => {
  async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  it('parses options, prints JSON, and maps errors to exit codes', async () => {
    const input = join(dir, 'argv.txt');
    await writeFile(input, speech.slice(0, 1000));
    const r = await run('attack', '--kind', 'delete-words', '--strength', '0.2', '--seed', '5', input, join(dir, 'argv.out.txt'), '--json');
    expect(r.code).toBe(ExitCode.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'delete-words', strength: 0.2, seed: 5, documents: 1 });
    expect((await run('attack', '--kind', 'nope', '--strength', '0.2', input, join(dir, 'x.txt'))).code).toBe(ExitCode.usage);
    expect((await run('attack', '--kind', 'case', '--strength', 'lots', input, join(dir, 'x.txt'))).code).toBe(ExitCode.usage);
    const bad = await run('attack', '--kind', 'emoji', '--strength', '1', input, join(dir, 'x.txt'));
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toMatch(/^tracemark: emoji is applied during generation/);
  });
});
