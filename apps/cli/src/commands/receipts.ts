/**
 * `tracemark receipts --log FILE [--public-key PUB] [--json]`: what a lab's gateway served, per
 * account — responses, prompt / completion / reasoning tokens, the key ids the responses were
 * watermarked with — read from the gateway's receipt log (one JSON object per line, format version
 * 1; see packages/6-serving/gateway/src/receipt-log.ts). The log is checked while it is read by the
 * gateway package's `LogVerifier` (the reader, separate from the writer's code):
 *
 * - every line must be a receipt record, except a line torn by a crash: tolerated only as the
 *   last line, or right before the `open` record whose `repairedTail` accounts for it; it is
 *   always listed in the result, never skipped silently;
 * - the hash chain: each record's `prev` must be the SHA-256 of the previous line, so an edited,
 *   inserted or deleted line shows up as a break at that line;
 * - signed checkpoints: with `--public-key` (the lab's `tracemark signer` public key), each
 *   checkpoint's signature, count and head are checked, and the result says exactly which lines a
 *   valid checkpoint covers. Anyone who can write the file can recompute the chain; nobody without
 *   the lab's secret key can sign a checkpoint over it.
 *
 * `verdict` is BROKEN for a broken chain, a bad checkpoint, a torn tail no later start accounts
 * for, or (with `--public-key`) any line not covered by a valid checkpoint; the command then exits
 * 5, as `verify` does. An empty log is an input error.
 *
 * Reads the file as a stream, so memory does not grow with the log.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { EvidenceError, parsePublicKey } from '@tracemark/evidence';
import { type LogIntegrity, LogFormatError, LogVerifier, type PublicKeyInfo } from '@tracemark/gateway';
import { ExitCode, InputError, IoError } from '../errors.ts';
import { renderTable } from '../format.ts';
import { defineCommand, flag, option } from '../command.ts';

export const RECEIPT_FORMAT_VERSION = 1;

export interface ReceiptsOptions {
  log: string;
  /** The lab's public key (or signer file): checkpoints are verified against it. */
  publicKey?: string;
  /** ISO-8601: only responses at or after / before this time. */
  since?: string;
  until?: string;
}

export interface AccountUsage {
  account: string;
  responses: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Streams cut short (client gone or timeout): their output was delivered and is counted. */
  cutShort: number;
  models: string[];
  /** Key ids the account's responses were watermarked with (none with watermarking off). */
  keyIds: string[];
  unwatermarked: number;
  firstTime: string;
  lastTime: string;
}

export interface ReceiptsResult {
  log: string;
  lines: number;
  responses: number;
  /** Gateway starts (`open` records) and clean shutdowns (`close` records). */
  starts: number;
  cleanShutdowns: number;
  accounts: AccountUsage[];
  totals: { responses: number; promptTokens: number; completionTokens: number; reasoningTokens: number; totalTokens: number };
  torn: LogIntegrity['torn'];
  chain: LogIntegrity['chain'];
  checkpoints: LogIntegrity['checkpoints'];
  /** Lines covered by a valid checkpoint and lines not; null without `--public-key`. */
  coverage: LogIntegrity['coverage'];
  /** The signer checkpoints were verified against, or null. */
  publicKey: string | null;
  verdict: LogIntegrity['verdict'];
  problems: string[];
  since: string | null;
  until: string | null;
}

type Rec = Record<string, unknown>;

function parseTime(value: string | undefined, name: string): number | null {
  if (value === undefined) return null;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new InputError(`--${name} must be an ISO-8601 time such as 2026-01-31 or 2026-01-31T12:00:00Z, got ${JSON.stringify(value)}`);
  return t;
}

const HEX64 = /^[0-9a-f]{64}$/;
const FINISH = new Set(['stop', 'length', 'aborted', 'timeout']);

/** Check one response record's fields; returns an error message or null. */
function checkResponse(r: Rec): string | null {
  for (const f of ['time', 'requestId', 'account', 'model', 'endpoint']) if (typeof r[f] !== 'string' || r[f] === '') return `"${f}" must be a non-empty string`;
  if (!Number.isFinite(Date.parse(r.time as string))) return '"time" is not an ISO-8601 time';
  for (const f of ['promptSha256', 'responseSha256']) if (typeof r[f] !== 'string' || !HEX64.test(r[f] as string)) return `"${f}" must be 64 hex characters`;
  if (r.reasoningSha256 !== null && (typeof r.reasoningSha256 !== 'string' || !HEX64.test(r.reasoningSha256))) return '"reasoningSha256" must be null or 64 hex characters';
  if (r.keyId !== null && typeof r.keyId !== 'string') return '"keyId" must be a string or null';
  // Safe integers only: 1e300 "tokens" is an integer to JavaScript, and would make every total absurd.
  for (const f of ['promptTokens', 'completionTokens', 'reasoningTokens']) if (!Number.isSafeInteger(r[f]) || (r[f] as number) < 0) return `"${f}" must be a non-negative integer below 2^53`;
  if ((r.reasoningTokens as number) > (r.completionTokens as number)) return '"reasoningTokens" exceeds "completionTokens"';
  if (!FINISH.has(r.finishReason as string)) return `"finishReason" must be one of ${[...FINISH].join(', ')}`;
  return null;
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  if (size === 0) return true;
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    await fh.close();
  }
}

