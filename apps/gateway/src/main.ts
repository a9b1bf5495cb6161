/**
 * `pnpm gateway --config gateway.json`: start the gateway, print where it listens, and shut down
 * gracefully on SIGTERM or SIGINT (in-flight requests finish, the receipt log gets its `close`
 * record). A second signal exits at once. Exit codes follow the CLI's: 0 after a clean shutdown,
 * 2 for a bad config or key, 3 for an I/O failure (port in use, unwritable log, or a log another
 * gateway holds — the message names its pid), 70 for a bug. Config warnings go to stderr on start.
 *
 * stdout gets one JSON line once serving, `{"event":"listening","url":…}`, for scripts and tests;
 * the access log (one JSON line per request) and messages go to stderr.
 */
import { parseArgs } from 'node:util';
import { classifyError, ExitCode } from '@tracemark/errors';
import { ConfigError, loadConfig, startGateway } from '@tracemark/gateway';

const USAGE = `usage: pnpm gateway --config gateway.json [--port N] [--quiet]

  --config FILE   gateway configuration (see packages/6-serving/gateway/gateway.example.json)
  --port N        listen on this port instead of the config's (0 = any free port)
  --quiet         no access log on stderr
`;

async function run(argv: string[]): Promise<number> {
  let values: { config?: string; port?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, port: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    process.stderr.write(`gateway: ${(e as Error).message}\n${USAGE}`);
    return ExitCode.usage;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.config) {
    process.stderr.write(`gateway: --config is required\n${USAGE}`);
    return ExitCode.usage;
  }
  let config = await loadConfig(values.config);
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be an integer in [0, 65535], got ${values.port}`);
    config = { ...config, port };
  }
  for (const w of config.warnings) process.stderr.write(`gateway: warning: ${w}\n`);
  const gateway = await startGateway(config, values.quiet ? {} : { accessLog: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`) });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: gateway.url, pid: process.pid, models: config.models.map((m) => m.id), watermark: config.watermark })}\n`);
  process.stderr.write(`gateway: serving ${config.models.length} model(s) to ${config.accounts.length} account(s) on ${gateway.url}; receipts in ${config.receipts.path}${config.exchangeLog ? `; exchanges in ${config.exchangeLog.path} (text: ${config.exchangeLog.text})` : ''}\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        process.stderr.write(`gateway: ${signal} again, exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(`gateway: ${signal}: finishing in-flight requests (at most ${config.limits.shutdownTimeoutMs} ms)\n`);
      gateway.close().then(
        () => {
          const { responses, receipts } = gateway.stats();
          process.stderr.write(`gateway: stopped after ${responses} response(s); ${receipts.records} receipt(s) in ${receipts.syncs} fsync(s)\n`);
          resolve(0);
        },
        (e: unknown) => {
          process.stderr.write(`gateway: error while stopping: ${(e as Error).message}\n`);
          resolve(3);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  // One mapping for every tracemark process, by instanceof: ConfigError, KeyError, … are input
  // errors (2), system errors such as EADDRINUSE and a log another gateway holds (LogLockedError)
  // are I/O (3), anything else is a bug (70).
  const { exitCode, message } = classifyError(e);
  process.stderr.write(`gateway: ${message}\n`);
  process.exitCode = exitCode;
}
