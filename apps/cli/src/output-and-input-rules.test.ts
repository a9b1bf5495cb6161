/**
 * Issue 12, "data loss" and "consistent errors": one rule for outputs (checked before any work,
 * folder must exist, a set of files written all or nothing), `demo --force` deletes only a demo's
 * own folder, invalid UTF-8 and empty or absurd input are input errors (exit 2) naming the file,
 * and `verify` says what it verified. Each case failed on main before these fixes.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@tracemark/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from './errors.ts';
import { runCli as run } from './testing.ts';

let dir: string;
let key: string;
let outputs: string;
let model: string;
/** 64 KB of seeded random bytes: not UTF-8. */
let randomBytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-rules-'));
  key = join(dir, 'key.json');
  expect((await run('keygen', '--scheme', 'kgw', '--out', key)).code).toBe(0);
  outputs = join(dir, 'suspect.jsonl');
  const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `o${i}`, prompt: 'Tell me about the Union.', response: `The state of the Union is strong, number ${i}, and the harbors are open to commerce.` }));
  await writeFile(outputs, `${lines.join('\n')}\n`);
  const corpus = join(dir, 'corpus.jsonl');
  await writeFile(corpus, `${Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `The harbors of the Atlantic coast are open to commerce, said speech ${i}, and the people are free.` })).join('\n')}\n`);
  model = join(dir, 'model.bin');
  expect((await run('train', '--corpus', corpus, '--order', '2', '--out', model)).code).toBe(0);
  randomBytes = Buffer.alloc(64 * 1024);
  const random = createRng(2463534242);
  for (let i = 0; i < randomBytes.length; i++) randomBytes[i] = Math.floor(random() * 256);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo --force deletes only a folder a demo wrote', () => {
  it('refuses (exit 2) a folder without the demo marker and leaves its files', async () => {
    const victim = join(dir, 'victim');
    await mkdir(victim);
    await writeFile(join(victim, 'important.txt'), 'x');
    const r = await run('demo', '--out', victim, '--force');
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/not a folder written by tracemark demo/);
    expect(await readFile(join(victim, 'important.txt'), 'utf8')).toBe('x');
  });
});

