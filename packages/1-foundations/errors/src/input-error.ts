/**
 * Bad usage or bad input (exit 2): a malformed or missing file, an invalid option value, a key or
 * tokenizer that does not fit. The message is one line for the user and names the file, and the
 * line when there is one (`file:line: what is wrong`), because the user has to go and fix it.
 */
import { ExitCode } from './exit-code.ts';
import { TracemarkError } from './tracemark-error.ts';

export class InputError extends TracemarkError {
  readonly exitCode = ExitCode.usage;
}
