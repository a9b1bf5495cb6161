/**
 * Reading a chained log back as evidence (the format written by `chained-log.ts`), line by line so
 * memory does not grow with the log: the hash chain, torn lines, and the signed checkpoints, ending
 * in exactly which lines a valid checkpoint covers.
 *
 * - A torn line (not JSON) is tolerated only last in the file or right before the `open` record
 *   whose `repairedTail` accounts for it, and always listed; anywhere else it is corruption.
 * - Each record's `prev` must be the SHA-256 of the previous line's bytes; where it is not, the
 *   chain breaks at that line.
 * - A checkpoint at line c covers the lines from the start of its unbroken stretch of chain up to c
 *   when its count is c − 1, its head is the hash of line c − 1 and (with a public key) its
 *   signature verifies. Without a public key coverage is unknown.
 *
 * The log is BROKEN when the chain breaks, a checkpoint is bad, the last line is torn with no later
 * start to account for it, or — with a public key — any line is not covered by a valid checkpoint.
 */
import { createHash } from 'node:crypto';
import { InputError } from '@tracemark/errors';
import { checkCheckpoint, type LogKind } from './log-checkpoint.ts';
import { LOG_FORMAT_VERSION } from './chained-log.ts';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A line that is not a record of a chained log, and no restart accounts for; names `file:line`. */
export class LogFormatError extends InputError {
  override name = 'LogFormatError';
}

export interface TornLine {
  readonly line: number;
  readonly bytes: number;
  /** True when a later gateway start recorded the repair (`open.repairedTail`). */
  readonly repaired: boolean;
}

/** Inclusive 1-based line range. */
export interface LineRange {
  readonly from: number;
  readonly to: number;
}

export interface LogIntegrity {
  readonly lines: number;
  readonly chain: { readonly intact: boolean; readonly breaks: number[] };
  readonly torn: TornLine[];
  readonly checkpoints: {
    readonly total: number;
    /** Checked against the public key (0 without one). */
    readonly valid: number;
    readonly invalid: { readonly line: number; readonly problem: string }[];
    /** The signer ids that checkpoints name. */
    readonly signerIds: string[];
  };
  /** Lines covered by a valid checkpoint, and those that are not; null without a public key. */
  readonly coverage: { readonly covered: LineRange[]; readonly uncovered: LineRange[] } | null;
  readonly verdict: 'intact' | 'BROKEN';
  /** Why BROKEN, in words (empty when intact). */
  readonly problems: string[];
}

export interface PublicKeyInfo {
  readonly signerId: string;
  readonly publicKey: Uint8Array;
}

type Rec = Record<string, unknown>;

function addRange(ranges: LineRange[], from: number, to: number): void {
  const last = ranges.at(-1);
  if (last && from <= last.to + 1) ranges[ranges.length - 1] = { from: last.from, to: Math.max(last.to, to) };
  else ranges.push({ from, to });
}

function complement(ranges: readonly LineRange[], lines: number): LineRange[] {
  const out: LineRange[] = [];
  let next = 1;
  for (const r of ranges) {
    if (r.from > next) out.push({ from: next, to: r.from - 1 });
    next = r.to + 1;
  }
  if (next <= lines) out.push({ from: next, to: lines });
  return out;
}

const span = (r: LineRange) => (r.from === r.to ? `line ${r.from}` : `lines ${r.from}–${r.to}`);

/** Feed lines in order with `line`; `finish` gives the verdict. */
export class LogVerifier {
  private lineNo = 0;
  private prevHash: string | null = null;
  private pendingTorn: { line: number; bytes: number } | null = null;
  private readonly torn: TornLine[] = [];
  private readonly breaks: number[] = [];
  private segmentStart = 1;
  private readonly covered: LineRange[] = [];
  private readonly invalid: { line: number; problem: string }[] = [];
  private readonly signerIds = new Set<string>();
  private checkpointsSeen = 0;
  private valid = 0;

  constructor(
    private readonly source: string,
    private readonly kind: LogKind,
    private readonly publicKey: PublicKeyInfo | null,
  ) {}

