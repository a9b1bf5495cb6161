/**
 * Seeded uniform and normal draws for building test weights and for sampling steps: splitmix32
 * (the 32-bit variant of Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014). Not for secrets.
 */

/** 2^-32: one 32-bit word per draw. */
const INV_2_32 = 1 / 4_294_967_296;

/** A uniform generator on [0, 1) determined by `seed` (any 32-bit integer; other numbers are truncated). */
export function seededUniform(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) * INV_2_32;
  };
}

/** Standard normal draws by the Box–Muller transform over `seededUniform(seed)`. */
export function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u = 1 - uniform(); // (0, 1], so the log is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}
