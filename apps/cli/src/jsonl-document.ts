/**
 * One JSONL record as a document to score: the text field (`--field`, else the rule of
 * `jsonlTextField` in `@tracemark/corpora`), an optional prompt field, and an id (the record's `id`, else `file:line`). Shared by
 * the main thread and the detection workers so both read records the same way.
 */
import { jsonlTextField } from '@tracemark/corpora';
import { InputError } from './errors.ts';

export interface JsonlDocument {
  readonly id: string;
  readonly text: string;
  readonly prompt?: string;
}

export function jsonlDocument(path: string, line: number, value: Record<string, unknown>, field: string | undefined, promptField: string): JsonlDocument {
  const name = jsonlTextField(value, field);
  const text = name === undefined ? undefined : value[name];
  if (typeof text !== 'string') {
    const wanted = field ? `"${field}"` : '"text" (or "response")';
    throw new InputError(`${path}:${line}: no string field ${wanted}; choose one with --field`);
  }
  const prompt = typeof value[promptField] === 'string' ? (value[promptField] as string) : undefined;
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : `${path}:${line}`;
  return { id, text, ...(prompt ? { prompt } : {}) };
}
