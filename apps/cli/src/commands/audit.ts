/**
 * `tracemark audit`: test a suspect model for a teacher's watermark (radioactivity, Sander et al.
 * 2024). Collects what the suspect's access allows — its outputs from a file, generations from a
 * local model file, or generations from an OpenAI-compatible endpoint — runs every test that
 * access permits (closed-model, supervised closed-model, open-model reading and probability-mass
 * tests, per-account attribution, and with --accounts-from-scan the pooled test of each traffic-scan
 * cluster's keys beside the scan's evidence) and writes a report with input digests, parameters, each test's
 * statistic, effect, p-value and verdict, and an overall verdict with the rule that produced it.
 * Collected outputs are appended to a file as they arrive, so an interrupted audit loses nothing
 * and a rerun resumes.
 */
import { basename } from 'node:path';
import { type AuditReport, type AuditStage, AUDIT_REPORT_TYPE, type ClusterEvidence, powerShortfall, runAudit } from '@tracemark/audit';
import { signReport } from '@tracemark/evidence';
import { assertSameTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { type WatermarkKey } from '@tracemark/watermark';
import { type AuditSourceOptions, gatherAuditInputs, predictionCachePath } from '../audit-inputs.ts';
import { ExitCode, type ExitCodeValue, InputError } from '../errors.ts';
import { formatPValue, renderTable } from '../format.ts';
import { checkOutput, sha256File, writeOutputs } from '../io.ts';
import { loadKeyFile, tokenizerForKey } from '../keys.ts';
import { createProgress, note, type Progress } from '../progress.ts';
import { loadSigner } from './signer.ts';
import { defineCommand, flag, listOption, option } from '../command.ts';
import { MAX_SEED, parseAlpha, parseClusterIds, parseNumber } from '../option-parsers.ts';
// `import type`, erased whole: `{ type X }` keeps the import under verbatimModuleSyntax, and this
// module loads BullMQ, which a plain audit must not.
import type { QueuedAccounts } from '../distributed/audit-distributed.ts';
import { distributedOptions, isDistributed } from '../distributed/distributed-options.ts';

export const REPORT_TYPE = AUDIT_REPORT_TYPE;

export interface AuditCommandOptions extends AuditSourceOptions {
  key: string;
  /** Signer file: write the report as a signed DSSE envelope (in-toto Statement v1). */
  sign?: string;
  /** Also write the self-contained HTML report here (the signed envelope embedded with --sign). */
  html?: string;
  force?: boolean;
  tokenizer?: string;
  /** The explicit form of the default cluster selection (every flagged cluster). */
  flaggedClusters?: boolean;
  /** With `shards`: score the --accounts on `tracemark worker`s through this Redis (audit-distributed.ts). */
  redis?: string;
  shards?: number;
  queue?: string;
  /** The queue's progress lines with --redis (stderr in the CLI, as `detect --redis` writes them, even with --json). */
  log?: (line: string) => void;
}

export interface AuditCommandResult {
  report: AuditReport;
  envelopeJson?: string;
  exitCode: ExitCodeValue;
  warning?: string;
}

/** Parse → read → `runAudit` → sign and write; the exit code is 4 when --target-effect is not met. */
export async function audit(o: AuditCommandOptions): Promise<AuditCommandResult> {
  checkAuditOptions(o);
  // Every output path is checked before any work: a bad --html must not cost an audit's run or leave --out behind.
  for (const path of [o.out, o.html]) if (path) await checkOutput(path, { force: o.force ?? false });
  // --save-outputs is appended to (a rerun resumes from it), so it may exist; its folder must.
  if (o.saveOutputs) await checkOutput(o.saveOutputs, { mayExist: true });
  const key: WatermarkKey = await loadKeyFile(o.key);
  let report: AuditReport;
  try {
    report = await auditWithKey(o, key, isDistributed(o) ? await accountQueue(o) : undefined);
  } finally {
    key.secret.fill(0);
  }
  const envelopeJson = await writeReport(report, o);
  const weak = powerShortfall(report, o.targetEffect);
  if (!weak) return { report, ...(envelopeJson ? { envelopeJson } : {}), exitCode: ExitCode.ok };
  const warning = `too little text for the requested power: ${weak.name} scored ${weak.scored} tuples and can only detect an effect ≥ ${(weak.minimumDetectableRate! - weak.expectedRate).toFixed(4)} (asked: ${o.targetEffect}); collect more suspect outputs${o.out ? ` (report written to ${o.out})` : ''}`;
  return { report, ...(envelopeJson ? { envelopeJson } : {}), exitCode: ExitCode.insufficient, warning };
}

/** With --redis: queues the account shards for workers, given the loaded key and tokenizer (audit-distributed.ts). */
type AccountQueue = (key: WatermarkKey, tokenizer: Tokenizer) => Promise<QueuedAccounts>;

/** `--accounts` scored by workers through --redis; the queue code is loaded only then. */
async function accountQueue(o: AuditCommandOptions): Promise<AccountQueue> {
  const { queueAccountShards } = await import('../distributed/audit-distributed.ts');
  const log = (line: string) => (o.log ?? ((l: string) => note(l, { quiet: o.quiet ?? false })))(`audit: ${line}`);
  const paths = { key: o.key, suspectOutputs: o.suspectOutputs!, accounts: o.accounts!, ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}), alpha: o.alpha };
  return (key, tokenizer) => queueAccountShards({ ...paths, redis: o.redis!, shards: o.shards!, ...(o.queue ? { queue: o.queue } : {}), log }, key, tokenizer);
}

