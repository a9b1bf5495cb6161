/**
 * `tracemark merge PARTIAL…`: combine the per-shard results of `detect --shard i/N` into the
 * result a single run gives. Each distinct tuple was routed to exactly one shard by its hash, so
 * counts (and exact score sums) add up; the p-values are computed once, from the merged counts.
 * That includes leaving out the tuples several documents share: the shard that owns a tuple saw
 * every document, so each shard's per-document counts already exclude exactly the shared tuples,
 * and the cross-document correction is applied once, to the merged p-values.
 */
import { correctAcrossDocuments, describeDocumentTest, DOCUMENT_CORRECTIONS, ExactSum, scoreTail, type SchemeName } from '@tracemark/watermark';
import { readTextInput } from '../io.ts';
import { type DetectCommandResult, type DetectPartial, detectJson, PARTIAL_TYPE, renderDetect } from './detect.ts';
import { argument, defineCommand, flag } from '../command.ts';
import { ExitCode, InputError } from '../errors.ts';

function parsePartial(text: string, path: string): DetectPartial {
  let doc: DetectPartial;
  try {
    doc = JSON.parse(text) as DetectPartial;
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (doc?.type !== PARTIAL_TYPE || doc.version !== 1) throw new InputError(`${path}: not a tracemark detect partial result (from detect --shard)`);
  // Partials written before shared tuples were left out carry no `shared` counts: their
  // per-document p-values are not valid under one key, so they are refused, not merged.
  if (!DOCUMENT_CORRECTIONS.includes(doc.correction) || typeof doc.aggregate?.sharedTuples !== 'number' || doc.documents?.some((d) => typeof d.shared !== 'number')) {
    throw new InputError(`${path}: a partial result from an older tracemark (no shared-tuple counts); re-run detect --shard`);
  }
  return doc;
}

export async function merge(paths: string[]): Promise<DetectCommandResult> {
  if (paths.length === 0) throw new InputError('give the partial results to merge');
  return mergePartials(await Promise.all(paths.map(async (p) => ({ path: p, doc: parsePartial(await readTextInput(p), p) }))));
}

/** Merge partials already in memory (`path` names each in errors: a file, or a queue job). */
export function mergePartials(parts: readonly { path: string; doc: DetectPartial }[]): DetectCommandResult {
  if (parts.length === 0) throw new InputError('give the partial results to merge');
  const first = parts[0]!.doc;
  const same = (p: DetectPartial) =>
    JSON.stringify([p.keyId, p.scheme, p.statistic, p.trialsPerTuple, p.nullProbability, p.tokenizer, p.alpha, p.normalization, p.correction, p.inputs, p.shard.count]);
  const seen = new Set<number>();
  for (const { path, doc } of parts) {
    if (same(doc) !== same(first)) throw new InputError(`${path}: was made with another key, tokenizer, alpha, normalization, correction, input list or shard count than ${parts[0]!.path}`);
    if (seen.has(doc.shard.index)) throw new InputError(`${path}: shard ${doc.shard.index}/${doc.shard.count} given twice`);
    seen.add(doc.shard.index);
    if (doc.documents.length !== first.documents.length) throw new InputError(`${path}: ${doc.documents.length} documents, ${parts[0]!.path} has ${first.documents.length}`);
  }
  const missing = [...Array(first.shard.count).keys()].filter((i) => !seen.has(i));
  if (missing.length > 0) throw new InputError(`missing shard(s) ${missing.map((i) => `${i}/${first.shard.count}`).join(', ')}`);
  const core = { statistic: first.statistic, trialsPerTuple: first.trialsPerTuple, nullProbability: first.nullProbability ?? Number.NaN };
  const summarize = (scored: number, units: bigint) => {
    const score = ExactSum.fromUnits(units).value();
    const tail = scoreTail(core, scored, score);
    const trials = core.statistic === 'binomial' ? scored * core.trialsPerTuple : scored;
    const expected = core.statistic === 'binomial' ? trials * core.nullProbability : scored;
    return { scored, score, trials, expected, rate: trials > 0 ? score / trials : 0, pValue: tail.pValue, log10PValue: tail.log10PValue, detected: tail.log10PValue < Math.log10(first.alpha) };
  };
  const merged = first.documents.map((d, i) => {
    let scored = 0;
    let units = 0n;
    let shared = 0;
    for (const { path, doc } of parts) {
      const x = doc.documents[i]!;
      if (x.id !== d.id) throw new InputError(`${path}: document ${i + 1} is ${x.id}, expected ${d.id}`);
      scored += x.scored;
      units += BigInt(x.scoreUnits);
      shared += x.shared;
    }
    return { id: d.id, tokens: d.tokens, shared, ...summarize(scored, units) };
  });
  const adjusted = correctAcrossDocuments(merged, first.correction);
  const log10Alpha = Math.log10(first.alpha);
  const documents = merged.map((d, i) => {
    const p = adjusted[i]!;
    const detected = p.log10PValue < log10Alpha;
    return { ...d, detected, verdict: { pValue: p.pValue, log10PValue: p.log10PValue, tests: 1, correction: first.correction, detected } };
  });
  let scored = 0;
  let units = 0n;
  let sharedTuples = 0;
  for (const { doc } of parts) {
    scored += doc.aggregate.scored;
    units += BigInt(doc.aggregate.scoreUnits);
    sharedTuples += doc.aggregate.sharedTuples;
  }
  return {
    keyId: first.keyId,
    scheme: first.scheme as SchemeName,
    statistic: first.statistic,
    alpha: first.alpha,
    normalization: first.normalization as DetectCommandResult['normalization'],
    tokenizer: first.tokenizer,
    inputs: first.inputs,
    documents,
    aggregate: { documents: first.aggregate.documents, tokens: first.aggregate.tokens, ...summarize(scored, units) },
    documentTest: describeDocumentTest(sharedTuples, first.correction, false),
  };
}

export const command = defineCommand({
  name: 'merge',
  description: 'merge the partial results of `detect --shard i/N` into the single-run result',
  options: {
    partials: argument<string[]>('<partials...>', 'partial result files, one per shard'),
    failOnDetect: flag('--fail-on-detect', 'exit 1 when the aggregate is detected'),
    json: flag('--json', 'print JSON instead of a table'),
  },
  async run({ partials, failOnDetect, json }, { emit, setExit }) {
    const r = await merge(partials);
    emit(json, detectJson(r), renderDetect(r));
    if (failOnDetect && r.aggregate.detected) setExit(ExitCode.detected);
  },
});
