/**
 * The ASCII fast path of `createNormalizer` must give exactly what the general path gives: the
 * same text and the same list of normalizers applied, on real text and on the attacks the
 * normalizers exist for. A difference would change which tuples are scored.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { createRng } from '@tracemark/stats';
import { createNormalizer, type NormalizeOptions, normalizeTextGeneral, passesNormalizersUnchanged } from './normalize.ts';

/** Sentences and lines of both corpora (most of them ASCII: the fast path; the rest, with dashes and accents: the general one). */
function sentences(): string[] {
  const out: string[] = [];
  for (const name of ['sotu', 'moby-dick'] as const) for (const d of loadBuiltinCorpus(name)) out.push(...d.text.split(/\n+|(?<=[.!?])  ?(?=[A-Z])/).filter((p) => p.length > 0));
  return out;
}

/** Whole documents: long texts whose few acronyms must not tip the document-level case decision. */
const documents = () => (['sotu', 'moby-dick'] as const).flatMap((name) => loadBuiltinCorpus(name).map((d) => d.text));

/** Edges of the candidate rules: capitals reached only across an apostrophe, and their absence. */
const EDGES = ["I'M", "I'M sure; I'D say so.", "x'Y", "'A'B'C", "don'T wOn'T cAn'T", "it's O'Brien's McDonald's", "A'", "''A", 'a  b', 'a\tb', 'a\r\nb', 'a\vb\fc', ' ', ''];

/** The edits the case and whitespace normalizers undo, at random places (ASCII in, ASCII out). */
function attack(text: string, random: () => number): string {
  const kind = Math.floor(random() * 5);
  if (kind === 0) return text.toUpperCase();
  if (kind === 1) return text.replace(/[a-z]/g, (c) => (random() < 0.3 ? c.toUpperCase() : c));
  if (kind === 2) return text.replace(/ /g, () => [' ', '  ', '\t', ' \r\n', "'"][Math.floor(random() * 5)]!);
  if (kind === 3) return text.replace(/\b[a-z]+\b/g, (w) => (random() < 0.5 ? w.toUpperCase() : w));
  return text.replace(/[a-z]/g, (c) => (random() < 0.05 ? `'${c.toUpperCase()}` : c));
}

describe('createNormalizer: the ASCII fast path', () => {
  const texts = sentences();
  const random = createRng('normalize-fast-path');
  const attacked = texts.filter((_, i) => i % 5 === 0).map((t) => attack(t, random));
  const options: (NormalizeOptions | false)[] = [{}, false, { case: false }, { whitespace: false }, { invisible: false, homoglyphs: false, nfkc: false }];

  it('exercises mostly ASCII text, and attacked text in which case and whitespace do change', () => {
    const ascii = texts.filter((t) => /^[\x00-\x7f]*$/.test(t)).length;
    expect(ascii).toBeGreaterThan(10_000);
    expect(texts.length - ascii).toBeGreaterThan(500); // and the general path on the rest
    const changed = attacked.map((t) => normalizeTextGeneral(t).applied);
    expect(changed.filter((a) => a.includes('case')).length).toBeGreaterThan(100);
    expect(changed.filter((a) => a.includes('whitespace')).length).toBeGreaterThan(100);
  });

  it('gives the general path\'s text and applied list on every sentence, clean and attacked, and every whole document, under every option set', () => {
    for (const o of options) {
      const normalize = createNormalizer(o);
      for (const t of [...EDGES, ...texts, ...attacked, ...(o === options[0] ? documents() : [])]) {
        const fast = normalize(t);
        const general = normalizeTextGeneral(t, o);
        if (fast.text !== general.text || fast.applied.join() !== general.applied.join()) {
          expect({ options: o, text: t.slice(0, 200), fast, general }).toBeUndefined();
        }
      }
    }
  });
});

