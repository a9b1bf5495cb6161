import { describe, expect, it } from 'vitest';
import { DEFAULT_NORMALIZATION, enabledNormalizers, HOMOGLYPH_FOLDS, NORMALIZERS, normalizeText } from './normalize.ts';

const only = (name: (typeof NORMALIZERS)[number]) => Object.fromEntries(NORMALIZERS.map((n) => [n, n === name]));

describe('normalizeText: defaults and options', () => {
  it('runs every normalizer by default, in a fixed order, and records the ones that changed the text', () => {
    expect(enabledNormalizers()).toEqual(['invisible', 'homoglyphs', 'nfkc', 'case', 'whitespace']);
    expect(Object.values(DEFAULT_NORMALIZATION).every(Boolean)).toBe(true);
    expect(normalizeText('Ｔhe\u200b cаt  sat')).toEqual({ text: 'The cat sat', applied: ['invisible', 'homoglyphs', 'nfkc', 'whitespace'] });
    expect(normalizeText('plain text, nothing to do.')).toEqual({ text: 'plain text, nothing to do.', applied: [] });
  });

  it('switches single normalizers off, or all with false, and rejects unknown names', () => {
    expect(normalizeText('a\u200bb  c', { whitespace: false }).text).toBe('ab  c');
    expect(normalizeText('a\u200bb  c', false)).toEqual({ text: 'a\u200bb  c', applied: [] });
    expect(enabledNormalizers({ nfkc: false, case: false })).toEqual(['invisible', 'homoglyphs', 'whitespace']);
    expect(() => normalizeText('x', { unicode: true } as never)).toThrow(/unknown normalizer "unicode"/);
    expect(() => normalizeText(42 as never)).toThrow(TypeError);
  });

  it('is idempotent', () => {
    const messy = 'Ｗater\u200d\ufe0f  іѕ\u00a0WET.\r\nThe  UNITED STATES Of AMERICA gOVERNMENT\u2060 said ½.';
    const once = normalizeText(messy).text;
    expect(normalizeText(once)).toEqual({ text: once, applied: [] });
  });
});

describe('invisible', () => {
  const inv = only('invisible');
  it('removes zero-width characters, joiners, word joiner, BOM, soft hyphen, bidi and tag controls, variation selectors', () => {
    const junk = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u200e', '\u202e', '\u2062', '\ufe00', '\ufe0f', '\u{e0100}', '\u{e0041}', '\u180e', '\u034f'];
    for (const c of junk) expect(normalizeText(`wa${c}ter${c}`, inv).text).toBe('water');
    expect(normalizeText('w\u200b\u200c\u200d\u2060\ufeffx', inv)).toEqual({ text: 'wx', applied: ['invisible'] });
  });

  it('keeps what emoji and joining scripts need', () => {
    const keep = [
      '❤\ufe0f love', // VS16 after an emoji
      '1\ufe0f\u20e3 one', // keycap
      'family 👨\u200d👩\u200d👧 here', // ZWJ sequence
      '👍🏽 ok', // skin tone (not ignorable)
      '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} England', // subdivision flag tags
      'می\u200cخواهم', // Persian ZWNJ
      'क्\u200dष', // Devanagari ZWJ
    ];
    for (const t of keep) expect(normalizeText(t, inv).text).toBe(t);
    // …but not two selectors in a row, a selector after a letter, or a joiner between Latin letters.
    expect(normalizeText('❤\ufe0f\ufe0f', inv).text).toBe('❤\ufe0f');
    expect(normalizeText('a\ufe0fb\u200dc\u200cd', inv).text).toBe('abcd');
  });
});

