/**
 * `tracemark audit`: test a suspect model for a teacher's watermark (radioactivity, Sander et al.
 * 2024). Collects what the suspect's access allows — its outputs from a file, generations from a
 * local model file, or generations from an OpenAI-compatible endpoint — runs every test that
 * access permits (closed-model, supervised closed-model, open-model reading and probability-mass
 * tests, per-account attribution) and writes a report with input digests, parameters, each test's
 * statistic, effect, p-value and verdict, and an overall verdict with the rule that produced it.
 * Collected outputs are appended to a file as they arrive, so an interrupted audit loses nothing
 * and a rerun resumes.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  AUDIT_REPORT_TYPE,
  type AttributionResult,
  type AuditReport,
  type AuditTest,
  type BehaviourEvidence,
  type CurvePoint,
  type HighlightedSample,
  type InputDigest,
  attributeAccounts,
  closedModelTest,
  collectTuples,
  combineVerdict,
  type OverallVerdict,
  highlightSample,
  openModelTest,
  scoreCurve,
  type SuspectOutput,
} from '@tracemark/audit';
import { jsonlTextField, splitHeldOut, loadBuiltinCorpus } from '@tracemark/corpora';
import { generate, type NgramModel } from '@tracemark/models';
import { openModelFile } from '../model-file.ts';
import { ChatClient } from '@tracemark/probe';
import { assertSameTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createSchemeCore, publicKeyInfo, type WatermarkKey } from '@tracemark/watermark';
import { CliError, ExitCode, InputError, RuntimeFailure } from '../errors.ts';
import { formatPValue, renderTable } from '../format.ts';
import { readJsonl, readTextInput, refuseOverwrite, sha256File, writeOutput } from '../io.ts';
import { loadKeyFile, tokenizerForKey } from '../keys.ts';
import { createProgress, note } from '../progress.ts';
import { loadPrompts } from '../prompts.ts';
import { signReport } from '@tracemark/evidence';
import { loadSigner } from './signer.ts';
import { fingerprint } from './fingerprint.ts';
import { type FingerprintAnalysis } from '@tracemark/fingerprint';

export const REPORT_TYPE = AUDIT_REPORT_TYPE;

export interface AuditCommandOptions {
  key: string;
  suspectOutputs?: string;
  suspectModel?: string;
  suspectEndpoint?: string;
  suspectName?: string;
  apiKeyEnv?: string;
  teacherData?: string;
  supervisedFilter?: boolean;
  forcedText?: string;
  forcedTokens: number;
  prompts: string;
  count: number;
  maxTokens: number;
  seed: number;
  accounts?: string;
  alpha: number;
  topK: number;
  targetEffect?: number;
  saveOutputs?: string;
  out?: string;
  /** Signer file: write the report as a signed DSSE envelope (in-toto Statement v1). */
  sign?: string;
  /** Also write the self-contained HTML report here (the signed envelope embedded with --sign). */
  html?: string;
  /** Probe transcripts for the behavioural fingerprint line of evidence (see `tracemark probe`). */
  fingerprintSuspect?: string;
  fingerprintTeacher?: string;
  fingerprintReferences?: string[];
  force?: boolean;
  tokenizer?: string;
  quiet?: boolean;
}

interface Collected {
  outputs: SuspectOutput[];
  records: { id: string; prompt: string; response: string }[];
  /** Where generated outputs were saved (a report input: verification re-reads it). */
  savedTo?: string;
}

async function readOutputsFile(path: string, tokenizer: Tokenizer): Promise<Collected> {
  const out: Collected = { outputs: [], records: [] };
  for await (const { line, value } of readJsonl(path)) {
    const field = jsonlTextField(value);
    const text = field === undefined ? undefined : value[field];
    if (typeof text !== 'string') throw new InputError(`${path}:${line}: no string field "response" (or "text")`);
    const prompt = typeof value.prompt === 'string' ? value.prompt : '';
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : `${path}:${line}`;
    out.records.push({ id, prompt, response: text });
    out.outputs.push({ prompt: tokenizer.encode(prompt), tokens: tokenizer.encode(text) });
  }
  if (out.outputs.length === 0) throw new InputError(`${path}: no suspect outputs`);
  return out;
}

