/**
 * Copy-paste: spans of watermarked text pasted into human text, so that only a fraction of the
 * document carries the watermark (Kirchenbauer et al. 2024, "On the Reliability of Watermarks
 * for Large Language Models", §3 "copy-paste attack": CP-k-x% = k watermarked spans making up
 * x% of the document).
 */
import { attackRandom, checkText, chooseIndices, randomInt, segmentWords } from './_attack-kit.ts';
import { type AttackResult, type AttackStats } from './types.ts';

export interface CopyPasteStats extends AttackStats {
  readonly unit: 'word';
  /** Words from the watermarked text / from the human text in the output. */
  readonly watermarkedWords: number;
  readonly humanWords: number;
  /** watermarkedWords / total: the watermarked share actually achieved. */
  readonly fraction: number;
  /** Character ranges [start, end) of the watermarked spans in the output. */
  readonly spans: readonly (readonly [number, number])[];
}

export interface CopyPasteOptions {
  /** How many watermarked spans (CP-k); default 1. */
  readonly spans?: number;
}

const KIND = 'copy-paste';

/** Text of words [from, to) of a segmented text, with the gaps between them but not around them. */
function slice(seg: { words: string[]; gaps: string[] }, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += (i > from ? seg.gaps[i]! : '') + seg.words[i]!;
  return out;
}

/**
 * Build a document whose words are `fraction` watermarked and 1 − fraction human: all of the
 * watermarked text (a seeded contiguous stretch of it when the human text is too short) cut into
 * `spans` near-equal spans, pasted at seeded distinct word boundaries of a seeded contiguous
 * stretch of the human text. Spans are joined to the human text with one space. O(length).
 *
 * @throws RangeError when fraction is not in (0, 1], spans is not a positive integer, or either
 *   text has no words.
 * @example
 * copyPaste(watermarked, human, 0.25, 7).stats.fraction; // ≈ 0.25
 */
export function copyPaste(watermarked: string, human: string, fraction: number, seed: number | string, options: CopyPasteOptions = {}): AttackResult<CopyPasteStats> {
  checkText(KIND, watermarked, 'watermarked text');
  checkText(KIND, human, 'human text');
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) throw new RangeError(`${KIND}: fraction must be a number in (0, 1], got ${JSON.stringify(fraction)}`);
  const spanCount = options.spans ?? 1;
  if (!Number.isInteger(spanCount) || spanCount < 1) throw new RangeError(`${KIND}: spans must be a positive integer, got ${JSON.stringify(spanCount)}`);
  const wm = segmentWords(watermarked);
  const hu = segmentWords(human);
  const W = wm.words.length;
  const H = hu.words.length;
  if (W === 0) throw new RangeError(`${KIND}: the watermarked text has no words`);
  if (fraction === 1) {
    return { text: watermarked, stats: { unit: 'word', total: W, changed: 0, rate: 0, watermarkedWords: W, humanWords: 0, fraction: 1, spans: [[0, watermarked.length]] } };
  }
  if (H === 0) throw new RangeError(`${KIND}: the human text has no words`);
  let w = W;
  let h = Math.round((W * (1 - fraction)) / fraction);
  if (h > H) {
    h = H;
    w = Math.max(1, Math.min(W, Math.round((H * fraction) / (1 - fraction))));
  }
  const random = attackRandom(KIND, seed);
  const wStart = randomInt(random, W - w + 1);
  const hStart = randomInt(random, H - h + 1);
  const k = Math.min(spanCount, w, h + 1);
  // Span j covers watermarked words [wStart + ⌊j·w/k⌋, wStart + ⌊(j+1)·w/k⌋).
  const cuts = Array.from({ length: k + 1 }, (_, j) => wStart + Math.floor((j * w) / k));
  // Spans go before human word `at` (0 … h, distinct, increasing).
  const at = chooseIndices(random, h + 1, k);
  const pieces: { text: string; watermarked: boolean }[] = [];
  let hPos = 0;
  for (let j = 0; j < k; j++) {
    if (at[j]! > hPos) pieces.push({ text: slice(hu, hStart + hPos, hStart + at[j]!), watermarked: false });
    hPos = at[j]!;
    pieces.push({ text: slice(wm, cuts[j]!, cuts[j + 1]!), watermarked: true });
  }
  if (hPos < h) pieces.push({ text: slice(hu, hStart + hPos, hStart + h), watermarked: false });
  let text = '';
  const spans: [number, number][] = [];
  for (const p of pieces) {
    if (text !== '') text += ' ';
    if (p.watermarked) spans.push([text.length, text.length + p.text.length]);
    text += p.text;
  }
  const total = w + h;
  return { text, stats: { unit: 'word', total, changed: h, rate: h / total, watermarkedWords: w, humanWords: h, fraction: w / total, spans } };
}