  /**
   * The next line, as read from the file as latin1 (so the hash is over the exact bytes, even of a
   * line torn mid-character). Returns the parsed record, or null for a (so far tolerated) torn line.
   *
   * @throws LogFormatError for a line that is not a record of this format.
   */
  line(text: string): Rec | null {
    const lineNo = ++this.lineNo;
    const hash = createHash('sha256').update(text, 'latin1').digest('hex');
    let rec: Rec | null = null;
    try {
      // Strict: bytes that are not UTF-8 make the line malformed, never a record with U+FFFD in it.
      const v: unknown = JSON.parse(STRICT_UTF8.decode(Buffer.from(text, 'latin1')));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) rec = v as Rec;
    } catch {
      rec = null;
    }
    if (rec === null) {
      if (this.pendingTorn) throw new LogFormatError(`${this.source}:${this.pendingTorn.line}: malformed line (not JSON) that no gateway restart accounts for`);
      this.pendingTorn = { line: lineNo, bytes: text.length };
      this.prevHash = hash;
      return null;
    }
    if (rec.v !== LOG_FORMAT_VERSION) throw new LogFormatError(`${this.source}:${lineNo}: not a tracemark ${this.kind} record (expected "v": ${LOG_FORMAT_VERSION}, got ${JSON.stringify(rec.v)})`);
    if (this.pendingTorn) {
      const repaired = rec.type === 'open' ? (rec.repairedTail as Rec | null | undefined) : undefined;
      if (!repaired || repaired.bytes !== this.pendingTorn.bytes) throw new LogFormatError(`${this.source}:${this.pendingTorn.line}: malformed line (not JSON) that no gateway restart accounts for`);
      this.torn.push({ ...this.pendingTorn, repaired: true });
      this.pendingTorn = null;
    }
    if (rec.prev !== this.prevHash) {
      this.breaks.push(lineNo);
      this.segmentStart = lineNo;
    }
    if (rec.type === 'checkpoint') this.checkpoint(rec, lineNo);
    this.prevHash = hash;
    return rec;
  }

  private checkpoint(rec: Rec, lineNo: number): void {
    this.checkpointsSeen++;
    if (typeof rec.signerId === 'string') this.signerIds.add(rec.signerId);
    const problem = checkCheckpoint(rec, this.kind, lineNo, this.prevHash, this.publicKey);
    if (problem !== null) {
      this.invalid.push({ line: lineNo, problem });
      return;
    }
    if (this.publicKey === null) return;
    this.valid++;
    addRange(this.covered, this.segmentStart, lineNo);
  }

  /** The verdict, once every line was fed. `endsWithNewline`: whether the file's last byte is a newline. */
  finish(endsWithNewline: boolean): LogIntegrity {
    const problems: string[] = [];
    if (this.pendingTorn) {
      // Only the very end of the file may be torn without a later restart to account for it.
      if (endsWithNewline) throw new LogFormatError(`${this.source}:${this.pendingTorn.line}: malformed line (not JSON)`);
      this.torn.push({ ...this.pendingTorn, repaired: false });
      problems.push(`line ${this.pendingTorn.line} is torn (cut by a crash or truncated) and no later gateway start accounts for it`);
    }
    if (this.breaks.length > 0) problems.push(`the hash chain breaks at line(s) ${this.breaks.join(', ')}: lines were edited, inserted or removed`);
    for (const c of this.invalid) problems.push(`checkpoint at line ${c.line} is not valid: ${c.problem}`);
    let coverage: LogIntegrity['coverage'] = null;
    if (this.publicKey !== null) {
      const uncovered = complement(this.covered, this.lineNo);
      coverage = { covered: [...this.covered], uncovered };
      if (uncovered.length > 0) {
        const atEnd = uncovered.at(-1)!.to === this.lineNo ? ' (if a gateway is still writing this log, its latest lines are covered at its next checkpoint or at shutdown)' : '';
        problems.push(`not covered by a valid checkpoint: ${uncovered.map(span).join(', ')}${atEnd}`);
      }
    }
    return {
      lines: this.lineNo,
      chain: { intact: this.breaks.length === 0, breaks: [...this.breaks] },
      torn: [...this.torn],
      checkpoints: { total: this.checkpointsSeen, valid: this.valid, invalid: [...this.invalid], signerIds: [...this.signerIds].sort() },
      coverage,
      verdict: problems.length === 0 ? 'intact' : 'BROKEN',
      problems,
    };
  }
}
