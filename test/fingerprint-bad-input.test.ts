/**
 * Bad input to `tracemark probe` and `tracemark fingerprint`: malformed transcripts, transcripts of
 * different suite versions, a probe suite with duplicate ids, a transcript of another run at
 * --out — each a clear one-line error naming the file (and line), with the usage/input exit code
 * (2), distinct from I/O and network failures (3) and from success (0).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@tracemark/cli';
import { fingerprint } from '@tracemark/cli/commands/fingerprint';
import { probe } from '@tracemark/cli/commands/probe';
import { classifyError, ExitCode } from '@tracemark/cli/errors';
import { echoResponder, startOpenAiTestServer, type TestServer } from '@tracemark/probe/testing';

let dir: string;
let server: TestServer;
const good: Record<string, string> = {};

const suiteJson = (version: string, ids: string[]) =>
  JSON.stringify({
    format: 'tracemark.probe-suite',
    name: 'mini',
    version,
    defaults: { maxTokens: 8 },
    probes: ids.map((id, i) => ({ id, category: i < 2 ? 'identity' : 'style', prompt: `question ${id}` })),
  });

async function outcome(run: () => Promise<unknown>): Promise<{ exitCode: number; message: string }> {
  try {
    await run();
    return { exitCode: ExitCode.ok, message: '' };
  } catch (e) {
    return classifyError(e);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-badinput-'));
  server = await startOpenAiTestServer({ responder: echoResponder() });
  const ids = Array.from({ length: 8 }, (_, i) => `q${i}`);
  await writeFile(join(dir, 'v1.json'), suiteJson('1', ids));
  await writeFile(join(dir, 'v2.json'), suiteJson('2', ids));
  await writeFile(join(dir, 'dup.json'), suiteJson('1', ['a', 'b', 'c', 'b']));
  for (const m of ['s', 't', 'r1', 'r2']) {
    good[m] = join(dir, `${m}.jsonl`);
    await probe({ endpoint: server.url, model: m, suite: join(dir, 'v1.json'), seed: 1, out: good[m], quiet: true });
  }
  good.v2 = join(dir, 'r3-v2.jsonl');
  await probe({ endpoint: server.url, model: 'r3', suite: join(dir, 'v2.json'), seed: 1, out: good.v2, quiet: true });
});
afterAll(async () => {
  await server.close();
});

describe('bad input gets a clear error and exit code 2', () => {
  it('a probe suite with duplicate ids names the file and the id', async () => {
    const r = await outcome(() => probe({ endpoint: server.url, model: 'm', suite: join(dir, 'dup.json'), out: join(dir, 'x.jsonl'), quiet: true }));
    expect(r).toEqual({ exitCode: ExitCode.usage, message: `${join(dir, 'dup.json')}: duplicate probe id "b" (probes 2 and 4)` });
  });

  it('a malformed transcript names file:line', async () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = (await import('node:fs')).readFileSync(good.s!, 'utf8').split('\n');
    lines[3] = '{"type": "response", "probeId": ';
    await writeFile(bad, lines.join('\n'));
    const r = await outcome(() => fingerprint({ suspect: bad, teacher: good.t!, references: [good.r1!, good.r2!], alpha: 1e-3, quiet: true }));
    expect(r.exitCode).toBe(ExitCode.usage);
    expect(r.message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: malformed JSON`));
  });

  it('a transcript torn by a crash says to rerun probe', async () => {
    const torn = join(dir, 'torn.jsonl');
    await writeFile(torn, `${(await import('node:fs')).readFileSync(good.s!, 'utf8')}{"type":"resp`);
    const r = await outcome(() => fingerprint({ suspect: torn, teacher: good.t!, references: [good.r1!, good.r2!], alpha: 1e-3, quiet: true }));
    expect(r.exitCode).toBe(ExitCode.usage);
    expect(r.message).toMatch(/:10: the final line is incomplete .* rerun `tracemark probe` with the same --out/);
  });

  it('transcripts of different suite versions are refused, naming both', async () => {
    const r = await outcome(() => fingerprint({ suspect: good.s!, teacher: good.t!, references: [good.r1!, good.v2!], alpha: 1e-3, quiet: true }));
    expect(r.exitCode).toBe(ExitCode.usage);
    expect(r.message).toContain('transcripts answer different probe suites');
    expect(r.message).toContain(`${good.t} (suite mini@1`);
    expect(r.message).toContain(`${good.v2} (suite mini@2`);
  });

  it('resuming into a transcript of another suite version or model is refused', async () => {
    const r = await outcome(() => probe({ endpoint: server.url, model: 's', suite: join(dir, 'v2.json'), seed: 1, out: good.s!, quiet: true }));
    expect(r.exitCode).toBe(ExitCode.usage);
    expect(r.message).toMatch(/cannot resume into this transcript: suite mini@1 .* this run uses mini@2/);
    const m = await outcome(() => probe({ endpoint: server.url, model: 'other', suite: join(dir, 'v1.json'), seed: 1, out: good.s!, quiet: true }));
    expect(m.message).toMatch(/model "s" was recorded, this run asks "other"/);
  });

  it('missing files, the same file twice, an unset API key variable and an unknown measure are input errors', async () => {
    const missing = await outcome(() => fingerprint({ suspect: join(dir, 'nope.jsonl'), teacher: good.t!, references: [good.r1!], alpha: 1e-3, quiet: true }));
    expect(missing).toEqual({ exitCode: ExitCode.usage, message: `${join(dir, 'nope.jsonl')}: no such file` });
    const twice = await outcome(() => fingerprint({ suspect: good.s!, teacher: good.s!, references: [good.r1!], alpha: 1e-3, quiet: true }));
    expect(twice.message).toMatch(/the same transcript is given twice/);
    const key = await outcome(() => probe({ endpoint: server.url, model: 'm', apiKeyEnv: 'TRACEMARK_TEST_UNSET_KEY', out: join(dir, 'k.jsonl'), quiet: true }));
    expect(key).toEqual({ exitCode: ExitCode.usage, message: '--api-key-env TRACEMARK_TEST_UNSET_KEY: the environment variable is not set' });
    const measure = await outcome(() => fingerprint({ suspect: good.s!, teacher: good.t!, references: [good.r1!], alpha: 1e-3, measures: ['vibes'], quiet: true }));
    expect(measure.exitCode).toBe(ExitCode.usage);
  });

  it('an unreachable endpoint is a runtime failure (3), not an input error', async () => {
    const down = await startOpenAiTestServer({ responder: echoResponder() });
    const url = down.url;
    await down.close();
    const r = await outcome(() => probe({ endpoint: url, model: 'm', suite: join(dir, 'v1.json'), out: join(dir, 'down.jsonl'), retries: 2, retryBaseDelayMs: 1, quiet: true }));
    expect(r.exitCode).toBe(ExitCode.runtime);
    expect(r.message).toMatch(/capability check failed: .*connection error \(ECONNREFUSED\)/);
  });

  it('a finished analysis exits 0 whatever the verdict; an inconclusive one says what is needed', async () => {
    const r = await fingerprint({ suspect: good.s!, teacher: good.t!, references: [good.r1!, good.r2!], alpha: 1e-3, quiet: true });
    expect(r.verdict).toBe('inconclusive');
    expect(r.needed?.probes).toBeGreaterThan(8);
    expect(r.reasons.join(' ')).toMatch(/too few probes to reach alpha 0.001/);
  });
});

describe('through the tracemark command line', () => {
  async function run(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  it('exit codes: 0 for an analysis, 2 for bad input (on stderr, never stdout), 3 for a dead endpoint', async () => {
    const ok = await run('fingerprint', '--suspect', good.s!, '--teacher', good.t!, '--reference', good.r1!, good.r2!, '--json', '--permutations', '9');
    expect(ok.code).toBe(ExitCode.ok);
    expect(JSON.parse(ok.stdout).verdict).toBe('inconclusive');
    const mixed = await run('fingerprint', '--suspect', good.s!, '--teacher', good.t!, '--reference', good.r1!, '--reference', good.v2!, '--json');
    expect(mixed.code).toBe(ExitCode.usage);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr).toMatch(/^tracemark: transcripts answer different probe suites/);
    const dup = await run('probe', '--endpoint', server.url, '--model', 'm', '--suite', join(dir, 'dup.json'), '--out', join(dir, 'y.jsonl'));
    expect(dup.code).toBe(ExitCode.usage);
    expect(dup.stderr).toContain('duplicate probe id "b"');
    const usage = await run('probe', '--model', 'm', '--samples', '0', '--out', join(dir, 'z.jsonl'));
    expect(usage.code).toBe(ExitCode.usage);
    const dead = await run('probe', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--suite', join(dir, 'v1.json'), '--retries', '1', '--out', join(dir, 'dead.jsonl'));
    expect(dead.code).toBe(ExitCode.runtime);
  });

  it('probe exports a batch and imports its output', async () => {
    const batch = join(dir, 'batch.jsonl');
    const exp = await run('probe', '--model', 'gpt-x', '--suite', join(dir, 'v1.json'), '--samples', '2', '--export-batch', batch, '--json');
    expect(exp.code).toBe(ExitCode.ok);
    expect(JSON.parse(exp.stdout)).toMatchObject({ mode: 'export-batch', requests: 16 });
    const inputs = (await import('node:fs')).readFileSync(batch, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const output = join(dir, 'batch-out.jsonl');
    await writeFile(output, inputs.map((x, i) => JSON.stringify({ id: `b${i}`, custom_id: x.custom_id, response: { status_code: 200, request_id: `r${i}`, body: { id: `c${i}`, model: 'gpt-x', choices: [{ message: { content: `a${i}` }, finish_reason: 'stop' }] } }, error: null })).join('\n'));
    const imp = await run('probe', '--model', 'gpt-x', '--suite', join(dir, 'v1.json'), '--samples', '2', '--import-batch', output, '--out', join(dir, 'from-batch.jsonl'), '--json');
    expect(imp.code).toBe(ExitCode.ok);
    expect(JSON.parse(imp.stdout)).toMatchObject({ mode: 'import-batch', written: 16, complete: true });
  });
});
