/**
 * Ingest every log (reusing each `LOG.duckdb` that is still current) and scan: the whole pipeline
 * behind `tracemark traffic scan`, so the CLI only parses options and renders.
 */
import { type FieldMapping } from './field-mapping.ts';
import { ingestLog, type LogFormat } from './ingest-log.ts';
import { scanTraffic } from './scan-traffic.ts';
import { type TrafficReport } from './traffic-report.ts';

export interface ScanLogsOptions {
  readonly alpha: number;
  readonly references?: readonly string[];
  readonly mapping: FieldMapping;
  readonly skipBadLines?: boolean;
  readonly format?: LogFormat;
  /** SHA-256 of each whole file by path, when the caller hashed them (for signing). */
  readonly sha256?: ReadonlyMap<string, string>;
  readonly onProgress?: (message: string) => void;
}

export async function scanLogs(logs: readonly string[], o: ScanLogsOptions): Promise<TrafficReport> {
  const ingestOne = (path: string) => ingestLog(path, { mapping: o.mapping, ...(o.skipBadLines ? { skipBadLines: true } : {}), ...(o.format ? { format: o.format } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  const scanned = [];
  for (const path of logs) scanned.push(await ingestOne(path));
  const references = [];
  for (const path of o.references ?? []) references.push(await ingestOne(path));
  // Recorded in the report: with the files, all a recomputation needs (`tracemark verify`).
  const ingest = { mapping: o.mapping, skipBadLines: o.skipBadLines === true, format: o.format ?? null };
  return scanTraffic(scanned, { alpha: o.alpha, references, ingest, ...(o.sha256 ? { sha256: o.sha256 } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
}
