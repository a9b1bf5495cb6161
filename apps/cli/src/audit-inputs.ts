/**
 * Everything `tracemark audit` reads before the audit itself runs, turned into the data
 * `runAudit` (@tracemark/audit) takes: the suspect's outputs (from a file, generated from a local
 * model, or queried from an endpoint and saved as they arrive so a rerun resumes), the teacher's
 * data, the forced text, account names (or a traffic scan's clusters), probe transcripts and the
 * digest of every file read.
 * `verify` calls this too, on the signed report's inputs, to recompute every statistic.
 */
import { basename } from 'node:path';
import { type AuditInputs, type InputDigest, type OpenModelAccess } from '@tracemark/audit';
import { isBuiltinCorpus, jsonlTextField, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { type FingerprintAnalysis } from '@tracemark/fingerprint';
import { generate } from '@tracemark/models';
import { assertSameTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { type WatermarkKey } from '@tracemark/watermark';
import { InputError, IoError } from './errors.ts';
import { readJsonl, readTextInput, sha256File } from './io.ts';
import { openModelFile } from './model-file.ts';
import { createProgress, note, type Progress } from './progress.ts';
import { BUILTIN_SPECS } from './prompts.ts';
import { readScanClusters } from './scan-clusters.ts';
import { collectGenerations, endpointProducer, readOutputsFile, type Collected } from './suspect-outputs.ts';

/** The options of `audit` that say what to read and how to collect (see commands/audit.ts). */
export interface AuditSourceOptions {
  suspectOutputs?: string;
  suspectModel?: string;
  suspectEndpoint?: string;
  suspectName?: string;
  apiKeyEnv?: string;
  /** With `suspectEndpoint`: run the open-model tests through the server (see @tracemark/probe `openEndpointPredictor`). */
  openModel?: boolean;
  suspectEndpointKind?: 'auto' | 'vllm' | 'llama-cpp';
  /** Most tokens of context per request to the suspect's server. */
  suspectWindow?: number;
  /** A prediction cache to answer the open-model tests from, offline (`verify` of an HTTP open-model audit). */
  suspectPredictions?: string;
  teacherData?: string;
  supervisedFilter?: boolean;
  forcedText?: string;
  forcedTokens: number;
  prompts: string;
  count: number;
  maxTokens: number;
  seed: number;
  accounts?: string;
  /** A traffic-scan report (JSON or signed envelope): test its clusters (scan-clusters.ts). */
  accountsFromScan?: string;
  /** Cluster ids to test from the scan (default: every flagged cluster). */
  cluster?: number[];
  /** Public key of the scan's signer: a signed scan is verified against it. */
  scanPublicKey?: string;
  alpha: number;
  topK: number;
  targetEffect?: number;
  saveOutputs?: string;
  /** The report path: collected outputs and probe transcripts are saved next to it. */
  out?: string;
  fingerprintSuspect?: string;
  fingerprintTeacher?: string;
  fingerprintReferences?: string[];
  quiet?: boolean;
}

export async function gatherAuditInputs(o: AuditSourceOptions, key: WatermarkKey, tokenizer: Tokenizer): Promise<AuditInputs> {
  const digests: InputDigest[] = [];
  const digest = async (role: string, path: string) => digests.push({ role, path: basename(path), ...(await sha256File(path)) });
  const { collected, suspect, openModel } = await collectSuspect(o, key, tokenizer, digest);
  const teacherData = o.teacherData ? await readDocuments(o.teacherData, tokenizer) : undefined;
  if (o.teacherData) await digest('teacher-data', o.teacherData);
  let forced: OpenModelAccess | undefined;
  if (openModel) {
    // Held-out human text by default: forcing the teacher's own text is valid too (its tuples are
    // never scored) but measured weaker (p 2e-4 vs 2e-20 for a 10% student, test/distillation-loop).
    const forcedText = o.forcedText ?? 'builtin';
    forced = { predictor: openModel, forced: await readDocuments(forcedText, tokenizer), forcedTokens: o.forcedTokens, forcedText };
    if (o.forcedText && !o.forcedText.startsWith('builtin')) await digest('forced-text', o.forcedText);
  }
  const accounts = o.accounts ? await readAccounts(o.accounts) : undefined;
  if (o.accounts) await digest('accounts', o.accounts);
  const scan = o.accountsFromScan
    ? await readScanClusters(o.accountsFromScan, { ...(o.cluster ? { cluster: o.cluster } : {}), ...(o.scanPublicKey ? { publicKey: o.scanPublicKey } : {}) })
    : undefined;
  if (o.accountsFromScan) await digest('traffic-scan', o.accountsFromScan);
  if (o.prompts !== 'builtin' && !o.prompts.startsWith('builtin:') && !o.suspectOutputs) await digest('prompts', o.prompts);
  if (collected.savedTo) await digest('collected-outputs', collected.savedTo);
  const fingerprint = o.fingerprintSuspect ? await fingerprintAnalysis(o, digest) : undefined;
  return {
    key,
    tokenizer,
    suspect,
    outputs: collected.outputs,
    digests,
    alpha: o.alpha,
    topK: o.topK,
    ...(o.targetEffect !== undefined ? { targetEffect: o.targetEffect } : {}),
    collection: {
      prompts: o.suspectOutputs ? null : o.prompts,
      count: o.suspectOutputs ? null : o.count,
      maxTokens: o.suspectOutputs ? null : o.maxTokens,
      seed: o.seed,
    },
    ...(teacherData ? { teacherData } : {}),
    supervisedFilter: o.supervisedFilter ?? false,
    ...(forced ? { openModel: forced } : {}),
    ...(accounts ? { accounts } : {}),
    ...(scan ? { trafficClusters: { scan: scan.scan, clusters: scan.clusters } } : {}),
    ...(fingerprint ? { fingerprint } : {}),
  };
}

type Digest = (role: string, path: string) => Promise<unknown>;

/** The suspect's outputs from whichever access was given, and its predictor when it runs locally. */
async function collectSuspect(
  o: AuditSourceOptions,
  key: WatermarkKey,
  tokenizer: Tokenizer,
  digest: Digest,
): Promise<{ collected: Collected; suspect: AuditInputs['suspect']; openModel?: OpenModelAccess['predictor'] }> {
  if (o.suspectOutputs) {
    const collected = await readOutputsFile(o.suspectOutputs, tokenizer);
    await digest('suspect-outputs', o.suspectOutputs);
    if (!o.suspectPredictions) return { collected, suspect: { kind: 'outputs', name: basename(o.suspectOutputs) } };
    const { openCachedPredictor } = await import('@tracemark/probe');
    return { collected, suspect: { kind: 'outputs', name: basename(o.suspectOutputs) }, openModel: await openCachedPredictor(o.suspectPredictions, o.topK) };
  }
  if (o.suspectModel) {
    const model = await openModelFile(o.suspectModel);
    assertSameTokenizer(key.tokenizer, model.tokenizer.identity(), `key ${key.keyId}`);
    await digest('suspect-model', o.suspectModel);
    const collected = await collectGenerations(o, tokenizer, async (prompt, id) => {
      const r = generate(model, { prompt: tokenizer.encode(prompt), maxTokens: o.maxTokens, seed: `${o.seed}/${id}` });
      return tokenizer.decode(r.tokens);
    }, `generating from ${model.name}`);
    return { collected, suspect: { kind: 'model', name: model.name }, openModel: (ctx, k) => model.topK(ctx, k) };
  }
  const produce = endpointProducer(o.suspectEndpoint!, o.suspectName!, o.apiKeyEnv, o.maxTokens, o.seed);
  // The server's tokenizer is checked first, before any output is collected or scored.
  const openModel = o.openModel ? await endpointPredictor(o, tokenizer) : undefined;
  const collected = await collectGenerations(o, tokenizer, produce, `querying ${o.suspectName}`);
  return { collected, suspect: { kind: 'endpoint', name: o.suspectName! }, ...(openModel ? { openModel } : {}) };
}

/** Where `audit --open-model` over HTTP caches the server's answers: next to the report (none without --out). */
export function predictionCachePath(o: AuditSourceOptions): string | undefined {
  return o.suspectEndpoint && o.openModel && o.out ? `${o.out.replace(/\.json$/i, '')}.predictions.jsonl` : undefined;
}

/**
 * The suspect's next-token predictor over HTTP (vLLM prompt log-probabilities or llama.cpp
 * `n_probs`), its answers cached next to the report (`<report>.predictions.jsonl`) so an
 * interrupted audit resumes. The tests, their exclusions and their statistics are exactly those of
 * a local model (`runAudit` is the same); only where the predictions come from differs.
 */
async function endpointPredictor(o: AuditSourceOptions, tokenizer: Tokenizer): Promise<OpenModelAccess['predictor']> {
  const { openEndpointPredictor } = await import('@tracemark/probe');
  const apiKey = o.apiKeyEnv ? process.env[o.apiKeyEnv] : undefined;
  const quiet = o.quiet ?? false;
  const cache = predictionCachePath(o);
  let bar: Progress | undefined;
  const p = await openEndpointPredictor({
    endpoint: o.suspectEndpoint!,
    model: o.suspectName!,
    kind: o.suspectEndpointKind ?? 'auto',
    tokenizer,
    topK: o.topK,
    window: o.suspectWindow ?? 1024,
    ...(apiKey ? { apiKey } : {}),
    ...(cache ? { cache } : {}),
    retry: { maxAttempts: 4 },
    onProgress: (done, total) => {
      bar ??= createProgress('audit: asking the suspect for next-token log-probabilities', { quiet });
      bar.update(done, total);
      if (done === total) bar.done();
    },
  });
  note(`audit: open-model tests through ${o.suspectEndpoint} (${p.kind}, ${p.mode})${cache ? `; answers cached in ${cache}` : ''}`, { quiet });
  return p.predictor;
}

/** Forced text or teacher data: a built-in held-out corpus, or a JSONL file of prompt + response. */
async function readDocuments(path: string, tokenizer: Tokenizer): Promise<Uint32Array[]> {
  if (path.startsWith('builtin')) {
    const corpus = path === 'builtin' ? 'sotu' : path.slice('builtin:'.length);
    if (!isBuiltinCorpus(corpus)) throw new InputError(`unknown built-in text ${JSON.stringify(path)} (${BUILTIN_SPECS})`);
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

/** Account names, one per line (blank lines and `#` comments skipped); a repeated name is an input error at its line. */
export async function readAccounts(path: string): Promise<string[]> {
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

async function fingerprintAnalysis(o: AuditSourceOptions, digest: Digest): Promise<FingerprintAnalysis> {
  note('audit: behavioural fingerprints', { quiet: o.quiet ?? false });
  const suspect = await probedTranscript(o.fingerprintSuspect!, o);
  const teacher = await probedTranscript(o.fingerprintTeacher!, o);
  const references: string[] = [];
  for (const r of o.fingerprintReferences ?? []) references.push(await probedTranscript(r, o));
  const { fingerprint } = await import('./commands/fingerprint.ts');
  const analysis = await fingerprint({ suspect, teacher, references, alpha: o.alpha, quiet: true });
  await digest('fingerprint-suspect', suspect);
  await digest('fingerprint-teacher', teacher);
  for (const r of references) await digest('fingerprint-reference', r);
  return analysis;
}

/**
 * A fingerprint input is a transcript file, or `URL#model` for a model behind an OpenAI-compatible
 * endpoint: it is probed with the default suite into `<report>.<model>.transcript.jsonl` (resumable:
 * a rerun continues it), and the transcript becomes the signed input.
 */
async function probedTranscript(spec: string, o: AuditSourceOptions): Promise<string> {
  const m = /^(https?:\/\/[^#\s]+)#(.+)$/.exec(spec);
  if (!m) {
    if (/^https?:\/\//.test(spec)) throw new InputError(`${spec}: name the model after the endpoint, as URL#model`);
    return spec;
  }
  const [, endpoint, model] = m as unknown as [string, string, string];
  const base = o.out ? o.out.replace(/\.json$/i, '') : 'audit';
  const out = `${base}.${model.replace(/[^A-Za-z0-9._-]/g, '_')}.transcript.jsonl`;
  const { probe } = await import('./commands/probe.ts');
  const r = await probe({ endpoint, model, ...(o.apiKeyEnv ? { apiKeyEnv: o.apiKeyEnv } : {}), suite: 'default', samples: 1, temperature: 1, seed: o.seed, maxTokens: 64, concurrency: 4, out, quiet: o.quiet ?? false });
  if (r.mode !== 'export-batch' && !r.complete) throw new IoError(`${endpoint} (${model}): the probe run is incomplete; rerun to resume ${out}`);
  return out;
}

