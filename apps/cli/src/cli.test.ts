import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from './errors.ts';
import { runCli } from './testing.ts';

const run = runCli;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-cli-'));
});

describe('tracemark keygen', () => {
  it('writes an owner-only key, prints only public info, and refuses to overwrite', async () => {
    const out = join(dir, 'k1.json');
    const r = await run('keygen', '--scheme', 'kgw', '--gamma', '0.5', '--out', out, '--json');
    expect(r.code).toBe(ExitCode.ok);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ scheme: 'kgw', params: { gamma: 0.5 }, tokenizer: { name: 'o200k_base' } });
    expect(Object.keys(info).sort()).toEqual(['keyId', 'params', 'scheme', 'tokenizer']);
    const file = JSON.parse(await readFile(out, 'utf8'));
    expect(r.stdout).not.toContain(file.secret);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const again = await run('keygen', '--scheme', 'kgw', '--out', out);
    expect(again.code).toBe(ExitCode.usage);
    expect(again.stderr).toMatch(/already exists \(use --force/);
    expect((await run('keygen', '--scheme', 'kgw', '--out', out, '--force')).code).toBe(ExitCode.ok);
  });

  it('rejects bad options as usage errors', async () => {
    expect((await run('keygen', '--scheme', 'nope', '--out', join(dir, 'x.json'))).code).toBe(ExitCode.usage);
    const r = await run('keygen', '--scheme', 'kgw', '--gamma', '2', '--out', join(dir, 'x.json'));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/gamma must be a number/);
    const t = await run('keygen', '--scheme', 'kgw', '--tokenizer', 'nope', '--out', join(dir, 'x.json'));
    expect(t.code).toBe(ExitCode.usage);
    expect(t.stderr).toMatch(/unknown tokenizer "nope"/);
  });
});

describe('tracemark detect', () => {
  it('scores text and JSONL and prints the documented JSON shape', async () => {
    const key = join(dir, 'kd.json');
    await run('keygen', '--scheme', 'unigram', '--out', key);
    const txt = join(dir, 'a.txt');
    await writeFile(txt, 'It was the best of times, it was the worst of times, it was the age of wisdom.');
    const jsonl = join(dir, 'b.jsonl');
    await writeFile(jsonl, `${JSON.stringify({ id: 'x', text: 'Call me Ishmael.' })}\n\n${JSON.stringify({ response: 'Some years ago.' })}\n`);
    const r = await run('detect', '--key', key, txt, jsonl, '--json');
    expect(r.code).toBe(ExitCode.ok);
    const out = JSON.parse(r.stdout);
    expect(out.documents.map((d: { id: string }) => d.id)).toEqual([txt, 'x', `${jsonl}:3`]);
    expect(out.aggregate).toMatchObject({ documents: 3, detected: false });
    for (const field of ['keyId', 'alpha', 'documents', 'aggregate']) expect(out).toHaveProperty(field);
    for (const field of ['id', 'tokens', 'scored', 'score', 'pValue', 'log10PValue', 'detected']) expect(out.documents[0]).toHaveProperty(field);
    const human = await run('detect', '--key', key, txt);
    expect(human.stdout).toMatch(/aggregate over 1 document/);
  });

  it('names the file and line of bad input and exits 2', async () => {
    const key = join(dir, 'kb.json');
    await run('keygen', '--scheme', 'kgw', '--out', key);
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify({ text: 'fine' })}\n{not json\n`);
    const r = await run('detect', '--key', key, bad);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(new RegExp(`${bad}:2: malformed JSON`));
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const missing = await run('detect', '--key', key, join(dir, 'missing.txt'));
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toMatch(/missing\.txt: no such file/);

    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '  \n');
    expect((await run('detect', '--key', key, empty)).stderr).toMatch(/empty text/);

    const notKey = join(dir, 'notkey.json');
    await writeFile(notKey, '{"hello": 1}');
    const nk = await run('detect', '--key', notKey, empty);
    expect(nk.code).toBe(ExitCode.usage);
    expect(nk.stderr).toMatch(/notkey\.json: not a tracemark watermark key/);

    const noField = join(dir, 'nofield.jsonl');
    await writeFile(noField, '{"body": "x"}\n');
    expect((await run('detect', '--key', key, noField)).stderr).toMatch(/nofield\.jsonl:1: no string field "text"/);
  });

  it('refuses to score with a different tokenizer than the key', async () => {
    const key = join(dir, 'kt.json');
    await run('keygen', '--scheme', 'kgw', '--tokenizer', 'cl100k_base', '--out', key);
    const txt = join(dir, 't.txt');
    await writeFile(txt, 'hello world');
    const r = await run('detect', '--key', key, '--tokenizer', 'o200k_base', txt);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/cl100k_base/);
  });
});
