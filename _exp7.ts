import { readFileSync } from 'node:fs';
import { responseFeatures, wordNgrams, charNgrams, spectrumVector, matchRefusalTemplates, extractIdentityClaims } from './packages/fingerprint/src/index.ts';
const { data } = JSON.parse(readFileSync('/tmp/exp/data.json', 'utf8'));
const texts: string[] = Object.values(data.teacher as Record<string, string[]>).flat();
for (const [name, f] of Object.entries({ all: responseFeatures, words: (t: string) => wordNgrams(t,1,2), chars: (t: string) => charNgrams(t,3,4), spec: spectrumVector, ref: matchRefusalTemplates, id: extractIdentityClaims })) {
  const t = performance.now(); for (const x of texts) (f as any)(x); console.log(name, ((performance.now() - t) / texts.length).toFixed(3), 'ms/answer');
}
