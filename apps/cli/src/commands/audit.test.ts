import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.ts';
import { runCli } from '../testing.ts';
import { echoResponder, startOpenAiTestServer } from '@tracemark/probe/testing';

const run = runCli;

let dir: string;
let key: string;
let outputs: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-audit-'));
  key = join(dir, 'key.json');
  await run('keygen', '--scheme', 'kgw', '--out', key);
  outputs = join(dir, 'suspect.jsonl');
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `o${i}`, prompt: 'Tell me about the Union.', response: `The state of the Union is strong, number ${i}, and the harbors are open to commerce in every season of the year.` }));
  await writeFile(outputs, `${lines.join('\n')}\n`);
});

describe('tracemark audit', () => {
  it('audits a file of suspect outputs and writes a report with digests, tests and a verdict', async () => {
    const out = join(dir, 'report.json');
    const r = await run('audit', '--key', key, '--suspect-outputs', outputs, '--out', out);
    expect(r.code).toBe(ExitCode.ok);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.type).toBe('tracemark.audit-report');
    expect(report.inputs[0]).toMatchObject({ role: 'suspect-outputs', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(report.tests.map((t: { name: string }) => t.name)).toEqual(['closed-model']);
    expect(report.verdict.detected).toBe(false);
    expect(report.verdict.rule).toMatch(/Bonferroni/);
    expect(report.tests[0].verdict).toMatch(/^no evidence in this test \(\d+ tuples scored/);
    expect(JSON.stringify(report)).not.toMatch(/"secret"/);
    expect(r.stdout).toMatch(/verdict: no evidence at alpha/);
  });

  it('refuses --open-model without --suspect-endpoint, and an unknown --suspect-endpoint-kind (exit 2)', async () => {
    const r = await run('audit', '--key', key, '--suspect-outputs', outputs, '--open-model');
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/--open-model is for --suspect-endpoint/);
    const k = await run('audit', '--key', key, '--suspect-endpoint', 'http://127.0.0.1:9/v1', '--suspect-name', 'm', '--open-model', '--suspect-endpoint-kind', 'tgi');
    expect(k.code).toBe(ExitCode.usage);
    expect(k.stderr).toMatch(/suspect-endpoint-kind/);
  });

  it('names file and line of a malformed suspect transcript (exit 2)', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify({ response: 'ok' })}\n{"response": \n`);
    const r = await run('audit', '--key', key, '--suspect-outputs', bad);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/bad\.jsonl:2: malformed JSON/);
  });

  it('refuses a key made for another tokenizer (exit 2)', async () => {
    const other = join(dir, 'cl100k.json');
    await run('keygen', '--scheme', 'kgw', '--tokenizer', 'cl100k_base', '--out', other);
    const r = await run('audit', '--key', other, '--suspect-outputs', outputs, '--tokenizer', 'o200k_base');
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/cl100k_base/);
  });

  it('exits 4 when the text is too small for the requested power, after writing the report', async () => {
    const out = join(dir, 'small.json');
    const r = await run('audit', '--key', key, '--suspect-outputs', outputs, '--target-effect', '0.01', '--out', out);
    expect(r.code).toBe(ExitCode.insufficient);
    expect(r.stderr).toMatch(/too little text for the requested power: closed-model scored \d+ tuples/);
    expect(JSON.parse(await readFile(out, 'utf8')).type).toBe('tracemark.audit-report');
  });

  describe('an endpoint that fails part-way', () => {
    let server: Server;
    let url: string;
    let served = 0;
    let failing = true;
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          if (failing && served >= 5) {
            req.socket.destroy();
            return;
          }
          served++;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ id: `r${served}`, choices: [{ index: 0, message: { role: 'assistant', content: ` reply number ${served} about the ${JSON.parse(body).messages[0].content}` } }] }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const addr = server.address();
      url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('exits 3 naming the endpoint, keeps what was collected, and a rerun resumes', async () => {
      const out = join(dir, 'ep.json');
      const saved = join(dir, 'ep.outputs.jsonl');
      const first = await run('audit', '--key', key, '--suspect-endpoint', url, '--suspect-name', 'm', '--count', '8', '--out', out);
      expect(first.code).toBe(ExitCode.runtime);
      expect(first.stderr).toContain(url);
      expect(first.stderr).toMatch(/outputs collected so far are kept/);
      expect((await readFile(saved, 'utf8')).trim().split('\n')).toHaveLength(5);
      failing = false;
      const second = await run('audit', '--key', key, '--suspect-endpoint', url, '--suspect-name', 'm', '--count', '8', '--out', out);
      expect(second.code).toBe(ExitCode.ok);
      expect((await readFile(saved, 'utf8')).trim().split('\n')).toHaveLength(8);
      expect(served).toBe(8);
    });

    it('an unreachable endpoint is a runtime error (exit 3)', async () => {
      const r = await run('audit', '--key', key, '--suspect-endpoint', 'http://127.0.0.1:9/v1', '--suspect-name', 'm', '--count', '2');
      expect(r.code).toBe(ExitCode.runtime);
      expect(r.stderr).toMatch(/127\.0\.0\.1:9/);
    });
  });

  it('probes endpoint#model fingerprint inputs into signed transcripts and adds the behavioural line', async () => {
    const server = await startOpenAiTestServer({ responder: echoResponder(), models: ['s', 't', 'r1', 'r2'] });
    try {
      const out = join(dir, 'fp.json');
      const r = await run('audit', '--key', key, '--suspect-outputs', outputs, '--out', out,
        '--fingerprint-suspect', `${server.url}#s`, '--fingerprint-teacher', `${server.url}#t`,
        '--fingerprint-reference', `${server.url}#r1`, `${server.url}#r2`);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(await readFile(out, 'utf8'));
      expect(report.inputs.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['fp.s.transcript.jsonl', 'fp.t.transcript.jsonl', 'fp.r1.transcript.jsonl', 'fp.r2.transcript.jsonl']));
      expect(report.fingerprint.suite.name).toBe('default');
      expect(report.skipped.map((x: { test: string }) => x.test)).not.toContain('fingerprint');
      expect((await run('audit', '--key', key, '--suspect-outputs', outputs, '--fingerprint-suspect', server.url, '--fingerprint-teacher', 'x', '--fingerprint-reference', 'y')).stderr).toMatch(/as URL#model/);
    } finally {
      await server.close();
    }
  });

  it('needs exactly one suspect source (exit 2)', async () => {
    expect((await run('audit', '--key', key)).code).toBe(ExitCode.usage);
    expect((await run('audit', '--key', key, '--suspect-outputs', outputs, '--suspect-model', 'x.bin')).stderr).toMatch(/exactly one of/);
  });
});