/** Read every input the options name and run the audit with an already loaded key (also used by `verify`). */
export async function auditWithKey(o: AuditSourceOptions & { tokenizer?: string }, key: WatermarkKey, queue?: AccountQueue): Promise<AuditReport> {
  const tokenizer = await tokenizerForKey(key, o.tokenizer);
  assertSameTokenizer(key.tokenizer, tokenizer.identity(), `key ${key.keyId}`);
  // Queued before the inputs are read here, so the workers prepare while this process does.
  const queued = queue ? await queue(key, tokenizer) : undefined;
  try {
    return await auditQueued(o, key, tokenizer, queued);
  } catch (e) {
    await queued?.cancel();
    throw e;
  }
}

async function auditQueued(o: AuditSourceOptions, key: WatermarkKey, tokenizer: Tokenizer, queued: QueuedAccounts | undefined): Promise<AuditReport> {
  const inputs = await gatherAuditInputs(o, key, tokenizer);
  const quiet = o.quiet ?? false;
  note(`audit: closed-model test on ${inputs.outputs.length} outputs`, { quiet });
  const bars = new Map<AuditStage, Progress>();
  const labels: Record<AuditStage, string> = { 'teacher-forcing': 'audit: teacher-forcing the suspect', accounts: 'audit: testing account keys' };
  const onProgress = (stage: AuditStage, done: number, total: number) => {
    if (!bars.has(stage)) bars.set(stage, createProgress(labels[stage], { quiet }));
    bars.get(stage)!.update(done, total);
  };
  let report: AuditReport;
  try {
    report = await runAudit({ ...inputs, onProgress, ...(queued ? { accountScorer: queued.scorer(inputs) } : {}) });
  } finally {
    for (const bar of bars.values()) bar.done();
  }
  // The server's answers are evidence too: digested once complete, so `verify` can recompute the
  // open-model tests from this file offline (the server may be gone by then).
  const cache = predictionCachePath(o);
  if (!cache) return report;
  return { ...report, inputs: [...report.inputs, { role: 'suspect-predictions', path: basename(cache), ...(await sha256File(cache)) }] };
}

