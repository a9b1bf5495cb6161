import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createSigner, parsePublicKey, serializePublicKey } from '@tracemark/evidence';
import { LogLockedError } from './log-lock.ts';
import { LogVerifier } from './log-verifier.ts';
import { ReceiptLog, ReceiptLogError, type ResponseReceipt } from './receipt-log.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-receipts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const OPEN = { pid: 1, watermark: true, accountKeys: { a: { m: 'tmk_00' } } };
const receipt = (i: number): ResponseReceipt => ({
  type: 'response',
  time: new Date(0).toISOString(),
  requestId: `req-${i}`,
  account: 'a',
  keyId: 'tmk_00',
  model: 'm',
  endpoint: 'completions',
  stream: false,
  promptSha256: '0'.repeat(64),
  responseSha256: '1'.repeat(64),
  reasoningSha256: null,
  promptTokens: 3,
  completionTokens: 5,
  reasoningTokens: 0,
  finishReason: 'length',
  seed: i,
});

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}

function checkChain(ls: string[]): void {
  let prev: string | null = null;
  for (const l of ls) {
    expect(JSON.parse(l).prev).toBe(prev);
    prev = createHash('sha256').update(l).digest('hex');
  }
}

describe('ReceiptLog', () => {
  it('appends owner-only, hash-chained lines in call order, sharing fsyncs between concurrent appends', async () => {
    const path = join(dir, 'a.jsonl');
    const log = await ReceiptLog.open(path, OPEN);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(receipt(i))));
    expect(log.stats().records).toBe(51);
    expect(log.stats().syncs).toBeLessThan(51);
    await log.close({ type: 'close', time: new Date(0).toISOString(), responses: 50 });
    const ls = await lines(path);
    expect(ls.map((l) => JSON.parse(l).type)).toEqual(['open', ...Array(50).fill('response'), 'close']);
    expect(ls.slice(1, 51).map((l) => JSON.parse(l).requestId)).toEqual(Array.from({ length: 50 }, (_, i) => `req-${i}`));
    checkChain(ls);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(log.append(receipt(99))).rejects.toThrow(ReceiptLogError);
  });

  it('without group commit, syncs once per record', async () => {
    const path = join(dir, 'b.jsonl');
    const log = await ReceiptLog.open(path, OPEN, { groupCommit: false });
    await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(receipt(i))));
    expect(log.stats()).toMatchObject({ records: 11, syncs: 11 });
    await log.close();
  });

  it('continues the chain across restarts, and keeps and reports a torn last line', async () => {
    const path = join(dir, 'c.jsonl');
    const first = await ReceiptLog.open(path, OPEN);
    await first.append(receipt(1));
    await first.close();
    const torn = '{"v":1,"type":"response","time":"1970-01-01T00:00:00.000Z","requestId":"req-2","acc';
    await appendFile(path, torn);
    const second = await ReceiptLog.open(path, OPEN);
    await second.append(receipt(3));
    await second.close();
    const ls = await lines(path);
    expect(ls[2]).toBe(torn);
    const reopened = JSON.parse(ls[3]!);
    expect(reopened).toMatchObject({ type: 'open', repairedTail: { bytes: Buffer.byteLength(torn) } });
    expect(reopened.repairedTail.offset).toBe(Buffer.byteLength(`${ls[0]}\n${ls[1]}\n`));
    expect(JSON.parse(ls[4]!).requestId).toBe('req-3');
    checkChain(ls.filter((_, i) => i !== 2).slice(0, 2));
    // The record after the torn line chains to the torn text itself, so the tear cannot be hidden.
    expect(reopened.prev).toBe(createHash('sha256').update(torn).digest('hex'));
    expect(JSON.parse(ls[4]!).prev).toBe(createHash('sha256').update(ls[3]!).digest('hex'));
  });

  it('refuses to append to a file that is not a receipt log', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'dear diary\n');
    await expect(ReceiptLog.open(path, OPEN)).rejects.toThrow(/not a tracemark log/);
    expect(await readFile(path, 'utf8')).toBe('dear diary\n');
  });

  it('takes an exclusive lock: a second writer is refused, naming the holder pid; a dead holder\'s lock is taken', async () => {
    const path = join(dir, 'locked.jsonl');
    const first = await ReceiptLog.open(path, OPEN);
    const refused = await ReceiptLog.open(path, OPEN).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LogLockedError);
    expect((refused as LogLockedError).pid).toBe(process.pid);
    expect((refused as Error).message).toContain(`in use by another gateway (pid ${process.pid}; lock file ${path}.lock)`);
    await first.append(receipt(1));
    await first.close();
    expect(await readFile(`${path}.lock`, 'utf8').catch(() => 'gone')).toBe('gone');
    // A lock left by a process that no longer runs (a gateway killed with SIGKILL) is stale.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(`${path}.lock`, `${dead.stdout}\n`);
    const second = await ReceiptLog.open(path, OPEN);
    expect((await readFile(`${path}.lock`, 'utf8')).trim()).toBe(String(process.pid));
    await second.close();
    expect((await lines(path)).map((l) => JSON.parse(l).type)).toEqual(['open', 'response', 'open']);
  });

  it('signs checkpoints after open, every N lines and after close, covering every line for the verifier', async () => {
    const path = join(dir, 'signed.jsonl');
    const signer = createSigner(new Date(0));
    const log = await ReceiptLog.open(path, OPEN, { signer, checkpointEvery: 10, groupCommit: false });
    for (let i = 0; i < 25; i++) await log.append(receipt(i));
    await log.close({ type: 'close', time: new Date(0).toISOString(), responses: 25 });
    const ls = await lines(path);
    const types = ls.map((l) => JSON.parse(l).type);
    // After open, after the 10th and 20th response, after close.
    expect(types.filter((t) => t === 'checkpoint')).toHaveLength(4);
    expect(types[1]).toBe('checkpoint');
    expect(types.at(-2)).toBe('close');
    expect(types.at(-1)).toBe('checkpoint');
    checkChain(ls);
    const cp = JSON.parse(ls[1]!);
    expect(cp).toMatchObject({ records: 1, head: createHash('sha256').update(ls[0]!).digest('hex'), signerId: signer.signerId });
    const verify = (pub: ReturnType<typeof parsePublicKey> | null) => {
      const v = new LogVerifier(path, 'receipts', pub);
      for (const l of ls) v.line(Buffer.from(l, 'utf8').toString('latin1'));
      return v.finish(true);
    };
    const pub = parsePublicKey(serializePublicKey(signer));
    expect(verify(pub)).toMatchObject({ verdict: 'intact', coverage: { covered: [{ from: 1, to: ls.length }], uncovered: [] }, checkpoints: { total: 4, valid: 4 } });
    // Another lab's key: no checkpoint is valid.
    const other = verify(parsePublicKey(serializePublicKey(createSigner())));
    expect(other.verdict).toBe('BROKEN');
    expect(other.checkpoints.invalid[0]!.problem).toMatch(/^signed by ed25519:/);
    // Without a key the structure is still checked, coverage unknown.
    expect(verify(null)).toMatchObject({ verdict: 'intact', coverage: null, checkpoints: { total: 4, valid: 0 } });
  });
});
