/**
 * Detection-side text normalizers: undo the trivial edits that change a text's tokens without
 * changing what a reader sees — invisible characters, compatibility forms (NFKC), Cyrillic and
 * Greek look-alikes of Latin letters, odd whitespace, and scrambled letter case — before the text
 * is tokenized and scored. Users of earlier tools report that exactly these edits silently break
 * detection (the threat model of Kirchenbauer et al. 2024, "On the Reliability of Watermarks for
 * Large Language Models", §4, and of the Unicode confusables of UTS #39, "Unicode Security
 * Mechanisms").
 *
 * Why this cannot raise the false-positive rate: every normalizer is a function of the text
 * alone, never of the key. Under the null hypothesis (the text was written without the key) the
 * normalized text is just as independent of the key as the original, so the exact p-value of the
 * normalized text is exactly as valid. A normalizer can only cost power, when it changes tokens
 * that the watermark did choose; which ones are on by default was decided by measuring that cost
 * on clean watermarked text against the power they restore after attacks (`bench/attacks.ts`,
 * "Normalizers" table).
 *
 * Each normalizer is conservative: it changes only what an attack produces and clean text almost
 * never contains, so that clean watermarked text keeps its tokens.
 */

/** The normalizers, in the order they run. */
export type NormalizerName = 'invisible' | 'homoglyphs' | 'nfkc' | 'case' | 'whitespace';

/**
 * Look-alike folding runs before NFKC because NFKC maps some look-alikes to other non-Latin
 * letters (Greek lunate sigma ϲ → final sigma ς) that no longer fold back to Latin (measured: with
 * NFKC first, a 20% homoglyph attack left KGW h=1 at a mean log10 p of −19.7 instead of −22.3).
 */
export const NORMALIZERS: readonly NormalizerName[] = ['invisible', 'homoglyphs', 'nfkc', 'case', 'whitespace'];

/** Which normalizers run; a missing field takes its value from `DEFAULT_NORMALIZATION`. */
export type NormalizeOptions = { readonly [K in NormalizerName]?: boolean };

/**
 * All five are on by default. Measured on the reference model's output (`bench/attacks.ts`,
 * "Normalizers" table: 100 watermarked 200-token samples for each of five schemes): not one of
 * the 500 clean samples was changed by any normalizer, so they cost no power there; and each
 * restored detection after the attack it targets, from 0–2% to 100% of samples at p < 1e-3
 * (whitespace 100%, invisible 0.2 per character, homoglyphs 30%, fullwidth 50%, all caps), and
 * from 1–47% to 95–100% after mixed case changes of half the words. NFKC can rewrite
 * characters a model legitimately writes (… → ..., x² → x2, ½ → 1⁄2); the State of the Union and
 * Moby-Dick contain five such characters in 12 MB, so it costs a handful of tuples in text that
 * uses them — switch it off with `{ nfkc: false }` for such text. Speed: 12–30 MB/s on the two
 * corpora, faster than tokenization (o200k_base, 3–9 MB/s).
 */
export const DEFAULT_NORMALIZATION: Readonly<Record<NormalizerName, boolean>> = Object.freeze({
  invisible: true,
  homoglyphs: true,
  nfkc: true,
  case: true,
  whitespace: true,
});

export interface NormalizeResult {
  readonly text: string;
  /** The normalizers that changed the text, in the order they ran (empty: the text was already normal). */
  readonly applied: NormalizerName[];
}

/** The enabled normalizers for `options` (defaults filled in), in running order. */
export function enabledNormalizers(options: NormalizeOptions | false = {}): NormalizerName[] {
  if (options === false) return [];
  if (options === null || typeof options !== 'object') throw new TypeError('normalize options must be an object or false');
  for (const name of Object.keys(options)) {
    if (!(NORMALIZERS as readonly string[]).includes(name)) {
      throw new RangeError(`unknown normalizer ${JSON.stringify(name)} (known: ${NORMALIZERS.join(', ')})`);
    }
  }
  return NORMALIZERS.filter((n) => options[n] ?? DEFAULT_NORMALIZATION[n]);
}

