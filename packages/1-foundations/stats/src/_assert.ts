/**
 * Titled argument checks for every public boundary of the package. Each throws a RangeError (or a
 * TypeError for a value that is not a number at all) whose message names the argument, so a caller
 * three layers up can tell which input was wrong.
 */

function describe(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

/** A number that is not NaN (±Infinity allowed). */
export function assertNumber(value: unknown, title: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${title} must be a number, got ${describe(value)}`);
  if (Number.isNaN(value)) throw new RangeError(`${title} must not be NaN`);
}

/** A finite number. */
export function assertFinite(value: unknown, title: string): asserts value is number {
  assertNumber(value, title);
  if (!Number.isFinite(value)) throw new RangeError(`${title} must be finite, got ${describe(value)}`);
}

/** A safe integer (any sign). */
export function assertInteger(value: unknown, title: string): asserts value is number {
  assertNumber(value, title);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${title} must be a safe integer, got ${describe(value)}`);
}

/** A safe integer ≥ min. */
export function assertIntegerAtLeast(value: unknown, min: number, title: string): asserts value is number {
  assertInteger(value, title);
  if (value < min) throw new RangeError(`${title} must be an integer ≥ ${min}, got ${describe(value)}`);
}

/** A finite number > 0. */
export function assertPositive(value: unknown, title: string): asserts value is number {
  assertFinite(value, title);
  if (!(value > 0)) throw new RangeError(`${title} must be > 0, got ${describe(value)}`);
}

/** A probability in the closed interval [0, 1]. */
export function assertProbability(value: unknown, title: string): asserts value is number {
  assertNumber(value, title);
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${title} must be in [0, 1], got ${describe(value)}`);
}

/** A probability in the open interval (0, 1). */
export function assertOpenProbability(value: unknown, title: string): asserts value is number {
  assertNumber(value, title);
  if (!(value > 0 && value < 1)) throw new RangeError(`${title} must be in (0, 1), got ${describe(value)}`);
}
