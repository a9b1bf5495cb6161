import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, serializePublicKey } from '@tracemark/evidence';
import { ReceiptLog, type ResponseReceipt } from '@tracemark/gateway';
import { ExitCode } from '../errors.ts';
import { runCli } from '../testing.ts';
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
    // A cut tail that no later start accounts for is BROKEN (exit 5), even without a public key.
    expect(last.verdict).toBe('BROKEN');
    expect((await runCli('receipts', '--log', join(dir, 'torn-last.jsonl'))).code).toBe(ExitCode.verificationFailed);
    const repairedLog = chain([open(), response(1, 'alice', '2026-01-01T00:00:00.000Z'), tornText, open({ offset: Buffer.byteLength(good), bytes: 57 }), response(3, 'bob', '2026-01-01T00:00:00.000Z')]);
    const repaired = await receipts({ log: await write('torn-repaired.jsonl', repairedLog) });
    expect(repaired).toMatchObject({ torn: [{ line: 3, bytes: 57, repaired: true }], responses: 2, starts: 2, chain: { intact: true }, verdict: 'intact' });
    expect(renderReceipts(repaired)).toMatch(/torn line 3 \(57 bytes, cut by a crash; the next gateway start recorded it\)/);
  });

  it('refuses a malformed line no restart accounts for, naming file and line', async () => {
    const tornText = '{"v":1,"type":"resp';
    const log = await write('torn-mid.jsonl', chain([open(), tornText, response(2, 'alice', '2026-01-01T00:00:00.000Z')]));
    await expect(receipts({ log })).rejects.toMatchObject({ exitCode: ExitCode.usage, message: `${log}:2: malformed line (not JSON) that no gateway restart accounts for` });
    const endsGarbled = await write('garbled-end.jsonl', `${chain([open()])}not json\n`);
    await expect(receipts({ log: endsGarbled })).rejects.toThrow(`${endsGarbled}:2: malformed line (not JSON)`);
    // A byte that is not UTF-8 in a complete line: malformed, not a record with U+FFFD in its account name.
    const bytes = Buffer.from(chain([open(), response(1, 'alice', '2026-01-01T00:00:00.000Z'), response(2, 'bob', '2026-01-01T00:00:00.000Z')]));
    bytes[bytes.indexOf('alice')] = 0xff;
    const notUtf8 = await write('not-utf8.jsonl', '');
    await writeFile(notUtf8, bytes);
    await expect(receipts({ log: notUtf8 })).rejects.toThrow(`${notUtf8}:2: malformed line (not JSON) that no gateway restart accounts for`);
    const badField = await write('bad-field.jsonl', chain([open(), response(1, 'a', '2026-01-01T00:00:00.000Z', { completionTokens: -1 })]));
    await expect(receipts({ log: badField })).rejects.toThrow(`${badField}:2: invalid response receipt: "completionTokens" must be a non-negative integer below 2^53`);
    const absurd = await write('absurd.jsonl', chain([open(), response(1, 'a', '2026-01-01T00:00:00.000Z', { promptTokens: 1e300 })]));
    await expect(receipts({ log: absurd })).rejects.toThrow(`${absurd}:2: invalid response receipt: "promptTokens" must be a non-negative integer below 2^53`);
    const empty = await write('empty.jsonl', '');
    await expect(receipts({ log: empty })).rejects.toMatchObject({ exitCode: ExitCode.usage, message: `${empty}: empty receipt log (a gateway's log starts with an "open" record)` });
    expect((await runCli('receipts', '--log', empty)).code).toBe(ExitCode.usage);
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
    expect(r.verdict).toBe('BROKEN');
    expect((await runCli('receipts', '--log', join(dir, 'edited.jsonl'))).code).toBe(ExitCode.verificationFailed);
  });
});

