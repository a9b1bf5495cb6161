/**
 * The per-account signals: each a documented, versioned score computed from the account's features
 * (`AccountFeatures`, aggregated in SQL), turned into a p-value by conformal calibration against
 * benign accounts (`conformalPValues`). Larger scores are more extraction-shaped. A score's
 * version changes whenever its definition does, and the report lists the versions it used.
 *
 * Scores are rates, not counts or √n-scaled statistics (measured: volume-driven scores made every
 * group of heavy benign users look unusual, and heavy users are also the ones most often linked).
 * Shares are shrunk toward zero by four pseudo-exchanges (k / (n + 4)) so one prompt that says
 * "step by step" does not outrank an account that says it in 95 of 100: an account's score then
 * grows with the evidence it gives, not only with its rate.
 */

/** What SQL aggregates per account (see `accountFeaturesSql`). */
export interface AccountFeatures {
  readonly account: string;
  readonly n: number;
  readonly kElicit: number;
  readonly kLogprobs: number;
  /** Exchanges whose max_tokens is within 10% of the largest any account asked of that model. */
  readonly kAtCap: number;
  readonly temperatures: number;
  readonly distinctPrompts: number;
  /** Distinct prompts that share a MinHash band with another distinct prompt of the same account. */
  readonly collidingPrompts: number;
  /** Σ over the shape features of z² (z = (account mean − benign mean) / benign sd). */
  readonly shapeDistance: number;
  readonly completionTokens: number;
  readonly first: number;
  readonly last: number;
}

export interface SignalDefinition {
  readonly name: SignalName;
  readonly version: number;
  readonly description: string;
  readonly score: (f: AccountFeatures) => number;
}

export const SIGNAL_NAMES = ['elicitation', 'harvest', 'sweep', 'distribution'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

const shrunk = (k: number, n: number) => k / (n + 4);

export const SIGNALS: readonly SignalDefinition[] = [
  {
    name: 'elicitation',
    version: 1,
    description: 'share of prompts asking the model to write out its reasoning (multilingual phrase list: step by step, show your reasoning, chain of thought, hidden-reasoning wording), k/(n+4)',
    score: (f) => shrunk(f.kElicit, f.n),
  },
  {
    name: 'harvest',
    version: 1,
    description: 'harvest parameters: mean of the shares asking for logprobs and for max_tokens within 10% of the largest asked of that model, k/(n+4), plus the number of distinct temperatures beyond one (a sweep, capped at 3) / 6',
    score: (f) => (shrunk(f.kLogprobs, f.n) + shrunk(f.kAtCap, f.n)) / 2 + Math.min(Math.max(f.temperatures - 1, 0), 3) / 6,
  },
  {
    name: 'sweep',
    version: 2,
    description: 'curriculum sweep: many distinct prompts instantiating few templates — c/(d+4) with d distinct prompts and c of them sharing a MinHash band with another of the account\'s prompts',
    score: (f) => shrunk(f.collidingPrompts, f.distinctPrompts),
  },
  {
    name: 'distribution',
    version: 2,
    description: 'distance of the account\'s traffic window from benign traffic: Σ z² over prompt length, digit share, line breaks and completion length, z = (account mean − benign mean) / benign sd (not scaled by √n, so volume alone does not make an account unusual)',
    score: (f) => f.shapeDistance,
  },
];
