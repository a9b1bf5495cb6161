/**
 * Input shards for `detect --summary --redis URL --shards N`: each job reads one byte range of one
 * input (whole lines) and returns a `RangeSummary` of its documents' tuples; the enqueuing run
 * merges them with `RangeMerger` into exactly the single run's aggregate. Unlike tuple shards
 * (`detect --shard i/N`, where every shard reads the whole input), N workers read the input once
 * between them, so throughput grows with workers. Per-document results need every document's
 * exclusive tuples, which a range cannot know, so runs without `--summary` keep tuple shards.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { RangeMerger, RangeSummary, type RangeSummaryJSON } from '@tracemark/watermark';
import { type DetectCommandOptions, type DetectCommandResult, type DetectPartial, formatOf, openScoring, partialSetUp } from '../commands/detect.ts';
import { mergePartials } from '../commands/merge.ts';
import { InputError, IoError } from '../errors.ts';
import { type LineRange, parseJsonlLine, readLines, readTextInput } from '../io.ts';
import { jsonlDocument } from '../jsonl-document.ts';

/**
 * A range is at most this large, whatever --shards says, so one job's result (its distinct tuples,
 * 28 bytes each, base64 in Redis) stays bounded: at most ~7 M tokens of text per job.
 */
export const MAX_RANGE_BYTES = 32 * 1024 * 1024;

/** Job name of an input range. */
export const DETECT_RANGE_JOB = 'detect-range';

/** One input range: which file, which bytes (absent: the whole file, one text document), its place in the run. */
export interface DetectRange {
  readonly index: number;
  readonly input: string;
  readonly format: 'text' | 'jsonl';
  readonly range?: LineRange;
}

export interface DetectRangeJob {
  readonly run: string;
  readonly options: Omit<DetectCommandOptions, 'quiet' | 'shard' | 'inputs' | 'threads'>;
  readonly range: DetectRange;
}

/** What a worker returns: the range's tuples and the scoring set-up it used (checked equal across ranges). */
export interface DetectRangeResult {
  readonly index: number;
  readonly meta: Omit<DetectPartial, 'documents' | 'aggregate' | 'shard' | 'inputs'>;
  readonly summary: RangeSummaryJSON;
}

/**
 * Cut the inputs into ranges of whole lines: about `count` in all (more when a range would pass
 * `MAX_RANGE_BYTES`), each JSONL file on its own, text files whole. One pass over each JSONL file
 * counts the lines before each cut, so a worker's errors name the true line number.
 */
export async function splitRanges(inputs: readonly string[], count: number, format?: 'text' | 'jsonl'): Promise<DetectRange[]> {
  const sizes = await Promise.all(
    inputs.map(async (p) => {
      const s = await stat(p).catch((e: NodeJS.ErrnoException) => Promise.reject(new InputError(`${p}: cannot read (${e.code ?? e.message})`)));
      if (s.isDirectory()) throw new InputError(`${p}: is a directory, expected a file`);
      return s.size;
    }),
  );
  const jsonlBytes = inputs.reduce((sum, p, i) => sum + (formatOf(p, format) === 'jsonl' ? sizes[i]! : 0), 0);
  const target = Math.max(1, Math.min(MAX_RANGE_BYTES, Math.ceil(jsonlBytes / Math.max(1, count))));
  const ranges: DetectRange[] = [];
  for (const [i, input] of inputs.entries()) {
    const kind = formatOf(input, format);
    if (kind === 'text') {
      ranges.push({ index: ranges.length, input, format: kind });
      continue;
    }
    if (sizes[i] === 0) throw new InputError(`${input}: no documents (the file is empty)`);
    for (const range of await lineRanges(input, sizes[i]!, target)) ranges.push({ index: ranges.length, input, format: kind, range });
  }
  return ranges;
}