describe('tracemark receipts --public-key: signed checkpoints', () => {
  const signer = createSigner(new Date(0));
  let pub: string;
  let signed: string[];

  /** A log written by the gateway's own ReceiptLog: 12 responses, a checkpoint every 4 lines, a clean close. */
  beforeAll(async () => {
    pub = await write('lab.pub.json', serializePublicKey(signer));
    const path = join(dir, 'signed.jsonl');
    const log = await ReceiptLog.open(path, { pid: 1, watermark: true, accountKeys: {} }, { signer, checkpointEvery: 4 });
    for (let i = 0; i < 12; i++) await log.append(response(i, i % 2 ? 'alice' : 'bob', `2026-01-01T00:00:${String(10 + i)}.000Z`) as unknown as ResponseReceipt);
    await log.close({ type: 'close', time: '2026-01-01T00:01:00.000Z', responses: 12 });
    signed = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  });

  /**
   * What an attacker with write access does after changing lines: recompute every `prev`, and the
   * `head` and `records` of every checkpoint, so the chain and the counts look right. Only the
   * signatures cannot be redone.
   */
  function rechain(lines: readonly Record<string, unknown>[]): string {
    let prev: string | null = null;
    let out = '';
    lines.forEach((rec, i) => {
      const r = rec.type === 'checkpoint' ? { ...rec, records: i, head: prev } : rec;
      const line = JSON.stringify({ ...r, prev });
      prev = sha(line);
      out += `${line}\n`;
    });
    return out;
  }

  const parsed = () => signed.map((l) => JSON.parse(l) as Record<string, unknown>);
  const responseLine = (k: number) => parsed().findIndex((r) => r.requestId === `chatcmpl-${k}`);

  async function check(name: string, text: string, tampered: number) {
    const log = await write(name, text);
    const r = await receipts({ log, publicKey: pub });
    expect(r.verdict).toBe('BROKEN');
    // The tampered line (1-based) is reported as not covered by a valid checkpoint.
    expect(r.coverage!.uncovered.some((u) => u.from <= tampered && tampered <= u.to)).toBe(true);
    expect(r.coverage!.covered.every((c) => c.to < tampered)).toBe(true);
    expect(renderReceipts(r)).toMatch(/NOT covered: line\(s\) /);
    const cli = await runCli('receipts', '--log', log, '--public-key', pub);
    expect(cli.code).toBe(ExitCode.verificationFailed);
    expect(cli.stdout).toMatch(/verdict: BROKEN/);
    return r;
  }

  it('an untouched log is covered line for line and exits 0', async () => {
    const log = await write('signed-copy.jsonl', `${signed.join('\n')}\n`);
    const r = await receipts({ log, publicKey: pub });
    expect(r).toMatchObject({ verdict: 'intact', responses: 12, coverage: { covered: [{ from: 1, to: signed.length }], uncovered: [] }, publicKey: signer.signerId });
    expect(r.checkpoints.valid).toBe(r.checkpoints.total);
    const cli = await runCli('receipts', '--log', log, '--public-key', pub, '--json');
    expect(cli.code).toBe(ExitCode.ok);
    expect(JSON.parse(cli.stdout)).toMatchObject({ verdict: 'intact' });
    // Without the key, the same log reads intact but says its checkpoints were not checked.
    expect(renderReceipts(await receipts({ log }))).toMatch(/signatures not checked \(give --public-key\)/);
  });

  it('editing a record with the chain recomputed: not covered, exit 5', async () => {
    const lines = parsed();
    const k = responseLine(5);
    lines[k] = { ...lines[k], completionTokens: 1 };
    const r = await check('edited-signed.jsonl', rechain(lines), k + 1);
    expect(r.chain.intact).toBe(true); // the attacker's chain is consistent: only the signatures give it away
  });

  it('deleting records with the chain and counts recomputed: not covered, exit 5', async () => {
    const k = responseLine(6);
    const lines = parsed().filter((_, i) => i !== k && i !== k + 1);
    await check('deleted-signed.jsonl', rechain(lines), k + 1);
  });

  it('reassigning a response to another account with the chain recomputed: not covered, exit 5', async () => {
    const lines = parsed();
    const k = responseLine(9);
    expect(lines[k]!.account).toBe('alice');
    lines[k] = { ...lines[k], account: 'bob', keyId: 'tmk_bob' };
    await check('reassigned-signed.jsonl', rechain(lines), k + 1);
  });

  it('truncating the log and forging a clean close: the lines after the last valid checkpoint are not covered, exit 5', async () => {
    const k = responseLine(10);
    const lines = [...parsed().slice(0, k), { v: 1, type: 'close', time: '2026-01-01T00:01:00.000Z', responses: 10 }];
    const r = await check('truncated-signed.jsonl', rechain(lines), k + 1);
    expect(r.problems.join('\n')).toMatch(/not covered by a valid checkpoint/);
  });

  it('a log from a gateway without a signer has no coverage under a public key: exit 5', async () => {
    const log = await write('unsigned.jsonl', chain([open(), response(1, 'alice', '2026-01-01T00:00:00.000Z')]));
    const r = await receipts({ log, publicKey: pub });
    expect(r.coverage).toEqual({ covered: [], uncovered: [{ from: 1, to: 2 }] });
    expect((await runCli('receipts', '--log', log, '--public-key', pub)).code).toBe(ExitCode.verificationFailed);
  });
});
