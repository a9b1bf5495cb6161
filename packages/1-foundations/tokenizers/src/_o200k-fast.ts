/**
 * A faster o200k_base encoder for the text detection reads most: text whose every character is
 * ASCII or, beyond ASCII, punctuation and symbols (curly quotes, dashes, bullets). It gives exactly
 * the ids of tiktoken's o200k_base as gpt-tokenizer computes them (`_o200k-fast.test.ts` compares
 * both on both built-in corpora, on attacked text and on random strings of the characters where
 * the split rules differ); on other text it declines and the caller uses gpt-tokenizer.
 *
 * Why: tokenizing dominates detection (profile of `detect` on 16 MiB of JSONL: half its CPU time
 * in gpt-tokenizer, most of it a `Map<string, number>` lookup per piece into the 200k-entry rank
 * table, plus the pre-tokenization regular expression's match objects). Here the split is a
 * scan over char codes, and each piece is looked up in a cache of the pieces seen before, keyed
 * by a hash of its char codes, in typed arrays; only a piece not seen before is sliced out and
 * encoded by gpt-tokenizer's own byte-pair core (`getBpeRankFromString`, else `bytePairEncode`),
 * so the ids come from the same rank table and the same merge rule.
 *
 * The split follows tiktoken's o200k_base pattern (openai/tiktoken, tiktoken_ext/openai_public.py),
 * the one gpt-tokenizer uses, alternative by alternative, restricted to the supported characters,
 * where letters are A–Z and a–z, digits 0–9, whitespace the ASCII spaces, and every other
 * supported character is "other" ([^\s\p{L}\p{N}]):
 *
 *   1. [^\r\n\p{L}\p{N}]? [\p{Lu}…\p{M}]* [\p{Ll}…\p{M}]+ contraction?   ("(abc", " The", "don't")
 *   2. [^\r\n\p{L}\p{N}]? [\p{Lu}…\p{M}]+ [\p{Ll}…\p{M}]* contraction?   (" USA", "DON'T")
 *   3. \p{N}{1,3}
 *   4. " "? [^\s\p{L}\p{N}]+ [\r\n/]*
 *   5. \s* [\r\n]+
 *   6. \s+ (?!\S)
 *   7. \s+
 *
 * with contraction = '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]).
 */

/** gpt-tokenizer's byte-pair core, the two methods a piece needs. */
export interface BytePairCore {
  getBpeRankFromString(piece: string): number | undefined;
  bytePairEncode(piece: string): number[];
}

const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
/** \r or \n */
const NEWLINE = 4;
/** Other ASCII whitespace: space, tab, vertical tab, form feed. */
const SPACE = 5;
const OTHER = 6;
/** A letter, mark, number or space outside ASCII, or a surrogate: not handled here. */
const UNSUPPORTED = 7;

/** Class of each code unit; 0 = not classified yet (ASCII is classified at load, the rest on first sight). */
const CLASSES = new Uint8Array(65536);
const UNSUPPORTED_TEST = /[\p{L}\p{N}\p{M}\s]/u;

function classify(unit: number): number {
  if (unit >= 0x41 && unit <= 0x5a) return UPPER;
  if (unit >= 0x61 && unit <= 0x7a) return LOWER;
  if (unit >= 0x30 && unit <= 0x39) return DIGIT;
  if (unit === 0x0a || unit === 0x0d) return NEWLINE;
  if (unit === 0x20 || unit === 0x09 || unit === 0x0b || unit === 0x0c) return SPACE;
  if (unit < 0x80) return OTHER;
  if (unit >= 0xd800 && unit <= 0xdfff) return UNSUPPORTED;
  return UNSUPPORTED_TEST.test(String.fromCharCode(unit)) ? UNSUPPORTED : OTHER;
}
for (let u = 0; u < 0x80; u++) CLASSES[u] = classify(u);

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE;
}

