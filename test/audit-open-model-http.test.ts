/**
 * The open-model audit over HTTP equals the audit of the model file. A teacher writes watermarked
 * text; a student is trained on it and a control on human text only; both are saved as files and
 * served by the gateway (127.0.0.1, prompt log-probabilities enabled). `tracemark audit
 * --suspect-endpoint … --open-model` — through vLLM-style completions (echo / prompt_logprobs) and
 * through llama.cpp-style `/completion` with `n_probs` — must report the open-model reading and mass
 * tests with the same tuples scored, the same statistic and the same p-value as `tracemark audit
 * --suspect-model FILE`: tolerance zero, since the gateway serves the model's own log-probabilities
 * and JSON carries doubles exactly. The student is flagged, the control is not.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditReport } from '@tracemark/audit';
import { main } from '@tracemark/cli';
import { loadConfig, startGateway, type Gateway } from '@tracemark/gateway';
import { createTestSetup, TEST_API_KEYS } from '@tracemark/gateway/testing';
import { saveModel } from '@tracemark/models';
import { serializeKey } from '@tracemark/watermark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoop, fixedKey, sampleOutputs, trainStudent } from './fixtures/reference-loop.ts';

const ENV = 'TRACEMARK_TEST_OPEN_MODEL_KEY';
/** Small enough for seconds, large enough that the student is flagged at alpha 1e-3 (measured: log10 p < −10 for both tests). */
const FORCED = ['--forced-tokens', '2500', '--count', '4', '--max-tokens', '16', '--alpha', '1e-3'];

let dir: string;
let keyPath: string;
let files: Record<'student' | 'control', string>;
let gateway: Gateway;

async function cli(...argv: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  expect(code, stderr).toBe(0);
  return stdout;
}

async function audit(...argv: string[]): Promise<{ report: AuditReport }> {
  return { report: JSON.parse(await cli('audit', '--key', keyPath, ...FORCED, '--json', ...argv)) as AuditReport };
}

const openTests = (r: AuditReport) => r.tests.filter((t) => t.name.startsWith('open-model')).map((t) => ({ name: t.name, scored: t.scored, score: t.score, log10PValue: t.log10PValue, detected: t.detected }));

beforeAll(async () => {
  const loop = await createLoop();
  const key = fixedKey(loop.tokenizer, 14);
  const teacherText = sampleOutputs(loop, loop.teacher, 'teacher', 150, 100, key).map((o) => o.tokens);
  dir = await mkdtemp(join(tmpdir(), 'tracemark-open-http-'));
  keyPath = join(dir, 'teacher.key.json');
  await writeFile(keyPath, serializeKey(key), { mode: 0o600 });
  files = { student: join(dir, 'student.bin'), control: join(dir, 'control.bin') };
  await saveModel(trainStudent(loop, teacherText, 1, 'student'), files.student);
  await saveModel(trainStudent(loop, teacherText, 0, 'control'), files.control);
  const setup = await createTestSetup({
    models: [
      { id: 'student', file: files.student, promptLogprobs: true },
      { id: 'control', file: files.control, promptLogprobs: true },
    ],
    config: { limits: { maxTokens: 512, maxBodyBytes: 256 * 1024, rateLimit: { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000 } } },
  });
  gateway = await startGateway(await loadConfig(setup.configPath));
  process.env[ENV] = TEST_API_KEYS.alice;
}, 240_000);

afterAll(async () => {
  delete process.env[ENV];
  await gateway?.close();
});

describe('open-model audit over HTTP', () => {
  it('vLLM-style completions: the student audited through the gateway equals the audit of its file, exactly, and is flagged', async () => {
    const local = await audit('--suspect-model', files.student);
    const http = await audit('--suspect-endpoint', `${gateway.url}/v1`, '--suspect-name', 'student', '--api-key-env', ENV, '--open-model', '--suspect-window', '512');
    for (const t of openTests(http.report)) console.info(`student over HTTP: ${t.name} scored ${t.scored}, log10 p ${t.log10PValue.toFixed(2)}`);
    expect(openTests(local.report)).toHaveLength(2);
    expect(openTests(http.report)).toEqual(openTests(local.report));
    for (const t of openTests(http.report)) expect(t.log10PValue, t.name).toBeLessThan(-10);
    expect(http.report.verdict.detected).toBe(true);
  }, 120_000);


  it('llama.cpp-style /completion with n_probs gives the same numbers', async () => {
    const local = await audit('--suspect-model', files.student, '--forced-tokens', '600');
    const http = await audit('--suspect-endpoint', `${gateway.url}/v1`, '--suspect-name', 'student', '--api-key-env', ENV, '--open-model', '--suspect-endpoint-kind', 'llama-cpp', '--suspect-window', '256', '--forced-tokens', '600');
    expect(openTests(http.report)).toEqual(openTests(local.report));
  }, 120_000);

  it('the control served over HTTP equals its local audit and stays unflagged', async () => {
    const local = await audit('--suspect-model', files.control);
    const http = await audit('--suspect-endpoint', `${gateway.url}/v1`, '--suspect-name', 'control', '--api-key-env', ENV, '--open-model', '--suspect-window', '512');
    expect(openTests(http.report)).toEqual(openTests(local.report));
    for (const t of openTests(http.report)) console.info(`control over HTTP: ${t.name} scored ${t.scored}, log10 p ${t.log10PValue.toFixed(2)}`);
    for (const t of openTests(http.report)) expect(t.log10PValue, t.name).toBeGreaterThan(-3);
    expect(http.report.verdict.detected).toBe(false);
  }, 120_000);

  it('a signed report of an audit over HTTP is verified offline: the open-model tests are recomputed from the signed cache of answers', async () => {
    const evidence = await mkdtemp(join(dir, 'evidence-'));
    await cli('signer', 'init', '--out', join(dir, 'signer.json'), '--public-out', join(dir, 'public.json'));
    const out = join(evidence, 'student-http.json');
    await cli('audit', '--key', keyPath, ...FORCED, '--suspect-endpoint', `${gateway.url}/v1`, '--suspect-name', 'student', '--api-key-env', ENV, '--open-model', '--suspect-window', '512', '--out', out, '--sign', join(dir, 'signer.json'));
    await gateway.close(); // the server is gone: verification must not need it
    const verified = await cli('verify', out, '--public-key', join(dir, 'public.json'), '--key', keyPath, '--inputs', evidence);
    expect(verified).toMatch(/✓ input suspect-predictions: .*sha256 matches/);
    expect(verified).toMatch(/✓ recompute open-model-reading/);
    expect(verified).toMatch(/✓ recompute open-model-mass/);
    expect(verified).toMatch(/^verified: /m);
  }, 120_000);
});
