/**
 * Evidence anyone can check, through the CLI: a lab creates a signer and a key, commits to the key,
 * watermarks a teacher's outputs; a student is distilled; the audit is signed; verification checks
 * the signature, every input digest and recomputes every statistic from the inputs and the key.
 * Any change to one byte of a signed field or an input, or the wrong public key, fails verification
 * and says what failed.
 */
import { appendFile, mkdtemp, readFile, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReport, parseEnvelope, parsePublicKey } from '@tracemark/evidence';
import { tamperEveryField } from '@tracemark/evidence/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@tracemark/cli/testing';

const run = runCli;

let dir: string;
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-evidence-'));
  const steps: string[][] = [
    ['signer', 'init', '--out', f('signer.json'), '--public-out', f('public.json')],
    ['keygen', '--scheme', 'kgw', '--out', f('key.json')],
    ['commit', '--key', f('key.json'), '--signer', f('signer.json'), '--out', f('commitment.json')],
    ['train', '--corpus', 'moby-dick', '--order', '3', '--out', f('teacher.bin')],
    ['generate', '--model', f('teacher.bin'), '--key', f('key.json'), '--prompts', 'builtin:moby-dick', '--count', '150', '--max-tokens', '120', '--out', f('teacher.jsonl')],
    ['train', '--corpus', `${f('teacher.jsonl')}:0.5`, 'moby-dick:0.5', '--order', '3', '--out', f('student.bin')],
    ['audit', '--key', f('key.json'), '--suspect-model', f('student.bin'), '--count', '60', '--max-tokens', '80', '--forced-tokens', '3000', '--out', f('report.json'), '--sign', f('signer.json'), '--html', f('report.html')],
  ];
  for (const argv of steps) {
    const r = await run(...argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  }
});

describe('signed key commitments', () => {
  it('verify against the committed key; another key or public key fails', async () => {
    const ok = await run('verify', f('commitment.json'), '--public-key', f('public.json'), '--key', f('key.json'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ key: .* is the committed key/);
    await run('keygen', '--scheme', 'kgw', '--out', f('other-key.json'));
    const wrongKey = await run('verify', f('commitment.json'), '--public-key', f('public.json'), '--key', f('other-key.json'));
    expect(wrongKey.code).toBe(5);
    expect(wrongKey.stdout).toMatch(/✗ commitment: .*committed key is tmk_/);
    await run('signer', 'init', '--out', f('other-signer.json'));
    const wrongPub = await run('verify', f('commitment.json'), '--public-key', f('other-signer.json'));
    expect(wrongPub.code).toBe(5);
    expect(wrongPub.stdout).toMatch(/✗ signature: .*no signature by/);
  });
});

describe('signed audit reports', () => {
  it('verify: signature, input digests, and every statistic recomputed from the inputs and key', async () => {
    const r = await run('verify', f('report.json'), '--public-key', f('public.json'), '--key', f('key.json'), '--inputs', dir);
    expect(r.stdout).toMatch(/✓ signature/);
    expect(r.stdout).toMatch(/✓ input suspect-model/);
    expect(r.stdout).toMatch(/✓ input collected-outputs/);
    for (const t of ['closed-model', 'open-model-reading', 'open-model-mass']) expect(r.stdout).toMatch(new RegExp(`✓ recompute ${t}`));
    expect(r.code).toBe(0);
    const report = JSON.parse(Buffer.from(JSON.parse(await readFile(f('report.json'), 'utf8')).payload, 'base64').toString()).predicate;
    expect(report.verdict.detected).toBe(true);
  });

  it('every field of the signed report changed by one byte fails verification', async () => {
    const env = parseEnvelope(await readFile(f('report.json'), 'utf8'));
    const { publicKey } = parsePublicKey(await readFile(f('public.json'), 'utf8'));
    expect(tamperEveryField(env, (e) => openReport(e, publicKey))).toEqual([]);
  });

  it('a one-byte change to any input file fails verification, naming the input', async () => {
    const report = JSON.parse(Buffer.from(JSON.parse(await readFile(f('report.json'), 'utf8')).payload, 'base64').toString()).predicate;
    for (const input of report.inputs as { role: string; path: string }[]) {
      const copy = join(dir, `tamper-${input.role}`);
      await mkdir(copy, { recursive: true });
      for (const other of report.inputs as { path: string }[]) await copyFile(f(other.path), join(copy, other.path));
      const bytes = await readFile(join(copy, input.path));
      bytes[Math.floor(bytes.length / 2)] ^= 1;
      await writeFile(join(copy, input.path), bytes);
      const r = await run('verify', f('report.json'), '--public-key', f('public.json'), '--inputs', copy);
      expect(r.code, input.role).toBe(5);
      expect(r.stdout).toMatch(new RegExp(`✗ input ${input.role}: .*differs from the signed`));
    }
  });

  it('the HTML page verifies, and an edit to its visible text fails', async () => {
    const ok = await run('verify', f('report.html'), '--public-key', f('public.json'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ page: the visible page is exactly the signed report/);
    const page = await readFile(f('report.html'), 'utf8');
    const at = page.indexOf('</h2>');
    await writeFile(f('edited.html'), `${page.slice(0, at)}!${page.slice(at)}`);
    const edited = await run('verify', f('edited.html'), '--public-key', f('public.json'));
    expect(edited.code).toBe(5);
    expect(edited.stdout).toMatch(/✗ page: the visible page differs from the signed report/);
  });

  it('an appended line in the collected outputs also fails, and a wrong public key fails', async () => {
    const copy = join(dir, 'appended');
    await mkdir(copy, { recursive: true });
    for (const name of ['student.bin', 'report.outputs.jsonl']) await copyFile(f(name), join(copy, name));
    await appendFile(join(copy, 'report.outputs.jsonl'), '{"id":"x","prompt":"p","response":"r"}\n');
    expect((await run('verify', f('report.json'), '--public-key', f('public.json'), '--inputs', copy)).code).toBe(5);
    const wrong = await run('verify', f('report.json'), '--public-key', f('other-signer.json'));
    expect(wrong.code).toBe(5);
  });
});
