/**
 * Ingest one exchange log (JSONL, CSV or Parquet) into a DuckDB file next to it, `LOG.duckdb`,
 * holding the per-exchange features of `featuresSql` (not the prompt text). The database records a
 * cache key — the features version, the field mapping, the bad-line policy and the log's size,
 * modification time and SHA-256 of its first MiB — so a second scan of an unchanged log opens it
 * instead of parsing again. It is built under a temporary name and renamed when complete, so a
 * crash or a bad line never leaves a database that looks finished.
 *
 * Bad lines: DuckDB's `read_json` with explicit columns validates every line (fastest, measured in
 * bench/traffic.ts); if it rejects the file or `PROBLEM_SQL` finds an invalid row, a streaming
 * pass (`findBadLines`) names the first bad line. With `skipBadLines` the bad lines are counted
 * and listed in the result, never dropped silently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PROBLEM_SQL, FEATURES_VERSION, featuresSql, sqlLiteral } from './exchange-sql.ts';
import { CANONICAL_FIELDS, type CanonicalField, type FieldMapping } from './field-mapping.ts';
import { type BadLine, findBadLines, MAX_LINE_BYTES } from './find-bad-lines.ts';
import { TrafficInputError, TrafficIoError } from './traffic-errors.ts';

export type LogFormat = 'jsonl' | 'csv' | 'parquet';

export interface IngestOptions {
  readonly mapping: FieldMapping;
  readonly skipBadLines?: boolean;
  readonly format?: LogFormat;
  /** Where to keep the database (default `${log}.duckdb`). */
  readonly databasePath?: string;
  readonly onProgress?: (message: string) => void;
}

export interface IngestedLog {
  readonly log: string;
  readonly database: string;
  readonly exchanges: number;
  /** True when an existing database matched the cache key and nothing was parsed. */
  readonly reused: boolean;
  readonly badLines: number;
  readonly badLineExamples: readonly BadLine[];
  readonly format: LogFormat;
  /** SHA-256 of the log's first MiB and its size: what the cache key and a report identify it by. */
  readonly headSha256: string;
  readonly bytes: number;
}

const SNAKE: Record<CanonicalField, string> = {
  time: 'time', account: 'account', ip: 'ip', userAgent: 'user_agent', payment: 'payment', endpoint: 'endpoint',
  status: 'status', request: 'request', response: 'response', keyId: 'key_id',
};
const JSON_FIELDS = new Set<CanonicalField>(['request', 'response']);
const REQUIRED = new Set<CanonicalField>(['time', 'account', 'ip', 'endpoint', 'status', 'request']);

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function detectFormat(path: string): LogFormat {
  const p = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (p.endsWith('.csv') || p.endsWith('.tsv')) return 'csv';
  if (p.endsWith('.parquet')) return 'parquet';
  return 'jsonl';
}

async function cacheKey(path: string, o: IngestOptions, format: LogFormat): Promise<{ key: string; headSha256: string; bytes: number }> {
  let bytes: number;
  let mtimeMs: number;
  let head: Buffer;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new TrafficInputError(`${path}: is a directory, expected an exchange log`);
    bytes = s.size;
    mtimeMs = s.mtimeMs;
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, 1 << 20));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof TrafficInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TrafficInputError(`${path}: no such file`);
    throw new TrafficIoError(`${path}: cannot read (${code ?? (e as Error).message})`);
  }
  const headSha256 = createHash('sha256').update(head).digest('hex');
  const key = JSON.stringify({ v: FEATURES_VERSION, format, mapping: o.mapping, skip: o.skipBadLines === true, bytes, mtimeMs, headSha256 });
  return { key, headSha256, bytes };
}

/** The stored ingest if its key matches, else null (a stale or unreadable database is rebuilt). */
async function openCached(database: string, key: string): Promise<{ exchanges: number; badLines: number; badLineExamples: BadLine[] } | null> {
  try {
    await stat(database);
  } catch {
    return null;
  }
  let instance: DuckDBInstance | undefined;
  try {
    instance = await DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
    const c = await instance.connect();
    const rows = (await c.runAndReadAll('SELECT key, value FROM meta')).getRowObjectsJS() as { key: string; value: string }[];
    c.closeSync();
    const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    if (meta.cacheKey !== key) return null;
    return { exchanges: Number(meta.exchanges), badLines: Number(meta.badLines), badLineExamples: JSON.parse(meta.badLineExamples ?? '[]') };
  } catch {
    return null;
  } finally {
    instance?.closeSync();
  }
}

