/**
 * The scan: per-account signals and their calibrated p-values, the coordination graph and its
 * clusters, each cluster's conjunction test, Holm's correction over every cluster tested and the
 * report. Exchanges stay in DuckDB (attached read-only from each log's `LOG.duckdb`); JavaScript
 * holds one row per account, the graph's edges and the clusters.
 *
 * Calibration: with reference logs, every per-account p-value is conformal against the reference
 * accounts, and each cluster's content test pools the reference accounts with the members. Without,
 * the scanned population calibrates itself, valid under the stated assumption that most of its
 * accounts are benign (campaign accounts in the population make benign accounts' p-values larger,
 * i.e. more conservative, but also hide a campaign that is a large share of it). The coordination
 * test always uses the scanned population: it asks how unusual the sharing is among these accounts.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { bhAdjust, holmAdjust, type PValue, pValueFromLog10, pValueFromProbability } from '@tracemark/stats';
import { accountFeaturesSql, COMPLETION_TOKENS_SQL } from './account-features-sql.ts';
import { CONTENT_LEVELS, contentTest, coordinationTest, extractionShape } from './cluster-tests.ts';
import { conformalPValues } from './conformal-p-values.ts';
import { clusterSharedValuesSql, coordinationEdgesSql, coordinationValuesSql } from './coordination-sql.ts';
import { sqlLiteral } from './exchange-sql.ts';
import { type CoordinationEdge, findClusters } from './find-clusters.ts';
import { type IngestedLog } from './ingest-log.ts';
import { type AccountFeatures, SIGNAL_NAMES, type SignalName, SIGNALS } from './signals.ts';
import {
  type AccountResult,
  type ClusterResult,
  FLAG_MEANING,
  type IngestParameters,
  type ReportInput,
  TRAFFIC_REPORT_TYPE,
  TRAFFIC_REPORT_VERSION,
  type TrafficReport,
} from './traffic-report.ts';
import { TrafficInputError } from './traffic-errors.ts';

export interface ScanOptions {
  readonly alpha: number;
  readonly references?: readonly IngestedLog[];
  /** SHA-256 of each whole file by path (for signed reports); the head's digest otherwise. */
  readonly sha256?: ReadonlyMap<string, string>;
  readonly onProgress?: (message: string) => void;
  /** DuckDB memory limit (default 2GB: well inside the 4 GiB budget, DuckDB spills beyond it). */
  readonly memoryLimit?: string;
  /** How the logs were read, recorded in the report so that it can be recomputed. */
  readonly ingest?: IngestParameters;
}

const report10 = (log10PValue: number) => ({ pValue: 10 ** log10PValue, log10PValue });
const fromP = (p: PValue) => ({ pValue: p.pValue, log10PValue: p.log10PValue });

async function rows<T>(c: DuckDBConnection, sql: string): Promise<T[]> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS() as T[];
}

function toFeatures(r: Record<string, unknown>): AccountFeatures {
  return {
    account: String(r.account),
    n: Number(r.n),
    kElicit: Number(r.k_elicit),
    kLogprobs: Number(r.k_logprobs),
    kAtCap: Number(r.k_cap),
    temperatures: Number(r.temperatures),
    distinctPrompts: Number(r.distinct_prompts),
    collidingPrompts: Number(r.colliding),
    shapeDistance: Number(r.shape_distance),
    completionTokens: Number(r.completion_tokens),
    first: Number(r.first),
    last: Number(r.last),
  };
}

/** Attach each database read-only and union their exchanges into a view. */
async function attachAll(c: DuckDBConnection, view: string, logs: readonly IngestedLog[]): Promise<void> {
  const parts: string[] = [];
  for (const [i, log] of logs.entries()) {
    const alias = `${view}_${i}`;
    await c.run(`ATTACH ${sqlLiteral(log.database)} AS ${alias} (READ_ONLY)`);
    parts.push(`SELECT * FROM ${alias}.exchanges`);
  }
  await c.run(`CREATE VIEW ${view} AS ${parts.join(' UNION ALL ')}`);
}

