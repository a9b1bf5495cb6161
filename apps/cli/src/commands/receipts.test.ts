import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.ts';
import { receipts, renderReceipts } from './receipts.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-receipts-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function response(i: number, account: string, time: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    type: 'response',
    time,
    requestId: `chatcmpl-${i}`,
    account,
    keyId: `tmk_${account}`,
    model: 'teacher',
    endpoint: 'chat.completions',
    stream: false,
    promptSha256: sha(`p${i}`),
    responseSha256: sha(`r${i}`),
    reasoningSha256: null,
    promptTokens: 10,
    completionTokens: 100,
    reasoningTokens: 0,
    finishReason: 'length',
    seed: i,
    ...extra,
  };
}

const open = (repairedTail: { offset: number; bytes: number } | null = null) => ({ v: 1, type: 'open', time: '2026-01-01T00:00:00.000Z', pid: 1, watermark: true, accountKeys: {}, repairedTail });

/** Serialize records as the gateway does: each line's `prev` is the SHA-256 of the previous line. Strings are raw lines. */
function chain(items: (Record<string, unknown> | string)[]): string {
  let prev: string | null = null;
  let out = '';
  for (const item of items) {
    const line = typeof item === 'string' ? item : JSON.stringify({ ...item, prev });
    prev = sha(line);
    out += `${line}\n`;
  }
  return out;
}

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('tracemark receipts', () => {
  it('totals responses and tokens per account, most tokens first', async () => {
    const log = await write(
      'ok.jsonl',
      chain([
        open(),
        response(1, 'alice', '2026-01-01T00:00:01.000Z'),
        response(2, 'bob', '2026-01-01T00:00:02.000Z', { completionTokens: 300, reasoningTokens: 40, reasoningSha256: sha('t') }),
        response(3, 'alice', '2026-01-02T00:00:00.000Z', { finishReason: 'aborted', completionTokens: 7 }),
        response(4, 'carol', '2026-01-02T00:00:00.000Z', { keyId: null }),
        { v: 1, type: 'close', time: '2026-01-03T00:00:00.000Z', responses: 4 },
      ]),
    );
    const r = await receipts({ log });
    expect(r).toMatchObject({ responses: 4, starts: 1, cleanShutdowns: 1, torn: [], chain: { intact: true, breaks: [] } });
    expect(r.accounts.map((a) => a.account)).toEqual(['bob', 'alice', 'carol']);
    expect(r.accounts[1]).toMatchObject({ responses: 2, promptTokens: 20, completionTokens: 107, totalTokens: 127, cutShort: 1, keyIds: ['tmk_alice'], firstTime: '2026-01-01T00:00:01.000Z', lastTime: '2026-01-02T00:00:00.000Z' });
    expect(r.accounts[0]).toMatchObject({ completionTokens: 300, reasoningTokens: 40 });
    expect(r.accounts[2]).toMatchObject({ keyIds: [], unwatermarked: 1 });
    expect(r.totals).toEqual({ responses: 4, promptTokens: 40, completionTokens: 507, reasoningTokens: 40, totalTokens: 547 });
    const human = renderReceipts(r);
    expect(human).toMatch(/4 responses in 6 lines; 1 gateway start\(s\), 1 clean shutdown\(s\)/);
    expect(human).toMatch(/hash chain: intact/);
    expect(human).toMatch(/alice\s+2\s+20\s+107/);
    const windowed = await receipts({ log, since: '2026-01-01T00:00:01.500Z', until: '2026-01-02' });
    expect(windowed.accounts.map((a) => a.account)).toEqual(['bob']);
  });

  it('tolerates and reports a torn line, last in the file or accounted for by the next start', async () => {
    const good = chain([open(), response(1, 'alice', '2026-01-01T00:00:00.000Z')]);
    const tornText = JSON.stringify(response(2, 'alice', '2026-01-01T00:00:00.000Z')).slice(0, 57);
    const last = await receipts({ log: await write('torn-last.jsonl', good + tornText) });
    expect(last.torn).toEqual([{ line: 3, bytes: 57, repaired: false }]);
    expect(last.responses).toBe(1);
    const repairedLog = chain([open(), response(1, 'alice', '2026-01-01T00:00:00.000Z'), tornText, open({ offset: Buffer.byteLength(good), bytes: 57 }), response(3, 'bob', '2026-01-01T00:00:00.000Z')]);
    const repaired = await receipts({ log: await write('torn-repaired.jsonl', repairedLog) });
    expect(repaired).toMatchObject({ torn: [{ line: 3, bytes: 57, repaired: true }], responses: 2, starts: 2, chain: { intact: true } });
    expect(renderReceipts(repaired)).toMatch(/torn line 3 \(57 bytes, cut by a crash; the next gateway start recorded it\)/);
  });

  it('refuses a malformed line no restart accounts for, naming file and line', async () => {
    const tornText = '{"v":1,"type":"resp';
    const log = await write('torn-mid.jsonl', chain([open(), tornText, response(2, 'alice', '2026-01-01T00:00:00.000Z')]));
    await expect(receipts({ log })).rejects.toMatchObject({ exitCode: ExitCode.usage, message: `${log}:2: malformed receipt line (not JSON) that no gateway restart accounts for` });
    const endsGarbled = await write('garbled-end.jsonl', `${chain([open()])}not json\n`);
    await expect(receipts({ log: endsGarbled })).rejects.toThrow(`${endsGarbled}:2: malformed receipt line (not JSON)`);
    const badField = await write('bad-field.jsonl', chain([open(), response(1, 'a', '2026-01-01T00:00:00.000Z', { completionTokens: -1 })]));
    await expect(receipts({ log: badField })).rejects.toThrow(`${badField}:2: invalid response receipt: "completionTokens" must be a non-negative integer`);
    const foreign = await write('foreign.jsonl', '{"hello":"world"}\n');
    await expect(receipts({ log: foreign })).rejects.toThrow(/foreign\.jsonl:1: not a tracemark receipt/);
    await expect(receipts({ log: join(dir, 'missing.jsonl') })).rejects.toMatchObject({ exitCode: ExitCode.usage, message: expect.stringMatching(/no such file/) });
    await expect(receipts({ log: foreign, since: 'yesterday' })).rejects.toThrow(/--since must be an ISO-8601 time/);
  });

  it('reports where the hash chain breaks when a line was edited or removed', async () => {
    const text = chain([open(), response(1, 'alice', '2026-01-01T00:00:00.000Z'), response(2, 'alice', '2026-01-01T00:00:00.000Z'), response(3, 'alice', '2026-01-01T00:00:00.000Z')]);
    const lines = text.split('\n');
    const edited = [...lines];
    edited[1] = edited[1]!.replace('"completionTokens":100', '"completionTokens":10');
    const r = await receipts({ log: await write('edited.jsonl', edited.join('\n')) });
    expect(r.chain).toEqual({ intact: false, breaks: [3] });
    const removed = lines.filter((_, i) => i !== 2);
    expect((await receipts({ log: await write('removed.jsonl', removed.join('\n')) })).chain.breaks).toEqual([3]);
    expect(renderReceipts(r)).toMatch(/hash chain: BROKEN at line\(s\) 3/);
  });
});
