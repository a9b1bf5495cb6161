import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoResponder, startOpenAiTestServer, type TestServer } from '@tracemark/probe/testing';
import { classifyError, ExitCode } from '../errors.ts';
import { loadSuiteOption, probe, probeJson, renderProbe } from './probe.ts';

let dir: string;
let server: TestServer;
let suitePath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-probe-cmd-'));
  server = await startOpenAiTestServer({ responder: echoResponder(), apiKey: 'sk-secret-value' });
  suitePath = join(dir, 'suite.json');
  const probes = Array.from({ length: 4 }, (_, i) => ({ id: `q${i}`, category: 'style', prompt: `say ${i}` }));
  await writeFile(suitePath, JSON.stringify({ format: 'tracemark.probe-suite', name: 'cmd', version: '3', defaults: { maxTokens: 8 }, probes }));
});
afterAll(async () => {
  await server.close();
});

describe('probe command', () => {
  it('loads the builtin suite by name and a suite file by path', async () => {
    expect((await loadSuiteOption()).suite.name).toBe('default');
    expect((await loadSuiteOption(suitePath)).suite.version).toBe('3');
  });

  it('records a transcript with the key from the environment, never writing the key', async () => {
    process.env.TRACEMARK_TEST_KEY = 'sk-secret-value';
    const out = join(dir, 'a.jsonl');
    const r = await probe({ endpoint: server.url, model: 'm', apiKeyEnv: 'TRACEMARK_TEST_KEY', suite: suitePath, samples: 2, seed: 3, out, quiet: true });
    expect(r.mode).toBe('probe');
    const json = probeJson(r) as Record<string, unknown>;
    expect(json).toMatchObject({ out, total: 8, recorded: 8, complete: true, model: 'm', suite: { name: 'cmd', version: '3' } });
    expect(renderProbe(r)).toMatch(/8\/8 answers \(8 new\)/);
    expect(renderProbe(r)).toMatch(/capabilities: logprobs yes, seed deterministic/);
    expect(await readFile(out, 'utf8')).not.toContain('sk-secret-value');
    delete process.env.TRACEMARK_TEST_KEY;
  });

  it('turns an interruption into a runtime failure that says how to resume', async () => {
    process.env.TRACEMARK_TEST_KEY = 'sk-secret-value';
    const controller = new AbortController();
    controller.abort();
    const out = join(dir, 'b.jsonl');
    const e = await probe({ endpoint: server.url, model: 'm', apiKeyEnv: 'TRACEMARK_TEST_KEY', suite: suitePath, out, quiet: true, signal: controller.signal }).catch((x: unknown) => x);
    expect(classifyError(e)).toMatchObject({ exitCode: ExitCode.runtime });
    delete process.env.TRACEMARK_TEST_KEY;
  });

  it('needs --out and --endpoint unless exporting a batch, and refuses both batch modes at once', async () => {
    const code = async (o: Parameters<typeof probe>[0]) => classifyError(await probe(o).catch((x: unknown) => x)).exitCode;
    expect(await code({ model: 'm', suite: suitePath, quiet: true })).toBe(ExitCode.usage);
    expect(await code({ model: 'm', suite: suitePath, out: join(dir, 'c.jsonl'), quiet: true })).toBe(ExitCode.usage);
    expect(await code({ model: 'm', suite: suitePath, exportBatch: 'x', importBatch: 'y', out: 'z', quiet: true })).toBe(ExitCode.usage);
    const exported = await probe({ model: 'm', suite: suitePath, exportBatch: join(dir, 'batch.jsonl'), quiet: true });
    expect(renderProbe(exported)).toMatch(/wrote 4 batch requests for suite cmd@3/);
    expect(await code({ model: 'm', suite: suitePath, exportBatch: join(dir, 'batch.jsonl'), quiet: true })).toBe(ExitCode.usage); // exists, no --force
  });
});
