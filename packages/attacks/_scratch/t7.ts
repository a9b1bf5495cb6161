import { chunkTokens, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, generateKey, type SchemeName, type ParamOverrides } from '@tracemark/watermark';
const tokenizer = await getTokenizer('o200k_base');
const { heldOut } = splitHeldOut(loadBuiltinCorpus('sotu'));
const chunks = [...heldOut.map((d) => d.text), ...loadBuiltinCorpus('moby-dick').filter((_, i) => i % 2 === 0).map((d) => d.text)].flatMap((t) => chunkTokens(tokenizer.encode(t), 200));
const configs: [SchemeName, ParamOverrides][] = [['unigram', {}], ['kgw', { context: 1 }], ['gumbel', {}]];
for (const [scheme, params] of configs) {
  const rows: string[] = [];
  for (let k = 0; k < 8; k++) {
    const det = createDetector(generateKey({ scheme, tokenizer: tokenizer.identity(), params, secret: new Uint8Array(32).fill(k + 1), createdAt: new Date(0) }));
    const ps = chunks.map((c) => det.detect(c).aggregate.pValue);
    rows.push(`${ps.filter((p) => p < 1e-2).length}/${ps.filter((p) => p < 1e-3).length}`);
  }
  console.log(scheme, chunks.length, 'FP@1e-2/1e-3 per key:', rows.join(' '));
}
