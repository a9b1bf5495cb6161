/**
 * The whole radioactivity audit (Sander et al., "Watermarking Makes Language Models Radioactive",
 * NeurIPS 2024) as one function of data: given the teacher's key, the suspect's tokenized outputs,
 * optionally a next-token predictor for the suspect, the teacher's data, account names and a
 * behavioural fingerprint analysis, run every test that access permits and assemble the
 * `AuditReport` — parameters, input digests, each test's statistic and exact p-value, the tests
 * not run and why, the overall verdict, the score curve and a highlighted sample.
 *
 * Reading files, querying endpoints, signing and writing belong to the caller (the CLI's `audit`
 * reads and collects; `verify` re-reads the signed inputs and calls this again to recompute every
 * statistic). The key is not zeroed here: the caller owns it.
 */
import { type FingerprintAnalysis } from '@tracemark/fingerprint';
import { type Tokenizer } from '@tracemark/tokenizers';
import { createSchemeCore, publicKeyInfo, type WatermarkKey } from '@tracemark/watermark';
import { type AttributionResult, attributeAccounts } from './attribute-accounts.ts';
import { rankAccounts, type RawAccountScore } from './rank-accounts.ts';
import { attributeClusters } from './attribute-cluster.ts';
import { type ClusterEvidence, clusterEvidence, type TrafficCluster, type TrafficScanSource } from './cluster-evidence.ts';
import { AUDIT_REPORT_TYPE, type AuditReport, type InputDigest } from './audit-report.ts';
import { type AuditTest } from './audit-test.ts';
import { type SuspectOutput, closedModelTest } from './closed-model-test.ts';
import { combineVerdict } from './combine-verdict.ts';
import { fingerprintEvidence } from './fingerprint-evidence.ts';
import { type NextTokenPredictor, openModelTest } from './open-model-test.ts';
import { highlightSample, scoreCurve } from './report-material.ts';
import { collectTuples } from './tuples.ts';

/** The tool recorded in every report. */
export const AUDIT_TOOL = { name: 'tracemark', version: '0.1.0' } as const;

/** One suspect output with the id it is reported under (its prompt id, or `file:line`). */
export interface IdentifiedOutput extends SuspectOutput {
  readonly id: string;
}

/** The suspect can be teacher-forced: its predictor and the text forced through it. */
export interface OpenModelAccess {
  readonly predictor: NextTokenPredictor;
  /** Forced documents, tokenized; only the first `forcedTokens` tokens are used. */
  readonly forced: readonly Uint32Array[];
  readonly forcedTokens: number;
  /** What `forced` is (`builtin`, `builtin:moby-dick`, or a file), recorded in the parameters. */
  readonly forcedText: string;
}

/** How the outputs were collected, recorded in the report (null where outputs were given as a file). */
export interface CollectionParameters {
  readonly prompts: string | null;
  readonly count: number | null;
  readonly maxTokens: number | null;
  readonly seed: number;
}

export type AuditStage = 'teacher-forcing' | 'accounts';

/**
 * Per-account scoring done elsewhere (the CLI's `audit --redis`, on workers): it must return, for
 * the accounts given and in their order, exactly what `scoreAccounts` returns for them here. The
 * correction across accounts (`rankAccounts`) stays in `runAudit`, the same code as a local run.
 */
export type AccountScorer = (accounts: readonly string[], onProgress: (done: number, total: number) => void) => Promise<readonly RawAccountScore[]>;

export interface AuditInputs {
  readonly key: WatermarkKey;
  /** The key's tokenizer, for the highlighted sample. */
  readonly tokenizer: Tokenizer;
  readonly suspect: { readonly kind: AuditReport['suspect']['kind']; readonly name: string };
  readonly outputs: readonly IdentifiedOutput[];
  /** Digests of every input file, in the order they were read. */
  readonly digests: readonly InputDigest[];
  readonly alpha: number;
  /** Candidates per position in the open-model mass test. */
  readonly topK: number;
  /** Power requirement recorded in the parameters (see `powerShortfall`). */
  readonly targetEffect?: number;
  readonly collection: CollectionParameters;
  /** The teacher's own watermarked outputs, for the supervised closed-model test. */
  readonly teacherData?: readonly Uint32Array[];
  /** Run the supervised closed-model test (needs `teacherData`). */
  readonly supervisedFilter?: boolean;
  readonly openModel?: OpenModelAccess;
  /** Account names whose derived keys are tested (attribution). */
  readonly accounts?: readonly string[];
  /** Where the accounts are scored, when not here (see `AccountScorer`). */
  readonly accountScorer?: AccountScorer;
  /** Traffic-scan clusters: each cluster's keys tested together, plus attribution over their accounts (not with `accounts`). */
  readonly trafficClusters?: { readonly scan: TrafficScanSource; readonly clusters: readonly TrafficCluster[] };
  readonly fingerprint?: FingerprintAnalysis;
  readonly createdAt?: Date;
  readonly onProgress?: (stage: AuditStage, done: number, total: number) => void;
}

export async function runAudit(a: AuditInputs): Promise<AuditReport> {
  const tests: AuditTest[] = [];
  const skipped: AuditReport['skipped'] = [];
  tests.push(closedModelTest(a.key, a.outputs, { alpha: a.alpha }));
  supervisedTest(a, tests, skipped);
  await openModelTests(a, tests, skipped);
  if (a.accounts && a.trafficClusters) throw new RangeError('give account names or traffic clusters, not both');
  const onProgress = (d: number, t: number) => a.onProgress?.('accounts', d, t);
  const pooled = a.trafficClusters ? attributeClusters(a.key, a.trafficClusters.clusters, a.outputs, { alpha: a.alpha, onProgress }) : undefined;
  const accounts = a.accounts ? await attribute(a, a.accounts, onProgress) : pooled?.accounts;
  const clusters = pooled && a.trafficClusters ? clusterEvidence(a.trafficClusters.scan, a.trafficClusters.clusters, pooled) : undefined;
  const behaviour = a.fingerprint ? fingerprintEvidence(a.fingerprint) : undefined;
  if (!behaviour) skipped.push({ test: 'fingerprint', reason: 'no probe transcripts given (--fingerprint-suspect, --fingerprint-teacher, --fingerprint-reference)' });
  return assembleReport(a, tests, skipped, accounts, clusters, behaviour);
}