function checkAuditOptions(o: AuditCommandOptions): void {
  const modes = [o.suspectOutputs, o.suspectModel, o.suspectEndpoint].filter((x) => x !== undefined).length;
  if (modes !== 1) throw new InputError('give exactly one of --suspect-outputs FILE, --suspect-model FILE or --suspect-endpoint URL');
  if (o.suspectEndpoint && !o.suspectName) throw new InputError('--suspect-endpoint needs --suspect-name (the model name the endpoint serves)');
  if (o.openModel && !o.suspectEndpoint) throw new InputError('--open-model is for --suspect-endpoint (a local --suspect-model always gets the open-model tests)');
  if (o.supervisedFilter && !o.teacherData) throw new InputError('--supervised-filter needs --teacher-data');
  const fp = [o.fingerprintSuspect, o.fingerprintTeacher].filter((x) => x !== undefined).length;
  const refs = (o.fingerprintReferences ?? []).length;
  if (fp === 1 || (fp === 2 && refs === 0) || (fp === 0 && refs > 0)) {
    throw new InputError('fingerprint evidence needs --fingerprint-suspect, --fingerprint-teacher and at least one --fingerprint-reference transcript');
  }
  if (o.sign && !o.out) throw new InputError('--sign needs --out (the signed report is written there)');
  if (o.accounts && o.accountsFromScan) throw new InputError('give --accounts FILE or --accounts-from-scan SCAN, not both');
  if (!o.accountsFromScan && (o.cluster || o.flaggedClusters || o.scanPublicKey)) throw new InputError('--cluster, --flagged-clusters and --scan-public-key need --accounts-from-scan');
  if (o.cluster && o.flaggedClusters) throw new InputError('give --cluster IDS or --flagged-clusters, not both');
  if (isDistributed(o)) {
    // Only per-account attribution is queued; it needs files every worker can read.
    if (!o.accounts) throw new InputError('--redis distributes --accounts attribution: give --accounts FILE (--accounts-from-scan is not distributed)');
    if (!o.suspectOutputs) throw new InputError('--redis needs --suspect-outputs FILE (workers read the same file); collect the outputs first with --save-outputs, then audit that file');
  }
}

/** Write the report (signed when --sign is given) and the HTML page; returns the envelope's JSON. */
async function writeReport(report: AuditReport, o: AuditCommandOptions): Promise<string | undefined> {
  let envelopeJson: string | undefined;
  if (o.sign) {
    const signer = await loadSigner(o.sign);
    envelopeJson = `${JSON.stringify(signReport(report, signer), null, 2)}\n`;
    signer.secretKey.fill(0);
  }
  const renderHtml = o.html ? (await import('@tracemark/report-html')).renderHtmlReport : undefined;
  // The JSON report and its HTML page are written together or not at all.
  await writeOutputs([
    ...(o.out ? [{ path: o.out, data: envelopeJson ?? `${JSON.stringify(report, null, 2)}\n` }] : []),
    ...(o.html && renderHtml ? [{ path: o.html, data: renderHtml(report, envelopeJson ? { envelopeJson } : {}) }] : []),
  ], { force: true });
  return envelopeJson;
}

export function renderAudit(r: AuditReport): string {
  const rows = r.tests.map((t) => [
    t.name,
    t.scored,
    `${t.rate.toFixed(4)} (null ${t.expectedRate.toFixed(4)})`,
    formatPValue(t.log10PValue),
    t.detected ? 'DETECTED' : 'not detected',
  ]);
  const lines = [
    `audit of ${r.suspect.name} (${r.suspect.kind}, ${r.suspect.outputs} outputs, ${r.suspect.tokens} tokens) for key ${r.key.keyId} (${r.key.scheme})`,
    '',
    renderTable(['test', 'scored', 'rate', 'p-value', 'result'], rows),
    '',
    ...r.tests.map((t) => `- ${t.name}: ${t.verdict}`),
    ...r.skipped.map((s) => `- ${s.test} not run: ${s.reason}`),
  ];
  if (r.accounts) {
    const a = r.accounts;
    lines.push('', `accounts: ${a.accountsTested} tested (Holm-corrected at alpha ${a.alpha}); leaked: ${a.leaked.length ? a.leaked.join(', ') : 'none'}`);
    for (const acc of a.accounts.slice(0, Math.max(5, a.leaked.length))) {
      lines.push(`  ${acc.account}: p = ${formatPValue(acc.log10PValue)}, adjusted ${formatPValue(acc.adjusted.log10PValue)}${acc.leaked ? '  ← leaked' : ''}`);
    }
  }
  if (r.clusters) lines.push('', ...renderClusters(r.clusters));
  lines.push('', `verdict: ${r.verdict.statement}`, `rule: ${r.verdict.rule}`);
  return lines.join('\n');
}

