/**
 * The fast o200k_base encoder must give gpt-tokenizer's ids exactly, or decline: a different id
 * anywhere would change which tuples detection scores. Compared on both built-in corpora (whole
 * documents and lines), on the same text after case and whitespace attacks, and on random strings
 * drawn from the characters where the pattern's alternatives meet.
 */
import { describe, expect, it } from 'vitest';
import o200k, { encode as reference } from 'gpt-tokenizer/encoding/o200k_base';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { createRng } from '@tracemark/stats';
import { getTokenizer } from './get-tokenizer.ts';
import { type BytePairCore, FastO200kEncoder } from './_o200k-fast.ts';

const asText = { disallowedSpecial: new Set<string>() };

const core = (o200k as unknown as { bytePairEncodingCoreProcessor: BytePairCore }).bytePairEncodingCoreProcessor;

/** Compares the fast encoder alone and the tokenizer (fast path or fallback) with gpt-tokenizer; returns how many texts the fast encoder took. */
function expectSame(texts: readonly string[], tokenizerEncode: (t: string) => Uint32Array): number {
  const fast = new FastO200kEncoder(core);
  let taken = 0;
  for (const t of texts) {
    const want = reference(t, asText);
    const direct = fast.encode(t);
    if (direct) taken++;
    for (const got of direct ? [direct, tokenizerEncode(t)] : [tokenizerEncode(t)]) {
      if (got.length !== want.length || got.some((id, i) => id !== want[i])) expect({ text: t.slice(0, 300), got: [...got].slice(0, 60), want: want.slice(0, 60) }).toBeUndefined();
    }
  }
  return taken;
}

/** Strings over an alphabet of the characters that decide the split, and a few that make the encoder decline. */
function randomStrings(count: number, seed: string, supportedOnly: boolean): string[] {
  const random = createRng(seed);
  const all = ["a", "b", "Z", "Q", "e", "s", "t", "l", "L", "v", "E", "r", "R", "m", "D", "'", '’', '"', " ", " ", "  ", "\n", "\r\n", "\r", "\t", "\v", "\f", "0", "7", "123", "4567", "/", "(", ")", ".", ",", "-", "—", "“", "”", "…", "•", "\u00ad", "\u0001", "\u001f", "\u007f", "<|endoftext|>", "é", "\u00a0", "\u2028", "\ufeff", "😀", "ﬁ", "٣", "\u0301"];
  const alphabet = supportedOnly ? all.slice(0, all.indexOf('é')) : all;
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(random() * 24);
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  });
}

describe('o200k_base fast path', async () => {
  const tokenizer = await getTokenizer('o200k_base');
  const encode = (t: string) => tokenizer.encode(t);

  it('gives gpt-tokenizer\'s ids on both corpora, whole documents and line by line', () => {
    const docs = (['sotu', 'moby-dick'] as const).flatMap((n) => loadBuiltinCorpus(n).map((d) => d.text));
    expect(expectSame(docs, encode)).toBeGreaterThan(docs.length * 0.8);
    const lines = docs.flatMap((d) => d.split('\n'));
    expect(expectSame(lines, encode)).toBeGreaterThan(lines.length * 0.95);
  });

  it('gives the same ids after case and whitespace attacks', () => {
    const random = createRng('o200k-attacks');
    const lines = loadBuiltinCorpus('moby-dick').flatMap((d) => d.text.split('\n')).filter((_, i) => i % 3 === 0);
    const attacked = lines.map((l) => {
      const k = Math.floor(random() * 4);
      if (k === 0) return l.toUpperCase();
      if (k === 1) return l.replace(/[a-z]/g, (c) => (random() < 0.3 ? c.toUpperCase() : c));
      if (k === 2) return l.replace(/ /g, () => [' ', '  ', '\t', ' \n ', '   \r\n'][Math.floor(random() * 5)]!);
      return l.replace(/[a-z]+/g, (w) => (random() < 0.2 ? `${w}'${['S', 'd', 'LL', 've', 'Re', 'x'][Math.floor(random() * 6)]}` : w));
    });
    expect(expectSame(attacked, encode)).toBeGreaterThan(attacked.length * 0.9);
  });

  it('gives the same ids on 40,000 random strings where the split rules meet', () => {
    const supported = randomStrings(30_000, 'o200k-fuzz-supported', true);
    expect(expectSame(supported, encode)).toBe(supported.length);
    const strings = randomStrings(10_000, 'o200k-fuzz', false);
    const taken = expectSame(strings, encode);
    // Some strings hold a character the fast encoder declines (then gpt-tokenizer encodes them), most do not.
    expect(taken).toBeGreaterThan(strings.length * 0.2);
    expect(taken).toBeLessThan(strings.length);
  });
});
