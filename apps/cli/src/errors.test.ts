/**
 * Every error class a package throws on purpose reaches the CLI's exit code through `instanceof`
 * (the class hierarchy of @tracemark/errors), never through its name; anything unexpected is a
 * bug (70). Each class is constructed for real, as its package does.
 */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '@tracemark/corpora';
import { EvidenceError } from '@tracemark/evidence';
import { FingerprintInputError, ProbeSuiteError, TranscriptError } from '@tracemark/fingerprint';
import { ConfigError, ReceiptLogError } from '@tracemark/gateway';
import { ModelFileError } from '@tracemark/models';
import { AbortedError, BatchError, EndpointFailure, HttpStatusError, ResumeMismatchError, RetriesExhaustedError } from '@tracemark/probe';
import { TokenizerError, TokenizerMismatchError } from '@tracemark/tokenizers';
import { KeyError } from '@tracemark/watermark';
import { classifyError, ExitCode, InputError, IoError } from './errors.ts';

const identity = { name: 'o200k_base', vocabSize: 200_019, hash: `sha256:${'0'.repeat(64)}` };

describe('classifyError (CLI)', () => {
  it.each([
    ['KeyError', new KeyError('k.json: not a tracemark watermark key')],
    ['TokenizerError', new TokenizerError('unknown tokenizer "nope"')],
    ['TokenizerMismatchError', new TokenizerMismatchError('different tokenizer', identity, { ...identity, name: 'cl100k_base' })],
    ['SourceFormatError', new SourceFormatError('a.jsonl', 3, 'no text field')],
    ['ModelFileError', new ModelFileError('m.bin', 'wrong magic')],
    ['EvidenceError', new EvidenceError('r.json: not a DSSE envelope')],
    ['ConfigError', new ConfigError('g.json: accounts[0]: missing')],
    ['ReceiptLogError', new ReceiptLogError('r.jsonl: not a tracemark receipt log')],
    ['FingerprintInputError', new FingerprintInputError('a and b: different suites')],
    ['ProbeSuiteError', new ProbeSuiteError('s.json: duplicate probe id')],
    ['TranscriptError', new TranscriptError('t.jsonl:2: malformed JSON')],
    ['ResumeMismatchError', new ResumeMismatchError('t.jsonl: another run')],
    ['BatchError', new BatchError('b.jsonl:1: unknown custom_id')],
    ['InvalidArgumentError (commander)', new InvalidArgumentError('alpha must be a number in (0, 1)')],
  ])('%s is an input error (2)', (_, err) => {
    expect(err).toBeInstanceOf(err instanceof InvalidArgumentError ? InvalidArgumentError : InputError);
    expect(classifyError(err)).toEqual({ exitCode: ExitCode.usage, message: err.message });
  });

  it.each([
    ['EndpointFailure', new EndpointFailure('http://127.0.0.1:1/v1: capability check failed')],
    ['HttpStatusError', new HttpStatusError('HTTP 401: bad key', 401, null)],
    ['RetriesExhaustedError', new RetriesExhaustedError('gave up after 6 attempts', 6, 'timeout')],
    ['AbortedError', new AbortedError('aborted')],
  ])('%s is an I/O error (3)', (_, err) => {
    expect(err).toBeInstanceOf(IoError);
    expect(classifyError(err).exitCode).toBe(ExitCode.runtime);
  });

  it('maps a bare RangeError to 70 (a bug), not to a usage error', () => {
    const r = classifyError(new RangeError('alpha must be in (0, 1), got 2'));
    expect(r.exitCode).toBe(ExitCode.internal);
    expect(r.message).toMatch(/^internal error: RangeError/);
  });

  it('maps by instanceof, not by name', () => {
    const named = new Error('named like one');
    named.name = 'KeyError';
    expect(classifyError(named).exitCode).toBe(ExitCode.internal);
    const key = new KeyError('renamed');
    key.name = 'Whatever';
    expect(classifyError(key).exitCode).toBe(ExitCode.usage);
  });
});
