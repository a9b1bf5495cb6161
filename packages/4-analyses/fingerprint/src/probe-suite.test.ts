import { describe, expect, it } from 'vitest';
import { loadBuiltinSuite } from './default-suite.ts';
import { parseProbeSuite, PROBE_CATEGORIES, ProbeSuiteError, suiteHash } from './probe-suite.ts';

const minimal = (probes: unknown[]) =>
  JSON.stringify({ format: 'tracemark.probe-suite', name: 't', version: '1', defaults: { maxTokens: 16 }, probes });

describe('the default probe suite', () => {
  const { suite, hash } = loadBuiltinSuite('default');

  it('is version 1.0.0 with a stable content hash and unique ids', () => {
    expect(suite.version).toBe('1.0.0');
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(loadBuiltinSuite('default-v1').hash).toBe(hash);
    expect(new Set(suite.probes.map((p) => p.id)).size).toBe(suite.probes.length);
    expect(suite.probes.length).toBeGreaterThanOrEqual(120);
  });

  it('covers every category, identity in several languages and many paraphrases', () => {
    const count = (c: string) => suite.probes.filter((p) => p.category === c).length;
    for (const c of PROBE_CATEGORIES) expect(count(c), c).toBeGreaterThanOrEqual(10);
    const identity = suite.probes.filter((p) => p.category === 'identity');
    expect(identity.length).toBeGreaterThanOrEqual(30);
    expect(new Set(identity.map((p) => p.language)).size).toBeGreaterThanOrEqual(8);
  });

  it('hashes content, not formatting: re-indented and key-reordered files hash the same', () => {
    const reverse = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    const reordered = JSON.stringify(reverse({ ...suite, probes: suite.probes.map(reverse) }), null, 4);
    expect(reordered.indexOf('"probes"')).toBeLessThan(reordered.indexOf('"format"'));
    expect(parseProbeSuite(reordered, 'x.json').hash).toBe(hash);
    expect(suiteHash({ ...suite, version: '1.0.1' })).not.toBe(hash);
  });
});

describe('parseProbeSuite', () => {
  it('names the file and the duplicated id', () => {
    const text = minimal([
      { id: 'a', category: 'style', prompt: 'x' },
      { id: 'b', category: 'style', prompt: 'y' },
      { id: 'a', category: 'style', prompt: 'z' },
    ]);
    expect(() => parseProbeSuite(text, 'mine.json')).toThrow(ProbeSuiteError);
    expect(() => parseProbeSuite(text, 'mine.json')).toThrow('mine.json: duplicate probe id "a" (probes 1 and 3)');
  });

  it.each([
    ['not JSON', '{', /mine.json: not valid JSON/],
    ['wrong format tag', JSON.stringify({ format: 'x' }), /"format" must be "tracemark.probe-suite"/],
    ['no probes', minimal([]), /"probes" must be a non-empty array/],
    ['bad id', minimal([{ id: 'a b', category: 'c', prompt: 'p' }]), /probe 1: "id" must be/],
    ['no prompt', minimal([{ id: 'a', category: 'c' }]), /probe "a": "prompt" must be a non-empty string/],
    ['bad maxTokens', minimal([{ id: 'a', category: 'c', prompt: 'p', maxTokens: 0 }]), /probe "a": "maxTokens" must be an integer/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseProbeSuite(text, 'mine.json')).toThrow(message);
  });
});
