/**
 * A streaming pass over a JSONL log that names its bad lines: not JSON, not a valid exchange
 * (`exchangeLineProblem`), or longer than the one-exchange limit. Bytes are split on newlines
 * without building strings for over-long lines, so a 100 MB line costs no more memory than the
 * limit. Used to turn DuckDB's rejection of a file into "file:line: reason", and to count and
 * list the lines --skip-bad-lines leaves out.
 */
import { createReadStream } from 'node:fs';
import { exchangeLineProblem } from './exchange-line-problem.ts';
import { type FieldMapping } from './field-mapping.ts';
import { TrafficIoError } from './traffic-errors.ts';

function isIntegrityLine(value: unknown, mapping: FieldMapping): boolean {
  const type = (value as { type?: unknown }).type;
  return type !== undefined && type !== 'exchange' && !Object.values(mapping).includes('type');
}

/** The longest line read as one exchange (DuckDB's `maximum_object_size` is set to the same). */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

export interface BadLine {
  readonly line: number;
  readonly problem: string;
}

export interface BadLineScan {
  /** Non-blank lines. */
  readonly lines: number;
  /** Bad lines in all. */
  readonly bad: number;
  /** The first `keep` bad lines. */
  readonly examples: readonly BadLine[];
}

/**
 * @param keep - how many bad lines to list (the scan stops at the first when `keep` is 1 and
 *   `stopAtFirst` is set).
 */
export async function findBadLines(path: string, mapping: FieldMapping, options: { keep?: number; stopAtFirst?: boolean } = {}): Promise<BadLineScan> {
  const keep = options.keep ?? 10;
  const examples: BadLine[] = [];
  let lines = 0;
  let bad = 0;
  let lineNo = 0;
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const finish = (): boolean => {
    lineNo++;
    let problem: string | null = null;
    if (tooLong) problem = `line is ${(length / 2 ** 20).toFixed(0)} MiB, longer than the ${MAX_LINE_BYTES / 2 ** 20} MiB limit for one exchange`;
    else {
      let s: string;
      try {
        s = decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      } catch {
        s = '';
        problem = 'not valid UTF-8';
      }
      if (problem === null && s.trim() === '') return false;
      if (problem === null) {
        let value: unknown;
        try {
          value = JSON.parse(s);
          problem = exchangeLineProblem(value, mapping);
        } catch (e) {
          problem = `malformed JSON (${(e as Error).message})`;
        }
        // The gateway's integrity lines (open, checkpoint, close) are not exchanges: not counted.
        if (problem === null && isIntegrityLine(value, mapping)) return false;
      }
    }
    lines++;
    parts = [];
    length = 0;
    tooLong = false;
    if (problem === null) return false;
    bad++;
    if (examples.length < keep) examples.push({ line: lineNo, problem });
    return options.stopAtFirst === true;
  };
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        const end = nl === -1 ? chunk.length : nl;
        length += end - start;
        if (length > MAX_LINE_BYTES) tooLong = true;
        else if (end > start) parts.push(chunk.subarray(start, end));
        if (tooLong) parts = [];
        if (nl === -1) break;
        if (finish()) return { lines, bad, examples };
        parts = [];
        length = 0;
        tooLong = false;
        start = nl + 1;
      }
    }
  } catch (e) {
    throw new TrafficIoError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (length > 0 || tooLong) finish();
  return { lines, bad, examples };
}
