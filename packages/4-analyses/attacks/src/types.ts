/**
 * Shared types of the text attacks: every attack is a pure function of its input and
 * `{ strength, seed }`, returns the attacked text and reports what it actually did.
 */

/** How hard to attack, and the seed that makes the attack reproducible. */
export interface AttackOptions {
  /** In [0, 1] unless an attack says otherwise; its meaning is the attack's (see `ATTACKS`). */
  readonly strength: number;
  /** The same text, strength and seed give the same output on every run and platform. */
  readonly seed: number | string;
}

/**
 * What an attack did, measured on its output: `changed` of `total` units (words, characters,
 * tokens …) were deleted, inserted or replaced, `rate = changed / total`. Attacks add fields of
 * their own (for example how many words were eligible).
 */
export interface AttackStats {
  readonly unit: 'word' | 'character' | 'letter' | 'gap' | 'mark' | 'token';
  readonly total: number;
  readonly changed: number;
  /** changed / total (0 when total is 0). */
  readonly rate: number;
}

export interface AttackResult<S extends AttackStats = AttackStats> {
  readonly text: string;
  readonly stats: S;
}