/** Outputs already saved by an interrupted run, keyed by prompt id (for resuming). */
async function readSaved(path: string): Promise<Map<string, { prompt: string; response: string }>> {
  const saved = new Map<string, { prompt: string; response: string }>();
  try {
    for await (const { value } of readJsonl(path)) {
      if (typeof value.id === 'string' && typeof value.response === 'string' && typeof value.prompt === 'string') {
        saved.set(value.id, { prompt: value.prompt, response: value.response });
      }
    }
  } catch (e) {
    if (e instanceof InputError && /no such file/.test(e.message)) return saved;
    throw e;
  }
  return saved;
}

async function collectGenerations(
  o: AuditCommandOptions,
  tokenizer: Tokenizer,
  produce: (prompt: string, id: string) => Promise<string>,
  label: string,
): Promise<Collected> {
  const prompts = await loadPrompts(o.prompts, o.count);
  const savePath = o.saveOutputs ?? (o.out ? o.out.replace(/\.json$/i, '') + '.outputs.jsonl' : undefined);
  const saved = savePath ? await readSaved(savePath) : new Map();
  if (saved.size > 0) note(`audit: resuming — ${saved.size} outputs already in ${savePath}`, { quiet: o.quiet ?? false });
  const fh = savePath ? await open(savePath, 'a') : undefined;
  const progress = createProgress(`audit: ${label}`, { quiet: o.quiet ?? false });
  const out: Collected = { outputs: [], records: [], ...(savePath ? { savedTo: savePath } : {}) };
  try {
    for (const [i, p] of prompts.entries()) {
      let response = saved.get(p.id)?.response as string | undefined;
      if (response === undefined) {
        response = await produce(p.prompt, p.id);
        if (fh) {
          await fh.write(`${JSON.stringify({ id: p.id, prompt: p.prompt, response })}\n`);
          await fh.sync();
        }
      }
      out.records.push({ id: p.id, prompt: p.prompt, response });
      out.outputs.push({ prompt: tokenizer.encode(p.prompt), tokens: tokenizer.encode(response) });
      progress.update(i + 1, prompts.length);
    }
  } finally {
    progress.done();
    await fh?.close();
  }
  return out;
}

async function readDocuments(path: string, tokenizer: Tokenizer): Promise<Uint32Array[]> {
  if (path.startsWith('builtin')) {
    const corpus = path === 'builtin' ? 'sotu' : path.slice('builtin:'.length);
    if (corpus !== 'sotu' && corpus !== 'moby-dick') throw new InputError(`unknown built-in text ${JSON.stringify(path)} (builtin, builtin:sotu, builtin:moby-dick)`);
    return splitHeldOut(loadBuiltinCorpus(corpus)).heldOut.map((d) => tokenizer.encode(d.text));
  }
  const docs: Uint32Array[] = [];
  for await (const { line, value } of readJsonl(path)) {
    const field = jsonlTextField(value);
    const text = field === undefined ? undefined : value[field];
    if (typeof text !== 'string') throw new InputError(`${path}:${line}: no string field "response" (or "text")`);
    const prompt = typeof value.prompt === 'string' ? value.prompt : '';
    docs.push(tokenizer.encode(prompt + text));
  }
  if (docs.length === 0) throw new InputError(`${path}: no documents`);
  return docs;
}

function truncateTexts(texts: Uint32Array[], maxTokens: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  let left = maxTokens;
  for (const t of texts) {
    if (left <= 0) break;
    out.push(t.length <= left ? t : t.subarray(0, left));
    left -= t.length;
  }
  return out;
}

async function readAccounts(path: string): Promise<string[]> {
  const lines = (await readTextInput(path)).split(/\r?\n/);
  const names: string[] = [];
  const seen = new Set<string>();
  lines.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '' || name.startsWith('#')) return;
    if (seen.has(name)) throw new InputError(`${path}:${i + 1}: duplicate account ${JSON.stringify(name)}`);
    seen.add(name);
    names.push(name);
  });
  if (names.length === 0) throw new InputError(`${path}: no account names (one per line)`);
  return names;
}

