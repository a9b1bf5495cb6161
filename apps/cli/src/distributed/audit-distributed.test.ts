/**
 * `audit --accounts FILE --redis URL --shards N` on loopback: real `tracemark worker` processes
 * scoring account ranges from a real Redis. The report must be the single-process audit's, every
 * p-value to the bit (compared as the `--json` text: each double printed as the shortest decimal
 * that parses back to it, so equal text is equal bits, up to the sign of zero, which the wire
 * format keeps — tested below), except `createdAt`; also when a worker is killed with SIGKILL in
 * the middle of its shard. A poisoned shard (a file the worker rejects) fails the run with exit 2
 * and the worker's message, without retries; an unreachable Redis is exit 3.
 *
 * The suspect outputs are built so that three of the 40 accounts leaked: their documents are word
 * sequences chosen green under the account's derived key (KGW), the others uniform over 300
 * single-token words (so nearly every tuple is distinct), giving the accounts section deep tails,
 * Holm adjustments that matter, and null accounts beside them.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTokenizer } from '@tracemark/tokenizers';
import { type AuditInputs } from '@tracemark/audit';
import { createSchemeCore, deriveAccountKey } from '@tracemark/watermark';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit as auditCommand } from '../commands/audit.ts';
import { classifyError } from '../errors.ts';
import { sha256File } from '../io.ts';
import { loadKeyFile } from '../keys.ts';
import { freePort, runCli } from '../testing.ts';
import { accountRanges, queueAccountShards } from './audit-distributed.ts';
import { canRunRedis, useSuiteRedis, waitFor, warnIfNoRedis } from './testing.ts';
import { fromWireNumber, toWireNumber } from './wire-number.ts';

warnIfNoRedis('audit-distributed.test');

const ACCOUNTS = Array.from({ length: 40 }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
const LEAKED = ['acct-03', 'acct-21', 'acct-38'];

let dir: string;
let key: string;
let outputs: string;
let accounts: string;
const redis = useSuiteRedis();
const { startWorker } = redis;

/** Deterministic word documents; a leaked account's documents pick, at each step, a word green under its key. */
async function writeOutputs(path: string): Promise<void> {
  const master = await loadKeyFile(key);
  const tokenizer = await getTokenizer(master.tokenizer.name);
  // 300 lower-case words that are one token with their leading space, so text reads back as the same tokens.
  const vocab: number[] = [];
  for (let t = 1000; vocab.length < 300; t++) {
    const text = tokenizer.decode(Uint32Array.of(t));
    if (/^ [a-z]{4,}$/.test(text) && tokenizer.encode(text).length === 1) vocab.push(t);
  }
  let s = 12345;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const docs: { id: string; response: string }[] = [];
  for (let d = 0; d < 36; d++) {
    const account = d % 3 === 0 ? LEAKED[(d / 3) % LEAKED.length]! : undefined;
    const k = account ? deriveAccountKey(master, account) : undefined;
    const core = k ? createSchemeCore(k) : undefined;
    const h = createSchemeCore(master).contextWidth;
    const tokens: number[] = Array.from({ length: h }, () => vocab[Math.floor(random() * vocab.length)]!);
    const id = new Uint32Array(2);
    while (tokens.length < 40) {
      const start = Math.floor(random() * vocab.length);
      let pick = vocab[start]!;
      for (let j = 0; core && j < vocab.length; j++) {
        const candidate = vocab[(start + j) % vocab.length]!;
        if (core.scoreAt(Uint32Array.from([...tokens.slice(-h), candidate]), h, id) > 0) {
          pick = candidate;
          break;
        }
      }
      tokens.push(pick);
    }
    k?.secret.fill(0);
    const response = tokenizer.decode(Uint32Array.from(tokens));
    // The text must read back as the same tokens, or the fixture would not be watermarked as built.
    expect(Array.from(tokenizer.encode(response))).toEqual(tokens);
    docs.push({ id: `d${d}`, response });
  }
  master.secret.fill(0);
  await writeFile(path, docs.map((x) => JSON.stringify(x)).join('\n') + '\n');
}

/** `audit`'s option defaults, for calling it without argv. */
const AUDIT_DEFAULTS = { alpha: 1e-3, topK: 20, forcedTokens: 20_000, prompts: 'builtin', count: 300, maxTokens: 100, seed: 0, quiet: true };

/** The --json report without `createdAt`, the one field that differs between any two runs. */
function withoutTime(stdout: string): string {
  return stdout.replace(/\n {2}"createdAt": "[^"]+",/, '');
}

