/**
 * Cutting token streams into fixed-size documents, as calibration tests need (~200-token
 * documents of human text scored under many keys).
 */

/** Non-overlapping chunks of exactly `size` tokens; a shorter tail is dropped. */
export function chunkTokens(ids: Uint32Array, size: number): Uint32Array[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: Uint32Array[] = [];
  for (let i = 0; i + size <= ids.length; i += size) out.push(ids.subarray(i, i + size));
  return out;
}