describe('homoglyphs', () => {
  const hg = only('homoglyphs');
  it('folds Cyrillic and Greek look-alikes inside Latin words and in look-alike-only words of Latin text', () => {
    expect(normalizeText('The cаt ѕat on the mаt', hg).text).toBe('The cat sat on the mat');
    expect(normalizeText('We ate асе and рорсоrn', hg).text).toBe('We ate ace and popcorn');
    expect(normalizeText('ΤΗΕ ΚΙΝG', hg).text).toBe('THE KING'); // all caps, Greek look-alikes, in a document with a G
  });

  it('leaves Russian and Greek text alone', () => {
    for (const t of ['Москва — столица России, а Волга — река.', 'Η Αθήνα είναι η πρωτεύουσα της Ελλάδας.', 'Он сказал: "Привет, мир" и ушёл домой.']) {
      expect(normalizeText(t, hg).text).toBe(t);
    }
    // A Greek word quoted in English text is kept when it has letters that are not look-alikes.
    expect(normalizeText('the word λόγος means reason', hg).text).toBe('the word λόγος means reason');
  });

  it('maps every look-alike to an ASCII letter', () => {
    for (const [glyph, latin] of Object.entries(HOMOGLYPH_FOLDS)) {
      expect(latin).toMatch(/^[A-Za-z]$/);
      expect(glyph).not.toMatch(/^[A-Za-z]$/);
      expect(normalizeText(`x${glyph}x text`, hg).text).toBe(`x${latin}x text`);
    }
  });
});

describe('nfkc', () => {
  it('folds fullwidth and mathematical letters, ligatures and Unicode spaces', () => {
    const nfkc = only('nfkc');
    expect(normalizeText('Ｗａｔｅｒｍａｒｋ 𝖳𝖾𝗑𝗍 ﬁle\u00a0x', nfkc).text).toBe('Watermark Text file x');
  });
});

describe('case', () => {
  const cs = only('case');
  it('lower-cases scrambled words in a case-attacked document, capitalising at sentence starts', () => {
    expect(normalizeText('The wAtEr is WeT. cOlD wAtEr fRoM tHe ClOuDs.', cs).text).toBe('The water is wet. Cold water from the clouds.');
  });

  it('restores shouted text: ALL-CAPS words to lower case, sentence starts and I capitalised', () => {
    expect(normalizeText("WE THE PEOPLE OF THE UNITED STATES. I AGREE, SAID I. I'M SURE.", cs).text).toBe("We the people of the united states. I agree, said I. I'm sure.");
  });

  it('leaves ordinary text alone: acronyms, CamelCase names and identifiers, names with inner capitals', () => {
    for (const t of [
      'The NATO summit and the U.S. Senate met in the USSR.',
      "McDonald and O'Brien met MacArthur, LaGuardia and DeConcini; iPhone sales and CDs, NGOs.",
      'Through AmeriCorps and the TelePrompter, on YouTube and GitHub, OpenAI wrote JavaScript: call getElementById and useState, then ship the PhD thesis to eBay.',
      'Plain sentence. Another One with A capital.',
    ]) {
      expect(normalizeText(t, cs).text).toBe(t);
    }
  });

  it('decides per document: a few scrambled words in a long text are names, many are an attack', () => {
    const clean = 'the government of the people shall not perish from the earth. '.repeat(10);
    expect(normalizeText(`${clean}wAtEr fIrE`, cs).text).toBe(`${clean}wAtEr fIrE`); // 2 of 112 words: too few
    const attacked = `${clean}wAtEr fIrE eArTh aIr lIgHt`; // 5 of 115 words
    expect(normalizeText(attacked, cs).text).toBe(`${clean}Water fire earth air light`); // a sentence starts at Water
  });
});

describe('whitespace', () => {
  const ws = only('whitespace');
  it('folds runs of spaces, tabs and Unicode spaces inside a line to one space and unifies line breaks', () => {
    expect(normalizeText('a  b\tc\u00a0d\u2003e\u3000\u202ff', ws).text).toBe('a b c d e f');
    expect(normalizeText('one\r\ntwo\rthree\u2028four', ws).text).toBe('one\ntwo\nthree\nfour');
    expect(normalizeText('para one.\n\npara two.', ws).text).toBe('para one.\n\npara two.');
  });

  it('keeps the width of indentation (code, nested lists)', () => {
    expect(normalizeText('if (x) {\n    return  y;\n\tz\n}', ws).text).toBe('if (x) {\n    return y;\n\tz\n}');
    expect(normalizeText('\u00a0\u00a0item', ws).text).toBe('  item');
  });
});