/** Length of the contraction at `i` ('s, 'T, 'll, 've, 're …), or 0. */
function contraction(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x27) return 0;
  const a = text.charCodeAt(i + 1) | 0x20; // lower-cased (NaN | 0x20 = 0x20 past the end)
  if (a === 0x73 || a === 0x64 || a === 0x6d || a === 0x74) return 2; // s d m t
  const b = text.charCodeAt(i + 2) | 0x20;
  if ((a === 0x6c && b === 0x6c) || (a === 0x76 && b === 0x65) || (a === 0x72 && b === 0x65)) return 3; // ll ve re
  return 0;
}

/**
 * The end of the o200k piece that starts at `i` (every character of `text` supported). The
 * alternatives are tried in the pattern's order, each with and then without its optional first
 * character, as the regular expression's backtracking does.
 */
function pieceEnd(text: string, i: number, n: number, classes: Uint8Array): number {
  const c = classes[text.charCodeAt(i)]!;
  // Alternatives 1 and 2: letters, with a one-character prefix that is neither a newline, a letter nor a digit.
  const prefixed = c === SPACE || c === OTHER;
  const start = prefixed && i + 1 < n && classes[text.charCodeAt(i + 1)]! <= LOWER ? i + 1 : c <= LOWER ? i : -1;
  if (start >= 0) {
    let j = start;
    while (j < n && classes[text.charCodeAt(j)] === UPPER) j++;
    // 1 needs a lower-case letter after the capitals; 2 takes the capitals alone (there are some:
    // a letter starts here, and one that is not lower case is a capital).
    while (j < n && classes[text.charCodeAt(j)] === LOWER) j++;
    return j + contraction(text, j);
  }
  if (c === DIGIT) {
    let j = i + 1;
    while (j < n && j < i + 3 && classes[text.charCodeAt(j)] === DIGIT) j++;
    return j;
  }
  // 4: an optional space (U+0020 only), then other characters, then newlines and slashes.
  const first = text.charCodeAt(i) === 0x20 && i + 1 < n && classes[text.charCodeAt(i + 1)] === OTHER ? i + 1 : c === OTHER ? i : -1;
  if (first >= 0) {
    let j = first + 1;
    while (j < n && classes[text.charCodeAt(j)] === OTHER) j++;
    while (j < n) {
      const u = text.charCodeAt(j);
      if (u !== 0x0a && u !== 0x0d && u !== 0x2f) break;
      j++;
    }
    return j;
  }
  // Whitespace (c is SPACE or NEWLINE): 5 up to the run's last newline; else 6, the run but its
  // last character when something follows; else 7, the one character.
  let j = i;
  let lastNewline = -1;
  while (j < n) {
    const k = classes[text.charCodeAt(j)]!;
    if (k === NEWLINE) lastNewline = j;
    else if (k !== SPACE) break;
    j++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (j === n) return j;
  return j - i >= 2 ? j - 1 : j;
}

/** True when every character of `text` is one this encoder handles (classifying those not seen before). */
function supported(text: string, classes: Uint8Array): boolean {
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    let c = classes[u]!;
    if (c === 0) c = classes[u] = classify(u);
    if (c === UNSUPPORTED) return false;
  }
  return true;
}

/**
 * Bounds of the piece cache, however much text goes through: 2^20 pieces (14 MiB of entries, at
 * most 16 MiB of slots), 2^23 chars (16 MiB) and 2^23 ids (32 MiB), so at most about 80 MiB; a
 * piece seen once the cache is full is encoded by gpt-tokenizer every time.
 */
const MAX_PIECES = 1 << 20;
const MAX_POOL_CHARS = 1 << 23;
const MAX_POOL_IDS = 1 << 23;
const MAX_CACHED_LENGTH = 64;

/**
 * The encoder: `encode(text)` gives the ids, or undefined when `text` has a character it does not
 * handle. Not for concurrent use from several threads (each thread loads its own).
 */