/** Account attribution, scored here or by `a.accountScorer`, corrected here either way. */
async function attribute(a: AuditInputs, accounts: readonly string[], onProgress: (done: number, total: number) => void): Promise<AttributionResult> {
  if (!a.accountScorer) return attributeAccounts(a.key, [...accounts], a.outputs, { alpha: a.alpha, onProgress });
  const raw = await a.accountScorer(accounts, onProgress);
  // A scorer that lost, repeated or reordered an account would change every Holm rank: refuse it.
  const wrong = raw.length !== accounts.length ? -1 : raw.findIndex((r, i) => r.account !== accounts[i]);
  if (raw.length !== accounts.length || wrong >= 0) {
    throw new Error(`account scorer returned ${raw.length} scores for ${accounts.length} accounts${wrong >= 0 ? ` (#${wrong} is ${JSON.stringify(raw[wrong]!.account)}, expected ${JSON.stringify(accounts[wrong])})` : ''}`);
  }
  return rankAccounts(raw, a.alpha);
}

function supervisedTest(a: AuditInputs, tests: AuditTest[], skipped: AuditReport['skipped']): void {
  if (!a.teacherData) return;
  if (!a.supervisedFilter) skipped.push({ test: 'closed-model-supervised', reason: 'not requested (--supervised-filter); it is valid but conservative, see README' });
  else if (a.key.scheme === 'unigram') skipped.push({ test: 'closed-model-supervised', reason: 'the unigram scheme has no context window to filter on' });
  else tests.push(closedModelTest(a.key, a.outputs, { alpha: a.alpha, teacherData: a.teacherData }));
}

async function openModelTests(a: AuditInputs, tests: AuditTest[], skipped: AuditReport['skipped']): Promise<void> {
  if (!a.openModel) {
    skipped.push({
      test: 'open-model',
      reason:
        a.suspect.kind === 'endpoint'
          ? 'the endpoint is queried through chat completions, which cannot teacher-force text; pass --open-model for a vLLM or llama.cpp server (or run the suspect locally, --suspect-model) for the open-model tests'
          : 'the suspect exposes no next-token probabilities (outputs only)',
    });
    return;
  }
  const { predictor, forced, forcedTokens } = a.openModel;
  // The suspect's prompts are never scored: their tuples say nothing about what it learned.
  const prompts = collectTuples(createSchemeCore(a.key), a.outputs.map((x) => x.prompt ?? new Uint32Array(0)));
  const open = await openModelTest(a.key, predictor, truncateTexts(forced, forcedTokens), {
    alpha: a.alpha,
    topK: a.topK,
    exclude: prompts,
    onProgress: (d, t) => a.onProgress?.('teacher-forcing', d, t),
  });
  tests.push(open.reading, open.mass);
}

/** The first `maxTokens` tokens of `texts`, in order (the last document cut short). */
function truncateTexts(texts: readonly Uint32Array[], maxTokens: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  let left = maxTokens;
  for (const t of texts) {
    if (left <= 0) break;
    out.push(t.length <= left ? t : t.subarray(0, left));
    left -= t.length;
  }
  return out;
}

function assembleReport(
  a: AuditInputs,
  tests: AuditTest[],
  skipped: AuditReport['skipped'],
  accounts: AttributionResult | undefined,
  clusters: ClusterEvidence | undefined,
  behaviour: ReturnType<typeof fingerprintEvidence> | undefined,
): AuditReport {
  const first = a.outputs.findIndex((x) => x.tokens.length > 0);
  const c = a.collection;
  return {
    type: AUDIT_REPORT_TYPE,
    version: 1,
    createdAt: (a.createdAt ?? new Date()).toISOString(),
    tool: { ...AUDIT_TOOL },
    key: publicKeyInfo(a.key),
    suspect: { kind: a.suspect.kind, name: a.suspect.name, outputs: a.outputs.length, tokens: a.outputs.reduce((n, x) => n + x.tokens.length, 0) },
    inputs: [...a.digests],
    parameters: {
      alpha: a.alpha,
      topK: a.topK,
      prompts: c.prompts,
      count: c.count,
      maxTokens: c.maxTokens,
      seed: c.seed,
      forcedTokens: a.openModel ? a.openModel.forcedTokens : null,
      forcedText: a.openModel ? a.openModel.forcedText : null,
      supervisedFilter: a.supervisedFilter ?? false,
      targetEffect: a.targetEffect ?? null,
      // Which scan clusters were tested, so `verify` re-reads the same ones from the scan file.
      ...(a.trafficClusters ? { scanClusters: a.trafficClusters.clusters.map((c) => c.id) } : {}),
    },
    tests,
    skipped,
    ...(accounts ? { accounts } : {}),
    ...(clusters ? { clusters } : {}),
    ...(behaviour ? { fingerprint: behaviour.reported } : {}),
    verdict: combineVerdict(tests, a.alpha, behaviour?.evidence),
    curve: scoreCurve(a.key, a.outputs),
    sample: first >= 0 ? highlightSample(a.key, a.tokenizer, a.outputs[first]!.id, a.outputs[first]!) : null,
  };
}