/**
 * Normalize `text` for detection. `options` switches single normalizers on or off over the
 * defaults (`{ nfkc: false }` drops NFKC; `false` disables everything). O(length) for each one.
 *
 * - `invisible`: removes default-ignorable code points (zero-width space, joiners, word joiner,
 *   BOM, soft hyphen, bidi and tag controls, variation selectors), keeping the few that carry
 *   meaning: ZWJ and variation selectors inside emoji sequences, tag characters of flag
 *   sequences, ZWJ/ZWNJ between letters of scripts that use them (Arabic, Indic, …).
 * - `homoglyphs`: folds Cyrillic, Greek and other look-alikes of Latin letters back to Latin, in
 *   words that mix them with Latin letters, and in words made only of look-alikes when the
 *   document's other letters are mostly Latin (so Russian or Greek text is left alone).
 * - `nfkc`: Unicode NFKC (compatibility decomposition + canonical composition): fullwidth and
 *   mathematical letters, ligatures, non-ASCII spaces.
 * - `case`: when a document looks case-attacked — more than a quarter of its words in capitals,
 *   or at least 3% (and 3) with scrambled case (`wAtEr`) — lower-cases its ALL-CAPS words and
 *   words with inner capitals, capitalising sentence starts and `I`. Ordinary text, with its
 *   acronyms and CamelCase names, is left alone.
 * - `whitespace`: folds runs of spaces, tabs and Unicode spaces inside a line into one ASCII space
 *   and unifies line breaks (CRLF, CR, U+2028/2029 → LF); leading indentation keeps its width.
 *
 * @throws TypeError when `text` is not a string; RangeError for an unknown normalizer name.
 * @example
 * normalizeText('Ｔhe\u200B cаt  sat'); // { text: 'The cat sat', applied: ['invisible', 'homoglyphs', 'nfkc', 'whitespace'] }
 */
export function normalizeText(text: string, options: NormalizeOptions | false = {}): NormalizeResult {
  return createNormalizer(options)(text);
}

/**
 * `normalizeText` with the options checked once: the function to call per document when many
 * documents are normalized the same way (a detection run).
 */
