import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTranscript } from '@tracemark/fingerprint';
import { EndpointFailure, ResumeMismatchError, runProbe } from './run-probe.ts';
import { echoResponder } from './testing/echo-responder.ts';
import { smallSuite } from './testing/small-suite.ts';
import { type Fault, startOpenAiTestServer, type TestServer, type TestServerOptions } from './testing/openai-test-server.ts';

let dir: string;
let server: TestServer | null = null;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-probe-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(o: Partial<TestServerOptions> = {}) {
  server = await startOpenAiTestServer({ responder: echoResponder(), ...o });
  return server;
}
const fast = { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 50 };
let n = 0;
const out = () => join(dir, `t${n++}.jsonl`);

async function read(path: string) {
  return parseTranscript(await readFile(path, 'utf8'), path);
}

describe('runProbe', () => {
  it('records every (probe, sample) with the exact body, ids, timings and detected capabilities', async () => {
    const s = await serve();
    const path = out();
    const r = await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(), samples: 2, temperature: 0.7, seed: 10, logprobs: 2, out: path, retry: fast });
    expect(r).toMatchObject({ total: 12, recorded: 12, alreadyDone: 0, complete: true, resumed: false, failures: [] });
    const t = await read(path);
    expect(t.header.capabilities).toMatchObject({ logprobs: true, topLogprobs: 2, seed: 'deterministic' });
    expect(t.header.suite).toMatchObject({ name: 'small', version: '1', hash: smallSuite().hash, probes: 6 });
    expect(t.records).toHaveLength(12);
    const rec = t.records.find((x) => x.probeId === 'p3' && x.sample === 1)!;
    expect(rec.request).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'prompt number 3' }],
      max_tokens: 8,
      temperature: 0.7,
      seed: 11,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(rec.text).toBe('m says 11 prompt number 3');
    expect(rec.response.requestId).toMatch(/^req_/);
    expect(rec.response.id).toMatch(/^chatcmpl-/);
    expect(Array.isArray(rec.response.logprobs)).toBe(true);
    expect(rec.timing.attempts).toBe(1);
  });

  it('leaves out parameters the server rejects and records that', async () => {
    const s = await serve({ rejectSeed: true, rejectLogprobs: true });
    const path = out();
    await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), seed: 1, logprobs: 0, out: path, retry: fast });
    const t = await read(path);
    expect(t.header.capabilities).toMatchObject({ logprobs: false, seed: 'rejected' });
    expect(t.records[0]!.request).not.toHaveProperty('seed');
    expect(t.records[0]!.request).not.toHaveProperty('logprobs');
  });

  it('resumes an interrupted run without duplicates, repairing a torn final line', async () => {
    const s = await serve();
    const path = out();
    const controller = new AbortController();
    const first = await runProbe({
      endpoint: s.url, model: 'm', suite: smallSuite(10), samples: 3, seed: 1, out: path, concurrency: 2, retry: fast,
      signal: controller.signal,
      onProgress: (e) => e.done >= 7 && controller.abort(),
    });
    expect(first.interrupted).toBe(true);
    expect(first.complete).toBe(false);
    await appendFile(path, '{"type":"response","probeId":"p9","sam');
    const second = await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(10), samples: 3, seed: 1, out: path, retry: fast });
    expect(second).toMatchObject({ resumed: true, repairedTail: true, complete: true, alreadyDone: first.recorded });
    expect(second.alreadyDone + second.recorded).toBe(30);
    const t = await read(path); // throws on duplicates
    expect(t.records).toHaveLength(30);
    const third = await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(10), samples: 3, seed: 1, out: path, retry: fast });
    expect(third.recorded).toBe(0);
  });

  it('a line torn inside a character is cut off; a complete line that is not UTF-8 is refused, naming its line', async () => {
    const s = await serve();
    const path = out();
    await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), seed: 1, out: path, retry: fast, skipDetection: true });
    const whole = await readFile(path);
    // The crash fell between the two bytes of "é": the tail is not UTF-8.
    await appendFile(path, Buffer.concat([Buffer.from('{"type":"response","probeId":"p9","text":"caf'), Buffer.from([0xc3])]));
    const resumed = await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), seed: 1, out: path, retry: fast, skipDetection: true });
    expect(resumed).toMatchObject({ resumed: true, complete: true, recorded: 0 });
    expect(await readFile(path)).toEqual(whole);
    // A byte that is not UTF-8 inside a complete line: corruption, not a tear.
    const lines = whole.toString('utf8').split('\n');
    const bad = Buffer.concat([Buffer.from(`${lines.slice(0, 2).join('\n')}\n`), Buffer.from(lines[2]!.slice(0, 20)), Buffer.from([0xff]), Buffer.from(`${lines[2]!.slice(20)}\n`)]);
    await writeFile(path, bad);
    await expect(runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), seed: 1, out: path, retry: fast, skipDetection: true })).rejects.toThrow(
      new RegExp(`${path.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: invalid UTF-8 at byte ${Buffer.byteLength(`${lines.slice(0, 2).join('\n')}\n`) + 20}`),
    );
  });

  it('starts afresh over an empty file or a torn header (a run that died at once)', async () => {
    const s = await serve();
    for (const junk of ['', '{"type":"header","format":"tracem']) {
      const path = out();
      await appendFile(path, junk);
      const r = await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), out: path, retry: fast, skipDetection: true });
      expect(r).toMatchObject({ resumed: false, complete: true });
      expect((await read(path)).records).toHaveLength(2);
    }
  });

  it('refuses to resume into a transcript of another suite version, model or parameters', async () => {
    const s = await serve();
    const path = out();
    await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), seed: 1, out: path, retry: fast });
    await expect(runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2, '2'), seed: 1, out: path, retry: fast })).rejects.toThrow(
      /cannot resume into this transcript: suite small@1 \(sha256:.*\) was recorded, this run uses small@2/,
    );
    await expect(runProbe({ endpoint: s.url, model: 'other', suite: smallSuite(2), seed: 1, out: path, retry: fast })).rejects.toBeInstanceOf(ResumeMismatchError);
    await expect(runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), seed: 2, out: path, retry: fast })).rejects.toThrow(/seed 1 was recorded, this run uses 2/);
  });

  it('lists requests that failed permanently and leaves them for a rerun', async () => {
    const s = await serve({ fault: ({ body }) => ((body.messages.at(-1)?.content === 'prompt number 1' ? { kind: 'status', status: 400 } : null) as Fault | null) });
    const path = out();
    const r = await runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(3), out: path, retry: fast, skipDetection: true });
    expect(r.complete).toBe(false);
    expect(r.failures).toEqual([{ probeId: 'p1', sample: 0, error: 'HTTP 400: injected 400' }]);
    expect((await read(path)).records).toHaveLength(2);
  });

  it('fails fast on a wrong key or model, and when the endpoint stays down', async () => {
    const s = await serve({ apiKey: 'k' });
    await expect(runProbe({ endpoint: s.url, model: 'm', suite: smallSuite(2), out: out(), retry: fast })).rejects.toThrow(/capability check failed: HTTP 401/);
    await s.close();
    server = await serve({ fault: () => ({ kind: 'status', status: 503 }) });
    const e = await runProbe({ endpoint: server.url, model: 'm', suite: smallSuite(20), out: out(), retry: { ...fast, maxAttempts: 2 }, skipDetection: true, concurrency: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EndpointFailure);
    expect((e as Error).message).toMatch(/requests in a row failed after all retries .*rerun to resume/);
  });
});
