/**
 * `tracemark traffic scan LOG…`: find coordinated, extraction-shaped clusters of accounts in API
 * exchange logs (the pipeline is `scanLogs` in @tracemark/traffic; this file parses, reads, calls,
 * writes and renders). The library is imported lazily so `tracemark --help` does not load DuckDB.
 */
import { type Statement } from '@tracemark/evidence';
import { type TrafficReport } from '@tracemark/traffic';
import { argument, defineCommand, flag, listOption, option } from '../command.ts';
import { InputError } from '../errors.ts';
import { formatPValue, renderTable } from '../format.ts';
import { checkOutput, type OutputFile, sha256File, writeOutputs } from '../io.ts';
import { parseAlpha } from '../option-parsers.ts';
import { distributedOptions, isDistributed } from '../distributed/distributed-options.ts';
import { note } from '../progress.ts';
import { loadSigner } from './signer.ts';

export interface TrafficScanOptions {
  readonly logs: readonly string[];
  readonly references?: readonly string[];
  readonly alpha: number;
  readonly out?: string;
  readonly html?: string;
  readonly sign?: string;
  readonly skipBadLines?: boolean;
  readonly map?: string;
  readonly format?: 'jsonl' | 'csv' | 'parquet' | undefined;
  readonly quiet?: boolean;
  /** Ingest the logs on `tracemark worker`s through this Redis (BullMQ), in up to `shards` jobs. */
  readonly redis?: string;
  readonly shards?: number;
  readonly queue?: string;
  /** Progress lines of the distributed ingest (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

export interface TrafficScanResult {
  readonly report: TrafficReport;
  readonly written: readonly string[];
}

export async function trafficScan(o: TrafficScanOptions): Promise<TrafficScanResult> {
  const { parseFieldMapping, scanLogs, TRAFFIC_PREDICATE_TYPE } = await import('@tracemark/traffic');
  if (o.logs.length === 0) throw new InputError('give at least one exchange log');
  if (o.sign && !o.out) throw new InputError('--sign needs --out (the signed report is written there)');
  const all = [...o.logs, ...(o.references ?? [])];
  const dup = all.find((p, i) => all.indexOf(p) !== i);
  if (dup !== undefined) throw new InputError(`${dup}: given twice (a log cannot be its own reference)`);
  // The library's TrafficInputError and TrafficIoError are InputError and IoError: they reach the
  // exit-code table as they are (2 and 3).
  const mapping = parseFieldMapping(o.map);
  // The output rule of every command: paths checked before the (long) scan, then written together.
  // A scan report is replaced when it exists, as before (a rescan refreshes it).
  for (const path of [o.out, o.html]) if (path) await checkOutput(path, { force: true });
  // With --redis, workers ingest the logs first; scanLogs below then finds their databases current.
  if (isDistributed(o)) {
    const { ingestDistributed } = await import('../distributed/traffic-ingest.ts');
    await ingestDistributed({
      redis: o.redis!,
      shards: o.shards!,
      ...(o.queue ? { queue: o.queue } : {}),
      ...(o.log ? { log: o.log } : {}),
      logs: all,
      mapping,
      skipBadLines: o.skipBadLines === true,
      ...(o.format ? { format: o.format } : {}),
    });
  }
  // Signed reports name every input by the digest of the whole file.
  const sha256 = o.sign ? new Map(await Promise.all(all.map(async (p) => [p, (await sha256File(p)).sha256] as const))) : undefined;
  const report = await scanLogs(o.logs, {
    alpha: o.alpha,
    mapping,
    ...(o.references?.length ? { references: o.references } : {}),
    ...(o.skipBadLines ? { skipBadLines: true } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(sha256 ? { sha256 } : {}),
    onProgress: (m) => note(m, { quiet: o.quiet === true }),
  });
  let envelopeJson: string | undefined;
  if (o.sign) {
    const { signStatement, STATEMENT_TYPE } = await import('@tracemark/evidence');
    const signer = await loadSigner(o.sign);
    const statement: Statement<TrafficReport> = {
      _type: STATEMENT_TYPE,
      subject: report.inputs.map((i) => ({ name: `${i.role}:${i.path}`, digest: { sha256: i.sha256 } })),
      predicateType: TRAFFIC_PREDICATE_TYPE,
      predicate: report,
    };
    envelopeJson = `${JSON.stringify(signStatement(statement, signer), null, 2)}\n`;
    signer.secretKey.fill(0);
  }
  const files: OutputFile[] = [];
  if (o.out) files.push({ path: o.out, data: envelopeJson ?? `${JSON.stringify(report, null, 2)}\n` });
  if (o.html) {
    const { renderTrafficReport } = await import('@tracemark/report-html');
    files.push({ path: o.html, data: renderTrafficReport(report, envelopeJson ? { envelopeJson } : {}) });
  }
  await writeOutputs(files, { force: true });
  const written = files.map((f) => f.path);
  return { report, written };
}

/** The JSON printed by `--json`: the report itself (alpha, accounts, clusters and how they were tested). */
export function trafficScanJson(r: TrafficScanResult): TrafficReport {
  return r.report;
}

export function renderTrafficScan(r: TrafficScanResult): string {
  const rep = r.report;
  const flagged = rep.clusters.filter((c) => c.flagged);
  const lines = [
    `${rep.exchanges} exchanges, ${rep.accountsTested} accounts, ${rep.clustersTested} clusters tested; Holm over clusters at alpha ${rep.alpha}`,
    `calibration (${rep.calibration.mode}): ${rep.calibration.statement}`,
    ...rep.inputs.filter((i) => i.badLines > 0).map((i) => `${i.path}: ${i.badLines} bad lines skipped (first: ${i.badLineExamples.map((b) => `line ${b.line} ${b.problem}`).slice(0, 3).join('; ')})`),
    '',
  ];
  if (rep.clusters.length) {
    lines.push(
      renderTable(
        ['cluster', 'accounts', 'flagged', 'p', 'coordination p', 'content p', 'exchanges', 'key ids'],
        rep.clusters.slice(0, 30).map((c) => [
          c.id,
          c.accounts.length,
          c.flagged ? 'FLAGGED' : 'no',
          formatPValue(c.log10PValue),
          `${formatPValue(c.coordination.log10PValue)}${c.coordination.strongest ? ` (${c.coordination.strongest.kind})` : ''}`,
          `${formatPValue(c.content.log10PValue)} (${c.content.marked}/${c.accounts.length})`,
          c.exchanges,
          c.keyIds.join(',') || '-',
        ]),
      ),
      '',
    );
  }
  lines.push(
    flagged.length
      ? `FLAGGED: ${flagged.length} cluster(s), ${rep.accounts.filter((a) => a.flagged).length} account(s): coordinated, extraction-shaped traffic`
      : 'no cluster flagged',
    `what a flag means: ${rep.meaning}`,
  );
  for (const w of r.written) lines.push(`wrote ${w}`);
  return lines.join('\n');
}

/** Register `traffic scan` under the `traffic` command (created by the caller, shared with `traffic simulate`). */
export const command = defineCommand({
  name: 'scan',
  description: 'find coordinated, extraction-shaped clusters of accounts in API exchange logs (JSONL, CSV or Parquet)',
  options: {
    logs: argument<string[]>('<logs...>', 'exchange logs; each is ingested once into LOG.duckdb next to it'),
    references: listOption('--reference <logs...>', 'benign reference logs that calibrate the p-values (default: the scanned accounts calibrate themselves, assuming most are benign)'),
    alpha: option('--alpha <α>', 'family-wise error rate over all clusters tested (Holm)', { parse: parseAlpha }).default(1e-3),
    map: option('--map <fields>', 'field names of logs from other stacks, e.g. account=user_id,ip=client_ip,time=ts'),
    format: option('--format <format>', 'input format (default: from the file extension)', { choices: ['jsonl', 'csv', 'parquet'] as const }),
    skipBadLines: flag('--skip-bad-lines', 'count, list and skip bad lines instead of stopping at the first'),
    out: option('--out <file>', 'write the report (JSON; a signed DSSE envelope with --sign)'),
    html: option('--html <file>', 'write a self-contained HTML page of the report'),
    sign: option('--sign <signer.json>', 'sign the report (in-toto statement in a DSSE envelope); needs --out'),
    json: flag('--json', 'print the report as JSON'),
    ...distributedOptions('the ingest of the logs', ' (workers write LOG.duckdb beside each log; the scan runs here)'),
  },
  async run({ json, ...o }, { emit, io }) {
    const r = await trafficScan({ ...o, references: o.references ?? [], quiet: json, log: (l) => io.stderr(`${l}\n`) });
    emit(json, trafficScanJson(r), renderTrafficScan(r));
  },
});
