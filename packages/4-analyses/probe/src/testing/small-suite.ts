/** A tiny probe suite for protocol tests: `n` probes, alternating style and identity categories. */
import { type LoadedProbeSuite, parseProbeSuite } from '@tracemark/fingerprint';

export function smallSuite(n = 6, version = '1'): LoadedProbeSuite {
  const probes = Array.from({ length: n }, (_, i) => ({ id: `p${i}`, category: i % 2 ? 'identity' : 'style', prompt: `prompt number ${i}` }));
  return parseProbeSuite(JSON.stringify({ format: 'tracemark.probe-suite', name: 'small', version, defaults: { maxTokens: 8 }, probes }), `small-${version}.json`);
}
