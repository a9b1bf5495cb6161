/**
 * The traffic scanner's typed errors, in the project's error hierarchy (@tracemark/errors), so
 * the CLI maps them to exit codes by class: bad input (a malformed line, a missing field, an
 * empty log, a bad `--map`) is a usage error (2); unreadable logs and unwritable databases are
 * I/O failures (3).
 */
import { InputError, IoError } from '@tracemark/errors';

/** Bad input: the message names the file and, where one is at fault, the 1-based line. */
export class TrafficInputError extends InputError {}

/** A log or its database could not be read or written (permissions, disk, a locked file). */
export class TrafficIoError extends IoError {}
