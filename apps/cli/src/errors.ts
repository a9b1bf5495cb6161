/**
 * Exit codes and the errors that map to them, defined once for the whole CLI (documented in the
 * README). A finished analysis exits 0 whatever its verdict unless the user asks otherwise.
 */

export const ExitCode = {
  /** The command completed (a finished analysis, whatever it found). */
  ok: 0,
  /** `--fail-on-detect` was given and a watermark was detected. */
  detected: 1,
  /** Bad usage or bad input: unknown option, missing or malformed file, wrong tokenizer, empty text. */
  usage: 2,
  /** I/O or runtime failure: unreadable/unwritable file, unreachable endpoint, model error. */
  runtime: 3,
  /** The analysis finished but had too little data for the power the user required (--target-effect). */
  insufficient: 4,
  /** `verify`: a signature, digest or recomputed statistic did not match. */
  verificationFailed: 5,
  /** A bug in tracemark (an exception nobody anticipated). */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is one line for the user and whose exit code is known. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
  }
}

/** Bad usage or input (exit 2). `where` is `file` or `file:line`. */
export class InputError extends CliError {
  override name = 'InputError';
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** I/O, network or model failure (exit 3). */
export class RuntimeFailure extends CliError {
  override name = 'RuntimeFailure';
  constructor(message: string) {
    super(message, ExitCode.runtime);
  }
}

const INPUT_ERROR_NAMES = new Set(['EvidenceError', 'SourceFormatError', 'ModelFileError', 'KeyError', 'TokenizerError', 'TokenizerMismatchError', 'InvalidArgumentError', 'RangeError', 'CorpusError', 'ModelFormatError']);

/** Map any thrown value to (exit code, one-line message). Unknown errors are internal bugs. */
export function classifyError(err: unknown): { exitCode: ExitCodeValue; message: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, message: err.message };
  if (err instanceof Error) {
    if (INPUT_ERROR_NAMES.has(err.name) || err.constructor.name === 'KeyError') {
      return { exitCode: ExitCode.usage, message: err.message };
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return { exitCode: ExitCode.runtime, message: err.message };
    return { exitCode: ExitCode.internal, message: `internal error: ${err.stack ?? err.message}` };
  }
  return { exitCode: ExitCode.internal, message: `internal error: ${String(err)}` };
}