/** Ranges of about `target` bytes ending after a newline (or at the end of the file). */
async function lineRanges(path: string, size: number, target: number): Promise<LineRange[]> {
  const ranges: LineRange[] = [];
  let start = 0;
  let firstLine = 0;
  let lines = 0;
  let offset = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      lines++;
      const end = offset + nl + 1;
      if (end - start >= target && end < size) {
        ranges.push({ start, end, firstLine });
        start = end;
        firstLine = lines;
      }
    }
    offset += chunk.length;
  }
  ranges.push({ start, end: size, firstLine });
  return ranges;
}

/** A worker's part: read the range, score its documents as `detect` does, and record their tuples. */
export async function detectRange(job: DetectRangeJob): Promise<DetectRangeResult> {
  const { options: o, range } = job;
  const scoring = await openScoring({ ...o, inputs: [range.input], summary: true });
  const { session } = scoring;
  const summary = new RangeSummary();
  const promptField = o.promptField ?? 'prompt';
  if (range.format === 'text' || !range.range) {
    const text = await readTextInput(range.input);
    if (text.trim() === '') throw new InputError(`${range.input}: empty text (nothing to score)`);
    summary.add(session.prepare({ id: range.input, text }));
  } else {
    for await (const { line, text } of readLines(range.input, range.range)) {
      // Recorded at once, so the document's arrays can be the session's scratch arrays.
      summary.add(session.prepareTransient(jsonlDocument(range.input, line, parseJsonlLine(range.input, line, text), o.field, promptField)));
    }
  }
  return { index: range.index, meta: partialSetUp(scoring), summary: summary.toJSON() };
}

/**
 * The single run's result from every range's part, merged as the parts arrive (`RangeMerger`), then
 * the p-value computed once, through the same `mergePartials` that `tracemark merge` uses.
 */
export class RangeResults {
  private readonly merger = new RangeMerger();
  private readonly documentsPerInput = new Map<string, number>();
  private meta: DetectRangeResult['meta'] | undefined;
  private seen = 0;

  constructor(private readonly ranges: readonly DetectRange[]) {}

  /** Merge one range's part; its tuples can be dropped afterwards. */
  add(r: DetectRangeResult): void {
    const range = this.ranges[r.index];
    if (!range) throw new IoError(`range ${r.index}: not a range of this run`);
    if (this.meta === undefined) this.meta = r.meta;
    else if (JSON.stringify(r.meta) !== JSON.stringify(this.meta)) throw new IoError(`range ${r.index} (${range.input}) was scored with another key, tokenizer, alpha or normalization than the ranges before it; are the workers running different tracemark versions?`);
    this.merger.add(r.index, r.summary);
    this.documentsPerInput.set(range.input, (this.documentsPerInput.get(range.input) ?? 0) + r.summary.documents);
    this.seen++;
  }

  /** The single run's result; `inputs` as the user named them. */
  result(inputs: readonly string[]): DetectCommandResult {
    const ranges = this.ranges;
    if (this.meta === undefined || this.seen !== ranges.length) throw new IoError(`${this.seen} of ${ranges.length} ranges returned a result`);
    for (const input of new Set(ranges.map((r) => r.input))) if (!this.documentsPerInput.get(input)) throw new InputError(`${input}: no documents (the file is empty)`);
    const m = this.merger.result();
    const partial: DetectPartial = {
      ...this.meta,
      shard: { index: 0, count: 1 },
      inputs: inputs.map((i) => basename(i)),
      documents: [],
      aggregate: { documents: m.documents, tokens: m.tokens, scored: m.scored, scoreUnits: m.score.toJSON(), sharedTuples: m.sharedTuples },
    };
    return { ...mergePartials([{ path: 'merged ranges', doc: partial }]), inputs: [...inputs] };
  }
}

/** `RangeResults` for parts already in hand. */
export function mergeRanges(ranges: readonly DetectRange[], results: Iterable<DetectRangeResult>, inputs: readonly string[]): DetectCommandResult {
  const merged = new RangeResults(ranges);
  for (const r of results) merged.add(r);
  return merged.result(inputs);
}
