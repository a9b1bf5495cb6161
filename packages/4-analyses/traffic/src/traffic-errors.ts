/**
 * The traffic scanner's typed errors. The CLI maps them to exit codes by class (`instanceof`):
 * bad input (a malformed line, a missing field, an empty log, a bad `--map`) is a usage error,
 * unreadable logs and unwritable databases are I/O failures.
 */

/** Bad input: the message names the file and, where one is at fault, the 1-based line. */
export class TrafficInputError extends Error {
  override name = 'TrafficInputError';
}

/** A log or its database could not be read or written (permissions, disk, a locked file). */
export class TrafficIoError extends Error {
  override name = 'TrafficIoError';
}
