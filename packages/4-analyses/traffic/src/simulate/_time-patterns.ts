/**
 * When simulated accounts send: each account's request times are `count` independent draws from a
 * time density over the window (a person's diurnal day in their time zone, office hours, a class
 * period, a harness run, a campaign's synchronised dispatch ticks), produced in increasing order
 * one at a time, so that no account's times are ever held in memory.
 *
 * The i-th order statistic of n uniforms follows from the previous one as
 * u₍ᵢ₎ = 1 − (1 − u₍ᵢ₋₁₎)·V^{1/(n−i+1)}, V uniform (Devroye, "Non-Uniform Random Variate
 * Generation", 1986, §V.3), and the inverse CDF of a piecewise-constant density is monotone, so
 * mapping the sorted uniforms gives sorted times. Each density is a table of bins (5 s for a day,
 * coarser for long windows, at most 2¹⁷ bins) built once per pattern and shared by its accounts.
 */

/** A pattern of activity over the window. Hours are local hours of the day (0–24). */
export type TimePattern =
  | { readonly kind: 'person'; readonly utcOffset: number; readonly night: boolean }
  | { readonly kind: 'office'; readonly utcOffset: number }
  | { readonly kind: 'service'; readonly utcOffset: number }
  /** A block [from, to) of the window, as fractions of it (a class period, a harness run). */
  | { readonly kind: 'blocks'; readonly blocks: readonly (readonly [number, number])[] }
  /** Dispatch every `periodS` seconds from `phaseS`, each request within `jitterS` after the tick, around the clock. */
  | { readonly kind: 'ticks'; readonly periodS: number; readonly phaseS: number; readonly jitterS: number };

const MAX_BINS = 1 << 17;

/** Relative request rate of a person by local hour: asleep 1–7, peaks late morning, afternoon and evening. */
const PERSON_DAY = [0.35, 0.2, 0.12, 0.08, 0.07, 0.08, 0.15, 0.35, 0.65, 0.9, 1.0, 1.0, 0.85, 0.9, 1.0, 1.0, 0.95, 0.85, 0.8, 0.85, 0.9, 0.85, 0.7, 0.5];
/** A night owl's day: the same shape shifted five hours later. */
const NIGHT_DAY = PERSON_DAY.map((_, h) => PERSON_DAY[(h + 19) % 24]);
/** Office hours on weekdays, with a lunch dip. */
const OFFICE_DAY = [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.7, 1.0, 1.0, 0.95, 0.55, 0.85, 1.0, 1.0, 0.9, 0.6, 0.25, 0.1, 0.06, 0.04, 0.03, 0.02];
/** A customer-facing service: follows its customers' day but never stops. */
const SERVICE_DAY = PERSON_DAY.map((r) => 0.3 + 0.7 * r);

export class TimeDensity {
  /** cdf[b] = probability of bins 0..b inclusive; the last entry is exactly 1. */
  private readonly cdf: Float64Array;
  constructor(
    private readonly startMs: number,
    private readonly binMs: number,
    private readonly endMs: number,
    rates: Float64Array,
  ) {
    let total = 0;
    for (let i = 0; i < rates.length; i++) total += rates[i];
    if (!(total > 0)) throw new RangeError('a time pattern has no activity inside the window');
    this.cdf = new Float64Array(rates.length);
    let acc = 0;
    for (let i = 0; i < rates.length; i++) {
      acc += rates[i];
      this.cdf[i] = acc / total;
    }
    this.cdf[rates.length - 1] = 1;
  }
  /** The time (ms since the epoch) of quantile u ∈ [0, 1): monotone non-decreasing in u. */
  at(u: number): number {
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    const before = lo === 0 ? 0 : cdf[lo - 1];
    const frac = (u - before) / (cdf[lo] - before);
    // The last bin may reach past the window's end when the window is not a whole number of bins.
    return Math.min(this.endMs - 1, this.startMs + Math.floor((lo + Math.min(Math.max(frac, 0), 0.999999)) * this.binMs));
  }
}

