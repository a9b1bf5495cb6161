/**
 * The base of every error tracemark throws on purpose. Each subclass fixes its process exit code,
 * so the CLI and the gateway map errors to exit codes with `instanceof` alone (never by class
 * name: names are minified, shadowed and misspelt; classes are not). A package's own error class
 * extends the subclass that says what kind of failure it is (`InputError`, `IoError`, …).
 */
import { type ExitCodeValue } from './exit-code.ts';

export abstract class TracemarkError extends Error {
  /** The exit code a process ends with when this error reaches its top level. */
  abstract readonly exitCode: ExitCodeValue;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // `name` follows the concrete class, so a stack trace names what was thrown.
    this.name = new.target.name;
  }
}