describe('createNormalizer: the ASCII candidate automaton', () => {
  it('agrees with the general path on random strings of the characters its states tell apart', () => {
    // Letters of both cases, apostrophes, spaces, odd spaces, newlines and other characters, with
    // a character beyond ASCII at the end of some (the automaton hands over to the general loop).
    const alphabet = ['a', 'b', 'A', 'B', 'I', "'", ' ', ' ', '\t', '\r', '\v', '\f', '\n', '.', '1', '-'];
    const random = createRng('ascii-automaton');
    const normalize = createNormalizer({});
    let changed = 0;
    for (let k = 0; k < 20_000; k++) {
      let t = '';
      const length = 1 + Math.floor(random() * 24);
      for (let j = 0; j < length; j++) t += alphabet[Math.floor(random() * alphabet.length)];
      if (k % 7 === 0) t += '’';
      const fast = normalize(t);
      const general = normalizeTextGeneral(t);
      if (fast.text !== general.text || fast.applied.join() !== general.applied.join()) expect({ text: t, fast, general }).toBeUndefined();
      if (general.applied.length > 0) changed++;
    }
    expect(changed).toBeGreaterThan(5_000);
  });

  it('agrees on long documents with more case candidates than it records (4096), and around that count', () => {
    const ascii = documents().filter((d) => /^[\x00-\x7f]*$/.test(d) && d.length > 20_000).slice(0, 3);
    expect(ascii.length).toBe(3);
    const normalize = createNormalizer({});
    for (const d of ascii) {
      const upper = d.toUpperCase();
      // Shouted from some point on: candidate counts from a few up to tens of thousands.
      const partly = [1000, 4000, 4100, 5000, 12_000].map((cut) => d.slice(0, d.length - cut) + upper.slice(d.length - cut));
      for (const t of [upper, ...partly]) {
        const fast = normalize(t);
        const general = normalizeTextGeneral(t);
        expect(fast.applied).toEqual(general.applied);
        expect(fast.text === general.text).toBe(true);
      }
    }
  });
});

describe('passesNormalizersUnchanged: the punctuation the fast path lets through', () => {
  const accepted: string[] = [];
  for (let u = 0; u < 0x10000; u++) if (passesNormalizersUnchanged(u)) accepted.push(String.fromCharCode(u));

  it('takes the punctuation of everyday text and none of what a normalizer changes', () => {
    for (const c of ['’', '“', '”', '—', '–', '•', '§', '©', '€', '‘']) expect(accepted).toContain(c);
    // NFKC changes these (… → ...); invisible removes the soft hyphen; letters, spaces and marks never pass.
    for (const c of ['…', '™', '½', '‥', '\u00ad', '\u00a0', '\u2028', 'é', 'а', '\u0301', '\u200b', '＂']) expect(accepted).not.toContain(c);
    expect(accepted.length).toBeGreaterThan(1000);
  });

  it('no accepted character composes with the one before it or reorders with marks (combining class 0)', () => {
    const set = new Set(accepted);
    // Canonical composition only forms characters whose NFD has the second character after a first.
    for (let u = 0; u < 0x10000; u++) {
      if (u >= 0xd800 && u <= 0xdfff) continue;
      const nfd = String.fromCharCode(u).normalize('NFD');
      for (const c of Array.from(nfd).slice(1)) if (set.has(c)) expect({ composes: String.fromCharCode(u), with: c }).toBeUndefined();
    }
    // A nonzero combining class would reorder against one of these marks (classes 1 and 230).
    for (const c of accepted) {
      for (const m of ['\u0334', '\u0301']) {
        if ((c + m).normalize('NFKC') !== c + m || (m + c).normalize('NFKC') !== m + c) expect({ reorders: c, with: m }).toBeUndefined();
      }
    }
  });

  it('every accepted character survives invisible, homoglyphs and nfkc in ASCII context, and the normalizer agrees with the general path on random mixes', () => {
    const firstThree = { case: false, whitespace: false };
    for (const c of accepted) {
      for (const t of [`a${c}b`, `${c}${c}`, `A${c}B c`, `x ${c}`]) {
        const r = normalizeTextGeneral(t, firstThree);
        if (r.text !== t || r.applied.length > 0) expect({ c, t, r }).toBeUndefined();
      }
    }
    const random = createRng('punctuation-mix');
    const pieces = ['a', 'B', 'I', "'", '’', ' ', '  ', '\t', 'x', 'Y', 'é', '\u00a0', '\u200b', 'а', ...accepted.filter((_, i) => i % 40 === 0)];
    const normalize = createNormalizer({});
    for (let k = 0; k < 20_000; k++) {
      let t = '';
      const length = 1 + Math.floor(random() * 30);
      for (let j = 0; j < length; j++) t += pieces[Math.floor(random() * pieces.length)];
      const fast = normalize(t);
      const general = normalizeTextGeneral(t);
      if (fast.text !== general.text || fast.applied.join() !== general.applied.join()) expect({ text: t, fast, general }).toBeUndefined();
    }
  });
});
