import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { argument, type CommandContext, defineCommand, flag, listOption, option, registerCommand } from './command.ts';
import { classifyError, ExitCode } from './errors.ts';
import { parseNumber } from './option-parsers.ts';

/** Parse `argv` with a throwaway command declared like the real ones; returns the typed options. */
async function parse(argv: string[]): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const spec = defineCommand({
    name: 'try',
    description: 'a command for the test',
    options: {
      files: argument<string[]>('[files...]', 'inputs'),
      key: option('--key <file>', 'a required option').required(),
      count: option('--count <n>', 'a parsed option with a default', { parse: parseNumber('count', 1, 10, true) }).default(3),
      format: option('--format <f>', 'choices', { choices: ['text', 'jsonl'] as const }),
      references: listOption('--reference <files...>', 'the key differs from the flag'),
      force: flag('--force', 'off unless given'),
      normalize: flag('--no-normalize', 'on unless turned off'),
    },
    async run(o) {
      seen = o;
    },
  });
  const program = new Command('t').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerCommand(program, spec, {} as CommandContext);
  await program.parseAsync(['try', ...argv], { from: 'user' });
  return seen;
}

describe('command declarations', () => {
  it('parse into one object keyed as declared, with defaults, and switches off unless given', async () => {
    expect(await parse(['a.txt', 'b.txt', '--key', 'k.json'])).toEqual({
      files: ['a.txt', 'b.txt'],
      key: 'k.json',
      count: 3,
      format: undefined,
      references: undefined,
      force: false,
      normalize: true,
    });
    expect(await parse(['--key', 'k', '--force', '--no-normalize', '--count', '7', '--format', 'jsonl', '--reference', 'r1', 'r2'])).toMatchObject({
      files: [],
      count: 7,
      format: 'jsonl',
      references: ['r1', 'r2'],
      force: true,
      normalize: false,
    });
  });

  it('turn a missing required option, a bad choice or an out-of-range value into usage errors (exit 2)', async () => {
    for (const argv of [[], ['--key', 'k', '--format', 'xml'], ['--key', 'k', '--count', '11']]) {
      const err = await parse(argv).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CommanderError);
      expect(classifyError(err).exitCode).toBe(ExitCode.usage);
    }
  });
});
