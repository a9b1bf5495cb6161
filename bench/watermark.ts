/**
 * Embedding and detection speed of the watermark library, each beside a baseline from the same run:
 * - embedding per sampling step at V = 200,019 (o200k_base): a plain pass over the logits, a plain
 *   sampling step, and the straightforward reference KGW algorithm (a keyed permutation of the
 *   vocabulary per step, as in the original paper's code), against our keyed-hash green test;
 * - the top-k path (k = 50), which must cost O(k);
 * - detection throughput on token ids and on text, against tokenization alone.
 */
import { chunkTokens, loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, createWatermarker, generateKey, samplePlain, type ParamOverrides, type SchemeName } from '@tracemark/watermark';
import { createRng } from '@tracemark/stats';
import { type BenchSection, fmt, markdownTable, measure } from './lib.ts';

/** The reference KGW step: seed a PRNG with the previous token, shuffle the vocabulary, bias the first γV. */
function referenceKgwStep(logits: Float32Array, prev: number, perm: Uint32Array, gamma: number, delta: number): void {
  const rand = createRng(prev); // one seeded generator per step, as the reference seeds torch's per token
  const n = perm.length;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const greens = Math.floor(gamma * n);
  for (let i = 0; i < greens; i++) logits[perm[i]!]! += delta;
}

const EMBED_CONFIGS: { label: string; scheme: SchemeName; params: ParamOverrides }[] = [
  { label: 'kgw lefthash h=1', scheme: 'kgw', params: { context: 1 } },
  { label: 'kgw selfhash h=4', scheme: 'kgw', params: { context: 4, seeding: 'selfhash' } },
  { label: 'unigram', scheme: 'unigram', params: {} },
  { label: 'gumbel h=4', scheme: 'gumbel', params: { context: 4 } },
  { label: 'synthid h=4 m=30', scheme: 'synthid', params: { context: 4, layers: 30 } },
];

export async function benchWatermark(): Promise<BenchSection[]> {
  const tokenizer = await getTokenizer('o200k_base');
  const identity = tokenizer.identity();
  const V = identity.vocabSize;
  const rand = createRng(7);
  const logits = new Float32Array(V);
  for (let i = 0; i < V; i++) logits[i] = -12 + 8 * rand() ** 4;
  const work = new Float32Array(V);
  const context = Uint32Array.of(791, 1495, 4400, 290, 1636);
  const random = createRng(11);

  const plainPass = measure(() => {
    work.set(logits);
    for (let i = 0; i < V; i++) work[i]! += 0.5;
  });
  const plainSample = measure(() => samplePlain(null, logits, { random }));
  const plainSampleTopK = measure(() => samplePlain(null, logits, { random, topK: 50 }));
  const perm = new Uint32Array(V);
  const reference = measure(() => {
    work.set(logits);
    referenceKgwStep(work, 1495, perm, 0.25, 2);
  });

  const rows: (string | number)[][] = [
    ['plain pass over logits (copy + add), baseline', fmt(plainPass.medianMs * 1000), '1.00', '-'],
    ['plain sampling step, full softmax', fmt(plainSample.medianMs * 1000), fmt(plainSample.medianMs / plainPass.medianMs), '-'],
    ['plain sampling step, top-k 50 selection', fmt(plainSampleTopK.medianMs * 1000), fmt(plainSampleTopK.medianMs / plainPass.medianMs), '-'],
    ['reference KGW: keyed permutation per step', fmt(reference.medianMs * 1000), fmt(reference.medianMs / plainPass.medianMs), '-'],
  ];
  const topkIds = new Uint32Array(50);
  const topkLogits = new Float32Array(50);
  for (let j = 0; j < 50; j++) (topkIds[j] = (j * 4001) % V), (topkLogits[j] = -j * 0.1);
  const topRows: (string | number)[][] = [];
  const plainTopK = measure(() => samplePlain(topkIds, topkLogits, { random }), { runs: 2001 });
  topRows.push(['plain sampling over 50 candidates, baseline', fmt(plainTopK.medianMs * 1e6), '1.00']);
  for (const c of EMBED_CONFIGS) {
    const key = generateKey({ scheme: c.scheme, tokenizer: identity, params: c.params });
    const wm = createWatermarker(key);
    const bias = c.scheme === 'kgw' || c.scheme === 'unigram';
    const m = bias
      ? measure(() => {
          work.set(logits);
          wm.biasLogits(work, context);
        })
      : measure(() => wm.sample(logits, context, { random, topK: 0 }), { runs: 11 });
    rows.push([
      `${c.label}: ${bias ? 'biasLogits (copy + bias)' : 'sample (full softmax + keyed choice)'}`,
      fmt(m.medianMs * 1000),
      fmt(m.medianMs / plainPass.medianMs),
      fmt(m.medianMs / (bias ? reference.medianMs : plainSample.medianMs)),
    ]);
    const s = measure(() => wm.sampleCandidates(topkIds, topkLogits, context, { random }), { runs: 2001 });
    topRows.push([`${c.label}: sampleCandidates`, fmt(s.medianMs * 1e6), fmt(s.medianMs / plainTopK.medianMs)]);
  }

  // Detection throughput.
  const text = loadBuiltinCorpus('sotu').slice(-30).map((d) => d.text).join('\n');
  const ids = tokenizer.encode(text);
  const tok = measure(() => tokenizer.encode(text), { runs: 5, warmup: 1 });
  const detRows: (string | number)[][] = [['tokenization alone (o200k_base), baseline', fmt(ids.length / (tok.medianMs / 1000)), '1.00']];
  for (const c of EMBED_CONFIGS) {
    const key = generateKey({ scheme: c.scheme, tokenizer: identity, params: c.params });
    const det = createDetector(key, { tokenizer });
    const docs = chunkTokens(ids, 500);
    const onIds = measure(() => det.detect(docs), { runs: 5, warmup: 1 });
    const onText = measure(() => det.detect([text]), { runs: 5, warmup: 1 });
    detRows.push([`${c.label}: token ids in`, fmt(ids.length / (onIds.medianMs / 1000)), fmt(tok.medianMs / onIds.medianMs)]);
    detRows.push([`${c.label}: text in (tokenize + score)`, fmt(ids.length / (onText.medianMs / 1000)), fmt(tok.medianMs / onText.medianMs)]);
  }

  return [
    {
      title: `Embedding cost per sampling step, full vocabulary (V = ${V.toLocaleString('en-US')})`,
      body: markdownTable(['operation', 'median µs/step', '× plain pass', '× baseline (reference KGW for biasing, plain sampling for sampling)'], rows),
    },
    {
      title: 'Embedding cost per sampling step, top-k path (k = 50 candidates)',
      body: markdownTable(['operation', 'median ns/step', '× plain top-k sampling'], topRows),
    },
    {
      title: `Detection throughput (${ids.length.toLocaleString('en-US')} tokens of State of the Union text, 500-token documents)`,
      body: markdownTable(['input', 'tokens/s (median)', 'speed ÷ tokenization speed'], detRows),
    },
  ];
}
