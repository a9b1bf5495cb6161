/**
 * Public types of the watermark library: keys, scheme parameters, the engine-agnostic embedding
 * interface and detection results.
 */
import { type TokenizerIdentity } from '@tracemark/tokenizers';

export type SchemeName = 'kgw' | 'unigram' | 'gumbel' | 'synthid' | 'synthid-hf';

/** KGW red/green list (Kirchenbauer et al. 2023). γ = green fraction, δ = logit bias. */
export interface KgwParams {
  readonly gamma: number;
  readonly delta: number;
  /** h: how many previous tokens seed the green list (1–8). */
  readonly context: number;
  /** `lefthash`: seed from the h previous tokens; `selfhash`: anchored min-hash over window + candidate. */
  readonly seeding: 'lefthash' | 'selfhash';
}

/** Unigram watermark (Zhao et al. 2023): one fixed green list of fraction γ, bias δ. */
export interface UnigramParams {
  readonly gamma: number;
  readonly delta: number;
}

/** Gumbel-max / exponential-minimum sampling (Aaronson; Kuditipudi et al.), context width h. */
export interface GumbelParams {
  readonly context: number;
}

/** SynthID-style tournament sampling (Dathathri et al. 2024): m layers, context width h. */
export interface SynthIdParams {
  readonly context: number;
  readonly layers: number;
}

/**
 * SynthID Text as Hugging Face transformers implements it (`SynthIDTextWatermarkingConfig`); the
 * keys themselves are secret and live in `WatermarkKey.synthidKeys`, never in the parameters.
 */
export interface SynthIdHfParams {
  /** `ngram_len`: the context is the ngramLen − 1 previous tokens. */
  readonly ngramLen: number;
  /** How many keys (`len(keys)`): one tournament layer per key. */
  readonly layers: number;
  /** `sampling_table_size`, a power of two (transformers' default 2¹⁶). */
  readonly samplingTableSize: number;
  /** `sampling_table_seed` (default 0). */
  readonly samplingTableSeed: number;
  /** `context_history_size` (default 1024), for generation's context repetition masking. */
  readonly contextHistorySize: number;
}

export type SchemeParams = KgwParams | UnigramParams | GumbelParams | SynthIdParams | SynthIdHfParams;

/** A watermark key held in memory. `secret` is 32 bytes and must never be printed or reported. */
export interface WatermarkKey {
  readonly version: 1;
  readonly keyId: string;
  readonly scheme: SchemeName;
  readonly params: SchemeParams;
  readonly tokenizer: TokenizerIdentity;
  readonly secret: Uint8Array;
  readonly createdAt: string;
  /** Set for keys derived from a master key for one serving account. */
  readonly account?: string;
  /** synthid-hf only: transformers' `keys` (signed 64-bit); secret like `secret`, which is their digest. */
  readonly synthidKeys?: readonly bigint[];
}

/** Options for one sampling step. `random` returns uniform draws in [0, 1). */
export interface SampleOptions {
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly random: () => number;
}

/**
 * Engine-agnostic embedding. `context` is every token before the one being chosen (prompt
 * included); schemes read only its last h ids. Logits are raw scores (log-probabilities are fine).
 */
export interface Watermarker {
  readonly keyId: string;
  readonly scheme: SchemeName;
  /** Add δ to green logits in place over the full vocabulary (kgw, unigram; a no-op otherwise). */
  biasLogits(logits: Float32Array, context: Uint32Array): void;
  /** Same as `biasLogits` but for a sparse candidate set `ids` (top-k path, O(k)). */
  biasCandidates(ids: Uint32Array, logits: Float32Array, context: Uint32Array): void;
  /** Choose the next token from full-vocabulary logits, watermarked. Returns a token id. */
  sample(logits: Float32Array, context: Uint32Array, options: SampleOptions): number;
  /** Choose the next token among candidates `ids` with logits `logits`. Returns a token id. */
  sampleCandidates(
    ids: Uint32Array,
    logits: Float32Array,
    context: Uint32Array,
    options: SampleOptions,
  ): number;
}
