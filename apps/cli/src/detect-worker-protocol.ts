/**
 * Messages between the detection pool and its worker threads (kept apart from the worker module,
 * which runs on import).
 */
import { type PreparedDocument } from '@tracemark/watermark';

export interface DetectWorkerData {
  readonly key: string;
  readonly tokenizer?: string;
  readonly normalize: boolean;
}

export interface DetectBatch {
  readonly index: number;
  readonly docs: { id: string; text: string; prompt?: string }[];
}

export type DetectWorkerMessage = { ready: true } | { index: number; prepared: PreparedDocument[] } | { error: string };

