/**
 * The two tests of a cluster, and their conjunction.
 *
 * Coordination: for every value (IP prefix, user agent, payment fingerprint, template bucket,
 * timing signature) held by k of the N accounts, the number of the cluster's m members holding it
 * is Hypergeometric(N, k, m) if the cluster were a random group of m accounts; the statistic is
 * the most extreme value, Bonferroni-corrected over the V values that could have been chosen.
 * Exact, in log space. Caveat, stated in the report: clusters are FOUND through these shared
 * values, so this p-value describes how unusual the sharing is, not a test the cluster could have
 * failed — it is a necessary condition for a flag, never a sufficient one.
 *
 * Content: with each account's extraction-shape p-value computed within the pool (the scanned
 * population, or the reference accounts plus the members), the number of members at or below a
 * level q is Hypergeometric(N, K_q, m) if the members' content is exchangeable with the pool's —
 * exact whatever the distribution of the scores, because the marked set is a symmetric function
 * of the pool. q is taken from a fixed grid of small levels and the minimum Bonferroni-corrected
 * over the grid. The grid stops at 0.1 on purpose (measured on the traffic simulator): with levels
 * up to 0.5, a classroom behind one NAT — thirty accounts, some asking "explain it step by step"
 * about one shared exercise — had 23 members mildly extraction-shaped (0.1–0.4) and was flagged;
 * a member counts only when its own content is strongly extraction-shaped.
 *
 * Conjunction: the cluster p-value is max(coordination, content), an intersection–union test
 * (R. L. Berger, "Multiparameter hypothesis testing and acceptance sampling", Technometrics 24,
 * 1982): its null is "not coordinated OR not extraction-shaped", and it is valid under any
 * dependence between the two. This is what keeps the look-alikes unflagged: a classroom behind
 * one NAT is coordinated but not extraction-shaped; a lone evaluation harness is templated but
 * not coordinated.
 */
import { hypergeometricUpperTailLn } from '@tracemark/stats';
import { type SharedValue } from './traffic-report.ts';

export const CONTENT_LEVELS = [0.005, 0.01, 0.02, 0.05, 0.1] as const;

export interface Log10P {
  readonly log10PValue: number;
}

/**
 * @param memberShape - the members' extraction-shape p-values (within the pool).
 * @param poolShape - the pool's extraction-shape p-values (members included).
 */
export function contentTest(memberShape: ArrayLike<number>, poolShape: ArrayLike<number>): Log10P & { level: number; marked: number; populationMarked: number; populationSize: number } {
  const m = memberShape.length;
  const N = poolShape.length;
  let best = { ln: 0, level: CONTENT_LEVELS[CONTENT_LEVELS.length - 1] as number, marked: 0, populationMarked: 0 };
  for (const q of CONTENT_LEVELS) {
    let x = 0;
    for (let i = 0; i < m; i++) if (memberShape[i]! <= q) x++;
    let K = 0;
    for (let i = 0; i < N; i++) if (poolShape[i]! <= q) K++;
    const ln = x === 0 ? 0 : hypergeometricUpperTailLn(x, N, K, m);
    if (ln < best.ln || (best.marked === 0 && x > 0 && ln === best.ln)) best = { ln, level: q, marked: x, populationMarked: K };
  }
  const log10PValue = Math.min(0, best.ln / Math.LN10 + Math.log10(CONTENT_LEVELS.length));
  return { log10PValue, level: best.level, marked: best.marked, populationMarked: best.populationMarked, populationSize: N };
}

/**
 * @param shared - the values held by ≥ 2 members: (kind, value, x members, k holders).
 * @param valuesTested - V, the number of values held by 2…cap accounts in the population.
 */
export function coordinationTest(shared: readonly { kind: string; value: string; x: number; k: number }[], N: number, m: number, valuesTested: number): Log10P & { strongest: SharedValue | null; valuesTested: number } {
  let bestLn = 0;
  let strongest: SharedValue | null = null;
  for (const s of shared) {
    const ln = hypergeometricUpperTailLn(s.x, N, s.k, m);
    // Ties go to the first value in (kind, value) order, whatever order `shared` came in.
    if (strongest === null || ln < bestLn || (ln === bestLn && (s.kind < strongest.kind || (s.kind === strongest.kind && s.value < strongest.value)))) {
      bestLn = ln;
      strongest = { kind: s.kind, value: s.value, members: s.x, holders: s.k };
    }
  }
  const log10PValue = strongest === null ? 0 : Math.min(0, bestLn / Math.LN10 + Math.log10(Math.max(1, valuesTested)));
  return { log10PValue, strongest, valuesTested };
}

/**
 * The per-account extraction-shape p-value from its signal p-values:
 * max(2·min(p_sweep, p_distribution), 2·min(p_elicitation, p_harvest)), capped at 1 — an
 * intersection–union of two Bonferroni unions, valid under any dependence between the signals.
 */
export function extractionShape(p: { sweep: number; distribution: number; elicitation: number; harvest: number }): number {
  return Math.min(1, Math.max(2 * Math.min(p.sweep, p.distribution), 2 * Math.min(p.elicitation, p.harvest)));
}
