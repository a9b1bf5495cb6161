/**
 * Exit codes of every tracemark process (the CLI and the gateway), defined once and documented in
 * the README ("Exit codes"). A finished analysis exits 0 whatever its verdict unless the user asks
 * otherwise; usage/input errors, I/O and model errors and internal bugs each get their own code, so
 * a script can tell "fix your input" from "retry later" from "report a bug".
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
  /** A bug in tracemark (an exception nobody anticipated, e.g. a bare RangeError). */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
