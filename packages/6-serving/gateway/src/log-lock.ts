/**
 * An exclusive lock on an append-only log, so two gateways never append to one file (their hash
 * chains would interleave and break each other). The lock is a file `<log>.lock` created with
 * O_CREAT|O_EXCL (atomic on a local filesystem) holding the owner's pid. A lock whose pid no longer
 * runs is stale — the gateway was killed — and is removed and taken.
 *
 * Why a pid file and not `flock`: Node has no flock, and a native addon for one call is not worth
 * its build. Limits, stated rather than hidden: the lock protects one machine (a pid means nothing
 * on another host, so do not share a log over NFS); a stale pid reused by an unrelated process
 * reads as held, and the error names the pid and the lock file so an operator can check and remove
 * it; two gateways that find the same stale lock in the same instant can race between its removal
 * and their O_EXCL create — only on start after a crash, never while a live gateway holds the lock.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { IoError } from '@tracemark/errors';

/** Another live process holds the log's lock: a resource in use, as a bound port would be (exit 3). */
export class LogLockedError extends IoError {
  override name = 'LogLockedError';
  constructor(
    message: string,
    /** The holder's pid, or null when the lock file has no pid yet (a start in progress). */
    readonly pid: number | null,
    readonly lockPath: string,
  ) {
    super(message);
  }
}

export interface LogLock {
  readonly path: string;
  /** Remove the lock file (only if it still holds this process's pid). */
  release(): Promise<void>;
}

/** A lock file younger than this with no pid in it belongs to a start in progress, not a crash. */
const FRESH_EMPTY_LOCK_MS = 5_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await fh.writeFile(`${process.pid}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

/** The pid in an existing lock file; null when it is empty or unreadable garbage; undefined when it vanished. */
async function holderOf(lockPath: string): Promise<{ pid: number | null; ageMs: number } | undefined> {
  try {
    const [text, s] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = /^\s*(\d{1,10})\s*$/.test(text) ? Number(text) : null;
    return { pid, ageMs: Date.now() - s.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Take the lock of the log at `logPath`.
 *
 * @throws LogLockedError naming the holder's pid when another live process holds it.
 */
export async function acquireLogLock(logPath: string): Promise<LogLock> {
  const lockPath = `${logPath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(lockPath)) {
      return {
        path: lockPath,
        async release() {
          const h = await holderOf(lockPath).catch(() => undefined);
          if (h?.pid === process.pid) await unlink(lockPath).catch(() => undefined);
        },
      };
    }
    const holder = await holderOf(lockPath);
    if (holder === undefined) continue; // released between our create and our read: try again
    if (holder.pid !== null && isAlive(holder.pid)) {
      throw new LogLockedError(`${logPath}: in use by another gateway (pid ${holder.pid}; lock file ${lockPath}). Stop that gateway first, or remove the lock file if pid ${holder.pid} is not a gateway.`, holder.pid, lockPath);
    }
    if (holder.pid === null && holder.ageMs < FRESH_EMPTY_LOCK_MS) {
      throw new LogLockedError(`${logPath}: another gateway is starting on it (lock file ${lockPath} has no pid yet)`, null, lockPath);
    }
    // Stale: its owner is gone (killed, or the machine restarted).
    await unlink(lockPath).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
  throw new LogLockedError(`${logPath}: could not take the lock file ${lockPath} (other processes keep taking it)`, null, lockPath);
}
