import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '@tracemark/fingerprint';
import { BatchError, exportBatch, importBatch } from './batch.ts';
import { mergeIntoTranscript } from './merge-into-transcript.ts';
import { smallSuite } from './testing/small-suite.ts';

const params = { samples: 2, temperature: 1, seed: 5, logprobs: null, maxTokens: null };

function outputLine(input: { custom_id: string; body: { model: string } }, i: number, ok = true) {
  return JSON.stringify({
    id: `batch_req_${i}`,
    custom_id: input.custom_id,
    response: ok
      ? {
          status_code: 200,
          request_id: `req_${i}`,
          body: { id: `chatcmpl-${i}`, created: 1_700_000_000, model: 'gpt-test-2025', choices: [{ index: 0, message: { role: 'assistant', content: `answer ${i}` }, finish_reason: 'stop' }], usage: { total_tokens: 3 } },
        }
      : { status_code: 500, request_id: `req_${i}`, body: { error: { message: 'boom' } } },
    error: null,
  });
}

describe('OpenAI Batch API round trip', () => {
  const suite = smallSuite(3);
  const inputs = exportBatch(suite, 'gpt-test', params).map((l) => JSON.parse(l));

  it('exports one request per (probe, sample) with custom ids carrying the suite hash', () => {
    expect(inputs).toHaveLength(6);
    expect(inputs[3]).toEqual({
      custom_id: `tm1:${suite.hash.slice(7, 19)}:p1:1`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-test', messages: [{ role: 'user', content: 'prompt number 1' }], max_tokens: 8, temperature: 1, seed: 6 },
    });
  });

  it('imports an output file into a transcript with the exact bodies, listing failed requests', async () => {
    const text = inputs.map((x, i) => outputLine(x, i, i !== 2)).reverse().join('\n');
    const r = importBatch(text, 'out.jsonl', suite, 'gpt-test', params);
    expect(r.records).toHaveLength(5);
    expect(r.failures).toEqual([{ customId: inputs[2].custom_id, error: 'status 500' }]);
    const rec = r.records.find((x) => x.probeId === 'p1' && x.sample === 1)!;
    expect(rec.request).toEqual(inputs[3].body);
    expect(rec.response).toMatchObject({ id: 'chatcmpl-3', requestId: 'req_3', model: 'gpt-test-2025' });
    expect(rec.text).toBe('answer 3');

    const dir = await mkdtemp(join(tmpdir(), 'tracemark-batch-'));
    const path = join(dir, 't.jsonl');
    expect(await mergeIntoTranscript(path, r.header, r.records)).toMatchObject({ created: true, written: 5, skipped: 0 });
    // A second output file (the retried request) merges in; repeats are skipped, never duplicated.
    const retry = importBatch(outputLine(inputs[2], 9), 'retry.jsonl', suite, 'gpt-test', params);
    expect(await mergeIntoTranscript(path, retry.header, [...retry.records, ...r.records])).toMatchObject({ created: false, written: 1, skipped: 5 });
    expect(parseTranscript(await readFile(path, 'utf8'), path).records).toHaveLength(6);
  });

  it('refuses output from another suite version, foreign ids and malformed lines, naming file:line', () => {
    const other = smallSuite(3, '2');
    const foreign = exportBatch(other, 'gpt-test', params).map((l) => JSON.parse(l));
    expect(() => importBatch(outputLine(foreign[0], 0), 'o.jsonl', suite, 'gpt-test', params)).toThrow(BatchError);
    expect(() => importBatch(`\n${outputLine(foreign[0], 0)}`, 'o.jsonl', suite, 'gpt-test', params)).toThrow(/o\.jsonl:2: custom_id .* comes from a different probe suite/);
    expect(() => importBatch('{"custom_id": "req-1"}', 'o.jsonl', suite, 'gpt-test', params)).toThrow(/o\.jsonl:1: custom_id "req-1" was not written by tracemark/);
    expect(() => importBatch('{oops', 'o.jsonl', suite, 'gpt-test', params)).toThrow(/o\.jsonl:1: malformed JSON/);
    const twice = [outputLine(inputs[0], 0), outputLine(inputs[0], 1)].join('\n');
    expect(() => importBatch(twice, 'o.jsonl', suite, 'gpt-test', params)).toThrow(/o\.jsonl:2: probe "p0" sample 0 appears twice/);
  });
});