async function readPublicKey(path: string): Promise<PublicKeyInfo> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file (expected the lab's public key)`);
    throw new IoError(`${path}: cannot read (${code ?? (e as Error).message})`);
  }
  try {
    return parsePublicKey(text, path);
  } catch (e) {
    if (e instanceof EvidenceError) throw new InputError(e.message);
    throw e;
  }
}

/** The integrity verdict once every line was read; a format error is the user's input error. */
function finishIntegrity(verifier: LogVerifier, finalNewline: boolean): LogIntegrity {
  try {
    return verifier.finish(finalNewline);
  } catch (e) {
    if (e instanceof LogFormatError) throw new InputError(e.message);
    throw e;
  }
}

/**
 * Read and check a receipt log and total it per account.
 *
 * @throws InputError naming `file:line` for a line that is not a receipt (other than a tolerated
 *   torn line), for a missing or empty file, or a bad public key; IoError when it cannot be read.
 */
export async function receipts(o: ReceiptsOptions): Promise<ReceiptsResult> {
  const since = parseTime(o.since, 'since');
  const until = parseTime(o.until, 'until');
  const publicKey = o.publicKey === undefined ? null : await readPublicKey(o.publicKey);
  const size = await logSize(o.log);
  // A gateway's log always starts with its "open" record: an empty file is not a log with no traffic.
  if (size === 0) throw new InputError(`${o.log}: empty receipt log (a gateway's log starts with an "open" record)`);
  const finalNewline = await endsWithNewline(o.log, size);
  const verifier = new LogVerifier(o.log, 'receipts', publicKey);
  const accounts: Accounts = new Map();
  const counts = { lines: 0, responses: 0, starts: 0, closes: 0, records: 0 };

  const rl = createInterface({ input: createReadStream(o.log, { encoding: 'latin1' }), crlfDelay: Infinity });
  try {
    for await (const text of rl) {
      counts.lines++;
      // Read as latin1 so the chain hashes the exact bytes (a torn line may end mid-character).
      const rec = verifier.line(text);
      if (rec !== null) countRecord(accounts, counts, rec, `${o.log}:${counts.lines}`, since, until);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (e instanceof LogFormatError) throw new InputError(e.message);
    throw new IoError(`${o.log}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    rl.close();
  }
  const integrity = finishIntegrity(verifier, finalNewline);
  if (counts.records === 0) throw new InputError(`${o.log}: no receipt records (is this a gateway receipt log?)`);

  return {
    log: o.log,
    lines: counts.lines,
    responses: counts.responses,
    starts: counts.starts,
    cleanShutdowns: counts.closes,
    ...perAccount(accounts),
    torn: integrity.torn,
    chain: integrity.chain,
    checkpoints: integrity.checkpoints,
    coverage: integrity.coverage,
    publicKey: publicKey?.signerId ?? null,
    verdict: integrity.verdict,
    problems: integrity.problems,
    since: o.since ?? null,
    until: o.until ?? null,
  };
}

/** Count one record (already chain-checked) by its type; a response is checked and added to its account. */
function countRecord(accounts: Accounts, counts: { responses: number; starts: number; closes: number; records: number }, rec: Rec, where: string, since: number | null, until: number | null): void {
  counts.records++;
  if (rec.type === 'open') counts.starts++;
  else if (rec.type === 'close') counts.closes++;
  else if (rec.type !== 'checkpoint') {
    if (rec.type !== 'response') throw new InputError(`${where}: unknown receipt type ${JSON.stringify(rec.type)}`);
    const problem = checkResponse(rec);
    if (problem) throw new InputError(`${where}: invalid response receipt: ${problem}`);
    const t = Date.parse(rec.time as string);
    if ((since !== null && t < since) || (until !== null && t >= until)) return;
    counts.responses++;
    countResponse(accounts, rec);
  }
}

/** The log's size in bytes; a missing file or a directory is the user's input error. */
async function logSize(log: string): Promise<number> {
  try {
    const s = await stat(log);
    if (s.isDirectory()) throw new InputError(`${log}: is a directory, expected a receipt log`);
    return s.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${log}: no such file`);
    throw new IoError(`${log}: cannot read (${code ?? (e as Error).message})`);
  }
}

type Accounts = Map<string, AccountUsage & { keySet: Set<string>; modelSet: Set<string> }>;

/** Add one checked response receipt to its account's totals. */
function countResponse(accounts: Accounts, rec: Rec): void {
  const name = rec.account as string;
  const time = rec.time as string;
  let a = accounts.get(name);
  if (!a) {
    a = { account: name, responses: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, totalTokens: 0, cutShort: 0, models: [], keyIds: [], unwatermarked: 0, firstTime: time, lastTime: time, keySet: new Set(), modelSet: new Set() };
    accounts.set(name, a);
  }
  a.responses++;
  a.promptTokens += rec.promptTokens as number;
  a.completionTokens += rec.completionTokens as number;
  a.reasoningTokens += rec.reasoningTokens as number;
  a.totalTokens += (rec.promptTokens as number) + (rec.completionTokens as number);
  if (rec.finishReason === 'aborted' || rec.finishReason === 'timeout') a.cutShort++;
  if (rec.keyId === null) a.unwatermarked++;
  else a.keySet.add(rec.keyId as string);
  a.modelSet.add(rec.model as string);
  if (time < a.firstTime) a.firstTime = time;
  if (time > a.lastTime) a.lastTime = time;
}

/** Accounts by completion tokens (then name), and the totals over them. */
function perAccount(accounts: Accounts): Pick<ReceiptsResult, 'accounts' | 'totals'> {
  const list = [...accounts.values()]
    .map(({ keySet, modelSet, ...a }) => ({ ...a, keyIds: [...keySet].sort(), models: [...modelSet].sort() }))
    .sort((x, y) => y.completionTokens - x.completionTokens || x.account.localeCompare(y.account));
  const sum = (f: (a: AccountUsage) => number) => list.reduce((s, a) => s + f(a), 0);
  return {
    accounts: list,
    totals: {
      responses: sum((a) => a.responses),
      promptTokens: sum((a) => a.promptTokens),
      completionTokens: sum((a) => a.completionTokens),
      reasoningTokens: sum((a) => a.reasoningTokens),
      totalTokens: sum((a) => a.totalTokens),
    },
  };
}

const n = (x: number) => x.toLocaleString('en-US');

const ranges = (rs: readonly { from: number; to: number }[]) => rs.map((x) => (x.from === x.to ? `${x.from}` : `${x.from}–${x.to}`)).join(', ');

function checkpointLine(r: ReceiptsResult): string {
  const c = r.checkpoints;
  if (r.coverage === null) {
    const signers = c.signerIds.length > 0 ? ` by ${c.signerIds.join(', ')}` : '';
    return c.total === 0 ? 'checkpoints: none (the gateway ran without a signer)' : `checkpoints: ${c.total}${signers}, signatures not checked (give --public-key)`;
  }
  const covered = r.coverage.covered.length > 0 ? `covers line(s) ${ranges(r.coverage.covered)}` : 'covers no line';
  const uncovered = r.coverage.uncovered.length > 0 ? `; NOT covered: line(s) ${ranges(r.coverage.uncovered)}` : '';
  return `checkpoints: ${c.valid} of ${c.total} valid for ${r.publicKey}; ${covered}${uncovered}`;
}

export function renderReceipts(r: ReceiptsResult): string {
  const window = r.since || r.until ? ` (${r.since ?? 'start'} – ${r.until ?? 'end'})` : '';
  const out = [
    `${r.log}: ${n(r.responses)} responses${window} in ${n(r.lines)} lines; ${r.starts} gateway start(s), ${r.cleanShutdowns} clean shutdown(s)`,
    r.chain.intact ? 'hash chain: intact' : `hash chain: BROKEN at line(s) ${r.chain.breaks.join(', ')} — lines were edited, inserted or removed`,
    checkpointLine(r),
  ];
  for (const t of r.torn) out.push(`torn line ${t.line} (${t.bytes} bytes, cut by a crash; ${t.repaired ? 'the next gateway start recorded it' : 'last line of the log, no later start accounts for it'})`);
  out.push(r.verdict === 'intact' ? `verdict: intact${r.coverage ? ' (every line covered by a valid signed checkpoint)' : ''}` : `verdict: BROKEN\n${r.problems.map((p) => `  - ${p}`).join('\n')}`);
  out.push('');
  if (r.accounts.length === 0) out.push('no responses');
  else {
    out.push(
      renderTable(
        ['account', 'responses', 'prompt tokens', 'completion tokens', 'reasoning tokens', 'cut short', 'models', 'key ids'],
        [
          ...r.accounts.map((a) => [a.account, a.responses, a.promptTokens, a.completionTokens, a.reasoningTokens, a.cutShort, a.models.join(' '), a.keyIds.length > 0 ? a.keyIds.join(' ') : 'unwatermarked']),
          ['total', r.totals.responses, r.totals.promptTokens, r.totals.completionTokens, r.totals.reasoningTokens, r.accounts.reduce((s, a) => s + a.cutShort, 0), '', ''],
        ],
      ),
    );
  }
  return out.join('\n');
}

export const command = defineCommand({
  name: 'receipts',
  description: 'what a gateway served, per account: responses and tokens from its receipt log (checks the hash chain and signed checkpoints; BROKEN exits 5)',
  options: {
    log: option('--log <file>', 'receipt log written by the gateway (JSONL)').required(),
    publicKey: option('--public-key <file>', "the lab's public key: verify the signed checkpoints and say which lines they cover"),
    since: option('--since <time>', 'only responses at or after this ISO-8601 time'),
    until: option('--until <time>', 'only responses before this ISO-8601 time'),
    json: flag('--json', 'print JSON instead of a table'),
  },
  async run({ json, ...o }, { emit, setExit }) {
    const r = await receipts(o);
    emit(json, r, renderReceipts(r));
    if (r.verdict === 'BROKEN') setExit(ExitCode.verificationFailed);
  },
});