/** SQL reading the log into canonical columns (VARCHAR, JSON for request/response). */
async function sourceSql(c: DuckDBConnection, path: string, o: IngestOptions, format: LogFormat): Promise<string> {
  const m = o.mapping;
  if (format === 'jsonl') {
    // "type": the gateway's log interleaves its integrity lines (open, checkpoint, close) with the
    // exchanges; a line whose type is present and is not "exchange" is not traffic and is skipped.
    const typeColumn = (CANONICAL_FIELDS as readonly string[]).map((f) => m[f as CanonicalField]).includes('type') ? [] : [`'type': 'VARCHAR'`];
    const columns = [...CANONICAL_FIELDS.map((f) => `${sqlLiteral(m[f])}: '${JSON_FIELDS.has(f) ? 'JSON' : 'VARCHAR'}'`), ...typeColumn].join(', ');
    const select = [...CANONICAL_FIELDS.map((f) => `${ident(m[f])} AS ${SNAKE[f]}`), typeColumn.length ? `"type" AS line_type` : `NULL::VARCHAR AS line_type`].join(', ');
    return `SELECT ${select} FROM read_json(${sqlLiteral(path)}, format = 'newline_delimited', records = true, columns = {${columns}},
      maximum_object_size = ${MAX_LINE_BYTES}, ignore_errors = ${o.skipBadLines === true})`;
  }
  const reader = format === 'csv'
    ? // Never ignore_errors here: DuckDB would drop unparseable CSV rows without counting them. A
      // malformed row stops the ingest with DuckDB's message, which names its line; rows that parse
      // but are not valid exchanges are counted and skipped under --skip-bad-lines.
      `read_csv(${sqlLiteral(path)}, header = true, all_varchar = true, max_line_size = ${MAX_LINE_BYTES})`
    : `read_parquet(${sqlLiteral(path)})`;
  const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
  const types = new Map(described.map((d) => [d.column_name, d.column_type]));
  const select = CANONICAL_FIELDS.map((f) => {
    const type = types.get(m[f]);
    if (type === undefined) {
      if (REQUIRED.has(f)) throw new TrafficInputError(`${path}: no column "${m[f]}" for field ${f} (columns: ${[...types.keys()].join(', ')}; map names with --map ${f}=COLUMN)`);
      return `NULL::${JSON_FIELDS.has(f) ? 'JSON' : 'VARCHAR'} AS ${SNAKE[f]}`;
    }
    const col = ident(m[f]);
    if (JSON_FIELDS.has(f)) return `${type === 'VARCHAR' || type === 'JSON' ? `try_cast(${col} AS JSON)` : `to_json(${col})`} AS ${SNAKE[f]}`;
    return `${col}::VARCHAR AS ${SNAKE[f]}`;
  });
  select.push(types.has('type') && !Object.values(m).includes('type') ? `"type"::VARCHAR AS line_type` : `NULL::VARCHAR AS line_type`);
  return `SELECT ${select.join(', ')} FROM ${reader}`;
}

/**
 * Ingest `path` (or reuse its database). Progress messages go to `onProgress`.
 *
 * @throws {TrafficInputError} naming `file:line` for the first bad line (unless `skipBadLines`),
 *   for an empty log, or for a CSV/Parquet export without a required column.
 * @throws {TrafficIoError} when the log cannot be read or the database cannot be written.
 */
/** DuckDB's memory limit while ingesting (it spills beyond it); the scan uses the same. */
const INGEST_MEMORY_LIMIT = '2GB';