export function createNormalizer(options: NormalizeOptions | false = {}): (text: string) => NormalizeResult {
  const enabled = enabledNormalizers(options);
  const firstThree = enabled.filter((n) => n !== 'case' && n !== 'whitespace');
  const lastTwo = enabled.filter((n) => n === 'case' || n === 'whitespace');
  const caseOn = enabled.includes('case');
  const whitespaceOn = enabled.includes('whitespace');
  return (text) => {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${typeof text}`);
    const applied: NormalizerName[] = [];
    const scan = scanCandidates(text);
    // Text outside the Basic Multilingual Plane (emoji, mathematical letters): the general path.
    if (scan < 0) return general(text, applied, enabled);
    if (scan & NON_ASCII_BIT) {
      // invisible, homoglyphs and nfkc leave ASCII text as it is (and the punctuation the
      // automaton takes: NON_ASCII is not set for it); others decide quickly (one
      // regular-expression test or ICU's quick check), and if they change the text the rest
      // runs on the changed text, whose candidates the scan did not see.
      const first = general(text, applied, firstThree);
      if (first.text !== text) return general(first.text, applied, lastTwo);
    }
    // The scan's candidates decide whether case and whitespace can change the text; the result
    // is the general path's (normalize-fast-path.test.ts compares both on both corpora, clean and attacked).
    let out = text;
    // Text the automaton took whole: the words it counted and the candidates it found, without another pass.
    if (caseOn && scan & CASE_CANDIDATE_BIT && (scan & NON_ASCII_BIT || asciiScan.overflow ? caseAttacked(text) : asciiCaseAttacked(text))) {
      out = restoreCase(text);
      if (out !== text) applied.push('case');
    }
    // Case restoring changes letters only, so the whitespace candidates are still those found.
    if (whitespaceOn && scan & WHITESPACE_CANDIDATE_BIT) {
      const next = foldWhitespace(out);
      if (next !== out) (applied.push('whitespace'), (out = next));
    }
    return { text: out, applied };
  };
}

/** Run `names` in order, noting in `applied` (added to) those that changed the text. */
function general(text: string, applied: NormalizerName[], names: readonly NormalizerName[]): NormalizeResult {
  let out = text;
  for (const name of names) {
    const next = NORMALIZER_FUNCTIONS[name](out);
    if (next !== out) (applied.push(name), (out = next));
  }
  return { text: out, applied };
}

/** The general path alone (no fast path), for the test that checks the two agree. */
export function normalizeTextGeneral(text: string, options: NormalizeOptions | false = {}): NormalizeResult {
  return general(text, [], enabledNormalizers(options));
}

const CASE_CANDIDATE_BIT = 1;
const WHITESPACE_CANDIDATE_BIT = 2;
const NON_ASCII_BIT = 4;

/** Classes of a UTF-16 code unit, as the normalizers' regular expressions see it. */
const IS_UPPER = 1; // \p{Lu}
const IS_LOWER = 2; // \p{Ll}
const IS_LETTER = 4; // \p{L}
const IS_MARK = 8; // \p{M}
const IS_APOSTROPHE = 16; // ' or ’
const IS_ODD_SPACE = 32; // what WHITESPACE_CANDIDATE matches as one character
const IS_SURROGATE = 64;
const IS_KNOWN = 128;

/** Classes of every code unit, filled in on first sight of each (ASCII at load). */
const CLASSES = new Uint8Array(65536);

function classOf(unit: number): number {
  const known = CLASSES[unit]!;
  if (known !== 0) return known;
  const ch = String.fromCharCode(unit);
  let c = IS_KNOWN;
  if (unit >= 0xd800 && unit <= 0xdfff) c |= IS_SURROGATE;
  else {
    if (/\p{Lu}/u.test(ch)) c |= IS_UPPER;
    if (/\p{Ll}/u.test(ch)) c |= IS_LOWER;
    if (/\p{L}/u.test(ch)) c |= IS_LETTER;
    if (/\p{M}/u.test(ch)) c |= IS_MARK;
    if (ch === "'" || ch === '’') c |= IS_APOSTROPHE;
    if (ch !== ' ' && WHITESPACE_CANDIDATE.test(ch)) c |= IS_ODD_SPACE;
  }
  CLASSES[unit] = c;
  return c;
}

/**
 * One pass over the code units: -1 when the text has characters outside the BMP (surrogates),
 * else `NON_ASCII`, and which of case and whitespace could change it: `CASE_CANDIDATE` is what
 * the regular expression of that name finds (a capital after a cased letter, with an apostrophe
 * between or not), `WHITESPACE_CANDIDATE` likewise (a CR, tab, Unicode space or line separator,
 * or two spaces). Measured on 16 MiB of JSONL: the regular expressions it replaces were 8% of
 * `detect`'s CPU time, 80 µs per 3 KB document with a curly quote.
 */
function scanCandidates(text: string): number {
  // ASCII (and the punctuation no normalizer changes, see `automatonKind`) first, through a small
  // automaton (two table lookups per character, no branch on the character's class: 4.5 → 1.6 ns
  // per character, measured on 44 MiB of JSONL); at the first other code unit the general loop
  // below starts over.
  asciiAutomaton ??= buildAsciiAutomaton();
  const { wide: WIDE_KIND, step: ASCII_STEP } = asciiAutomaton;
  const scan = asciiScan;
  scan.state = 0;
  scan.found = 0;
  scan.words = 0;
  scan.count = 0;
  const n = text.length;
  let i = 0;
  for (;;) {
    i = asciiRun(text, i, asciiAutomaton, scan);
    if (i === n) break;
    const unit = text.charCodeAt(i);
    let kind = WIDE_KIND[unit]!;
    if (kind === 0) kind = WIDE_KIND[unit] = automatonKind(unit);
    if (kind === NOT_HANDLED) break;
    // Punctuation (kind 0) or ’ (4): never a word start nor a candidate.
    scan.state = ASCII_STEP[(scan.state << 3) | (kind - 1)]! & 31;
    i++;
  }
  scan.overflow = scan.count > scan.candidates.length;
  const found = scan.found;
  if (i === n) return found;
  let bits = 0;
  let prev = 0;
  let prevPrev = 0;
  let prevUnit = -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const c = classOf(unit);
    if (unit >= 0x80) {
      if (c & IS_SURROGATE) return -1;
      bits |= NON_ASCII_BIT;
    }
    if (c & IS_UPPER && (prev & (IS_UPPER | IS_LOWER) || (prev & IS_APOSTROPHE && prevPrev & (IS_UPPER | IS_LOWER)))) bits |= CASE_CANDIDATE_BIT;
    else if (c & IS_ODD_SPACE || (unit === 0x20 && prevUnit === 0x20)) bits |= WHITESPACE_CANDIDATE_BIT;
    prevPrev = prev;
    prev = c;
    prevUnit = unit;
  }
  return bits;
}

/**
 * The automaton over the ASCII run of `text` from `from`: updates `scan` and returns where the run
 * ends (the text's length, or a code unit beyond ASCII). Its own function, so that the hot loop
 * stays small (measured: with the other code units handled inside it, ASCII text ran 40% slower).
 */
function asciiRun(text: string, from: number, automaton: AsciiAutomaton, scan: typeof asciiScan): number {
  const { kind: ASCII_KIND, step: ASCII_STEP } = automaton;
  const positions = scan.candidates;
  let state = scan.state;
  let found = scan.found;
  let words = scan.words;
  let count = scan.count;
  const n = text.length;
  let i = from;
  for (; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) break;
    const step = ASCII_STEP[(state << 3) | ASCII_KIND[unit]!]!;
    words += (step >>> 5) & 1;
    const f = step >>> 6;
    if (f !== 0) {
      found |= f;
      if (f === CASE_CANDIDATE_BIT && count <= positions.length) positions[count++] = i;
    }
    state = step & 31;
  }
  scan.state = state;
  scan.found = found;
  scan.words = words;
  scan.count = count;
  return i;
}

/**
 * The ASCII automaton of `scanCandidates`. Kinds of a character: 0 other, 1 lower-case letter,
 * 2 capital, 3 space (U+0020), 4 apostrophe, 5 odd space (\r \t \v \f: what `IS_ODD_SPACE` marks
 * in ASCII). A state is 12 × whether the previous character is inside a word + the previous
 * character's kind × 2 + whether the one before it was a letter; `step[state × 8 + kind]` holds
 * the next state, whether a word starts there, and the candidate bits the general loop sets there.
 */
interface AsciiAutomaton {
  /** Kind of each ASCII code unit. */
  readonly kind: Uint8Array;
  /** Beyond ASCII: 1 + the kind of a code unit the automaton takes, `NOT_HANDLED`, or 0 before its first sight. */
  readonly wide: Uint8Array;
  /** Per state × 8 + kind, packed into one load: next state | word starts here << 5 | candidate bits << 6. */
  readonly step: Uint8Array;
}
let asciiAutomaton: AsciiAutomaton | undefined;

/** A code unit the automaton hands over to the general loop. */
const NOT_HANDLED = 7;
const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/u;

/**
 * Beyond ASCII the automaton also takes the punctuation and symbols that no normalizer can change
 * (curly quotes, dashes, ellipsis, bullets …: see `passesNormalizersUnchanged`), as kind 0, or
 * 4 for ’; text made of these and ASCII skips invisible, homoglyphs and nfkc altogether.
 */
function automatonKind(unit: number): number {
  return passesNormalizersUnchanged(unit) ? 1 + (classOf(unit) & IS_APOSTROPHE ? 4 : 0) : NOT_HANDLED;
}

/**
 * True for a code unit beyond ASCII that `invisible`, `homoglyphs` and `nfkc` leave as it is in any
 * text of it and ASCII: a punctuation mark or symbol of the BMP (never a letter, mark, space or
 * surrogate), not default-ignorable, not a look-alike, its own NFKC form. Such a text is NFKC:
 * every character is NFKC_QC=Yes with combining class 0, the quick check's definitive "yes" (UAX
 * #15 §9; the characters that may compose with the one before them, NFKC_QC=Maybe, are marks and
 * Hangul jamo). `normalize.test.ts` checks all of this over every code unit it accepts.
 */
export function passesNormalizersUnchanged(unit: number): boolean {
  if (unit < 0x80 || unit > 0xffff) return false;
  const c = classOf(unit);
  if (c & (IS_SURROGATE | IS_LETTER | IS_MARK | IS_UPPER | IS_LOWER | IS_ODD_SPACE)) return false;
  const ch = String.fromCharCode(unit);
  return PUNCTUATION_OR_SYMBOL.test(ch) && !IGNORABLE.test(ch) && HOMOGLYPH_FOLDS[ch] === undefined && ch.normalize('NFKC') === ch;
}

/**
 * What the last `scanCandidates` of text the automaton took whole (ASCII and `automatonKind`'s
 * punctuation) found for the case decision, and the automaton's state: its words, and where
 * its case candidates are (the capital of each), up to 4096 of them (beyond: `overflow`, and
 * `caseAttacked` decides). Reused from text to text; valid until the next scan.
 */
const asciiScan = { state: 0, found: 0, words: 0, count: 0, overflow: false, candidates: new Int32Array(4096) };

/** Built on first use: `classOf` needs `WHITESPACE_CANDIDATE`, defined further down. */
function buildAsciiAutomaton(): AsciiAutomaton {
  const kind = new Uint8Array(128);
  const step = new Uint8Array(24 * 8);
  for (let u = 0; u < 128; u++) {
    const c = classOf(u);
    kind[u] = c & IS_LOWER ? 1 : c & IS_UPPER ? 2 : u === 0x20 ? 3 : c & IS_APOSTROPHE ? 4 : c & IS_ODD_SPACE ? 5 : 0;
  }
  for (let inWord = 0; inWord < 2; inWord++) {
    for (let prevKind = 0; prevKind < 6; prevKind++) {
      for (let prevPrevLetter = 0; prevPrevLetter < 2; prevPrevLetter++) {
        const state = inWord * 12 + prevKind * 2 + prevPrevLetter;
        const prevLetter = prevKind === 1 || prevKind === 2;
        for (let k = 0; k < 6; k++) {
          const letter = k === 1 || k === 2;
          let bits = 0;
          if (k === 2 && (prevLetter || (prevKind === 4 && prevPrevLetter === 1))) bits = CASE_CANDIDATE_BIT;
          else if (k === 5 || (k === 3 && prevKind === 3)) bits = WHITESPACE_CANDIDATE_BIT;
          // A word (what `CASED_WORD` matches) starts at a letter outside a word; letters and apostrophes continue it.
          const wordStart = letter && inWord === 0 ? 1 : 0;
          const nextInWord = letter ? 1 : k === 4 ? inWord : 0;
          step[(state << 3) | k] = (nextInWord * 12 + k * 2 + (prevLetter ? 1 : 0)) | (wordStart << 5) | (bits << 6);
        }
      }
    }
  }
  return { kind, wide: new Uint8Array(65536), step };
}

/**
 * `restoreCase`'s document decision, counted over code units (BMP text): its words are what
 * `CASED_WORD` matches (a letter, then letters, marks and apostrophes), and only words holding a
 * case candidate are classified, with the same `isAllCaps` and `isScrambled`.
 */
function caseAttacked(text: string): boolean {
  let words = 0;
  const candidateWords: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let prev = classOf(text.charCodeAt(i));
    if (!(prev & IS_LETTER)) {
      i++;
      continue;
    }
    const start = i++;
    let candidate = false;
    let prevPrev = 0;
    for (; i < n; i++) {
      const c = classOf(text.charCodeAt(i));
      if (!(c & (IS_LETTER | IS_MARK | IS_APOSTROPHE))) break;
      if (c & IS_UPPER && (prev & (IS_UPPER | IS_LOWER) || (prev & IS_APOSTROPHE && prevPrev & (IS_UPPER | IS_LOWER)))) candidate = true;
      prevPrev = prev;
      prev = c;
    }
    words++;
    if (candidate) candidateWords.push(text.slice(start, i));
  }
  return wordsAttacked(words, candidateWords);
}

/** The document decision from its word count and the words holding a case candidate. */
function wordsAttacked(words: number, candidateWords: readonly string[]): boolean {
  let caps = 0;
  let scrambled = 0;
  for (const word of candidateWords) {
    if (isAllCaps(word)) caps++;
    else if (isScrambled(word)) scrambled++;
  }
  const verdict = caseVerdict(words, caps, scrambled);
  return verdict.shouted || verdict.attacked;
}

/**
 * `caseAttacked` for text the automaton took whole, from what `scanCandidates` recorded
 * (`asciiScan`): the word count, and the words around the candidates, each word once (in such
 * text a word is an ASCII letter, then letters and apostrophes, ' or ’). Measured on 44 MiB of
 * JSONL: the second pass over 4,423 documents with a candidate cost 80–100 ms; this costs a few.
 */
function asciiCaseAttacked(text: string): boolean {
  const { words, count, candidates } = asciiScan;
  const candidateWords: string[] = [];
  let end = -1;
  for (let c = 0; c < count; c++) {
    const at = candidates[c]!;
    if (at < end) continue; // in the word already counted
    let start = at;
    while (start > 0 && isAsciiWordChar(text.charCodeAt(start - 1))) start--;
    while (text.charCodeAt(start) === 0x27 || text.charCodeAt(start) === 0x2019) start++; // a word starts at a letter
    end = at + 1;
    while (end < text.length && isAsciiWordChar(text.charCodeAt(end))) end++;
    candidateWords.push(text.slice(start, end));
  }
  return wordsAttacked(words, candidateWords);
}

/** A letter or apostrophe of the text the automaton handles: ASCII letters, ' and ’. */
function isAsciiWordChar(u: number): boolean {
  return (u >= 0x61 && u <= 0x7a) || (u >= 0x41 && u <= 0x5a) || u === 0x27 || u === 0x2019;
}

/** A document-level decision: a few acronyms and odd names are normal; many are an attack. */
function caseVerdict(words: number, caps: number, scrambled: number): { shouted: boolean; attacked: boolean } {
  return {
    shouted: caps > SHOUTED_WORD_SHARE * words,
    attacked: scrambled >= Math.max(MIN_SCRAMBLED_WORDS, SCRAMBLED_WORD_SHARE * words),
  };
}

/** ASCII text is already in every normalization form; the check is much cheaper than `normalize` (measured). */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

const NORMALIZER_FUNCTIONS: Readonly<Record<NormalizerName, (text: string) => string>> = {
  invisible: removeInvisible,
  nfkc: (t) => (ASCII_ONLY.test(t) ? t : t.normalize('NFKC')),
  homoglyphs: foldHomoglyphs,
  case: restoreCase,
  whitespace: foldWhitespace,
};

// ---------------------------------------------------------------------------------------------
// invisible

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}/u;
/** Scripts in which ZWJ/ZWNJ change how letters join or conjoin, so they are text, not noise. */
const JOINING_SCRIPT =
  /[\p{Script_Extensions=Arabic}\p{Script_Extensions=Syriac}\p{Script_Extensions=Nko}\p{Script_Extensions=Mongolian}\p{Script_Extensions=Devanagari}\p{Script_Extensions=Bengali}\p{Script_Extensions=Gurmukhi}\p{Script_Extensions=Gujarati}\p{Script_Extensions=Oriya}\p{Script_Extensions=Tamil}\p{Script_Extensions=Telugu}\p{Script_Extensions=Kannada}\p{Script_Extensions=Malayalam}\p{Script_Extensions=Sinhala}\p{Script_Extensions=Khmer}\p{Script_Extensions=Myanmar}\p{Script_Extensions=Tibetan}]/u;
const ZWNJ = 0x200c;
const ZWJ = 0x200d;
const KEYCAP_BASE = /[0-9#*]/;

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/**
 * Remove default-ignorable code points except where a sequence needs them. The exceptions are
 * decided from the neighbouring visible characters (already-removed ones are skipped over), so
 * an attack cannot smuggle a joiner through by placing two of them side by side.
 */
function removeInvisible(text: string): string {
  if (!IGNORABLE.test(text)) return text;
  const chars = Array.from(text);
  const n = chars.length;
  const ignorable = new Uint8Array(n);
  for (let i = 0; i < n; i++) ignorable[i] = IGNORABLE.test(chars[i]!) ? 1 : 0;
  // nextVisible[i]: the first visible character after i, found in one backward pass so that a
  // long run of invisible characters costs O(run), not O(run²).
  const nextVisible: string[] = new Array<string>(n);
  let upcoming = '';
  for (let i = n - 1; i >= 0; i--) {
    nextVisible[i] = upcoming;
    if (!ignorable[i]) upcoming = chars[i]!;
  }
  const out: string[] = [];
  let prevKept = ''; // last kept visible character
  for (let i = 0; i < n; i++) {
    const ch = chars[i]!;
    if (!ignorable[i]) {
      out.push(ch);
      prevKept = ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    const next = nextVisible[i]!;
    const prevEmoji = prevKept !== '' && PICTOGRAPHIC.test(prevKept);
    const last = out.length > 0 ? out[out.length - 1]! : '';
    let keep = false;
    if (isVariationSelector(cp)) {
      // VS15/VS16 directly after an emoji or keycap base (❤️, 1️⃣); any other selector is noise.
      keep = (cp === 0xfe0e || cp === 0xfe0f) && last === prevKept && (prevEmoji || KEYCAP_BASE.test(prevKept));
    } else if (cp === ZWJ) {
      keep = (prevEmoji && (last === prevKept || last === '\ufe0f')) && next !== '' && PICTOGRAPHIC.test(next);
      keep ||= prevKept !== '' && next !== '' && JOINING_SCRIPT.test(prevKept) && JOINING_SCRIPT.test(next);
    } else if (cp === ZWNJ) {
      keep = prevKept !== '' && next !== '' && JOINING_SCRIPT.test(prevKept) && JOINING_SCRIPT.test(next);
    } else if (cp >= 0xe0020 && cp <= 0xe007f) {
      // Tag characters spell subdivision flags after U+1F3F4 (🏴 + tags + cancel tag).
      let j = out.length - 1;
      while (j >= 0 && out[j]!.codePointAt(0)! >= 0xe0020 && out[j]!.codePointAt(0)! <= 0xe007f) j--;
      keep = j >= 0 && out[j] === '\u{1f3f4}';
    }
    if (keep) out.push(ch);
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// homoglyphs

/**
 * Look-alikes of Latin letters, from the Unicode confusables list (UTS #39, confusables.txt)
 * restricted to single letters that render identically or nearly so in common fonts: Cyrillic,
 * Greek, Armenian, Cherokee and Latin IPA letters. Each maps to the Latin letter it imitates.
 * Mathematical and fullwidth forms are NFKC's job and are not repeated here.
 */
export const HOMOGLYPH_FOLDS: Readonly<Record<string, string>> = Object.freeze({
  // Cyrillic lower case
  а: 'a', с: 'c', ԁ: 'd', е: 'e', ҽ: 'e', һ: 'h', і: 'i', ј: 'j', ӏ: 'l', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', ԝ: 'w', х: 'x', у: 'y', ү: 'y',
  // Cyrillic upper case
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ѕ: 'S', Т: 'T', Х: 'X', У: 'Y', Ү: 'Y', Ԝ: 'W', Ԛ: 'Q', Ӏ: 'I',
  // Greek
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ο: 'o', ν: 'v', ρ: 'p', ι: 'i', κ: 'k', υ: 'u', α: 'a', ϲ: 'c', ϳ: 'j',
  // Armenian
  օ: 'o', ս: 'u', հ: 'h', ո: 'n', զ: 'q', ց: 'g',
  // Cherokee (upper-case forms that look like Latin capitals)
  Ꭺ: 'A', Ᏼ: 'B', Ꮯ: 'C', Ꭼ: 'E', Ꮋ: 'H', Ꮶ: 'K', Ꮇ: 'M', Ꮲ: 'P', Ꮪ: 'S', Ꭲ: 'T', Ꮤ: 'W', Ꮓ: 'Z',
  // Latin letters outside ASCII that imitate ASCII ones (IPA)
  ɑ: 'a', ɡ: 'g', ɩ: 'i', ʏ: 'y',
});

const LETTER_RUN = /[\p{L}\p{M}]+/gu;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

/** Any look-alike at all: one regex scan decides for the (usual) text that has none. */
const ANY_FOLD = new RegExp(`[${Object.keys(HOMOGLYPH_FOLDS).join('')}]`, 'u');

function foldHomoglyphs(text: string): string {
  if (ASCII_ONLY.test(text) || !ANY_FOLD.test(text)) return text;
  // Document vote among letters that are not look-alikes: mostly Latin means look-alike-only
  // words are disguised Latin; mostly another script means they are genuine (Russian, Greek).
  let latin = 0;
  let other = 0;
  let any = false;
  for (const ch of text) {
    if (HOMOGLYPH_FOLDS[ch] !== undefined) {
      any = true;
      continue;
    }
    if (ch < '\u0080') {
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) latin++;
    } else if (LETTER.test(ch)) {
      if (LATIN.test(ch)) latin++;
      else other++;
    }
  }
  if (!any) return text;
  const latinDocument = latin > other;
  return text.replace(LETTER_RUN, (word) => {
    let hasLatin = false;
    let hasFold = false;
    let hasOther = false;
    for (const ch of word) {
      if (HOMOGLYPH_FOLDS[ch] !== undefined) hasFold = true;
      else if (!LETTER.test(ch)) continue; // combining marks
      else if (LATIN.test(ch)) hasLatin = true;
      else hasOther = true;
    }
    if (!hasFold || hasOther) return word;
    if (!hasLatin && !latinDocument) return word;
    let folded = '';
    for (const ch of word) folded += HOMOGLYPH_FOLDS[ch] ?? ch;
    return folded;
  });
}

// ---------------------------------------------------------------------------------------------
// case

/** Above this share of ALL-CAPS words a document is taken to be shouted, not to contain acronyms (clean text: ~0.2%). */
export const SHOUTED_WORD_SHARE = 0.25;

/**
 * From this share of words with scrambled case (wAtEr, not CamelCase such as AmeriCorps or
 * GitHub) a document is taken to be case-attacked; below it, odd capitals are names and
 * identifiers and stay. No State of the Union address or Moby-Dick chapter reaches it.
 */
export const SCRAMBLED_WORD_SHARE = 0.03;
/** …and at least this many, so that one odd word in a short text is not an attack. */
export const MIN_SCRAMBLED_WORDS = 3;

const CASED_WORD = /\p{L}[\p{L}\p{M}'’]*/gu;
const SENTENCE_END = /[.!?]["'”’)\]]*\s*$|^\s*$|\n\s*$/u;

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}
function isLower(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

/**
 * Scrambled case: a capital followed by lower case after another capital (`ATer`; a final plural
 * s as in CDs is fine), or a capital after a lower-case letter that does not read as CamelCase —
 * checked per apostrophe-free part, so O'Brien is fine.
 */
function isScrambled(word: string): boolean {
  return word.split(/['’]/).some(isScrambledPart);
}

/** Parts of a word cut before each capital that follows a lower-case letter: AmeriCorps → Ameri | Corps. */
const CAMEL_CUT = /(?<=\p{Ll})(?=\p{Lu})/u;
const CAMEL_HEAD = /^(?:\p{Lu}?\p{Ll}+|\p{Lu}+)$/u;
const CAMEL_PART = /^\p{Lu}\p{Ll}{2,}$/u;
const ACRONYM = /^\p{Lu}+$/u;

/**
 * CamelCase as names and identifiers write it: a head (word, Capitalised word, acronym or one
 * letter: iPhone, eBay), then Capitalised parts of three letters or more (AmeriCorps, GitHub,
 * TelePrompter, McDonald), the last of which may be an acronym (OpenAI, iOS, PhD). Random
 * per-letter case (wAtEr, WaTeR) has two-letter parts and does not pass.
 */
function isPlausibleCamel(part: string): boolean {
  const parts = part.split(CAMEL_CUT);
  if (parts.length < 2 || !CAMEL_HEAD.test(parts[0]!)) return false;
  for (let i = 1; i < parts.length; i++) {
    if (CAMEL_PART.test(parts[i]!)) continue;
    if (i === parts.length - 1 && ACRONYM.test(parts[i]!)) continue;
    return false;
  }
  return true;
}

function isScrambledPart(part: string): boolean {
  const chars = Array.from(part).filter((c) => LETTER.test(c));
  let innerCapital = false;
  for (let i = 1; i < chars.length; i++) {
    if (isLower(chars[i - 1]!) && isUpper(chars[i]!)) innerCapital = true;
    if (i >= 2 && isUpper(chars[i - 2]!) && isUpper(chars[i - 1]!) && isLower(chars[i]!) && !(chars[i] === 's' && i === chars.length - 1)) {
      return true;
    }
  }
  return innerCapital && !isPlausibleCamel(chars.join(''));
}

/** Any capital after a lower-case letter (iPhone, AmeriCorps, wAtEr). */
const INNER_CAPITAL = /\p{Ll}\p{Lu}/u;

function isAllCaps(word: string): boolean {
  const letters = Array.from(word).filter((c) => LETTER.test(c));
  return letters.length >= 2 && letters.every(isUpper);
}

/** Text without a lower→upper change or two capitals in a row (an apostrophe between allowed: I'M) can be neither scrambled nor shouted. */
const CASE_CANDIDATE = /\p{Ll}['’]?\p{Lu}|\p{Lu}['’]?\p{Lu}/u;

function restoreCase(text: string): string {
  if (!CASE_CANDIDATE.test(text)) return text;
  const words = text.match(CASED_WORD);
  if (!words) return text;
  let caps = 0;
  let scrambled = 0;
  for (const w of words) {
    // Most words have neither two capitals nor a capital after a lower-case letter (measured: this test alone triples the speed).
    if (!CASE_CANDIDATE.test(w)) continue;
    if (isAllCaps(w)) caps++;
    else if (isScrambled(w)) scrambled++;
  }
  const { shouted, attacked } = caseVerdict(words.length, caps, scrambled);
  if (!shouted && !attacked) return text;
  return text.replace(CASED_WORD, (word, offset: number) => {
    if (!CASE_CANDIDATE.test(word)) return word;
    // In an attacked document every inner capital is suspect, CamelCase-looking or not (waTER).
    if (!isAllCaps(word) && !(attacked && (INNER_CAPITAL.test(word) || isScrambled(word)))) return word;
    const lower = word.toLowerCase();
    if (lower === 'i' || lower.startsWith("i'") || lower.startsWith('i’')) return `I${lower.slice(1)}`;
    const before = text.slice(Math.max(0, offset - 8), offset);
    const sentenceStart = offset === 0 || SENTENCE_END.test(before);
    return sentenceStart ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
  });
}

// ---------------------------------------------------------------------------------------------
// whitespace

/** Horizontal whitespace: tab, space, and the Unicode space separators (Zs), NBSP included. */
const HSPACE_RUN = /[\t\v\f\p{Zs}]+/gu;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;

/** Something to fold: a line break other than LF, any horizontal whitespace but U+0020, or two in a row. */
const WHITESPACE_CANDIDATE = /[\r\u2028\u2029\u0085\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]| {2}/u;

function foldWhitespace(text: string): string {
  if (!WHITESPACE_CANDIDATE.test(text)) return text;
  const unified = text.replace(LINE_BREAKS, '\n');
  return unified.replace(HSPACE_RUN, (run, offset: number, whole: string) => {
    const atLineStart = offset === 0 || whole.charCodeAt(offset - 1) === 0x0a;
    if (atLineStart) return run.replace(/[^\t]/gu, ' '); // indentation keeps its width (code, lists)
    return ' ';
  });
}
