/**
 * An I/O, network or model-runtime failure (exit 3): an unwritable file, an unreachable or failing
 * endpoint, a model that errors while running. Unlike an `InputError`, retrying later (or elsewhere)
 * may succeed with the same input.
 */
import { ExitCode } from './exit-code.ts';
import { TracemarkError } from './tracemark-error.ts';

export class IoError extends TracemarkError {
  readonly exitCode = ExitCode.runtime;
}
