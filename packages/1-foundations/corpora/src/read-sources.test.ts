import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonlTextField, parseCorpusSpec, readJsonlDocuments, readTextFile, SourceFormatError } from './read-sources.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracemark-corpora-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function errorOf(p: Promise<unknown>): Promise<SourceFormatError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SourceFormatError);
  return e as SourceFormatError;
}

describe('readTextFile', () => {
  it('reads a whole file as one document, without a byte-order mark', async () => {
    const path = file('a.txt', '\uFEFFCall me Ishmael.\nSome years ago…\n');
    expect(await readTextFile(path)).toEqual({ id: path, text: 'Call me Ishmael.\nSome years ago…\n' });
  });

  it('names a missing file and rejects invalid UTF-8', async () => {
    const missing = join(dir, 'missing.txt');
    expect((await errorOf(readTextFile(missing))).message).toBe(`${missing}: no such file`);
    const bad = file('bad.txt', Uint8Array.of(0x61, 0xff, 0x62));
    expect((await errorOf(readTextFile(bad))).message).toMatch(/invalid UTF-8 at byte \d+/);
  });
});

describe('readJsonlDocuments', () => {
  it('reads `response`, falling back to `text`, skipping blank lines, accepting CRLF', async () => {
    const path = file('ok.jsonl', '{"response":"one","text":"ignored"}\r\n\r\n   \n{"text":"two"}\n{"response":"three"}');
    expect(await readJsonlDocuments(path)).toEqual([
      { id: `${path}:1`, text: 'one' },
      { id: `${path}:4`, text: 'two' },
      { id: `${path}:5`, text: 'three' },
    ]);
  });

  it('reads a named field only when told', async () => {
    const path = file('field.jsonl', '{"completion":"x","text":"y"}\n');
    expect(await readJsonlDocuments(path, 'completion')).toEqual([{ id: `${path}:1`, text: 'x' }]);
    expect((await errorOf(readJsonlDocuments(file('nofield.jsonl', '{"text":"y"}\n'), 'completion'))).message).toMatch(
      /:1: no "completion" field/,
    );
  });

  it('names the file and 1-based line of a malformed line', async () => {
    const cases: [string, RegExp][] = [
      ['{"response":"a"}\n\n{"response": "b"\n', /:3: invalid JSON/],
      ['{"response":"a"}\n[1, 2]\n', /:2: expected a JSON object per line/],
      ['{"response":"a"}\n{"other":1}\n', /:2: no "response" or "text" field/],
      ['{"response":42}\n', /:1: field "response" is not a string/],
    ];
    for (const [i, [content, message]] of cases.entries()) {
      const path = file(`bad${i}.jsonl`, content);
      const error = await errorOf(readJsonlDocuments(path));
      expect(error.message.startsWith(`${path}:`)).toBe(true);
      expect(error.message).toMatch(message);
      expect(error.file).toBe(path);
      expect(error.line).toBe(Number(/:(\d+):/.exec(message.source)![1]));
    }
  });
});

describe('jsonlTextField', () => {
  it('takes an explicit field, else response, else text — present, not necessarily a string', () => {
    expect(jsonlTextField({ prompt: 'Q', response: 'A', text: 'Q A' })).toBe('response');
    expect(jsonlTextField({ text: 'plain', id: 3 })).toBe('text');
    expect(jsonlTextField({ response: 42, text: 'x' })).toBe('response');
    expect(jsonlTextField({ response: 'A', body: 'B' }, 'body')).toBe('body');
    expect(jsonlTextField({ response: 'A' }, 'missing')).toBe('missing');
    expect(jsonlTextField({ body: 'B' })).toBeUndefined();
  });
});

describe('parseCorpusSpec', () => {
  it('parses built-in names and files with an optional trailing fraction', () => {
    expect(parseCorpusSpec('sotu:0.9')).toEqual({ kind: 'builtin', source: 'sotu', fraction: 0.9 });
    expect(parseCorpusSpec('moby-dick')).toEqual({ kind: 'builtin', source: 'moby-dick' });
    expect(parseCorpusSpec('teacher.jsonl:.1')).toEqual({ kind: 'file', source: 'teacher.jsonl', fraction: 0.1 });
    expect(parseCorpusSpec('out/run:3/t.jsonl')).toEqual({ kind: 'file', source: 'out/run:3/t.jsonl' });
    expect(parseCorpusSpec('a:b.jsonl:1')).toEqual({ kind: 'file', source: 'a:b.jsonl', fraction: 1 });
    expect(parseCorpusSpec('notes:v2')).toEqual({ kind: 'file', source: 'notes:v2' });
    expect(parseCorpusSpec('./sotu')).toEqual({ kind: 'file', source: './sotu' });
    expect(parseCorpusSpec(':0.5')).toEqual({ kind: 'file', source: ':0.5' });
  });

  it('rejects empty specs and fractions outside [0, 1]', () => {
    expect(() => parseCorpusSpec('')).toThrow(RangeError);
    expect(() => parseCorpusSpec('sotu:1.5')).toThrow(/\[0, 1\]/);
  });
});
