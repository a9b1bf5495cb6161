/**
 * Running the CLI in-process for tests: real argv through commander, stdout and stderr captured,
 * the exit code returned (the same path `bin.ts` takes, without spawning a process).
 */
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
