/**
 * Write a simulated exchange log (JSON Lines, one `ExchangeRecord` per line, in time order) and its
 * ground truth (JSON) to files. Streams with bounded memory: lines are batched into chunks of
 * about 1 MiB and each chunk waits for the file stream to drain, so 16 million exchanges take no
 * more memory than a thousand. Both files are written under temporary names and renamed only when
 * complete, so a failure never leaves a log that looks finished.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { type BenignClass, planPopulation } from './plan-population.ts';
import { simulateTrafficSync } from './simulate-traffic.ts';
import { type CampaignStrategy, type SimulationOptions } from './simulation-options.ts';
import { simulationTruth } from './simulation-truth.ts';

export interface WriteSimulationResult {
  readonly log: string;
  readonly truth: string | null;
  readonly seed: number;
  readonly exchanges: number;
  readonly accounts: number;
  readonly campaignAccounts: number;
  readonly campaigns: readonly { readonly id: string; readonly strategy: CampaignStrategy; readonly accounts: number; readonly exchanges: number }[];
  readonly lookalikes: readonly { readonly class: BenignClass; readonly accounts: number }[];
  readonly bytes: number;
  /** Wall time of the whole write, for the speed report (never asserted on). */
  readonly seconds: number;
}

export interface WriteSimulationHooks {
  /** Called about every `progressEvery` exchanges with the number written so far. */
  readonly onProgress?: (written: number, total: number) => void;
  readonly progressEvery?: number;
}

const CHUNK_CHARS = 1 << 20;

/**
 * Simulate and write. `truthPath` may be null to write the log only.
 *
 * @throws SimulationOptionError for invalid options, before any file is created; file-system errors as thrown by `node:fs`.
 */
export async function writeSimulation(options: SimulationOptions, logPath: string, truthPath: string | null, hooks: WriteSimulationHooks = {}): Promise<WriteSimulationResult> {
  const started = performance.now();
  const population = planPopulation(options);
  const total = population.options.exchanges;
  const every = hooks.progressEvery ?? 100_000;
  const suffix = `.partial-${process.pid}`;
  const tmpLog = `${logPath}${suffix}`;
  const tmpTruth = truthPath === null ? null : `${truthPath}${suffix}`;
  const out = createWriteStream(tmpLog, { encoding: 'utf8' });
  let failed: Error | null = null;
  out.on('error', (e) => (failed = e));
  let written = 0;
  let bytes = 0;
  try {
    let chunk = '';
    for (const record of simulateTrafficSync(options, population)) {
      chunk += `${JSON.stringify(record)}\n`;
      written++;
      if (chunk.length >= CHUNK_CHARS) {
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
        if (failed) throw failed;
        chunk = '';
      }
      if (hooks.onProgress && written % every === 0) hooks.onProgress(written, total);
    }
    if (chunk.length > 0) {
      bytes += Buffer.byteLength(chunk);
      out.write(chunk);
    }
    out.end();
    await once(out, 'finish');
    if (failed) throw failed;
    if (tmpTruth !== null) await writeFile(tmpTruth, `${JSON.stringify(simulationTruth(options, population), null, 2)}\n`);
    await rename(tmpLog, logPath);
    if (tmpTruth !== null) await rename(tmpTruth, truthPath!);
  } catch (e) {
    // Name the file the user asked for, not its temporary name.
    if (e instanceof Error) e.message = e.message.split(tmpLog).join(logPath).split(tmpTruth ?? '\u0000').join(truthPath ?? '');
    out.destroy();
    await rm(tmpLog, { force: true });
    if (tmpTruth !== null) await rm(tmpTruth, { force: true });
    throw e;
  }
  hooks.onProgress?.(written, total);
  return {
    log: logPath,
    truth: truthPath,
    seed: population.options.seed,
    exchanges: written,
    accounts: population.accounts.length,
    campaignAccounts: population.accounts.filter((a) => a.role === 'campaign').length,
    campaigns: population.campaigns.map((c) => ({ id: c.id, strategy: c.strategy, accounts: c.accounts.length, exchanges: c.exchanges })),
    lookalikes: population.lookalikes.map((l) => ({ class: l.class, accounts: l.accounts.length })),
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}
