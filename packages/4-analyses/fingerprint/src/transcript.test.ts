import { describe, expect, it } from 'vitest';
import { parseTranscript, responsesByProbe, TranscriptError } from './transcript.ts';

export const header = {
  type: 'header',
  format: 'tracemark.transcript',
  formatVersion: 1,
  suite: { name: 'default', version: '1.0.0', hash: 'sha256:abc', probes: 2 },
  endpoint: 'http://127.0.0.1:1/v1',
  model: 'm',
  params: { samples: 2, temperature: 1, seed: 1, logprobs: null, maxTokens: 8 },
  capabilities: { logprobs: false, topLogprobs: null, seed: 'deterministic' },
  createdAt: '2025-01-01T00:00:00.000Z',
  tool: { name: 'tracemark', version: '0.1.0' },
};
export const record = (probeId: string, sample: number, text = `answer ${probeId} ${sample}`) => ({
  type: 'response',
  probeId,
  category: 'style',
  sample,
  text,
  finishReason: 'length',
  request: { model: 'm' },
  response: { id: null, requestId: null, model: 'm', systemFingerprint: null, usage: null, logprobs: null },
  timing: { startedAt: '2025-01-01T00:00:00.000Z', latencyMs: 1, attempts: 1 },
});
const lines = (...values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n') + '\n';

describe('parseTranscript', () => {
  it('reads the header and records, grouping samples by probe in order', () => {
    const t = parseTranscript(lines(header, record('b', 1), record('a', 0), '', record('b', 0)), 't.jsonl');
    expect(t.header.model).toBe('m');
    expect(t.records).toHaveLength(3);
    expect([...responsesByProbe(t)].map(([id, v]) => [id, v.texts])).toEqual([
      ['a', ['answer a 0']],
      ['b', ['answer b 0', 'answer b 1']],
    ]);
  });

  it.each([
    ['malformed JSON', lines(header, '{"type": "response",'), 't.jsonl:2: malformed JSON'],
    ['no header', lines(record('a', 0)), 't.jsonl:1: not a tracemark transcript'],
    ['a record without text', lines(header, { ...record('a', 0), text: 3 }), 't.jsonl:2: "text" must be a string'],
    ['a duplicated (probe, sample)', lines(header, record('a', 0), record('a', 0)), 't.jsonl:3: probe "a" sample 0 is recorded twice (first at line 2)'],
    ['two headers', lines(header, record('a', 0), header), 't.jsonl:3: a second header'],
    ['a newer format', lines({ ...header, formatVersion: 2 }), 't.jsonl:1: transcript format version 2 is not supported'],
    ['no responses', lines(header), 't.jsonl: the transcript has a header but no responses'],
    ['an empty file', '', 't.jsonl: empty transcript'],
  ])('rejects %s with file:line', (_, text, message) => {
    expect(() => parseTranscript(text, 't.jsonl')).toThrow(TranscriptError);
    expect(() => parseTranscript(text, 't.jsonl')).toThrow(message);
  });

  it('reports a torn final line, or tolerates it for resuming with its byte offset', () => {
    const good = lines(header, record('a', 0));
    const torn = `${good}{"type":"response","probeId":"é`;
    expect(() => parseTranscript(torn, 't.jsonl')).toThrow(/t.jsonl:3: the final line is incomplete/);
    const r = parseTranscript(torn, 't.jsonl', { allowTruncatedTail: true });
    expect(r.records).toHaveLength(1);
    expect(r.truncatedTail).toBe(Buffer.byteLength(good));
  });
});