/** Per-signal scores, one Float64Array per signal, in account order. */
function scoresOf(features: readonly AccountFeatures[]): Record<SignalName, Float64Array> {
  const out = {} as Record<SignalName, Float64Array>;
  for (const s of SIGNALS) out[s.name] = Float64Array.from(features, s.score);
  return out;
}

function shapeOf(p: Record<SignalName, ArrayLike<number>>, i: number): number {
  return extractionShape({ sweep: p.sweep[i]!, distribution: p.distribution[i]!, elicitation: p.elicitation[i]!, harvest: p.harvest[i]! });
}

/** Extraction-shape p-values within a pool (the pool calibrates itself). */
function poolShapes(scores: Record<SignalName, Float64Array>): Float64Array {
  const p = {} as Record<SignalName, Float64Array>;
  for (const name of SIGNAL_NAMES) p[name] = Float64Array.from(conformalPValues(scores[name], scores[name], true), (x) => x.pValue);
  const n = scores.sweep.length;
  return Float64Array.from({ length: n }, (_, i) => shapeOf(p, i));
}

export async function scanTraffic(logs: readonly IngestedLog[], o: ScanOptions): Promise<TrafficReport> {
  if (logs.length === 0) throw new TrafficInputError('no exchange log to scan');
  const references = o.references ?? [];
  const progress = o.onProgress ?? (() => {});
  // Spill files go to a folder of this process's own, removed when the scan ends.
  const spill = join(tmpdir(), `tracemark-duckdb-${process.pid}-${Date.now().toString(36)}`);
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: o.memoryLimit ?? '2GB', temp_directory: spill });
  const c = await instance.connect();
  try {
    await attachAll(c, 'scanned', logs);
    const all = references.length ? 'all_traffic' : 'scanned';
    if (references.length) {
      await attachAll(c, 'reference', references);
      await c.run('CREATE VIEW all_traffic AS SELECT * FROM scanned UNION ALL SELECT * FROM reference');
    }
    await c.run(`CREATE TEMP TABLE caps AS SELECT model, max(max_tokens) AS cap FROM ${all} GROUP BY model`);
    progress('scan: per-account features…');
    const benign = references.length ? 'reference' : 'scanned';
    const features = (await rows<Record<string, unknown>>(c, accountFeaturesSql('scanned', benign, 'caps'))).map(toFeatures);
    const refFeatures = references.length ? (await rows<Record<string, unknown>>(c, accountFeaturesSql('reference', benign, 'caps'))).map(toFeatures) : null;
    if (refFeatures !== null && refFeatures.length < 20)
      throw new TrafficInputError(`the reference logs hold ${refFeatures.length} accounts; at least 20 are needed to calibrate (conformal p-values cannot go below 1/(n + 1))`);
    const N = features.length;
    const scores = scoresOf(features);
    const refScores = refFeatures ? scoresOf(refFeatures) : null;

    progress(`scan: ${N} accounts; coordination graph…`);
    for (const sql of coordinationValuesSql('scanned')) await c.run(sql);
    const cap = Math.max(20, Math.ceil(0.05 * N));
    const edges = (await rows<{ a: string; b: string; infra: number; templates: number }>(c, coordinationEdgesSql(cap))).map(
      (e): CoordinationEdge => ({ a: e.a, b: e.b, infra: Number(e.infra), templates: Number(e.templates) }),
    );
    const { clusters, degree } = findClusters(edges);
    const degreeScores = Float64Array.from(features, (f) => degree.get(f.account) ?? 0);
    const valuesTested = Number((await rows<{ v: number }>(c, `SELECT count(*)::DOUBLE AS v FROM grp WHERE k <= ${cap}`))[0]!.v);

    // Per-account signal p-values.
    const signalP = {} as Record<SignalName | 'coordination', PValue[]>;
    for (const name of SIGNAL_NAMES) signalP[name] = refScores ? conformalPValues(scores[name], refScores[name], false) : conformalPValues(scores[name], scores[name], true);
    signalP.coordination = conformalPValues(degreeScores, degreeScores, true);
    const pNum = {} as Record<SignalName, Float64Array>;
    for (const name of SIGNAL_NAMES) pNum[name] = Float64Array.from(signalP[name], (p) => p.pValue);
    const accountShape = Float64Array.from({ length: N }, (_, i) => shapeOf(pNum, i));
    const populationShape = refScores ? null : accountShape;

    progress(`scan: testing ${clusters.length} clusters…`);
    const index = new Map(features.map((f, i) => [f.account, i]));
    await c.run('CREATE TABLE members (account VARCHAR, cluster INTEGER)');
    const appender = await c.createAppender('members');
    clusters.forEach((members, id) => {
      for (const a of members) {
        appender.appendVarchar(a);
        appender.appendInteger(id);
        appender.endRow();
      }
    });
    appender.closeSync();
    const shared = await rows<{ cluster: number; kind: string; value: string; x: number; k: number }>(c, clusterSharedValuesSql(cap));
    const sharedBy = new Map<number, { kind: string; value: string; x: number; k: number }[]>();
    for (const s of shared) {
      const list = sharedBy.get(Number(s.cluster)) ?? [];
      list.push({ kind: s.kind, value: s.value, x: Number(s.x), k: Number(s.k) });
      sharedBy.set(Number(s.cluster), list);
    }
    const volume = await rows<{ cluster: number; exchanges: number; tokens: number; key_ids: (string | null)[]; first: string; last: string }>(
      c,
      `SELECT m.cluster, count(*)::DOUBLE AS exchanges, coalesce(sum(${COMPLETION_TOKENS_SQL}), 0)::DOUBLE AS tokens, list(DISTINCT key_id ORDER BY key_id) AS key_ids,
        strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS last
       FROM scanned JOIN members m USING (account) GROUP BY m.cluster`,
    );
    const volumeBy = new Map(volume.map((v) => [Number(v.cluster), v]));

    const raw = clusters.map((members, id) => {
      const idx = members.map((a) => index.get(a)!);
      let memberShape: Float64Array;
      let poolShape: Float64Array;
      if (populationShape) {
        memberShape = Float64Array.from(idx, (i) => populationShape[i]!);
        poolShape = populationShape;
      } else {
        // The pool: the reference accounts and the members, ranked together (symmetric, so exact).
        const pooled = {} as Record<SignalName, Float64Array>;
        for (const name of SIGNAL_NAMES) pooled[name] = Float64Array.from([...refScores![name], ...idx.map((i) => scores[name][i]!)]);
        poolShape = poolShapes(pooled);
        memberShape = poolShape.subarray(poolShape.length - idx.length);
      }
      const content = contentTest(memberShape, poolShape);
      const coordination = coordinationTest(sharedBy.get(id) ?? [], N, members.length, valuesTested);
      const log10 = Math.max(content.log10PValue, coordination.log10PValue);
      return { members, idx, memberShape, content, coordination, log10 };
    });
    const holm = holmAdjust(raw.map((r) => pValueFromLog10(r.log10)));
    const bh = bhAdjust(raw.map((r) => pValueFromLog10(r.log10)));

    const clusterOf = new Map<string, number>();
    const flaggedAccounts = new Set<string>();
    const clusterResults: ClusterResult[] = raw.map((r, id) => {
      const flagged = holm[id]!.log10PValue <= Math.log10(o.alpha);
      r.members.forEach((a, j) => {
        clusterOf.set(a, id);
        if (flagged && r.memberShape[j]! <= r.content.level) flaggedAccounts.add(a);
      });
      const v = volumeBy.get(id);
      return {
        id,
        accounts: r.members,
        flagged,
        ...report10(r.log10),
        holm: fromP(holm[id]!),
        qValue: fromP(bh[id]!),
        coordination: { ...report10(r.coordination.log10PValue), strongest: r.coordination.strongest, valuesTested: r.coordination.valuesTested },
        content: { ...report10(r.content.log10PValue), level: r.content.level, marked: r.content.marked, populationMarked: r.content.populationMarked, populationSize: r.content.populationSize },
        exchanges: v ? Number(v.exchanges) : 0,
        completionTokens: v ? Number(v.tokens) : 0,
        keyIds: v ? v.key_ids.filter((k): k is string => k !== null) : [],
        first: v?.first ?? '',
        last: v?.last ?? '',
      };
    });

    const accounts: AccountResult[] = features.map((f, i) => {
      const cluster = clusterOf.get(f.account) ?? null;
      const signals = {} as Record<SignalName | 'coordination', { score: number; pValue: number; log10PValue: number }>;
      for (const name of SIGNAL_NAMES) signals[name] = { score: scores[name][i]!, ...fromP(signalP[name][i]!) };
      signals.coordination = { score: degreeScores[i]!, ...fromP(signalP.coordination[i]!) };
      const content = pValueFromProbability(accountShape[i]!);
      // An account's hypothesis is its cluster's conjunction and its own content: max of the two
      // (intersection–union). An account in no cluster shows no coordination: p = 1.
      const p = cluster === null ? pValueFromProbability(1) : pValueFromLog10(Math.max(raw[cluster]!.log10, content.log10PValue));
      return { account: f.account, flagged: flaggedAccounts.has(f.account), cluster, exchanges: f.n, signals, content: fromP(content), ...fromP(p) };
    });

    const inputs: ReportInput[] = [...logs.map((l) => ({ l, role: 'log' as const })), ...references.map((l) => ({ l, role: 'reference' as const }))].map(({ l, role }) => ({
      role,
      path: l.log,
      bytes: l.bytes,
      sha256: o.sha256?.get(l.log) ?? '',
      exchanges: l.exchanges,
      badLines: l.badLines,
      badLineExamples: l.badLineExamples,
      database: l.database,
    }));
    return {
      type: TRAFFIC_REPORT_TYPE,
      version: TRAFFIC_REPORT_VERSION,
      alpha: o.alpha,
      ...(o.ingest ? { ingest: o.ingest } : {}),
      correction: 'holm',
      calibration: refFeatures
        ? { mode: 'reference', statement: `per-account p-values are conformal against the ${refFeatures.length} accounts of the reference log(s), exactly valid when a benign scanned account is exchangeable with them; cluster content tests pool the reference accounts with the members; coordination is calibrated on random groups of the scanned log's ${N} accounts` }
        : { mode: 'population', statement: `no reference log: the ${N} scanned accounts calibrate themselves, under the assumption that most of them are benign (campaign accounts make benign accounts' p-values conservative, but a campaign that is a large share of the population is harder to see); conformal p-values are exactly valid under exchangeability of benign accounts` },
      meaning: FLAG_MEANING,
      method: [
        'each account: four content signals (versions below), each a score whose p-value is conformal — (1 + #{benign ≥ s}) / (n + 1), exactly valid under exchangeability, ties counted against the account; and a coordination signal (weighted degree in the coordination graph)',
        'extraction shape of an account: max(2·min(p_sweep, p_distribution), 2·min(p_elicitation, p_harvest)) — an intersection–union of two Bonferroni unions, valid under any dependence',
        'clusters: Louvain communities of the graph linking accounts that share an IPv4 /24 or IPv6 /48, a user agent, a payment fingerprint, three MinHash template buckets or a timing signature held by few accounts',
        `cluster coordination: exact hypergeometric tail of the most shared value against random groups of the same size, Bonferroni over ${valuesTested} values (clusters are found through these values, so this is a necessary condition, not a test on its own)`,
        `cluster content: exact hypergeometric tail of the number of members whose extraction shape is ≤ q among random groups of the same size, q on the grid ${CONTENT_LEVELS.join(', ')}, Bonferroni over the grid`,
        'cluster p-value: max(coordination, content) — flagged only when coordinated AND extraction-shaped; Holm over all clusters tested at alpha, Benjamini–Hochberg q-values reported; p-values in log10 where they are exact',
        'accounts flagged: members of a flagged cluster whose own extraction shape is ≤ the level q that cluster\'s content test used; an account\'s p-value is max(its cluster\'s, its own extraction shape), 1 outside any cluster',
      ],
      signals: SIGNALS.map((s) => ({ name: s.name, version: s.version, description: s.description })),
      inputs,
      exchanges: logs.reduce((s, l) => s + l.exchanges, 0),
      accountsTested: N,
      clustersTested: clusters.length,
      accounts,
      clusters: clusterResults,
    };
  } finally {
    c.closeSync();
    instance.closeSync();
    await rm(spill, { recursive: true, force: true });
  }
}