export async function ingestLog(path: string, o: IngestOptions): Promise<IngestedLog> {
  const format = o.format ?? detectFormat(path);
  const database = o.databasePath ?? `${path}.duckdb`;
  const { key, headSha256, bytes } = await cacheKey(path, o, format);
  const cached = await openCached(database, key);
  if (cached) {
    o.onProgress?.(`${path}: ${cached.exchanges} exchanges already ingested (${database})`);
    return { log: path, database, reused: true, format, headSha256, bytes, ...cached };
  }
  if (bytes === 0) throw new TrafficInputError(`${path}: empty log (no exchanges)`);
  o.onProgress?.(`${path}: ingesting ${(bytes / 2 ** 20).toFixed(1)} MiB (${format})…`);
  await removeStaleTemporaries(database);
  const tmp = `${temporaryPrefix(database)}${process.pid}-${randomBytes(4).toString('hex')}`;
  let instance: DuckDBInstance | undefined;
  let done = false;
  try {
    try {
      // Without a limit DuckDB takes 80% of RAM: the 16 M-exchange ingest peaked at 7.2 GiB RSS
      // (measured). With 2 GB it spills the raw table to disk beside the database instead.
      instance = await DuckDBInstance.create(tmp, { memory_limit: INGEST_MEMORY_LIMIT });
    } catch (e) {
      throw new TrafficIoError(`${database}: cannot create the scan database (${(e as Error).message})`);
    }
    const c = await instance.connect();
    const source = await sourceSql(c, path, o, format);
    try {
      await c.run(`CREATE TEMP TABLE raw AS SELECT * EXCLUDE (line_type), (${PROBLEM_SQL}) AS problem FROM (${source}) WHERE line_type IS NULL OR line_type = 'exchange'`);
    } catch (e) {
      if (e instanceof TrafficInputError) throw e;
      throw await describeRejection(path, o, format, (e as Error).message);
    }
    const counts = (await c.runAndReadAll(`SELECT count(*)::DOUBLE AS rows, count(problem)::DOUBLE AS bad FROM raw`)).getRowObjectsJS()[0] as { rows: number; bad: number };
    let badLines = 0;
    let badLineExamples: BadLine[] = [];
    if (counts.bad > 0 && !o.skipBadLines) throw await describeRejection(path, o, format, null, c);
    if (o.skipBadLines) {
      if (format === 'jsonl') {
        const scan = await findBadLines(path, o.mapping, { keep: 10 });
        // DuckDB's count of what it kept is authoritative; the streaming pass supplies line numbers.
        badLines = Math.max(scan.bad, scan.lines - (counts.rows - counts.bad));
        badLineExamples = [...scan.examples];
      } else {
        badLines = counts.bad;
      }
    }
    const valid = counts.rows - counts.bad;
    if (valid === 0) throw new TrafficInputError(`${path}: no valid exchanges${badLines ? ` (${badLines} bad lines skipped)` : ''}`);
    await c.run(`CREATE TABLE exchanges AS ${featuresSql('(SELECT * FROM raw WHERE problem IS NULL)')}`);
    await c.run('DROP TABLE raw');
    await c.run('CREATE TABLE meta (key VARCHAR, value VARCHAR)');
    const meta = { cacheKey: key, exchanges: String(valid), badLines: String(badLines), badLineExamples: JSON.stringify(badLineExamples), log: path };
    for (const [k, v] of Object.entries(meta)) await c.run(`INSERT INTO meta VALUES (${sqlLiteral(k)}, ${sqlLiteral(v)})`);
    await c.run('CHECKPOINT');
    c.closeSync();
    instance.closeSync();
    instance = undefined;
    try {
      await rename(tmp, database);
    } catch (e) {
      throw new TrafficIoError(`${database}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    done = true;
    o.onProgress?.(`${path}: ${valid} exchanges ingested into ${database}${badLines ? `, ${badLines} bad lines skipped` : ''}`);
    return { log: path, database, exchanges: valid, reused: false, badLines, badLineExamples, format, headSha256, bytes };
  } finally {
    instance?.closeSync();
    if (!done) await Promise.all([rm(tmp, { force: true }), rm(`${tmp}.wal`, { force: true }), rm(`${tmp}.tmp`, { recursive: true, force: true })]);
  }
}

/**
 * A half-built database is named `DB.tmp-HOST-PID-RANDOM`: the host and process that build it. A
 * process killed while ingesting (kill -9, a lost worker whose job the queue retried) leaves it
 * behind; it never looks finished (the name differs), but it takes disk space.
 */
const temporaryPrefix = (database: string) => `${database}.tmp-${hostname()}-`;

/**
 * Remove the half-built databases of `database` (and DuckDB's `.wal` and spill folder beside them)
 * left by processes of this host that no longer run. Other hosts' are left alone: whether their
 * process lives cannot be known from here.
 */
async function removeStaleTemporaries(database: string): Promise<void> {
  const prefix = basename(temporaryPrefix(database));
  let names: string[];
  try {
    names = await readdir(dirname(database));
  } catch {
    return; // the folder's problems surface when the database is created
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+(\.wal|\.tmp)?$/.exec(name.slice(prefix.length))?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    await rm(join(dirname(database), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** Turn DuckDB's rejection (or an invalid row) into an error naming the first bad line. */
async function describeRejection(path: string, o: IngestOptions, format: LogFormat, duckdbMessage: string | null, c?: DuckDBConnection): Promise<Error> {
  if (/No such file|cannot open|Permission denied/i.test(duckdbMessage ?? '')) return new TrafficIoError(`${path}: cannot read (${duckdbMessage})`);
  if (format === 'jsonl') {
    const scan = await findBadLines(path, o.mapping, { keep: 1, stopAtFirst: true });
    const first = scan.examples[0];
    if (first) return new TrafficInputError(`${path}:${first.line}: ${first.problem} (or use --skip-bad-lines to count and skip bad lines)`);
  }
  if (c && duckdbMessage === null) {
    const row = (await c.runAndReadAll('SELECT problem FROM raw WHERE problem IS NOT NULL LIMIT 1')).getRowObjectsJS()[0] as { problem: string };
    const n = (await c.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM raw WHERE problem IS NOT NULL')).getRowObjectsJS()[0] as { n: number };
    return new TrafficInputError(`${path}: ${n.n} bad rows, the first: ${row.problem} (or use --skip-bad-lines)`);
  }
  return new TrafficInputError(`${path}: ${(duckdbMessage ?? 'unreadable').split('\n')[0]}`);
}
