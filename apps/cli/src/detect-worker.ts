/**
 * A detection worker thread: tokenizes, normalizes and scores documents (phase one, see
 * `DetectionSession.prepare`) so that both cores share the tokenizer-bound work; the main thread
 * keeps the order-dependent part (dedup, aggregation), which makes a multi-threaded run give exactly
 * the single-threaded result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '@tracemark/watermark';
import { prepareJsonlLines } from './prepare-jsonl-lines.ts';
import { type DetectBatch, type DetectWorkerData, type DetectWorkerMessage } from './detect-worker-protocol.ts';
import { loadKeyFile, tokenizerForKey } from './keys.ts';

const data = workerData as DetectWorkerData;
const port = parentPort!;
try {
  const key = await loadKeyFile(data.key);
  const tokenizer = await tokenizerForKey(key, data.tokenizer);
  const session = createDetector(key, { tokenizer }).session(data.normalize ? {} : { normalize: false });
  key.secret.fill(0);
  port.on('message', (batch: DetectBatch) => {
    try {
      const { prepared, inputError } = prepareJsonlLines(session, batch.path, batch.lines, data.field, data.promptField);
      const transfer = prepared.flatMap((p) => [p.ids.buffer, p.scores.buffer, p.promptIds.buffer] as ArrayBuffer[]);
      port.postMessage({ index: batch.index, prepared, ...(inputError ? { inputError } : {}) } satisfies DetectWorkerMessage, transfer);
    } catch (e) {
      port.postMessage({ error: (e as Error).message } satisfies DetectWorkerMessage);
    }
  });
  port.postMessage({ ready: true } satisfies DetectWorkerMessage);
} catch (e) {
  port.postMessage({ error: (e as Error).message } satisfies DetectWorkerMessage);
}
