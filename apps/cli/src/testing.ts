/**
 * Running the CLI in-process for tests: real argv through commander, stdout and stderr captured,
 * the exit code returned (the same path `bin.ts` takes, without spawning a process).
 */
import { createServer } from 'node:net';
import { main } from './cli.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for a Redis or server started by a test or benchmark). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The largest input range of `detect --summary --redis` (for benchmarks that report how many ranges a run makes). */
export { MAX_RANGE_BYTES } from './distributed/detect-ranges.ts';
