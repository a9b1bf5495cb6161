import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    await expect(ReceiptLog.open(path, OPEN)).rejects.toThrow(/not a tracemark receipt log/);
    expect(await readFile(path, 'utf8')).toBe('dear diary\n');
  });
});
