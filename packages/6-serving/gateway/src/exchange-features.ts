/**
 * `"text": "features"` for the exchange log: every prompt and response text is replaced by the
 * features a campaign scanner needs, so a lab can keep the log without keeping what its users
 * wrote. A text field (`messages[].content`, `prompt`, `choices[].message.content`,
 * `choices[].message.reasoning_content`, `choices[].text`) becomes `{"features": TextFeatures}`:
 *
 * - `chars`, `words`: lengths (code points; runs of letters or digits);
 * - `minhash`: 64 MinHash minima (Broder 1997, "On the resemblance and containment of documents")
 *   over the text's character 5-gram shingles after NFKC, lower-casing and whitespace collapsing —
 *   character shingles rather than words so that the same estimate works for languages written
 *   without spaces. The share of equal minima between two texts estimates their Jaccard similarity
 *   (standard error ≤ 1/(2·√64) = 0.0625), which is what near-duplicate template detection (LSH)
 *   needs. Shingle hash: FNV-1a 32; the 64 functions: murmur3's fmix32 of (hash XOR seed i);
 * - `elicitation`: the ids of reasoning-elicitation cues found (`REASONING_CUES`, several
 *   languages), the wording that asks a model to write out its chain of thought.
 *
 * Everything else in the record (parameters such as max_tokens, temperature, logprobs, n; roles;
 * status; usage; finish reasons; key id) is kept as is. What is lost, deliberately: the words.
 * MinHash minima are not reversible into text, but two logs' minima can be compared, and a guessed
 * text can be confirmed against them; treat the features log as personal data all the same.
 */
import { type ExchangeRecord } from '@tracemark/traffic';

export interface TextFeatures {
  readonly chars: number;
  readonly words: number;
  readonly minhash: number[];
  readonly elicitation: string[];
}

export const MINHASH_SIZE = 64;
const SHINGLE = 5;

/** Cue id → pattern, matched on the normalised text. Ids are stable: the scanner keys on them. */
export const REASONING_CUES: Readonly<Record<string, RegExp>> = {
  'step-by-step': /step[- ]by[- ]step|paso a paso|étape par étape|schritt für schritt|шаг за шагом|一步一步|逐步|ステップ・?バイ・?ステップ/u,
  'show-work': /show (all )?(of )?(your|the) (work|steps|reasoning|thinking)|muestra (tu|el) (razonamiento|trabajo)|montre[zs]? (ton|votre) raisonnement/u,
  'explain-reasoning': /explain (your|the) reasoning|(reasoning|thought|thinking) process|思考过程|推理过程|explica tu razonamiento|expliquez? (ton|votre) raisonnement|begründe/u,
  'chain-of-thought': /chain[- ]of[- ]thoughts?|\bcot\b|think (aloud|out loud)|inner monologue|hidden (reasoning|thoughts?)|scratch ?pad|思维链/u,
  'think-first': /before (you )?answer(ing)?|think (carefully|first|hard)|reason (carefully|through)/u,
};

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** FNV-1a, 32 bits, over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: a bijection that mixes every input bit into every output bit. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const SEEDS = Array.from({ length: MINHASH_SIZE }, (_, i) => fmix32(0x9e3779b9 + i));

export function minhash(normalised: string): number[] {
  const mins = new Array<number>(MINHASH_SIZE).fill(0xffffffff);
  const points = [...normalised];
  const count = Math.max(1, points.length - SHINGLE + 1);
  for (let i = 0; i < count; i++) {
    const base = fnv1a(points.slice(i, i + SHINGLE).join(''));
    for (let k = 0; k < MINHASH_SIZE; k++) {
      const h = fmix32(base ^ SEEDS[k]!);
      if (h < mins[k]!) mins[k] = h;
    }
  }
  return mins;
}

export function textFeatures(text: string): TextFeatures {
  const n = normalise(text);
  return {
    chars: [...text].length,
    words: text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0,
    minhash: minhash(n),
    elicitation: Object.entries(REASONING_CUES)
      .filter(([, re]) => re.test(n))
      .map(([id]) => id),
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A message's content: a string, or text parts (joined, as the chat template joins them). */
function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return null;
}

function reduceRequest(request: Json): Json {
  const out: Json = { ...request };
  if (Array.isArray(request.messages)) {
    out.messages = request.messages.map((m) => {
      if (!isObject(m)) return m;
      const text = contentText(m.content);
      return text === null ? m : { ...m, content: { features: textFeatures(text) } };
    });
  }
  if (typeof request.prompt === 'string') out.prompt = { features: textFeatures(request.prompt) };
  // A prompt of token ids (vLLM, llama.cpp) is the text in another spelling: only its length stays.
  else if (Array.isArray(request.prompt) && request.prompt.every((p) => typeof p === 'number')) out.prompt = { dropped: true, tokens: request.prompt.length };
  else if (Array.isArray(request.prompt)) out.prompt = request.prompt.map((p) => (typeof p === 'string' ? { features: textFeatures(p) } : p));
  // llama.cpp's /tokenize body.
  if (typeof request.content === 'string') out.content = { features: textFeatures(request.content) };
  return out;
}

function reduceResponse(response: Json): Json {
  if (Array.isArray(response.completion_probabilities)) {
    // llama.cpp's /completion answer: its text fields, and the candidates that spell text out.
    const out: Json = { ...response, completion_probabilities: { dropped: true } };
    for (const k of ['content', 'prompt']) if (typeof response[k] === 'string') out[k] = { features: textFeatures(response[k] as string) };
    return out;
  }
  if (!Array.isArray(response.choices)) return response;
  return {
    ...response,
    choices: response.choices.map((c) => {
      if (!isObject(c)) return c;
      const out: Json = { ...c };
      if (typeof c.text === 'string') out.text = { features: textFeatures(c.text) };
      if (isObject(c.message)) {
        const m: Json = { ...c.message };
        if (typeof m.content === 'string') m.content = { features: textFeatures(m.content) };
        if (typeof m.reasoning_content === 'string') m.reasoning_content = { features: textFeatures(m.reasoning_content) };
        out.message = m;
      }
      // Per-token log-probabilities spell the text out token by token.
      if (c.logprobs !== null && c.logprobs !== undefined) out.logprobs = { dropped: true };
      if (c.prompt_logprobs !== undefined) out.prompt_logprobs = { dropped: true };
      if (Array.isArray(c.prompt_token_ids)) out.prompt_token_ids = { dropped: true, tokens: c.prompt_token_ids.length };
      return out;
    }),
  };
}

/** `record` with every prompt and response text replaced by its features. */
export function reduceExchangeText(record: ExchangeRecord): ExchangeRecord {
  return { ...record, request: reduceRequest(record.request), ...(record.response ? { response: reduceResponse(record.response) } : {}) };
}
