/**
 * The `tracemark` command: registers the commands and maps errors to exit codes — nothing else.
 * Each command lives in `commands/<name>.ts` with its options declared next to its handler
 * (see command.ts). Only the command named on the command line is imported, so `tracemark
 * detect` does not load the audit, probe and gateway code (all commands: ≈1.7 s more under tsx,
 * measured); `--help` and unknown commands load all of them.
 */
import { Command, CommanderError } from 'commander';
import { type CliIo, type CommandContext, type CommandGroup, type CommandSpec, registerCommand } from './command.ts';
import { classifyError, ExitCode, type ExitCodeValue } from './errors.ts';

export { type CliIo } from './command.ts';

type Loader = () => Promise<{ command: CommandSpec | CommandGroup }>;

/** Every command, in the order `--help` lists them. */
const COMMANDS: Record<string, Loader> = {
  keygen: () => import('./commands/keygen.ts'),
  detect: () => import('./distributed/detect-command.ts'),
  train: () => import('./commands/train.ts'),
  generate: () => import('./commands/generate.ts'),
  audit: () => import('./commands/audit.ts'),
  signer: () => import('./commands/signer.ts'),
  commit: () => import('./commands/commit.ts'),
  verify: () => import('./commands/verify.ts'),
  demo: () => import('./commands/demo.ts'),
  merge: () => import('./commands/merge.ts'),
  worker: () => import('./commands/worker.ts'),
  probe: () => import('./commands/probe.ts'),
  fingerprint: () => import('./commands/fingerprint.ts'),
  receipts: () => import('./commands/receipts.ts'),
  attack: () => import('./commands/attack.ts'),
  traffic: () => import('./commands/traffic.ts'),
};

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Run the CLI on `argv` (without the node and script entries); returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<ExitCodeValue> {
  let exit: ExitCodeValue = ExitCode.ok;
  const context: CommandContext = {
    io,
    emit: (json, data, human) => io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`),
    setExit: (code) => (exit = code),
  };
  const program = new Command('tracemark')
    .description('Keyed watermarks and exact statistical tests for LLM distillation forensics')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  // The root has no options that take a value, so the first word is the command's name.
  const named = argv.find((a) => !a.startsWith('-'));
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  try {
    for (const name of names) registerCommand(program, (await COMMANDS[name]!()).command, context);
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (err) {
    const { exitCode, message } = classifyError(err);
    // Commander has already printed its own message (and the usage hint).
    if (!(err instanceof CommanderError)) io.stderr(`tracemark: ${message}\n`);
    return exitCode;
  }
}
