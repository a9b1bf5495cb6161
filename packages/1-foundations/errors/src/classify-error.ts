/**
 * Turn any thrown value into (exit code, one-line message) for a process's top-level catch. By
 * `instanceof` only: a `TracemarkError` carries its code; a Node system error (`ENOENT`, `EACCES`,
 * `EADDRINUSE`, … in `code`) is I/O (3); anything else — a bare `RangeError` or `TypeError`
 * included — is a bug in tracemark (70) and keeps its stack, since only a bug report can fix it.
 * Callers with their own error types (the CLI's commander errors) test those first.
 */
import { ExitCode, type ExitCodeValue } from './exit-code.ts';
import { TracemarkError } from './tracemark-error.ts';

export interface ClassifiedError {
  exitCode: ExitCodeValue;
  message: string;
}

export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof TracemarkError) return { exitCode: err.exitCode, message: err.message };
  if (err instanceof Error) {
    if (isSystemError(err)) return { exitCode: ExitCode.runtime, message: err.message };
    return { exitCode: ExitCode.internal, message: `internal error: ${err.stack ?? err.message}` };
  }
  return { exitCode: ExitCode.internal, message: `internal error: ${String(err)}` };
}

/** Node's system errors carry an errno name such as `ENOENT` in `code` (there is no class to test). */
function isSystemError(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}