export async function audit(o: AuditCommandOptions): Promise<{ report: AuditReport; envelopeJson?: string; exitCode: number; warning?: string }> {
  const modes = [o.suspectOutputs, o.suspectModel, o.suspectEndpoint].filter((x) => x !== undefined).length;
  if (modes !== 1) throw new InputError('give exactly one of --suspect-outputs FILE, --suspect-model FILE or --suspect-endpoint URL');
  if (o.suspectEndpoint && !o.suspectName) throw new InputError('--suspect-endpoint needs --suspect-name (the model name the endpoint serves)');
  if (o.supervisedFilter && !o.teacherData) throw new InputError('--supervised-filter needs --teacher-data');
  const fp = [o.fingerprintSuspect, o.fingerprintTeacher].filter((x) => x !== undefined).length;
  if (fp === 1 || (fp === 2 && (o.fingerprintReferences ?? []).length === 0) || (fp === 0 && (o.fingerprintReferences ?? []).length > 0)) {
    throw new InputError('fingerprint evidence needs --fingerprint-suspect, --fingerprint-teacher and at least one --fingerprint-reference transcript');
  }
  if (o.sign && !o.out) throw new InputError('--sign needs --out (the signed report is written there)');
  if (o.out && !o.force) await refuseOverwrite(o.out);
  if (o.html && !o.force) await refuseOverwrite(o.html);
  const key: WatermarkKey = await loadKeyFile(o.key);
  const tokenizer = await tokenizerForKey(key, o.tokenizer);
  assertSameTokenizer(key.tokenizer, tokenizer.identity(), `key ${key.keyId}`);
  const inputs: InputDigest[] = [];
  const digest = async (role: string, path: string) => inputs.push({ role, path: basename(path), ...(await sha256File(path)) });
  const quiet = o.quiet ?? false;

  let collected: Collected;
  let suspect: AuditReport['suspect'];
  let model: NgramModel | undefined;
  if (o.suspectOutputs) {
    collected = await readOutputsFile(o.suspectOutputs, tokenizer);
    await digest('suspect-outputs', o.suspectOutputs);
    suspect = { kind: 'outputs', name: basename(o.suspectOutputs), outputs: 0, tokens: 0 };
  } else if (o.suspectModel) {
    model = await openModelFile(o.suspectModel);
    assertSameTokenizer(key.tokenizer, model.tokenizer.identity(), `key ${key.keyId}`);
    await digest('suspect-model', o.suspectModel);
    const m = model;
    collected = await collectGenerations(o, tokenizer, async (prompt, id) => {
      const r = generate(m, { prompt: tokenizer.encode(prompt), maxTokens: o.maxTokens, seed: `${o.seed}/${id}` });
      return tokenizer.decode(r.tokens);
    }, `generating from ${m.name}`);
    suspect = { kind: 'model', name: m.name, outputs: 0, tokens: 0 };
  } else {
    const apiKey = o.apiKeyEnv ? process.env[o.apiKeyEnv] : undefined;
    if (o.apiKeyEnv && !apiKey) throw new InputError(`environment variable ${o.apiKeyEnv} is not set`);
    let client: ChatClient;
    try {
      client = new ChatClient({ endpoint: o.suspectEndpoint!, ...(apiKey ? { apiKey } : {}), retry: { maxAttempts: 4 } });
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    collected = await collectGenerations(o, tokenizer, async (prompt) => {
      try {
        const r = await client.complete({
          model: o.suspectName,
          messages: [{ role: 'user', content: prompt }],
          max_tokens: o.maxTokens,
          temperature: 1,
          seed: o.seed,
        });
        const choice = (r.body.choices as { message?: { content?: unknown } }[] | undefined)?.[0];
        const content = choice?.message?.content;
        if (typeof content !== 'string') throw new RuntimeFailure(`${o.suspectEndpoint}: response has no choices[0].message.content`);
        return content;
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new RuntimeFailure(`${o.suspectEndpoint}: ${(e as Error).message} (outputs collected so far are kept; rerun to resume)`);
      }
    }, `querying ${o.suspectName}`);
    suspect = { kind: 'endpoint', name: o.suspectName!, outputs: 0, tokens: 0 };
  }
  suspect.outputs = collected.outputs.length;
  suspect.tokens = collected.outputs.reduce((a, x) => a + x.tokens.length, 0);

  const tests: AuditTest[] = [];
  const skipped: AuditReport['skipped'] = [];
  note(`audit: closed-model test on ${suspect.outputs} outputs`, { quiet });
  tests.push(closedModelTest(key, collected.outputs, { alpha: o.alpha }));

  let teacherDocs: Uint32Array[] | undefined;
  if (o.teacherData) {
    teacherDocs = await readDocuments(o.teacherData, tokenizer);
    await digest('teacher-data', o.teacherData);
    if (!o.supervisedFilter) skipped.push({ test: 'closed-model-supervised', reason: 'not requested (--supervised-filter); it is valid but conservative, see README' });
    else if (key.scheme === 'unigram') skipped.push({ test: 'closed-model-supervised', reason: 'the unigram scheme has no context window to filter on' });
    else tests.push(closedModelTest(key, collected.outputs, { alpha: o.alpha, teacherData: teacherDocs }));
  }

  if (model) {
    // Held-out human text by default: forcing the teacher's own text is valid too (its tuples are
    // never scored) but measured weaker (p 2e-4 vs 2e-20 for a 10% student, test/distillation-loop).
    const forcedSource = o.forcedText ?? 'builtin';
    const forced = truncateTexts(await readDocuments(forcedSource, tokenizer), o.forcedTokens);
    if (o.forcedText && !o.forcedText.startsWith('builtin')) await digest('forced-text', o.forcedText);
    const m = model;
    const progress = createProgress('audit: teacher-forcing the suspect', { quiet });
    const prompts = collectTuples(createSchemeCore(key), collected.outputs.map((x) => x.prompt ?? new Uint32Array(0)));
    const open = await openModelTest(key, (ctx, k) => m.topK(ctx, k), forced, { alpha: o.alpha, topK: o.topK, exclude: prompts, onProgress: (d, t) => progress.update(d, t) });
    progress.done();
    tests.push(open.reading, open.mass);
  } else {
    skipped.push({
      test: 'open-model',
      reason: o.suspectEndpoint
        ? 'the endpoint is queried through chat completions, which cannot teacher-force text; run the suspect locally (--suspect-model) for the open-model tests'
        : 'the suspect exposes no next-token probabilities (outputs only)',
    });
  }

  let accounts: AttributionResult | undefined;
  if (o.accounts) {
    const names = await readAccounts(o.accounts);
    await digest('accounts', o.accounts);
    const progress = createProgress('audit: testing account keys', { quiet });
    accounts = attributeAccounts(key, names, collected.outputs, { alpha: o.alpha, onProgress: (d, t) => progress.update(d, t) });
    progress.done();
  }
  if (o.prompts !== 'builtin' && !o.prompts.startsWith('builtin:') && !o.suspectOutputs) await digest('prompts', o.prompts);
  if (collected.savedTo) await digest('collected-outputs', collected.savedTo);
  const curve: CurvePoint[] = scoreCurve(key, collected.outputs);
  const first = collected.outputs.findIndex((x) => x.tokens.length > 0);
  const sample: HighlightedSample | null = first >= 0 ? highlightSample(key, tokenizer, collected.records[first]!.id, collected.outputs[first]!) : null;

  let fingerprintAnalysis: FingerprintAnalysis | undefined;
  let behaviour: BehaviourEvidence | undefined;
  if (o.fingerprintSuspect) {
    note('audit: behavioural fingerprints', { quiet });
    const transcriptOf = (spec: string) => probedTranscript(spec, o, quiet);
    const suspectT = await transcriptOf(o.fingerprintSuspect);
    const teacherT = await transcriptOf(o.fingerprintTeacher!);
    const referencesT: string[] = [];
    for (const r of o.fingerprintReferences ?? []) referencesT.push(await transcriptOf(r));
    fingerprintAnalysis = await fingerprint({ suspect: suspectT, teacher: teacherT, references: referencesT, alpha: o.alpha, quiet: true });
    for (const [role, path] of [['fingerprint-suspect', suspectT], ['fingerprint-teacher', teacherT], ...referencesT.map((r) => ['fingerprint-reference', r] as const)] as const) await digest(role, path);
    behaviour = {
      lines: fingerprintAnalysis.evidence.filter((l) => l.testable && l.pValue).map((l) => ({ name: l.line, pValue: l.pValue!.pValue, log10PValue: l.pValue!.log10PValue })),
      verdict: fingerprintAnalysis.verdict,
      reasons: fingerprintAnalysis.reasons,
    };
  } else skipped.push({ test: 'fingerprint', reason: 'no probe transcripts given (--fingerprint-suspect, --fingerprint-teacher, --fingerprint-reference)' });

  const verdict = combineVerdict(tests, o.alpha, behaviour);
  const report: AuditReport = {
    type: REPORT_TYPE,
    version: 1,
    createdAt: new Date().toISOString(),
    tool: { name: 'tracemark', version: '0.1.0' },
    key: publicKeyInfo(key),
    suspect,
    inputs,
    parameters: {
      alpha: o.alpha,
      topK: o.topK,
      prompts: o.suspectOutputs ? null : o.prompts,
      count: o.suspectOutputs ? null : o.count,
      maxTokens: o.suspectOutputs ? null : o.maxTokens,
      seed: o.seed,
      forcedTokens: model ? o.forcedTokens : null,
      forcedText: model ? o.forcedText ?? 'builtin' : null,
      supervisedFilter: o.supervisedFilter ?? false,
      targetEffect: o.targetEffect ?? null,
    },
    tests,
    skipped,
    ...(accounts ? { accounts } : {}),
    ...(fingerprintAnalysis ? { fingerprint: withoutLocalPaths(fingerprintAnalysis) } : {}),
    verdict,
    curve,
    sample,
  };
  key.secret.fill(0);
  let envelopeJson: string | undefined;
  if (o.sign) {
    const signer = await loadSigner(o.sign);
    envelopeJson = `${JSON.stringify(signReport(report, signer), null, 2)}\n`;
    signer.secretKey.fill(0);
  }
  if (o.out) await writeOutput(o.out, envelopeJson ?? `${JSON.stringify(report, null, 2)}\n`, { force: true });
  if (o.html) {
    const { renderHtmlReport } = await import('@tracemark/report-html');
    await writeOutput(o.html, renderHtmlReport(report, envelopeJson ? { envelopeJson } : {}), { force: true });
  }

  // Power requirement: every exact test must be able to detect the target effect.
  if (o.targetEffect !== undefined && !verdict.detected) {
    const weak = tests.filter((t) => t.minimumDetectableRate !== null && t.minimumDetectableRate - t.expectedRate > o.targetEffect!);
    if (weak.length === tests.filter((t) => t.minimumDetectableRate !== null).length && weak.length > 0) {
      const t = weak[0]!;
      const warning = `too little text for the requested power: ${t.name} scored ${t.scored} tuples and can only detect an effect ≥ ${(t.minimumDetectableRate! - t.expectedRate).toFixed(4)} (asked: ${o.targetEffect}); collect more suspect outputs${o.out ? ` (report written to ${o.out})` : ''}`;
      return { report, ...(envelopeJson ? { envelopeJson } : {}), exitCode: ExitCode.insufficient, warning };
    }
  }
  return { report, ...(envelopeJson ? { envelopeJson } : {}), exitCode: ExitCode.ok };
}

/**
 * A fingerprint input is a transcript file, or `URL#model` for a model behind an OpenAI-compatible
 * endpoint: it is probed with the default suite into `<report>.<model>.transcript.jsonl` (resumable:
 * a rerun continues it), and the transcript becomes the signed input.
 */
async function probedTranscript(spec: string, o: AuditCommandOptions, quiet: boolean): Promise<string> {
  const m = /^(https?:\/\/[^#\s]+)#(.+)$/.exec(spec);
  if (!m) {
    if (/^https?:\/\//.test(spec)) throw new InputError(`${spec}: name the model after the endpoint, as URL#model`);
    return spec;
  }
  const [, endpoint, model] = m as unknown as [string, string, string];
  const base = o.out ? o.out.replace(/\.json$/i, '') : 'audit';
  const out = `${base}.${model.replace(/[^A-Za-z0-9._-]/g, '_')}.transcript.jsonl`;
  const { probe } = await import('./probe.ts');
  const r = await probe({ endpoint, model, ...(o.apiKeyEnv ? { apiKeyEnv: o.apiKeyEnv } : {}), suite: 'default', samples: 1, temperature: 1, seed: o.seed, maxTokens: 64, concurrency: 4, out, quiet });
  if (r.mode !== 'export-batch' && !r.complete) throw new RuntimeFailure(`${endpoint} (${model}): the probe run is incomplete; rerun to resume ${out}`);
  return out;
}

/** Reports name inputs by file name only, so they do not leak the auditor's directory layout. */
function withoutLocalPaths(a: FingerprintAnalysis): FingerprintAnalysis {
  const strip = <M extends { source: string }>(m: M): M => ({ ...m, source: basename(m.source) });
  return { ...a, models: { suspect: strip(a.models.suspect), teacher: strip(a.models.teacher), references: a.models.references.map(strip) } };
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
  lines.push('', `verdict: ${r.verdict.statement}`, `rule: ${r.verdict.rule}`);
  return lines.join('\n');
}