/** Traffic evidence beside model evidence, one row per cluster tested. */
function renderClusters(c: ClusterEvidence): string[] {
  const signature = c.scan.signature === 'verified' ? `signature verified (${c.scan.signerId})` : c.scan.signature === 'unverified' ? 'signed, signature NOT verified' : 'unsigned';
  const rows = c.clusters.map((x) => [
    x.id,
    x.traffic.accounts.length,
    x.traffic.exchanges,
    `${formatPValue(x.traffic.log10PValue)}${x.traffic.flagged ? ' flagged' : ''}`,
    formatPValue(x.model.log10PValue),
    formatPValue(x.model.adjusted.log10PValue),
    `${x.model.strongestAccount.account} ${formatPValue(x.model.strongestAccount.log10PValue)}`,
    x.model.detected ? 'DETECTED' : 'not detected',
  ]);
  return [
    `traffic clusters from ${c.scan.path} (${c.scan.selection === 'flagged' ? 'every flagged cluster' : 'chosen with --cluster'}; ${signature}); pooled test Holm-corrected over ${c.clustersTested} at alpha ${c.alpha}`,
    renderTable(['cluster', 'accounts', 'exchanges', 'scan p', 'pooled p', 'adjusted', 'strongest account alone', 'model evidence'], rows),
    ...c.clusters.filter((x) => x.servedKeys === 'none' || x.servedKeys === 'some').map((x) => `  cluster ${x.id}: ${x.servedKeys} of the keys tested were seen served in the scan (another master key served these accounts?)`),
    `  ${c.meaning}`,
  ];
}

