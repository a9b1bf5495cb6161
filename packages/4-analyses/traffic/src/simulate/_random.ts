/**
 * Draws for the traffic simulator on top of the project's one seeded generator (`createRng`,
 * sfc32 seeded through SHA-256). Each account gets its own stream, named by the simulation seed
 * and the account's index, so an account's exchanges do not depend on how the streams interleave.
 */
import { createRng } from '@tracemark/stats';

export class Draw {
  readonly next: () => number;
  constructor(seed: number, label: string) {
    this.next = createRng(`traffic.simulate/${seed}/${label}`);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Pick by weight; `weights` need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let u = this.next() * total;
    for (const [item, w] of items) {
      u -= w;
      if (u < 0) return item;
    }
    return items[items.length - 1][0];
  }
  /** A standard normal draw (Box–Muller; one of the pair is discarded, which costs little here). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** A log-normal draw with the given median and log-scale σ: the heavy tail of API usage. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  /** Lowercase hex of `chars` characters. */
  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }
  /** A uniform draw in (0, 1], safe under a logarithm or a root. */
  open(): number {
    return 1 - this.next();
  }
}
