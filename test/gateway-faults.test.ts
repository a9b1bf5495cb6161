/**
 * Faults, with the gateway as a real child process (`apps/gateway/src/main.ts`, as `pnpm gateway`
 * runs it) on loopback:
 *
 * 1. Under load from 12 concurrent clients (streaming and not), the process is killed with
 *    SIGKILL, then restarted on the same receipt log.
 * 2. Under load again, it gets SIGTERM while streams are in flight: those streams finish, the
 *    process exits 0, and the log gets its `close` record.
 *
 * Then every response a client received completely, before the crash or after, has its receipt
 * (same request id, SHA-256 of exactly the text received), and the log reads cleanly with
 * `tracemark receipts` — a line torn by the crash would be listed there, not dropped — and every
 * line of it, including those written just before the kill, is covered by a checkpoint signed with
 * the lab's key (the restart signs over what the killed process left). The exchange log, written
 * alongside by the same machinery, comes through the same way.
 *
 * Start-up: a bad config exits 2; a second gateway on a receipt log another one holds exits 3 and
 * names the holder's pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receipts } from '@tracemark/cli/commands/receipts';
import { parsePublicKey } from '@tracemark/evidence';
import { LogVerifier } from '@tracemark/gateway';
import { createTestSetup, TEST_API_KEYS, type TestSetup } from '@tracemark/gateway/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = 12;
/** Bounds on every load loop: requests per phase and seconds. */
const MAX_REQUESTS = 1500;
const MAX_SECONDS = 20;

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string;
}

