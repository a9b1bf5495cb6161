/**
 * The error of a source file that cannot be used as given (missing, not UTF-8, a bad line), named
 * with its file and, when one line is at fault, its 1-based line.
 */
import { InputError } from '@tracemark/errors';

export class SourceFormatError extends InputError {
  override readonly name = 'SourceFormatError';
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, message: string) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}
