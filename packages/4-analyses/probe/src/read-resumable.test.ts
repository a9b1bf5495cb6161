import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResumable } from './read-resumable.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-resumable-'));
});

const file = async (name: string, bytes: Buffer) => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};

describe('readResumable', () => {
  it('splits complete lines from the tail, byte-exact, and decodes a tail only when it is UTF-8', async () => {
    expect(await readResumable(join(dir, 'absent.jsonl'))).toBeNull();
    const clean = await readResumable(await file('a.jsonl', Buffer.from('{"a":"é"}\n{"b":1}\n')));
    expect(clean).toEqual({ complete: '{"a":"é"}\n{"b":1}\n', completeBytes: 19, tail: '', tailBytes: 0 });
    const noNewline = await readResumable(await file('b.jsonl', Buffer.from('{"a":1}')));
    expect(noNewline).toEqual({ complete: '', completeBytes: 0, tail: '{"a":1}', tailBytes: 7 });
    // Torn between the two bytes of "é".
    const torn = await readResumable(await file('c.jsonl', Buffer.concat([Buffer.from('{"a":1}\n{"b":"caf'), Buffer.from([0xc3])])));
    expect(torn).toEqual({ complete: '{"a":1}\n', completeBytes: 8, tail: null, tailBytes: 10 });
  });

  it('refuses a complete line that is not UTF-8, naming the line and the byte in the file', async () => {
    const path = await file('d.jsonl', Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xff]), Buffer.from('"}\n{"c":3}\n')]));
    await expect(readResumable(path)).rejects.toThrow(`${path}:2: invalid UTF-8 at byte 14`);
  });
});