export const command = defineCommand({
  name: 'audit',
  description: "test a suspect model for the teacher's watermark (radioactivity): closed-model, open-model and per-account tests",
  options: {
    key: option('--key <file>', "teacher's watermark key (the master key when --accounts is given)").required(),
    suspectOutputs: option('--suspect-outputs <file>', "JSONL of the suspect's outputs ({prompt?, response|text})"),
    suspectModel: option('--suspect-model <file>', 'a reference model file: generate from it and teacher-force it'),
    suspectEndpoint: option('--suspect-endpoint <url>', 'an OpenAI-compatible endpoint to generate from'),
    suspectName: option('--suspect-name <name>', 'the model name at --suspect-endpoint'),
    openModel: flag('--open-model', "also run the open-model tests through --suspect-endpoint's log-probabilities (vLLM prompt logprobs, llama.cpp server n_probs)"),
    suspectEndpointKind: option('--suspect-endpoint-kind <kind>', 'the server behind --suspect-endpoint, for --open-model', { choices: ['auto', 'vllm', 'llama-cpp'] as const }).default('auto'),
    suspectWindow: option('--suspect-window <tokens>', 'most tokens of context per request in --open-model (long texts are cut into windows overlapping by half)', { parse: parseNumber('suspect-window', 2, 1e6, true) }).default(1024),
    apiKeyEnv: option('--api-key-env <var>', 'environment variable holding the endpoint API key'),
    teacherData: option('--teacher-data <file>', "the teacher's watermarked outputs (JSONL), for --supervised-filter"),
    supervisedFilter: flag('--supervised-filter', "also run the closed-model test only at context windows seen in --teacher-data (teacher's own tuples excluded)"),
    forcedText: option('--forced-text <spec>', 'text to teacher-force in the open-model tests: FILE.jsonl, builtin (held-out State of the Union, default), builtin:moby-dick').default('builtin'),
    forcedTokens: option('--forced-tokens <n>', 'tokens of forced text to use', { parse: parseNumber('forced-tokens', 1, 1e8, true) }).default(20_000),
    prompts: option('--prompts <spec>', 'prompts to generate from: builtin, builtin:moby-dick or FILE.jsonl').default('builtin'),
    count: option('--count <n>', 'how many built-in prompts', { parse: parseNumber('count', 1, 1e6, true) }).default(300),
    maxTokens: option('--max-tokens <n>', 'tokens per generated output', { parse: parseNumber('max-tokens', 1, 100_000, true) }).default(100),
    seed: option('--seed <n>', 'generation seed', { parse: parseNumber('seed', 0, MAX_SEED, true) }).default(0),
    accounts: option('--accounts <file>', 'account names, one per line: test each account key derived from --key'),
    accountsFromScan: option('--accounts-from-scan <scan.json>', "a `traffic scan` report (JSON or signed envelope): test each cluster's account keys together (pooled) and each account"),
    cluster: option('--cluster <ids>', 'with --accounts-from-scan: the cluster id(s) to test, e.g. 3 or 3,7 (default: every flagged cluster)', { parse: parseClusterIds }),
    flaggedClusters: flag('--flagged-clusters', 'with --accounts-from-scan: test every cluster the scan flagged (the default)'),
    scanPublicKey: option('--scan-public-key <file>', "with --accounts-from-scan: verify the signed scan report against its signer's public key"),
    alpha: option('--alpha <α>', 'significance level', { parse: parseAlpha }).default(1e-3),
    topK: option('--top-k <k>', 'candidates per position in the open-model mass test', { parse: parseNumber('top-k', 1, 1000, true) }).default(20),
    targetEffect: option('--target-effect <x>', 'exit 4 unless every exact test could detect a rate increase ≥ x (80% power)', { parse: parseNumber('target-effect', 1e-9, 10) }),
    saveOutputs: option('--save-outputs <file>', 'append collected suspect outputs here (default: next to --out); a rerun resumes from it'),
    tokenizer: option('--tokenizer <name|path>', "tokenizer (default: the key's)"),
    out: option('--out <file>', 'write the JSON report here'),
    sign: option('--sign <signer.json>', 'write the report as a signed DSSE envelope (in-toto Statement v1); needs --out'),
    html: option('--html <file>', 'also write the self-contained HTML report (the signed envelope embedded when --sign is given)'),
    fingerprintSuspect: option('--fingerprint-suspect <file|URL#model>', "the suspect's probe transcript, or an endpoint and model name to probe: adds behavioural fingerprint evidence"),
    fingerprintTeacher: option('--fingerprint-teacher <file|URL#model>', "the teacher's probe transcript (or endpoint#model)"),
    fingerprintReferences: listOption('--fingerprint-reference <file|URL#model...>', 'transcripts (or endpoint#model) of independent reference models'),
    ...distributedOptions('--accounts attribution', ' (the other tests run in this process; needs --suspect-outputs FILE that every worker can read)'),
    force: flag('--force', 'overwrite an existing report'),
    json: flag('--json', 'print the JSON report'),
  },
  async run({ json, ...o }, { io, emit, setExit }) {
    const r = await audit({ ...o, quiet: json, log: (l) => io.stderr(`${l}\n`) });
    emit(json, r.report, renderAudit(r.report));
    const scan = r.report.clusters?.scan;
    // On stderr even with --json: the clusters came from a file nobody checked.
    if (scan?.signature === 'unverified') io.stderr(`tracemark: warning: ${o.accountsFromScan} is signed but its signature was NOT checked (give --scan-public-key); the report says "unverified"\n`);
    if (r.warning) io.stderr(`tracemark: ${r.warning}\n`);
    if (r.exitCode !== ExitCode.ok) setExit(r.exitCode);
  },
});
