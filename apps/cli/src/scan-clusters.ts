/**
 * The clusters `tracemark audit --accounts-from-scan` tests: read a traffic-scan report
 * (`tracemark traffic scan --json/--out`), plain JSON or a signed DSSE envelope (`--sign`), check
 * its signature when a public key is given (@tracemark/evidence), and pick the clusters to test —
 * every flagged cluster by default, or the ones named with --cluster. Only the fields the audit
 * uses are read (`alpha`, `clusters[].{id, accounts, flagged, pValue, log10PValue, exchanges,
 * keyIds}`); each is checked, and a bad one is an error naming the file and the field.
 */
import { basename } from 'node:path';
import { type TrafficCluster, type TrafficScanSource } from '@tracemark/audit';
import { openEnvelope, parseEnvelope, parsePublicKey } from '@tracemark/evidence';
// The report's constants only: the package's index loads DuckDB, which reading a report does not need.
import { TRAFFIC_PREDICATE_TYPE, TRAFFIC_REPORT_TYPE } from '@tracemark/traffic/report';
import { InputError } from './errors.ts';
import { readTextInput } from './io.ts';

export interface ScanClusterOptions {
  /** Test these cluster ids (else every flagged cluster). */
  readonly cluster?: readonly number[];
  /** The scan signer's public key file: a signed scan is verified against it. */
  readonly publicKey?: string;
}

export interface ScanClusters {
  readonly scan: TrafficScanSource;
  readonly clusters: TrafficCluster[];
}

export async function readScanClusters(path: string, o: ScanClusterOptions): Promise<ScanClusters> {
  const text = await readTextInput(path);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const signed = isRecord(doc) && 'payloadType' in doc && 'signatures' in doc;
  let report: unknown = doc;
  let signerId: string | null = null;
  let signature: TrafficScanSource['signature'] = 'unsigned';
  if (signed) {
    const env = parseEnvelope(text, path);
    if (o.publicKey) {
      const key = parsePublicKey(await readTextInput(o.publicKey), o.publicKey);
      const statement = openEnvelope<unknown>(env, key.publicKey, path);
      if (statement.predicateType !== TRAFFIC_PREDICATE_TYPE) throw new InputError(`${path}: signed statement is a ${statement.predicateType}, not a traffic-scan report`);
      report = statement.predicate;
      signerId = key.signerId;
      signature = 'verified';
    } else {
      // Read, not trusted: the report says "unverified", and `audit` says so on stderr.
      let statement: unknown;
      try {
        statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
      } catch {
        throw new InputError(`${path}: the envelope's payload is not JSON`);
      }
      if (!isRecord(statement) || statement.predicateType !== TRAFFIC_PREDICATE_TYPE) throw new InputError(`${path}: the envelope does not hold a traffic-scan report`);
      report = statement.predicate;
      signerId = env.signatures[0]?.keyid ?? null;
      signature = 'unverified';
    }
  } else if (o.publicKey) {
    throw new InputError(`${path}: the scan report is not signed, so --scan-public-key cannot verify it (sign it with \`tracemark traffic scan --sign\`, or drop --scan-public-key)`);
  }
  const { alpha, all } = checkReport(report, path);
  const selection: TrafficScanSource['selection'] = o.cluster && o.cluster.length > 0 ? 'chosen' : 'flagged';
  let clusters: TrafficCluster[];
  if (selection === 'chosen') {
    clusters = [...new Set(o.cluster)].map((id) => {
      const c = all.find((x) => x.id === id);
      if (!c) throw new InputError(`${path}: no cluster ${id} (the scan has ${all.length ? all.map((x) => x.id).join(', ') : 'none'})`);
      return c;
    });
  } else {
    clusters = all.filter((c) => c.flagged);
    if (clusters.length === 0) throw new InputError(`${path}: the scan flagged no cluster; name one to test anyway with --cluster ID (the scan has ${all.length ? all.map((x) => x.id).join(', ') : 'none'})`);
  }
  return {
    scan: { path: basename(path), signature, signerId, alpha, clustersInScan: all.length, selection },
    clusters,
  };
}

function checkReport(report: unknown, path: string): { alpha: number; all: TrafficCluster[] } {
  if (!isRecord(report)) throw new InputError(`${path}: not a traffic-scan report (expected a JSON object)`);
  if (report.type !== undefined && report.type !== TRAFFIC_REPORT_TYPE) throw new InputError(`${path}: "type" is ${JSON.stringify(report.type)}, not a traffic-scan report (${TRAFFIC_REPORT_TYPE})`);
  const alpha = report.alpha;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw new InputError(`${path}: "alpha" must be a number in (0, 1)`);
  if (!Array.isArray(report.clusters)) throw new InputError(`${path}: no "clusters" array (is this a \`tracemark traffic scan\` report?)`);
  const all = report.clusters.map((c: unknown, i: number) => checkCluster(c, `${path}: clusters[${i}]`));
  const ids = new Set<number>();
  for (const c of all) {
    if (ids.has(c.id)) throw new InputError(`${path}: cluster id ${c.id} appears twice`);
    ids.add(c.id);
  }
  return { alpha, all };
}

function checkCluster(c: unknown, where: string): TrafficCluster {
  if (!isRecord(c)) throw new InputError(`${where}: not an object`);
  const num = (field: string, ok: (x: number) => boolean) => {
    const x = c[field];
    if (typeof x !== 'number' || !ok(x)) throw new InputError(`${where}.${field}: ${JSON.stringify(x)} is not valid`);
    return x;
  };
  const strings = (field: string) => {
    const x = c[field];
    if (!Array.isArray(x) || !x.every((s) => typeof s === 'string' && s !== '')) throw new InputError(`${where}.${field}: must be an array of non-empty strings`);
    return x as string[];
  };
  const accounts = strings('accounts');
  if (accounts.length === 0) throw new InputError(`${where}.accounts: empty`);
  if (new Set(accounts).size !== accounts.length) throw new InputError(`${where}.accounts: an account appears twice`);
  if (typeof c.flagged !== 'boolean') throw new InputError(`${where}.flagged: must be true or false`);
  return {
    id: num('id', Number.isSafeInteger),
    accounts,
    flagged: c.flagged,
    pValue: num('pValue', (x) => x >= 0 && x <= 1),
    log10PValue: num('log10PValue', (x) => x <= 0),
    exchanges: num('exchanges', (x) => Number.isSafeInteger(x) && x >= 0),
    keyIds: c.keyIds === undefined ? [] : strings('keyIds'),
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
