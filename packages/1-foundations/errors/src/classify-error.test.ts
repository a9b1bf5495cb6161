import { describe, expect, it } from 'vitest';
import { classifyError } from './classify-error.ts';
import { ExitCode } from './exit-code.ts';
import { InputError } from './input-error.ts';
import { IoError } from './io-error.ts';

describe('classifyError', () => {
  it('treats an unexpected RangeError or TypeError as a bug (70) and keeps its stack', () => {
    const r = classifyError(new RangeError('index out of range'));
    expect(r.exitCode).toBe(ExitCode.internal);
    expect(r.message).toMatch(/^internal error: RangeError: index out of range\n\s+at /);
    expect(classifyError(new TypeError('x is undefined')).exitCode).toBe(70);
    expect(classifyError('a string').exitCode).toBe(70);
  });

  it('maps the hierarchy by instanceof, subclasses included', () => {
    class TranscriptError extends InputError {}
    class EndpointDown extends IoError {}
    expect(classifyError(new InputError('a.jsonl:3: malformed JSON'))).toEqual({ exitCode: 2, message: 'a.jsonl:3: malformed JSON' });
    expect(classifyError(new TranscriptError('t.jsonl:1: bad')).exitCode).toBe(2);
    expect(classifyError(new IoError('http://x: HTTP 503')).exitCode).toBe(3);
    expect(classifyError(new EndpointDown('down')).exitCode).toBe(3);
    expect(new TranscriptError('m').name).toBe('TranscriptError');
  });

  it('never maps by name: an Error merely named like an input error is still a bug', () => {
    const impostor = new Error('looks like input');
    impostor.name = 'InputError';
    expect(classifyError(impostor).exitCode).toBe(ExitCode.internal);
    const renamed = new InputError('still input');
    renamed.name = 'RangeError';
    expect(classifyError(renamed).exitCode).toBe(ExitCode.usage);
  });

  it('maps Node system errors (errno codes) to I/O (3)', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file or directory, open "x"'), { code: 'ENOENT' });
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use'), { code: 'EADDRINUSE' });
    expect(classifyError(enoent)).toEqual({ exitCode: ExitCode.runtime, message: enoent.message });
    expect(classifyError(inUse).exitCode).toBe(3);
    expect(classifyError(Object.assign(new Error('x'), { code: 'not-errno' })).exitCode).toBe(70);
  });
});
