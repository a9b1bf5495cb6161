/**
 * Messages between the detection pool and its worker threads (kept apart from the worker module,
 * which runs on import).
 */
import { type PreparedDocument } from '@tracemark/watermark';

export interface DetectWorkerData {
  readonly key: string;
  readonly tokenizer?: string;
  readonly normalize: boolean;
  readonly field?: string;
  readonly promptField: string;
}

/** Raw JSONL lines: the worker parses, extracts the document, tokenizes and scores. */
export interface DetectBatch {
  readonly index: number;
  readonly path: string;
  readonly lines: { line: number; text: string }[];
}

export type DetectWorkerMessage =
  | { ready: true }
  /** Documents in input order; `inputError` (a bad line) ends the batch after them. */
  | { index: number; prepared: PreparedDocument[]; inputError?: string }
  | { error: string };