function audit(...extra: string[]) {
  return runCli('audit', '--key', key, '--suspect-outputs', outputs, '--accounts', accounts, '--json', ...extra);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-audit-distributed-'));
  key = join(dir, 'key.json');
  expect((await runCli('keygen', '--scheme', 'kgw', '--out', key)).code).toBe(0);
  outputs = join(dir, 'outputs.jsonl');
  await writeOutputs(outputs);
  accounts = join(dir, 'accounts.txt');
  await writeFile(accounts, `# 40 accounts\n${ACCOUNTS.join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('what the queue carries', () => {
  it('account scores cross JSON bit for bit, the awkward doubles included', () => {
    for (const x of [0, -0, 1, 0.1 + 0.2, 5e-324, -1.7976931348623157e308, -Infinity, Infinity, NaN, -312.4567891234567]) {
      expect(Object.is(fromWireNumber(JSON.parse(JSON.stringify(toWireNumber(x))), 'x'), x)).toBe(true);
    }
    expect(() => fromWireNumber(null, 'shard 0/2, account "a"')).toThrow(/shard 0\/2, account "a": not a number/);
  });

  it('account ranges cover every account once, in order, in sizes differing by at most one', () => {
    for (const [count, shards] of [[40, 3], [40, 40], [5, 8], [24_000, 7]] as const) {
      const r = accountRanges(count, shards);
      expect(r.length).toBe(Math.min(count, shards));
      expect(r[0]!.start).toBe(0);
      expect(r.at(-1)!.end).toBe(count);
      r.forEach((x, i) => i > 0 && expect(x.start).toBe(r[i - 1]!.end));
      const sizes = r.map((x) => x.end - x.start);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

describe.runIf(canRunRedis)('audit --accounts --redis --shards with tracemark workers (BullMQ)', () => {
  it('three workers: the report is the single-process audit, every account p-value to the bit', async () => {
    const queue = `t-${randomUUID()}`;
    const workers = Array.from({ length: 3 }, () => startWorker(queue));
    const single = await audit();
    expect(single.code).toBe(0);
    const r = await audit('--redis', redis.url(), '--shards', '4', '--queue', queue);
    expect(r.stderr).toMatch(/audit: queued 4 shard\(s\)/);
    expect(r.code).toBe(0);
    expect(withoutTime(r.stdout)).toBe(withoutTime(single.stdout));
    const got = JSON.parse(r.stdout);
    expect(got.accounts).toEqual(JSON.parse(single.stdout).accounts);
    expect(got.accounts.accountsTested).toBe(40);
    expect([...got.accounts.leaked].sort()).toEqual(LEAKED);
    expect(got.accounts.accounts[0].log10PValue).toBeLessThan(-6);
    // 4 shards on 3 workers: one worker took two, and reused the outputs it had read for the first.
    expect(workers.some((w) => /reusing the outputs this worker read/.test(w.log()))).toBe(true);
    // The same workers, other outputs: what a worker kept from the first run must not be scored again.
    const fewer = join(dir, 'fewer.jsonl');
    await writeFile(fewer, (await readFile(outputs, 'utf8')).split('\n').slice(0, 9).join('\n') + '\n');
    const args = ['audit', '--key', key, '--suspect-outputs', fewer, '--accounts', accounts, '--json'];
    const singleFewer = await runCli(...args);
    const rFewer = await runCli(...args, '--redis', redis.url(), '--shards', '4', '--queue', queue);
    expect(rFewer.code).toBe(0);
    expect(withoutTime(rFewer.stdout)).toBe(withoutTime(singleFewer.stdout));
    expect(JSON.parse(rFewer.stdout).accounts.scored).toBeLessThan(got.accounts.scored);
  }, 120_000);

  it('a worker killed with SIGKILL mid-shard: its shard is started again, counted once, same report', async () => {
    const queue = `t-${randomUUID()}`;
    const first = startWorker(queue);
    await waitFor(() => first.log().includes('waiting for shards'), 'the first worker');
    const single = await audit();
    const running = audit('--redis', redis.url(), '--shards', '3', '--queue', queue);
    // A fresh worker's first shard loads the audit code, the key and the tokenizer (about a second): kill it then.
    await waitFor(() => first.log().includes('started'), 'the first shard to start');
    first.proc.kill('SIGKILL');
    const killed = /account shard (\d+)\/3 \(accounts [^)]*\) of run [^:]+: started/.exec(first.log())![1];
    expect(first.log()).not.toMatch(/: done/);
    const others = [startWorker(queue), startWorker(queue)];
    const r = await running;
    expect(r.code).toBe(0);
    expect(withoutTime(r.stdout)).toBe(withoutTime(single.stdout));
    expect(r.stderr).toMatch(new RegExp(`shard ${killed}/3 was started [2-9] times`));
    // The killed shard completed exactly once, on one of the other workers.
    const completions = others.map((w) => (w.log().match(new RegExp(`account shard ${killed}/3 [^\\n]*: done`, 'g')) ?? []).length);
    expect(completions.reduce((a, b) => a + b, 0)).toBe(1);
  }, 120_000);

  it('a poisoned shard (a file the worker rejects) fails the run with exit 2 and the worker message, without retrying', async () => {
    for (const poison of ['accounts', 'outputs', 'changed'] as const) {
      const queue = `t-${randomUUID()}`;
      const ownAccounts = join(dir, `poison-${poison}.txt`);
      const ownOutputs = join(dir, `poison-${poison}.jsonl`);
      await copyFile(accounts, ownAccounts);
      await copyFile(outputs, ownOutputs);
      // No worker yet: the run queues its shards, reads the good files, and waits for the shards.
      const lines: string[] = [];
      const running = auditCommand({
        ...AUDIT_DEFAULTS,
        key,
        suspectOutputs: ownOutputs,
        accounts: ownAccounts,
        redis: redis.url(),
        shards: 2,
        queue,
        log: (l) => lines.push(l),
      }).then(() => undefined, (e: unknown) => classifyError(e));
      await waitFor(() => lines.some((l) => l.includes("waiting for the workers' 2 account shard(s)")), 'the audit to wait for its shards', 30_000);
      // Then the files change under it: what a worker reads is no longer what the audit read.
      if (poison === 'accounts') await writeFile(ownAccounts, `${ACCOUNTS.join('\n')}\nacct-07\n`);
      else if (poison === 'outputs') await writeFile(ownOutputs, '{"response": " apple river"}\n{"response": broken\n');
      // Valid, but not what the audit read: scoring it would mix two corpora in one report.
      else await writeFile(ownOutputs, '{"response": " apple river"}\n');
      const w = startWorker(queue);
      const r = (await running)!;
      expect(r.exitCode).toBe(2);
      const message = {
        accounts: /shard \d\/2 \(job [^)]+\): .*poison-accounts\.txt:41: duplicate account "acct-07"/,
        outputs: /shard \d\/2 \(job [^)]+\): .*poison-outputs\.jsonl:2: malformed JSON/,
        changed: /shard \d\/2 \(job [^)]+\): .*poison-changed\.jsonl: changed since the audit read it \(sha256 [0-9a-f]{12}…, the audit read [0-9a-f]{12}…\)/,
      }[poison];
      expect(r.message).toMatch(message);
      // Bad input fails the same way on every attempt: no shard was started twice.
      expect(w.log()).toMatch(/: failed: /);
      expect(w.log()).not.toMatch(/started \(attempt 2\)/);
    }
  }, 120_000);
});

describe.runIf(canRunRedis)('the queued shards and the audit read the same bytes', () => {
  it('an outputs file that changed between queueing and the audit reading it fails the run and drops its shards', async () => {
    const queue = `t-${randomUUID()}`;
    const master = await loadKeyFile(key);
    const tokenizer = await getTokenizer(master.tokenizer.name);
    const queued = await queueAccountShards({ key, suspectOutputs: outputs, accounts, alpha: 1e-3, redis: redis.url(), shards: 2, queue }, master, tokenizer);
    const client = new Redis(redis.url());
    try {
      expect(await client.llen(`bull:${queue}:wait`)).toBe(2);
      // What the audit would have read had the outputs changed after queueing: another digest.
      const { sha256, bytes } = await sha256File(accounts);
      const digests = [{ role: 'suspect-outputs', path: 'outputs.jsonl', sha256: '0'.repeat(64), bytes: 1 }, { role: 'accounts', path: 'accounts.txt', sha256, bytes }];
      const inputs = { key: master, alpha: 1e-3, digests } as Partial<AuditInputs> as AuditInputs; // the scorer reads only these fields
      await expect(queued.scorer(inputs)(ACCOUNTS, () => {})).rejects.toThrow(/outputs\.jsonl: changed while the audit was reading it/);
      expect(await client.llen(`bull:${queue}:wait`)).toBe(0);
    } finally {
      client.disconnect();
      master.secret.fill(0);
    }
  }, 30_000);
});

describe('Redis unavailable or misused', () => {
  it('audit --accounts --redis fails with exit 3 and a clear message when nothing listens, not a hang', async () => {
    const port = await freePort(); // nothing listens there
    const r = await audit('--redis', `redis://127.0.0.1:${port}/0`, '--shards', '2');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0`));
    expect(r.stdout).toBe('');
  }, 30_000);

  it('--redis distributes --accounts from a file of outputs only, and needs --shards (exit 2)', async () => {
    const url = 'redis://127.0.0.1:9/0';
    const noAccounts = await runCli('audit', '--key', key, '--suspect-outputs', outputs, '--redis', url, '--shards', '2');
    expect(noAccounts.code).toBe(2);
    expect(noAccounts.stderr).toMatch(/--redis distributes --accounts attribution/);
    const collected = await runCli('audit', '--key', key, '--suspect-model', join(dir, 'm.json'), '--accounts', accounts, '--redis', url, '--shards', '2');
    expect(collected.code).toBe(2);
    expect(collected.stderr).toMatch(/--redis needs --suspect-outputs FILE/);
    expect((await audit('--shards', '2')).code).toBe(2);
  }, 30_000);
});