describe('outputs: checked before work, all or nothing, one rule for a missing folder', () => {
  it('audit --out a.json --html missing/x.html: exit 2 before the audit, and no a.json left', async () => {
    const a = join(dir, 'a.json');
    const r = await run('audit', '--key', key, '--suspect-outputs', outputs, '--out', a, '--html', join(dir, 'missing', 'x.html'));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/missing.x\.html: folder .*missing does not exist/);
    expect(await readdir(dir)).not.toContain('a.json');
    // A rerun with a good --html then works (nothing half-written blocks it).
    expect((await run('audit', '--key', key, '--suspect-outputs', outputs, '--out', a, '--html', join(dir, 'a.html'))).code).toBe(0);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['a.json', 'a.html']));
  });

  it('signer init --out s.json --public-out missing/p.json: exit 2 and no secret without its public key', async () => {
    const r = await run('signer', 'init', '--out', join(dir, 's.json'), '--public-out', join(dir, 'missing', 'p.json'));
    expect(r.code).toBe(ExitCode.usage);
    expect(await readdir(dir)).not.toContain('s.json');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('every command: output into a missing folder is exit 2 naming the file', async () => {
    const missing = (name: string) => join(dir, 'no-such-folder', name);
    const cases: string[][] = [
      ['keygen', '--scheme', 'kgw', '--out', missing('k.json')],
      ['signer', 'init', '--out', missing('s.json')],
      ['audit', '--key', key, '--suspect-outputs', outputs, '--out', missing('r.json')],
      ['audit', '--key', key, '--suspect-outputs', outputs, '--save-outputs', missing('o.jsonl')],
      ['generate', '--model', model, '--count', '2', '--max-tokens', '5', '--out', missing('g.jsonl')],
      ['train', '--corpus', 'moby-dick', '--order', '2', '--out', missing('m.bin')],
      ['attack', '--kind', 'synonyms', '--strength', '0.3', outputs, missing('x.jsonl')],
      ['probe', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--out', missing('t.jsonl')],
    ];
    for (const argv of cases) {
      const r = await run(...argv);
      expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(ExitCode.usage);
      expect(r.stderr, argv[0]).toMatch(/no-such-folder.*does not exist/);
    }
  });

  it('probe --out DIR is exit 2 naming the folder, not a raw EISDIR', async () => {
    const r = await run('probe', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--out', dir);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/is a folder; give a file name/);
    expect(r.stderr).not.toMatch(/EISDIR/);
  });
});

describe('input: invalid UTF-8, empty or absurd input is an input error naming the file', () => {
  it('detect, audit and attack refuse random bytes, naming the file and byte offset, and write nothing', async () => {
    const bin = join(dir, 'random.txt');
    const binJsonl = join(dir, 'random.jsonl');
    await writeFile(bin, randomBytes);
    await writeFile(binJsonl, Buffer.concat([Buffer.from('{"text":"fine"}\n'), randomBytes]));
    const attacked = join(dir, 'attacked.txt');
    for (const argv of [
      ['detect', '--key', key, bin],
      ['detect', '--key', key, binJsonl],
      ['audit', '--key', key, '--suspect-outputs', binJsonl],
      ['attack', '--kind', 'synonyms', '--strength', '0.3', bin, attacked],
    ]) {
      const r = await run(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(/random\.(txt|jsonl)(:\d+)?: invalid UTF-8 at byte \d+/);
    }
    expect(await readdir(dir)).not.toContain('attacked.txt');
    // The JSONL error names line 2 and an offset past line 1's 16 bytes.
    const r = await run('detect', '--key', key, binJsonl);
    expect(r.stderr).toMatch(/random\.jsonl:2: invalid UTF-8 at byte (1[6-9]|[2-9]\d)\b/);
  });

  it('probe --import-batch of an empty file is exit 2', async () => {
    const empty = join(dir, 'empty-batch.jsonl');
    await writeFile(empty, '');
    const r = await run('probe', '--import-batch', empty, '--model', 'm', '--out', join(dir, 't.jsonl'));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/empty-batch\.jsonl: empty file/);
  });

  it('receipts: an empty log and promptTokens 1e300 are input errors', async () => {
    const empty = join(dir, 'empty-receipts.jsonl');
    await writeFile(empty, '');
    const a = await run('receipts', '--log', empty);
    expect(a.code).toBe(ExitCode.usage);
    expect(a.stderr).toMatch(/empty receipt log/);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const open = JSON.stringify({ v: 1, type: 'open', time: '2026-01-01T00:00:00.000Z', pid: 1, watermark: true, accountKeys: {}, repairedTail: null, prev: null });
    const absurd = JSON.stringify({
      v: 1, type: 'response', time: '2026-01-01T00:00:01.000Z', requestId: 'c1', account: 'a', keyId: null, model: 'm', endpoint: 'chat.completions', stream: false,
      promptSha256: sha('p'), responseSha256: sha('r'), reasoningSha256: null, promptTokens: 1e300, completionTokens: 1, reasoningTokens: 0, finishReason: 'stop', seed: 1, prev: sha(open),
    });
    const log = join(dir, 'absurd-receipts.jsonl');
    await writeFile(log, `${open}\n${absurd}\n`);
    const b = await run('receipts', '--log', log);
    expect(b.code).toBe(ExitCode.usage);
    expect(b.stderr).toMatch(/absurd-receipts\.jsonl:2: .*promptTokens/);
  });
});

describe('verify says what it verified', () => {
  it('prints and puts in --json the signer id, creation time, key id, suspect and verdict', async () => {
    const signer = join(dir, 'lab-signer.json');
    const pub = join(dir, 'lab-public.json');
    expect((await run('signer', 'init', '--out', signer, '--public-out', pub)).code).toBe(0);
    const report = join(dir, 'signed.json');
    expect((await run('audit', '--key', key, '--suspect-outputs', outputs, '--out', report, '--sign', signer)).code).toBe(0);
    const signed = JSON.parse(Buffer.from(JSON.parse(await readFile(report, 'utf8')).payload, 'base64').toString('utf8')).predicate;
    const json = await run('verify', report, '--public-key', pub, '--json');
    expect(json.code, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r.signed).toMatchObject({
      signerId: expect.stringMatching(/\S/),
      createdAt: signed.createdAt,
      keyId: signed.key.keyId,
      suspect: signed.suspect.name,
      verdict: { detected: signed.verdict.detected, basis: signed.verdict.basis },
    });
    const human = await run('verify', report, '--public-key', pub);
    expect(human.stdout).toContain(`created ${signed.createdAt}`);
    expect(human.stdout).toContain(`key ${signed.key.keyId}`);
    expect(human.stdout).toContain(`suspect ${signed.suspect.name}`);
    expect(human.stdout).toMatch(/signed verdict: not detected/);
  });
});
