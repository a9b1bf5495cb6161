/**
 * How a CLI command declares itself: name, description, and its arguments and options in one
 * object whose keys are the fields of the parsed options. Each flag is written once — its flags,
 * help, parser, choices and default in that declaration — and commander's result is turned into
 * one typed object once, here, so a command's handler never copies fields one by one. The handler
 * keeps a plain options interface for programmatic callers (tests, `demo`), and the compiler checks
 * the declaration against it where the command calls its handler.
 *
 * The shape follows GitHub CLI's options-struct-next-to-its-flags and shadcn's validate-once
 * (STYLE.md): bad values raise commander's `InvalidArgumentError` (exit 2) in the parser.
 */
import { Argument, type Command, Option } from 'commander';
import { type ExitCodeValue } from './errors.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** What a running command gets besides its options. */
export interface CommandContext {
  readonly io: CliIo;
  /** Print a result: JSON (indented) when `json`, else the human view — the same data either way. */
  emit(json: boolean, data: unknown, human: string): void;
  /** The exit code the command decided on, e.g. 1 under --fail-on-detect (errors are thrown instead). */
  setExit(code: ExitCodeValue): void;
}

interface OptionSettings<T> {
  readonly parse?: (value: string, previous: T) => T;
  readonly choices?: readonly string[];
  readonly mandatory?: boolean;
  readonly hasDefault?: boolean;
  readonly defaultValue?: T;
}

/** One `--flag`; `T` is the type of its parsed value (`undefined` when it was not given). */
export class OptionSpec<T> {
  declare readonly valueType: T;
  constructor(
    readonly flags: string,
    readonly description: string,
    readonly settings: OptionSettings<T> = {},
  ) {}

  /** The option must be given (commander reports it as missing, exit 2). */
  required(): OptionSpec<Exclude<T, undefined>> {
    return new OptionSpec<Exclude<T, undefined>>(this.flags, this.description, { ...(this.settings as OptionSettings<Exclude<T, undefined>>), mandatory: true });
  }

  /** The value when the option is not given (shown in --help). */
  default(value: Exclude<T, undefined>): OptionSpec<Exclude<T, undefined>> {
    return new OptionSpec<Exclude<T, undefined>>(this.flags, this.description, { ...(this.settings as OptionSettings<Exclude<T, undefined>>), hasDefault: true, defaultValue: value });
  }
}

/** One positional argument (`<file>`, `[files...]`). */
export class ArgumentSpec<T> {
  declare readonly valueType: T;
  constructor(
    readonly name: string,
    readonly description: string,
  ) {}
}

export function option(flags: string, description: string): OptionSpec<string | undefined>;
export function option<T>(flags: string, description: string, settings: { parse: (value: string) => T }): OptionSpec<T | undefined>;
export function option<C extends string>(flags: string, description: string, settings: { choices: readonly C[] }): OptionSpec<C | undefined>;
// The implementation's value type is erased (`any`): each overload above states the real one.
export function option(flags: string, description: string, settings: { parse?: (value: string) => unknown; choices?: readonly string[] } = {}): OptionSpec<any> {
  return new OptionSpec<any>(flags, description, settings);
}

/** A variadic option (`--corpus <spec...>`): every value given, in order. */
export function listOption(flags: string, description: string): OptionSpec<string[] | undefined> {
  return new OptionSpec(flags, description);
}

/** A boolean switch, false unless given (a `--no-x` switch is true unless given). */
export function flag(flags: string, description: string): OptionSpec<boolean> {
  return new OptionSpec<boolean>(flags, description, { hasDefault: true, defaultValue: flags.startsWith('--no-') });
}

/** `argument<string[]>('[files...]', …)` for a variadic one; a single `<file>` is a string. */
export function argument<T extends string | string[] = string>(name: string, description: string): ArgumentSpec<T> {
  return new ArgumentSpec<T>(name, description);
}

type Declarations = Record<string, OptionSpec<any> | ArgumentSpec<any>>;

/** The typed object a command's declarations parse into. */
export type Parsed<D extends Declarations> = { -readonly [K in keyof D]: D[K]['valueType'] };

export interface CommandSpec<D extends Declarations = Declarations> {
  readonly name: string;
  readonly description: string;
  readonly options: D;
  run(options: Parsed<D>, context: CommandContext): Promise<void>;
}

/** A command with subcommands (`signer init`, `signer export-public`). */
export interface CommandGroup {
  readonly name: string;
  readonly description: string;
  readonly subcommands: readonly CommandSpec[];
}

/** Declare a command; the identity function, there so `run`'s options are typed from `options`. */
export function defineCommand<D extends Declarations>(spec: CommandSpec<D>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** Add `spec` to `parent` (inheriting its output and exitOverride settings). */
export function registerCommand(parent: Command, spec: CommandSpec | CommandGroup, context: CommandContext): void {
  const command = parent.command(spec.name).description(spec.description);
  if ('subcommands' in spec) {
    for (const sub of spec.subcommands) registerCommand(command, sub, context);
    return;
  }
  const argumentKeys: string[] = [];
  const optionKeys: [key: string, attribute: string][] = [];
  for (const [key, d] of Object.entries(spec.options)) {
    if (d instanceof ArgumentSpec) {
      command.addArgument(new Argument(d.name, d.description));
      argumentKeys.push(key);
      continue;
    }
    const o = new Option(d.flags, d.description);
    if (d.settings.choices) o.choices(d.settings.choices);
    if (d.settings.parse) o.argParser(d.settings.parse);
    // A `--no-x` switch gets its implicit `true` from commander (not shown in --help, as before).
    if (d.settings.hasDefault && !d.flags.startsWith('--no-')) o.default(d.settings.defaultValue);
    if (d.settings.mandatory) o.makeOptionMandatory();
    command.addOption(o);
    optionKeys.push([key, o.attributeName()]);
  }
  command.action(async (...args: unknown[]) => {
    const values = args[argumentKeys.length] as Record<string, unknown>;
    const parsed: Record<string, unknown> = {};
    argumentKeys.forEach((key, i) => (parsed[key] = args[i]));
    for (const [key, attribute] of optionKeys) parsed[key] = values[attribute];
    await spec.run(parsed as never, context);
  });
}
