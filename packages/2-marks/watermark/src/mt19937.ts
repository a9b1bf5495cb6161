/**
 * MT19937, the 32-bit Mersenne Twister (Matsumoto & Nishimura, ACM TOMACS 8(1), 1998), seeded the
 * way PyTorch's CPU generator seeds it: `torch.Generator().manual_seed(s)` keeps the low 32 bits
 * of `s` and fills the state with Knuth's multiplier 1812433253 (`init_genrand`; PyTorch
 * aten/src/ATen/core/MT19937RNGEngine.h). transformers' SynthID builds its sampling table from
 * this generator, so reproducing its g-values needs the same stream, bit for bit.
 *
 * Known answer (C++ [rand.predef]): seeded with 5489, the 10000th output is 4123659995.
 */

/**
 * A generator of the MT19937 output stream for `seed` (its low 32 bits are used).
 *
 * @example
 * const next = mt19937(5489);
 * next(); // 3499211612
 */
export function mt19937(seed: number | bigint): () => number {
  const state = new Uint32Array(624);
  state[0] = Number(BigInt(seed) & 0xffffffffn);
  for (let i = 1; i < 624; i++) {
    const prev = state[i - 1]! ^ (state[i - 1]! >>> 30);
    state[i] = Math.imul(1812433253, prev) + i;
  }
  let index = 624;
  const twist = () => {
    for (let i = 0; i < 624; i++) {
      const y = (state[i]! & 0x80000000) | (state[(i + 1) % 624]! & 0x7fffffff);
      state[i] = state[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    index = 0;
  };
  return () => {
    if (index >= 624) twist();
    let y = state[index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
}
