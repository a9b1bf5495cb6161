/**
 * Fault injection on `tracemark probe`: an OpenAI-compatible server that drops connections, stalls
 * (before headers and mid-response), answers 429 with Retry-After (seconds and milliseconds) and
 * 500s. The probe process is SIGKILLed mid-run — a real crash — and Ctrl-C'd (aborted) in another
 * run; after a rerun the transcript holds every (probe, sample) exactly once.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '@tracemark/cli/commands/probe';
import { loadBuiltinSuite, parseTranscript } from '@tracemark/fingerprint';
import { runProbe } from '@tracemark/probe';
import { echoResponder, type Fault, startOpenAiTestServer, type TestServer } from '@tracemark/probe/testing';

let dir: string;
let server: TestServer;
const injected = { drop: 0, stall: 0, 'stall-body': 0, 429: 0, 500: 0 };

/** A deterministic stream of faults: about half of all requests fail in one of five ways. */
function faults(): ({ index }: { index: number }) => Fault | null {
  return ({ index }) => {
    let x = Math.imul(index + 1, 0x9e3779b1) >>> 0;
    x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
    const u = ((x ^ (x >>> 13)) >>> 0) / 4294967296;
    if (u < 0.12) return (injected.drop++, { kind: 'drop' });
    if (u < 0.16) return (injected.stall++, { kind: 'stall' });
    if (u < 0.2) return (injected['stall-body']++, { kind: 'stall-body' });
    if (u < 0.32) return (injected[429]++, index % 7 === 0 ? { kind: 'status', status: 429, retryAfter: '1' } : { kind: 'status', status: 429, retryAfterMs: 20 });
    if (u < 0.45) return (injected[500]++, { kind: 'status', status: 500 });
    return null;
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-faults-'));
  server = await startOpenAiTestServer({ responder: echoResponder(), fault: faults() });
});
afterAll(async () => {
  await server.close();
});

async function lines(path: string): Promise<number> {
  try {
    return (await readFile(path, 'utf8')).split('\n').length - 1;
  } catch {
    return 0;
  }
}

function checkComplete(text: string, path: string, probes: readonly string[], samples: number) {
  const t = parseTranscript(text, path); // throws on any duplicate (probe, sample) or damage
  const keys = new Set(t.records.map((r) => `${r.probeId}#${r.sample}`));
  expect(keys.size).toBe(t.records.length);
  expect(t.records).toHaveLength(probes.length * samples);
  for (const p of probes) for (let s = 0; s < samples; s++) expect(keys.has(`${p}#${s}`), `${p}#${s}`).toBe(true);
  // Each answer is the one its own request asked for (the echo server answers `m says <seed> …`).
  for (const r of t.records) expect(r.text.startsWith(`m says ${7 + r.sample} `), r.text).toBe(true);
  return t;
}

describe('probe under fault injection', () => {
  it('survives a SIGKILL mid-run: the rerun completes the transcript with no duplicates', async () => {
    const out = join(dir, 'killed.jsonl');
    const suite = loadBuiltinSuite();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/4-analyses/probe/src/testing/probe-child.ts', JSON.stringify({ endpoint: server.url, model: 'm', out, suite: 'default', samples: 2, seed: 7, concurrency: 8, timeoutMs: 400 })],
      { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Kill once a third of the answers are on disk (bounded: 600 polls of 50 ms).
    let killedAt = 0;
    for (let i = 0; i < 600 && killedAt === 0; i++) {
      const n = await lines(out);
      if (n > 82) {
        child.kill('SIGKILL');
        killedAt = n;
      } else if (child.exitCode !== null) break;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(killedAt, `child did not get far enough: ${stderr}`).toBeGreaterThan(0);
    expect(await exited).toBeNull(); // killed by the signal, not finished
    const before = (await readFile(out, 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
    expect(before).toBeLessThan(1 + 246);

    const r = await probe({ endpoint: server.url, model: 'm', out, samples: 2, seed: 7, concurrency: 8, timeout: 0.4, retries: 20, retryBaseDelayMs: 5, quiet: true });
    if (r.mode !== 'probe') throw new Error('unexpected mode');
    expect(r.resumed).toBe(true);
    expect(r.complete).toBe(true);
    expect(r.alreadyDone).toBeGreaterThanOrEqual(killedAt - 2);
    expect(r.alreadyDone + r.recorded).toBe(246);
    checkComplete(await readFile(out, 'utf8'), out, suite.suite.probes.map((p) => p.id), 2);
    // Every kind of fault was exercised, and retries happened in the resumed run too.
    for (const [kind, n] of Object.entries(injected)) expect(n, kind).toBeGreaterThan(0);
    expect(r.retries).toBeGreaterThan(0);
  });

  it('survives Ctrl-C (abort) mid-run and resumes', async () => {
    const out = join(dir, 'aborted.jsonl');
    const suite = loadBuiltinSuite();
    const controller = new AbortController();
    const first = await runProbe({
      endpoint: server.url, model: 'm', suite, samples: 1, seed: 7, out, concurrency: 6, timeoutMs: 400,
      retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 20, maxRetryAfterMs: 2000 },
      signal: controller.signal,
      onProgress: (e) => e.done >= 40 && controller.abort(),
    });
    expect(first.interrupted).toBe(true);
    expect((await stat(out)).size).toBeGreaterThan(0);
    const second = await runProbe({
      endpoint: server.url, model: 'm', suite, samples: 1, seed: 7, out, concurrency: 6, timeoutMs: 400,
      retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 20, maxRetryAfterMs: 2000 },
    });
    expect(second.complete).toBe(true);
    expect(second.alreadyDone).toBe(first.recorded);
    checkComplete(await readFile(out, 'utf8'), out, suite.suite.probes.map((p) => p.id), 1);
  });
});
