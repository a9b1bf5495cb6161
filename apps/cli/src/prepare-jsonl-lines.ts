/**
 * Phase one of scoring (`DetectionSession.prepare`) for a batch of raw JSONL lines, as a detection
 * worker and the pool's own thread both run it: each line parsed, read as a document and prepared;
 * the first bad line ends the batch with its message (naming file and line), after the documents
 * before it, so the pool can fail the run exactly where a single-threaded run stops.
 */
import { type DetectionSession, type PreparedDocument } from '@tracemark/watermark';
import { InputError } from './errors.ts';
import { parseJsonlLine } from './io.ts';
import { jsonlDocument } from './jsonl-document.ts';

export interface PreparedLines {
  readonly prepared: PreparedDocument[];
  /** The message of the batch's first bad line (an InputError's), when one ended it. */
  readonly inputError?: string;
}

export function prepareJsonlLines(session: DetectionSession, path: string, lines: readonly { line: number; text: string }[], field: string | undefined, promptField: string): PreparedLines {
  const prepared: PreparedDocument[] = [];
  for (const { line, text } of lines) {
    try {
      prepared.push(session.prepare(jsonlDocument(path, line, parseJsonlLine(path, line, text), field, promptField)));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { prepared, inputError: e.message };
    }
  }
  return { prepared };
}