/** Builds and caches the densities of one window. */
export class TimePatterns {
  readonly binMs: number;
  readonly bins: number;
  private readonly cache = new Map<string, TimeDensity>();
  constructor(
    readonly startMs: number,
    readonly hours: number,
  ) {
    const windowMs = hours * 3_600_000;
    this.binMs = Math.max(5000, Math.ceil(windowMs / MAX_BINS / 1000) * 1000);
    this.bins = Math.max(1, Math.ceil(windowMs / this.binMs));
  }

  density(pattern: TimePattern): TimeDensity {
    const key = JSON.stringify(pattern);
    let d = this.cache.get(key);
    if (!d) {
      d = new TimeDensity(this.startMs, this.binMs, this.startMs + Math.floor(this.hours * 3_600_000), this.rates(pattern));
      this.cache.set(key, d);
    }
    return d;
  }

  private rates(p: TimePattern): Float64Array {
    const rates = new Float64Array(this.bins);
    for (let b = 0; b < this.bins; b++) {
      const t = this.startMs + (b + 0.5) * this.binMs;
      let r: number;
      switch (p.kind) {
        case 'person':
        case 'office':
        case 'service': {
          // Local hour and weekday by arithmetic (a Date per bin cost a third of a small run, measured); 1970-01-01 was a Thursday.
          const local = t + p.utcOffset * 3_600_000;
          const hour = (((local / 3_600_000) % 24) + 24) % 24;
          const day = (((Math.floor(local / 86_400_000) + 4) % 7) + 7) % 7;
          const table = p.kind === 'office' ? OFFICE_DAY : p.kind === 'service' ? SERVICE_DAY : p.night ? NIGHT_DAY : PERSON_DAY;
          // Linear interpolation between hourly rates: no step at the top of each hour for a detector to latch onto.
          const h0 = Math.floor(hour - 0.5 + 24) % 24;
          const w = (hour - 0.5 + 24) % 1;
          r = table[h0] * (1 - w) + table[(h0 + 1) % 24] * w;
          if ((day === 0 || day === 6) && p.kind !== 'service') r *= p.kind === 'office' ? 0.05 : 1.15;
          break;
        }
        case 'blocks': {
          // Overlap of this bin with the blocks, so a block shorter than a bin (a very short window) still counts.
          const lo = b / this.bins;
          const hi = (b + 1) / this.bins;
          r = 0;
          for (const [from, to] of p.blocks) r += Math.max(0, Math.min(hi, to) - Math.max(lo, from));
          break;
        }
        case 'ticks': {
          // Fraction of this bin that lies inside a dispatch window, so short windows survive coarse bins.
          const binStartS = (t - this.startMs) / 1000 - this.binMs / 2000;
          r = overlapWithTicks(binStartS, this.binMs / 1000, p.periodS, p.phaseS, p.jitterS);
          break;
        }
      }
      rates[b] = r;
    }
    // A window shorter than one dispatch period may hold no tick: then the campaign sends at any time.
    if (p.kind === 'ticks' && !rates.some((r) => r > 0)) rates.fill(1);
    // A window shorter than one local day can fall entirely in someone's night; keep a floor so every account can send.
    if (p.kind !== 'blocks' && p.kind !== 'ticks') for (let b = 0; b < this.bins; b++) rates[b] = Math.max(rates[b], 0.01);
    return rates;
  }
}

function overlapWithTicks(fromS: number, lengthS: number, periodS: number, phaseS: number, jitterS: number): number {
  let covered = 0;
  const first = Math.floor((fromS - phaseS - jitterS) / periodS);
  for (let k = first; phaseS + k * periodS < fromS + lengthS; k++) {
    const a = Math.max(fromS, phaseS + k * periodS);
    const b = Math.min(fromS + lengthS, phaseS + k * periodS + jitterS);
    if (b > a) covered += b - a;
  }
  return covered / lengthS;
}

/**
 * The sorted uniforms of one account: `count` draws, produced in increasing order (see file doc).
 * Returns the next one; call exactly `count` times.
 */
export function nextOrderStatistic(previous: number, remaining: number, open: number): number {
  return 1 - (1 - previous) * Math.pow(open, 1 / remaining);
}