function startChild(configPath: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts', '--config', configPath, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 60 s: ${stderr}`)), 60_000);
    proc.stdout!.on('data', (d) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        const child: Child = { process: proc, url: JSON.parse(line).url, exited, stderr };
        proc.stderr!.on('data', (x) => (child.stderr += x.toString()));
        resolve(child);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening: ${stderr}`));
    });
  });
}

interface Completed {
  readonly id: string;
  readonly sha256: string;
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** One request; resolves with what the client completely received, or null if it did not. */
async function request(url: string, i: number, stream: boolean, maxTokens: number): Promise<Completed | null> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${i % 2 ? TEST_API_KEYS.alice : TEST_API_KEYS.bob}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: `Report number ${i} on the finances` }], max_tokens: maxTokens, seed: i, stream }),
  });
  if (res.status !== 200) return null;
  if (!stream) {
    const body = (await res.json()) as { id: string; choices: { message: { content: string } }[] };
    return { id: body.id, sha256: sha(body.choices[0]!.message.content) };
  }
  const text = await res.text();
  if (!text.endsWith('data: [DONE]\n\n')) return null;
  const chunks = text
    .split('\n\n')
    .filter((b) => b.startsWith('data: {'))
    .map((b) => JSON.parse(b.slice(6)) as { id: string; choices: { delta: { content?: string } }[] });
  return { id: chunks[0]!.id, sha256: sha(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')) };
}

/** `CLIENTS` workers sending requests until `stop()` or the bounds; failures after a kill are expected. */
function load(url: string, offset: number) {
  const completed: Completed[] = [];
  let failed = 0;
  let sent = 0;
  let stopped = false;
  const deadline = Date.now() + MAX_SECONDS * 1000;
  const worker = async (w: number) => {
    while (!stopped && sent < MAX_REQUESTS && Date.now() < deadline) {
      const i = offset + sent++;
      try {
        const done = await request(url, i, (i + w) % 2 === 0, 24 + (i % 5) * 12);
        if (done) completed.push(done);
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  const running = Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
  return {
    completed,
    get failed() {
      return failed;
    },
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

/** Wait until `ready()` holds; fail after `seconds` rather than spin forever. */
async function waitUntil(ready: () => boolean, what: string, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let setup: TestSetup;
beforeAll(async () => {
  setup = await createTestSetup({ config: { exchangeLog: { path: 'exchanges.jsonl', signer: 'signer.json', checkpointEvery: 40 }, limits: { maxTokens: 512, maxConcurrent: 4, rateLimit: { requestsPerMinute: 100_000 } } } });
});
afterAll(async () => {
  await rm(setup.dir, { recursive: true, force: true });
});

describe('gateway faults', () => {
  it('loses no receipt of a completed response across kill -9, restart and SIGTERM', async () => {
    // Phase 1: load, then SIGKILL mid-flight.
    const first = await startChild(setup.configPath);
    const l1 = load(first.url, 0);
    await waitUntil(() => l1.completed.length >= 60, '60 responses before the kill');
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await l1.stop();
    expect(l1.failed).toBeGreaterThan(0); // requests were in flight when it died

    // Phase 2: restart on the same log, load, then SIGTERM with streams in flight.
    const second = await startChild(setup.configPath);
    const l2 = load(second.url, 10_000);
    await waitUntil(() => l2.completed.length >= 30, '30 responses after the restart');
    const inFlight = Array.from({ length: 3 }, async (_, k) => {
      const res = await fetch(`${second.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEYS.alice}` },
        body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: 'A long report' }], max_tokens: 400, seed: 20_000 + k, stream: true }),
      });
      const reader = res.body!.getReader();
      const first = await reader.read(); // headers and the first chunk are here: the stream is in flight
      return { res, reader, first: new TextDecoder().decode(first.value) };
    });
    const streams = await Promise.all(inFlight);
    second.process.kill('SIGTERM');
    const finished = await Promise.all(
      streams.map(async ({ reader, first }) => {
        let text = first;
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        return text;
      }),
    );
    await l2.stop();
    const exit = await second.exited;
    expect(exit.code).toBe(0);
    expect(second.stderr).not.toMatch(/internal error/);
    for (const text of finished) expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const completedStreams = finished.map((text) => {
      const chunks = text
        .split('\n\n')
        .filter((b) => b.startsWith('data: {'))
        .map((b) => JSON.parse(b.slice(6)) as { id: string; choices: { delta: { content?: string } }[] });
      return { id: chunks[0]!.id, sha256: sha(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')) };
    });

    // The log reads cleanly; a torn line (if the kill cut a write) is reported, not dropped.
    const log = await receipts({ log: setup.receiptsPath, publicKey: setup.publicKeyPath! });
    expect(log.starts).toBe(2);
    expect(log.cleanShutdowns).toBe(1);
    expect(log.chain.intact).toBe(true);
    expect(log.verdict).toBe('intact');
    expect(log.coverage).toEqual({ covered: [{ from: 1, to: log.lines }], uncovered: [] });
    for (const t of log.torn) expect(t.repaired).toBe(true);
    const byId = new Map<string, string>();
    for (const line of (await readFile(setup.receiptsPath, 'utf8')).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const r = JSON.parse(line) as { type: string; requestId: string; responseSha256: string };
        if (r.type === 'response') byId.set(r.requestId, r.responseSha256);
      } catch {
        // a torn line: reported by `receipts` above
      }
    }
    const all = [...l1.completed, ...l2.completed, ...completedStreams];
    const missing = all.filter((c) => byId.get(c.id) !== c.sha256);
    console.info(`faults: ${l1.completed.length} responses completed before kill -9 (${l1.failed} cut off), ${l2.completed.length + completedStreams.length} after restart; ${log.responses} receipts, ${log.torn.length} torn line(s), ${log.checkpoints.valid} valid checkpoints covering all ${log.lines} lines; missing ${missing.length}`);
    expect(missing).toEqual([]);
    expect(log.responses).toBeGreaterThanOrEqual(all.length);

    // The exchange log went through the same kill and restart: intact, every line under a valid checkpoint.
    const verifier = new LogVerifier('exchanges.jsonl', 'exchanges', parsePublicKey(await readFile(setup.publicKeyPath!, 'utf8')));
    const text = await readFile(`${setup.dir}/exchanges.jsonl`, 'latin1');
    for (const line of text.slice(0, -1).split('\n')) verifier.line(line);
    const exchanges = verifier.finish(text.endsWith('\n'));
    console.info(`faults: exchange log ${exchanges.lines} lines, ${exchanges.torn.length} torn, ${exchanges.checkpoints.valid} valid checkpoints, verdict ${exchanges.verdict}`);
    expect(exchanges.verdict).toBe('intact');
  });
});

describe('gateway start-up', () => {
  it('refuses a bad config with exit 2, naming the file and the field, without a stack trace', async () => {
    const { writeFile } = await import('node:fs/promises');
    const bad = `${setup.dir}/bad.json`;
    await writeFile(bad, JSON.stringify({ receipts: { path: 'r.jsonl' }, models: [{ id: 'm', file: 'm.tmngram' }], accounts: [{ name: 'a', apiKeys: ['short'] }], masterKey: 'k.json' }));
    const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts', '--config', bad], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain(`gateway: ${bad}: accounts[0].apiKeys[0]: must be at least 16 characters`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a second gateway on a receipt log another one holds: exit 3, naming its pid', async () => {
    const first = await startChild(setup.configPath);
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts', '--config', setup.configPath, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr!.on('data', (d) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
      expect(code).toBe(3);
      expect(stderr).toContain(`${setup.receiptsPath}: in use by another gateway (pid ${first.process.pid};`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      first.process.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
    }
    // The first gateway's log is intact: the refused one wrote nothing to it.
    expect((await receipts({ log: setup.receiptsPath, publicKey: setup.publicKeyPath! })).verdict).toBe('intact');
  });
});
