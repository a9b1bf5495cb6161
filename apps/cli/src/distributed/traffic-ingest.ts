/**
 * `traffic scan LOG… --redis URL --shards N`: the per-exchange work of a scan, ingesting each log
 * (parsing every line, its features and template MinHashes) into `LOG.duckdb`, done by
 * `tracemark worker`s; the scan itself then runs in the enqueuing process on those databases.
 *
 * Why only the ingest: it is the part that grows with the exchanges and splits by file, while the
 * scan's global steps (benign norms over the population, the coordination graph and its Louvain
 * clusters, conformal calibration, Holm over clusters) need every account at once; they run on
 * one machine in DuckDB, which uses all its cores. The report is the single run's to the bit: a
 * scan's result does not depend on how, where or in what row order a log was ingested
 * (packages/4-analyses/traffic/src/scan-traffic.test.ts), and the enqueuing process opens a
 * worker's database only after checking its cache key (format, field mapping, bad-line policy,
 * the log's size, modification time and first MiB) against the log as it sees it.
 *
 * Logs are grouped into at most N jobs of about equal bytes (one job per log when N ≥ logs);
 * workers and the enqueuing process must share the file system the logs and databases live on. A
 * worker killed mid-ingest leaves no database that looks finished (it builds under a temporary
 * name); the engine runs the job again. A bad line fails the job without retry and the run exits 2
 * naming file and line.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FieldMapping, LogFormat } from '@tracemark/traffic';
import { InputError } from '../errors.ts';
import { type DistributedOptions, runShards, type ShardReport } from './run-shards.ts';

/** Job name of a group of logs to ingest. */
export const TRAFFIC_INGEST_JOB = 'traffic-ingest';

export interface TrafficIngestJob {
  readonly run: string;
  readonly options: {
    /** Absolute paths; each is ingested into `PATH.duckdb`. */
    readonly logs: readonly string[];
    readonly mapping: FieldMapping;
    readonly skipBadLines: boolean;
    readonly format?: LogFormat;
  };
}

/** Per log, what the worker did. */
export interface TrafficIngestResult {
  readonly logs: readonly { readonly log: string; readonly database: string; readonly exchanges: number; readonly reused: boolean; readonly badLines: number }[];
}

/** Worker side: ingest the job's logs, one after the other (DuckDB uses the machine's cores for each). */
export async function ingestLogs(job: TrafficIngestJob, log: (line: string) => void): Promise<TrafficIngestResult> {
  const { ingestLog } = await import('@tracemark/traffic');
  const { logs, mapping, skipBadLines, format } = job.options;
  const out = [];
  for (const path of logs) {
    const r = await ingestLog(path, { mapping, skipBadLines, ...(format ? { format } : {}), onProgress: log });
    out.push({ log: r.log, database: r.database, exchanges: r.exchanges, reused: r.reused, badLines: r.badLines });
  }
  return { logs: out };
}

/**
 * Split `paths` into at most `shards` groups of about equal bytes: largest first, each to the
 * lightest group so far (ties to the lower index), so the same logs always give the same groups.
 */
export function groupLogs(sizes: readonly { path: string; bytes: number }[], shards: number): string[][] {
  const groups = Array.from({ length: Math.min(shards, sizes.length) }, () => ({ bytes: 0, paths: [] as string[] }));
  const order = [...sizes].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const s of order) {
    let g = groups[0]!;
    for (const h of groups) if (h.bytes < g.bytes) g = h;
    g.bytes += s.bytes;
    g.paths.push(s.path);
  }
  return groups.map((g) => g.paths);
}

/**
 * Enqueuing side: have workers ingest every log (scanned and reference), and wait for them. The
 * scan that follows finds each database current and opens it instead of parsing the log again.
 */
export async function ingestDistributed(
  o: DistributedOptions & { logs: readonly string[]; mapping: FieldMapping; skipBadLines: boolean; format?: LogFormat },
): Promise<{ shards: ShardReport[]; exchanges: number }> {
  const log = o.log ?? (() => {});
  const sizes = await Promise.all(
    o.logs.map(async (p) => {
      const path = resolve(p);
      const s = await stat(path).catch((e: NodeJS.ErrnoException) => Promise.reject(new InputError(`${p}: ${e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code ?? e.message})`} (workers read the same paths)`)));
      if (s.isDirectory()) throw new InputError(`${p}: is a directory, expected an exchange log`);
      return { path, bytes: s.size };
    }),
  );
  const groups = groupLogs(sizes, o.shards);
  log(`${o.logs.length} log(s) in ${groups.length} ingest job(s); workers write LOG.duckdb beside each log, this process then scans them`);
  const { results, shards } = await runShards<TrafficIngestJob, TrafficIngestResult>({ ...o, shards: groups.length }, TRAFFIC_INGEST_JOB, (run, index) => ({
    run,
    options: { logs: groups[index]!, mapping: o.mapping, skipBadLines: o.skipBadLines, ...(o.format ? { format: o.format } : {}) },
  }));
  let exchanges = 0;
  for (const r of results) {
    for (const l of r.logs) {
      exchanges += l.exchanges;
      // The scan would still be right (it ingests again), but the work would have been done twice.
      if (!existsSync(l.database)) log(`${l.log}: the worker's database ${l.database} is not visible here; this process ingests the log again (workers and this process must share the file system)`);
    }
  }
  return { shards, exchanges };
}
