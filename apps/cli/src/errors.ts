/**
 * The CLI's top-level error mapping. Exit codes and the error hierarchy are defined once in
 * `@tracemark/errors` (documented in the README, "Exit codes"); this module adds the one error
 * family only the CLI sees — commander's parse errors — and maps everything by `instanceof`,
 * never by class name: an unexpected `RangeError` is a bug (70), not a usage error.
 */
import { CommanderError } from 'commander';
import { type ClassifiedError, classifyError as classifyThrown, ExitCode } from '@tracemark/errors';

export { ExitCode, type ExitCodeValue, InputError, IoError, TracemarkError } from '@tracemark/errors';

/**
 * Map any thrown value to (exit code, one-line message). Commander's errors (unknown option,
 * invalid argument, missing required option; `InvalidArgumentError` is one) are usage errors,
 * except help and version, which are successful exits.
 */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof CommanderError) {
    const ok = err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    return { exitCode: ok ? ExitCode.ok : ExitCode.usage, message: err.message };
  }
  return classifyThrown(err);
}