export class FastO200kEncoder {
  private readonly classes = CLASSES;
  /** Open addressing: slot → 1 + entry index (0 = empty). */
  private slots = new Uint32Array(1 << 16);
  private hashes = new Uint32Array(1 << 12);
  private charStart = new Uint32Array(1 << 12);
  private idStart = new Uint32Array(1 << 12);
  /** Piece length in chars (≤ MAX_CACHED_LENGTH) and id count, packed: length << 8 | ids. */
  private sizes = new Uint16Array(1 << 12);
  private entries = 0;
  private chars = new Uint16Array(1 << 16);
  private charsUsed = 0;
  private ids = new Uint32Array(1 << 14);
  private idsUsed = 0;
  private out = new Uint32Array(1 << 12);

  constructor(private readonly core: BytePairCore) {}

  encode(text: string): Uint32Array | undefined {
    const classes = this.classes;
    if (!supported(text, classes)) return undefined;
    const n = text.length;
    let written = 0;
    for (let i = 0; i < n; ) {
      const end = pieceEnd(text, i, n, classes);
      written = this.emit(text, i, end, written);
      i = end;
    }
    return this.out.slice(0, written);
  }

  /** Append the ids of text[start, end) to `out` at `written`; returns the new length. */
  private emit(text: string, start: number, end: number, written: number): number {
    const length = end - start;
    let h = 0x811c9dc5 ^ length;
    for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    h = (h ^ (h >>> 15)) >>> 0;
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === 0) break;
      const entry = e - 1;
      if (this.hashes[entry] === h && this.sizes[entry]! >>> 8 === length && this.sameChars(text, start, length, this.charStart[entry]!)) {
        const count = this.sizes[entry]! & 0xff;
        const from = this.idStart[entry]!;
        if (written + count > this.out.length) this.out = grow(this.out, written + count);
        for (let k = 0; k < count; k++) this.out[written + k] = this.ids[from + k]!;
        return written + count;
      }
      slot = (slot + 1) & mask;
    }
    const piece = text.slice(start, end);
    const rank = this.core.getBpeRankFromString(piece);
    const pieceIds = rank === undefined ? this.core.bytePairEncode(piece) : [rank];
    if (written + pieceIds.length > this.out.length) this.out = grow(this.out, written + pieceIds.length);
    for (let k = 0; k < pieceIds.length; k++) this.out[written + k] = pieceIds[k]!;
    if (length <= MAX_CACHED_LENGTH && pieceIds.length < 256 && this.entries < MAX_PIECES && this.charsUsed + length <= MAX_POOL_CHARS && this.idsUsed + pieceIds.length <= MAX_POOL_IDS) {
      this.remember(text, start, length, h, slot, pieceIds);
    }
    return written + pieceIds.length;
  }

  private sameChars(text: string, start: number, length: number, at: number): boolean {
    const chars = this.chars;
    for (let k = 0; k < length; k++) if (chars[at + k] !== text.charCodeAt(start + k)) return false;
    return true;
  }

  private remember(text: string, start: number, length: number, h: number, slot: number, pieceIds: readonly number[]): void {
    const entry = this.entries++;
    if (entry === this.hashes.length) {
      this.hashes = grow(this.hashes, entry + 1);
      this.charStart = grow(this.charStart, entry + 1);
      this.idStart = grow(this.idStart, entry + 1);
      this.sizes = grow(this.sizes, entry + 1);
    }
    if (this.charsUsed + length > this.chars.length) this.chars = grow(this.chars, this.charsUsed + length);
    if (this.idsUsed + pieceIds.length > this.ids.length) this.ids = grow(this.ids, this.idsUsed + pieceIds.length);
    for (let k = 0; k < length; k++) this.chars[this.charsUsed + k] = text.charCodeAt(start + k);
    for (let k = 0; k < pieceIds.length; k++) this.ids[this.idsUsed + k] = pieceIds[k]!;
    this.hashes[entry] = h;
    this.charStart[entry] = this.charsUsed;
    this.idStart[entry] = this.idsUsed;
    this.sizes[entry] = (length << 8) | pieceIds.length;
    this.charsUsed += length;
    this.idsUsed += pieceIds.length;
    this.slots[slot] = entry + 1;
    // At most half full, so probes stay short.
    if (this.entries * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}

function grow<T extends Uint32Array | Uint16Array>(a: T, atLeast: number): T {
  let size = a.length * 2;
  while (size < atLeast) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
