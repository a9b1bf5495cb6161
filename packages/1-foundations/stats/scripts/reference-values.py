"""Reference values for the @tracemark/stats tests.

Run:  python3 packages/1-foundations/stats/scripts/reference-values.py   (mpmath 1.3, scipy 1.17; ~1 minute)
Writes packages/1-foundations/stats/src/test-vectors/*.ts. Every value is computed with mpmath at mp.dps = 50
(sums at 70 digits) unless the group's comment names scipy; the comment above each group in the
generated file gives the exact expression. Tests never call Python.
"""
import math
import os

import numpy as np
import scipy
import scipy.stats as st
from mpmath import mp, mpf, exp, log, log10, log1p, loggamma, erfc, sqrt, gammainc, betainc, inf, nstr

mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'test-vectors')
os.makedirs(OUT, exist_ok=True)
TINY = mpf(10) ** -70


def num(x, digits=20):
    """A JS number literal (20 significant digits; parses to the nearest double)."""
    if isinstance(x, mp.mpc):
        assert abs(x.imag) < mpf(10) ** -40 * max(1, abs(x.real)), x
        x = x.real
    if x == inf:
        return 'Infinity'
    if x == -inf:
        return '-Infinity'
    s = nstr(mpf(x), digits, min_fixed=-5, max_fixed=20, strip_zeros=False)
    return s.replace('+', '')


# ---------------------------------------------------------------------------------------------
# Binomial: exact sums of probability terms.

def binom_log_pmf(k, n, p):
    return loggamma(n + 1) - loggamma(k + 1) - loggamma(n - k + 1) + k * log(p) + (n - k) * log(1 - p)


def binom_sum_up(k, n, p):
    """sum_{j=k}^{n} C(n,j) p^j (1-p)^(n-j), terms from t_k by t_{j+1} = t_j (n-j) p / ((j+1)(1-p))."""
    with mp.workdps(70):
        p = mpf(p); q = 1 - p
        t = exp(binom_log_pmf(k, n, p)); s = t; j = k
        while j < n:
            t = t * (n - j) * p / ((j + 1) * q); j += 1; s += t
            if t < s * TINY and (n - j) * p < (j + 1) * q:
                break
        return s


def binom_sum_down(k, n, p):
    """sum_{j=0}^{k} C(n,j) p^j (1-p)^(n-j), terms from t_k by t_{j-1} = t_j j (1-p) / ((n-j+1) p)."""
    with mp.workdps(70):
        p = mpf(p); q = 1 - p
        t = exp(binom_log_pmf(k, n, p)); s = t; j = k
        while j > 0:
            t = t * j * q / ((n - j + 1) * p); j -= 1; s += t
            if t < s * TINY and j * q < (n - j + 1) * p:
                break
        return s


def kl(a, b):
    r = 0.0
    if a > 0: r += a * math.log(a / b)
    if a < 1: r += (1 - a) * math.log((1 - a) / (1 - b))
    return r


def k_for_upper(n, p, decades):
    """The k > np whose upper tail is roughly 10^-decades (Chernoff exponent; only a label)."""
    lo, hi = n * p, n
    for _ in range(200):
        mid = (lo + hi) / 2
        if n * kl(mid / n, p) < decades * math.log(10): lo = mid
        else: hi = mid
    return min(n, int(math.ceil(lo)))


def k_for_lower(n, p, decades):
    lo, hi = 0, n * p
    for _ in range(200):
        mid = (lo + hi) / 2
        if n * kl(mid / n, p) < decades * math.log(10): hi = mid
        else: lo = mid
    return max(1, int(math.floor(hi)))


def binomial_cases():
    rows = []
    for n, p in [(200, 0.25), (200, 0.5), (10**4, 0.25), (10**4, 0.5), (10**6, 0.25), (10**6, 0.5), (10**9, 0.25), (10**9, 0.5)]:
        mean = n * p
        ks = set()
        ks.add(int(mean) + 1)
        maxdec = -float(log10(mpf(p) ** n)) if p >= 0.5 else -float(log10(mpf(p) ** n))
        for dec in [6, 300, 1000, 100000]:
            if dec < 0.9 * maxdec:
                ks.add(k_for_upper(n, p, dec))
                ks.add(k_for_lower(n, p, dec) + 1)  # far in the lower tail: P(X >= k) = 1 - tiny
        if n <= 10**4:
            ks.add(n)
        for k in sorted(ks):
            # The smaller tail is summed directly (away from the mode); the other is 1 minus it.
            if k > mean:
                up = binom_sum_up(k, n, p); lower = log1p(-up)
                lup = log(up)
            else:
                lo_ = binom_sum_down(k - 1, n, p); lower = log(lo_)
                lup = log1p(-lo_)
            rows.append((k, n, p, lup / log(10), lower / log(10)))
    # Exotic rates: tiny and near-one p.
    for k, n, p in [(3, 1000, 1e-6), (1, 10**6, 1e-9), (999990, 10**6, 1 - 2**-20), (10**6 - 1, 10**6, 1 - 2**-30)]:
        mean = n * p
        if k > mean:
            up = binom_sum_up(k, n, p); rows.append((k, n, p, log10(up), log1p(-up) / log(10)))
        else:
            lo_ = binom_sum_down(k - 1, n, p); rows.append((k, n, p, log1p(-lo_) / log(10), log10(lo_)))
    return rows


def binomial_pmf_cases():
    rows = []
    for k, n, p in [(3, 10, 0.5), (60, 200, 0.25), (5000, 10**4, 0.5), (500000000, 10**9, 0.5), (250010000, 10**9, 0.25),
                    (0, 10**9, 1e-9), (10**9, 10**9, 0.5), (7, 10**9, 1e-9), (123456789, 10**9, 0.1)]:
        with mp.workdps(60):
            rows.append((k, n, p, binom_log_pmf(k, n, mpf(p))))
    return rows


# ---------------------------------------------------------------------------------------------
# Gamma: integer shapes by Poisson sums (exact identities), others by mpmath.gammainc.

def poisson_log_term(j, x):
    return -x + j * log(x) - loggamma(j + 1)


def gamma_upper_int(a, x):
    """Q(a, x) = sum_{j=0}^{a-1} e^-x x^j / j!, summed down from j = a - 1 (integer a, x > a)."""
    with mp.workdps(70):
        x = mpf(x); j = a - 1
        t = exp(poisson_log_term(j, x)); s = t
        while j > 0:
            t = t * j / x; j -= 1; s += t
            if t < s * TINY:
                break
        return s


def gamma_lower_int(a, x):
    """P(a, x) = sum_{j>=a} e^-x x^j / j!, summed up from j = a (integer a, x <= a)."""
    with mp.workdps(70):
        x = mpf(x); j = a
        t = exp(poisson_log_term(j, x)); s = t
        while True:
            j += 1; t = t * x / j; s += t
            if t < s * TINY:
                break
        return s


def x_for_upper(a, decades):
    lo, hi = a, a + 10 * decades * math.log(10) + 100 * math.sqrt(a) + 100
    for _ in range(300):
        mid = (lo + hi) / 2
        lam = mid / a
        if a * (lam - 1 - math.log(lam)) < decades * math.log(10): lo = mid
        else: hi = mid
    return lo


def x_for_lower(a, decades):
    lo, hi = 0.0, a
    for _ in range(300):
        mid = (lo + hi) / 2
        lam = mid / a
        if a * (lam - 1 - math.log(lam)) < decades * math.log(10): hi = mid
        else: lo = mid
    return hi


def gamma_cases():
    rows = []
    for a in [1, 10, 10**4, 10**7]:
        xs = {float(a) + math.sqrt(a) * 0.5, float(a) - math.sqrt(a) * 0.5}
        for dec in [6, 300, 1000, 100000]:
            xs.add(round(x_for_upper(a, dec), 6))
            if a >= 10**4 and a * (1e-9 - 1 - math.log(1e-9)) > dec * math.log(10):
                xs.add(round(x_for_lower(a, dec), 6))
        for x in sorted(xs):
            if x <= 0:
                continue
            if x > a:
                up = gamma_upper_int(a, x); rows.append((x, a, log10(up), log1p(-up) / log(10), 'poisson'))
            else:
                lo_ = gamma_lower_int(a, x); rows.append((x, a, log1p(-lo_) / log(10), log10(lo_), 'poisson'))
    for x, a in [(0.7, 0.5), (0.01, 0.5), (5.0, 0.5), (700.0, 0.5), (3.0, 2.5), (1.2, 1.7), (0.001, 0.0001), (1e-5, 0.3),
                 (2302.0, 2.5), (30.0, 12.25), (7.0, 12.25), (10050.0, 10000.5), (9950.0, 10000.5),
                 (1.4, 1e-17), (1e-5, 1e-8), (0.5, 1e-8), (1e6, 17.3)]:
        up = gammainc(mpf(a), mpf(x), inf, regularized=True)
        lo_ = gammainc(mpf(a), 0, mpf(x), regularized=True)
        # The larger tail as log1p(−smaller), or it rounds to 0 at 50 digits.
        if up < lo_:
            rows.append((x, a, log10(up), log1p(-up) / log(10), 'gammainc'))
        else:
            rows.append((x, a, log1p(-lo_) / log(10), log10(lo_), 'gammainc'))
    return rows


# ---------------------------------------------------------------------------------------------

def bisect(f, lo, hi, iterations=240):
    """The root of f, which changes sign once on [lo, hi], by plain bisection at working precision
    (2^-240 of the bracket: slower than findroot, but it cannot wander off)."""
    lo = mpf(lo); hi = mpf(hi)
    flo = f(lo) < 0
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if (f(mid) < 0) == flo: lo = mid
        else: hi = mid
    return (lo + hi) / 2


def mtw_cdf(n, d):
    """P(D_n < d) by the Durbin matrix (Marsaglia, Tsang & Wang 2003) in mpmath."""
    with mp.workdps(40):
        from mpmath import matrix, factorial, ceil as mceil
        d = mpf(d); k = int(mceil(n * d)); h = k - n * d; m = 2 * k - 1
        H = matrix(m, m)
        for i in range(m):
            for j in range(m):
                if i - j + 1 >= 0:
                    H[i, j] = mpf(1) / factorial(i - j + 1)
        for i in range(m):
            H[i, 0] -= h ** (i + 1) / factorial(i + 1)
            H[m - 1, i] -= h ** (m - i) / factorial(m - i)
        H[m - 1, 0] += (max(0, 2 * h - 1)) ** m / factorial(m)
        return (H ** n)[k - 1, k - 1] * factorial(n) / mpf(n) ** n


def write(name, text):
    with open(os.path.join(OUT, name), 'w') as f:
        f.write(text)


HEADER = """// Generated by packages/1-foundations/stats/scripts/reference-values.py — do not edit by hand.
// mpmath {mpv}, scipy {spv}; mp.dps = 50 unless stated.
"""


def main():
    import mpmath
    head = HEADER.format(mpv=mpmath.__version__, spv=scipy.__version__)

    # ---- binomial
    out = [head, """
/** P(X ≥ k) and P(X ≤ k − 1) for X ~ Binom(n, p), as log10. */
export interface BinomialTailVector {
  readonly k: number;
  readonly n: number;
  readonly p: number;
  readonly log10Upper: number;
  readonly log10Lower: number;
}

// The smaller tail is an exact sum at 70 digits, the other is log1p(−it):
//   upper (k > np):  S = Σ_{j=k}^{n} t_j,  t_k = exp(loggamma(n+1) − loggamma(k+1) − loggamma(n−k+1)
//                    + k·ln p + (n−k)·ln(1−p)),  t_{j+1} = t_j·(n−j)·p/((j+1)·(1−p)),
//                    stopped once the terms fall and t_j < 1e-70·S;
//   lower (k ≤ np):  S = Σ_{j=0}^{k−1} t_j by t_{j−1} = t_j·j·(1−p)/((n−j+1)·p), same stop.
//   log10Upper = log10(S) or log1p(−S)/ln 10, and vice versa.
// k was chosen by the Chernoff exponent to land near tails of 1e-6, 1e-300, 1e-1000, 1e-100000
// (where n allows), just above the mean, and symmetrically far in the lower tail.
export const BINOMIAL_TAIL_VECTORS: readonly BinomialTailVector[] = [
"""]
    for k, n, p, lu, ll in binomial_cases():
        out.append(f"  {{ k: {k}, n: {n}, p: {num(p)}, log10Upper: {num(lu)}, log10Lower: {num(ll)} }},\n")
    out.append("];\n\n")
    out.append("""/** ln P(X = k). */
export interface BinomialPmfVector {
  readonly k: number;
  readonly n: number;
  readonly p: number;
  readonly lnPmf: number;
}

// lnPmf = loggamma(n+1) − loggamma(k+1) − loggamma(n−k+1) + k·ln p + (n−k)·ln(1−p) at mp.dps = 60.
export const BINOMIAL_PMF_VECTORS: readonly BinomialPmfVector[] = [
""")
    for k, n, p, l in binomial_pmf_cases():
        out.append(f"  {{ k: {k}, n: {n}, p: {num(p)}, lnPmf: {num(l)} }},\n")
    out.append("];\n")
    write('binomial-vectors.ts', ''.join(out))

    # ---- gamma
    out = [head, """
/** Q(a, x) = P(G ≥ x) and P(a, x) = P(G ≤ x) for G ~ Gamma(a, 1), as log10. */
export interface GammaTailVector {
  readonly x: number;
  readonly shape: number;
  readonly log10Upper: number;
  readonly log10Lower: number;
}

// source 'poisson' (integer a; exact identities DLMF 8.7.1/8.4.10, sums at 70 digits):
//   x > a:  Q = Σ_{j=0}^{a−1} e^{−x}x^j/j!, from t = exp(−x + (a−1)·ln x − loggamma(a)) by t·j/x;
//   x ≤ a:  P = Σ_{j≥a} e^{−x}x^j/j!, from t = exp(−x + a·ln x − loggamma(a+1)) by t·x/(j+1);
//   stopped when t < 1e-70·sum; the other tail is log1p(−sum).
// source 'gammainc': the smaller of gammainc(a, x, inf, regularized=True) and gammainc(a, 0, x,
//   regularized=True), and log1p(−it) for the other.
// x chosen near tails of 1e-6, 1e-300, 1e-1000, 1e-100000 and a ± √a/2.
export const GAMMA_TAIL_VECTORS: readonly GammaTailVector[] = [
"""]
    for x, a, lu, ll, src in gamma_cases():
        out.append(f"  {{ x: {num(x)}, shape: {num(a)}, log10Upper: {num(lu)}, log10Lower: {num(ll)} }}, // {src}\n")
    out.append("];\n")
    write('gamma-vectors.ts', ''.join(out))

    # ---- normal, chi-square, quantiles
    out = [head, """
/** log10 P(Z ≥ z), Z ~ N(0, 1): log10(erfc(z/sqrt(2))/2) for z ≥ 0, log1p(−erfc(−z/sqrt(2))/2)/ln 10 below. */
export const NORMAL_TAIL_VECTORS: readonly { readonly z: number; readonly log10Upper: number }[] = [
"""]
    for z in [-30, -8, -1, 0, 0.5, 1, 2.5, 5, 8.5, 26, 38, 40, 100, 1000, 1e5]:
        # Below 0 the tail is 1 − Q(|z|): log1p keeps the tiny logarithm.
        lq = log10(erfc(mpf(z) / sqrt(2)) / 2) if z >= 0 else log1p(-erfc(-mpf(z) / sqrt(2)) / 2) / log(10)
        out.append(f"  {{ z: {num(z)}, log10Upper: {num(lq)} }},\n")
    out.append("""];

/** z with P(Z ≥ z) = 10^log10P: bisect(log10(erfc(z/sqrt(2))/2) − log10P) on [−10, 300] at mp.dps = 50. */
export const NORMAL_QUANTILE_VECTORS: readonly { readonly log10P: number; readonly z: number }[] = [
""")
    for lp in [-0.1, -0.30102999566398119521, -1.3010299956639812, -6, -50, -300, -500, -10000]:
        lpm = mpf(lp)
        z = bisect(lambda z: log10(erfc(z / sqrt(2)) / 2) - lpm, -10, 300)
        out.append(f"  {{ log10P: {num(lp)}, z: {num(z)} }},\n")
    out.append("""];

/** log10 P(χ²_df ≥ x) = log10(gammainc(df/2, x/2, inf, regularized=True)). */
export const CHI_SQUARE_VECTORS: readonly { readonly x: number; readonly df: number; readonly log10Upper: number }[] = [
""")
    for x, df in [(3.841458820694124, 1), (0.5, 1), (10.0, 2), (7.0, 3), (30.0, 10), (5000.0, 10), (1200.0, 1000), (800.0, 1000), (1e6, 2)]:
        out.append(f"  {{ x: {num(x)}, df: {df}, log10Upper: {num(log10(gammainc(mpf(df) / 2, mpf(x) / 2, inf, regularized=True)))} }},\n")
    out.append("""];

/** x with Q(shape, x) = p: bisect(ln gammainc(shape, x, inf, regularized=True) − ln p) at mp.dps = 50. */
export const GAMMA_QUANTILE_VECTORS: readonly { readonly p: number; readonly shape: number; readonly x: number }[] = [
""")
    for p, a in [(0.05, 1), (0.05, 100), (0.8, 100), (1e-6, 200), (0.8, 200), (1e-300, 5), (0.999999, 0.5), (1e-10, 10**4)]:
        pm = mpf(p); am = mpf(a)
        xr = bisect(lambda x: log(gammainc(am, x, inf, regularized=True)) - log(pm), mpf(10) ** -30, 2 * a + 2000)
        out.append(f"  {{ p: {num(p)}, shape: {num(a)}, x: {num(xr)} }},\n")
    out.append("];\n")
    write('normal-vectors.ts', ''.join(out))

    # ---- combination
    out = [head, """
/** Small combination examples: inputs as probabilities, references from scipy and mpmath. */
export interface CombineVector {
  readonly pValues: readonly number[];
  readonly fisherPValue: number;
  readonly fisherStatistic: number;
  readonly stoufferPValue: number;
  readonly stoufferZ: number;
}

// scipy.stats.combine_pvalues(pValues, method='fisher') → (statistic, pvalue) and
// combine_pvalues(pValues, method='stouffer') → (statistic, pvalue); scipy's own accuracy
// (double-precision chi2.sf / norm.sf) is the tolerance floor, ~1e-14 relative.
export const COMBINE_VECTORS: readonly CombineVector[] = [
"""]
    for ps in [[0.01, 0.2, 0.3], [0.5], [0.04, 0.04, 0.04, 0.04], [1e-5, 0.9, 0.5, 0.7, 0.2], [0.001, 0.999], [1e-12, 1e-30, 0.3]]:
        f = st.combine_pvalues(ps, method='fisher'); s = st.combine_pvalues(ps, method='stouffer')
        out.append(f"  {{ pValues: [{', '.join(repr(p) for p in ps)}], fisherPValue: {float(f.pvalue)!r}, fisherStatistic: {float(f.statistic)!r}, stoufferPValue: {float(s.pvalue)!r}, stoufferZ: {float(s.statistic)!r} }},\n")
    out.append("""];

/** Extreme inputs given as log10 p; combined log10 p from mpmath. */
export interface ExtremeCombineVector {
  readonly log10PValues: readonly number[];
  readonly fisherLog10: number;
  readonly stoufferLog10: number;
}

// Fisher:   log10(gammainc(L, −Σ ln pᵢ, inf, regularized=True)), ln pᵢ = log10 pᵢ · ln 10;
// Stouffer: zᵢ = bisect(log(erfc(z/sqrt(2))/2) − ln pᵢ), Z = Σ zᵢ/sqrt(L), log10(erfc(Z/sqrt(2))/2).
export const EXTREME_COMBINE_VECTORS: readonly ExtremeCombineVector[] = [
""")
    for lps in [[-500, -500], [-500, -0.1, -3], [-100000, -2, -1, -0.5], [-350, -320, -301]]:
        lnps = [mpf(l) * log(10) for l in lps]
        fl = log10(gammainc(mpf(len(lps)), -sum(lnps), inf, regularized=True))
        zs = []
        for lnp in lnps:
            zs.append(bisect(lambda z: log(erfc(z / sqrt(2)) / 2) - lnp, -10, 1000))
        Z = sum(zs) / sqrt(len(lps))
        sl = log10(erfc(Z / sqrt(2)) / 2)
        out.append(f"  {{ log10PValues: [{', '.join(str(l) for l in lps)}], fisherLog10: {num(fl)}, stoufferLog10: {num(sl)} }},\n")
    out.append("""];

/** Weighted Stouffer: scipy.stats.combine_pvalues(pValues, method='stouffer', weights=weights). */
export const WEIGHTED_STOUFFER_VECTORS: readonly { readonly pValues: readonly number[]; readonly weights: readonly number[]; readonly pValue: number; readonly z: number }[] = [
""")
    for ps, ws in [([0.01, 0.2, 0.3], [1, 2, 3]), ([0.001, 0.5], [0.25, 4])]:
        r = st.combine_pvalues(ps, method='stouffer', weights=ws)
        out.append(f"  {{ pValues: [{', '.join(repr(p) for p in ps)}], weights: [{', '.join(repr(w) for w in ws)}], pValue: {float(r.pvalue)!r}, z: {float(r.statistic)!r} }},\n")
    out.append("];\n")
    write('combine-vectors.ts', ''.join(out))

    # ---- KS
    out = [head, """
/** A deterministic sample reproducible bit for bit in both languages:
 * uᵢ = (((i + offset)·2654435761) mod 2³²)/2³², replaced by √uᵢ when sqrtEvery > 0 and
 * i mod sqrtEvery = 0 (sqrt is correctly rounded in both). */
export interface KsVector {
  readonly n: number;
  readonly offset: number;
  readonly sqrtEvery: number;
  readonly statistic: number;
  readonly pValue: number;
  /** 'kstest': scipy.stats.kstest(u, 'uniform', method='exact').pvalue, exact where used (n ≤ 140,
   * or nD² ≥ 7 where kstest's 2·smirnov is within e^{−42} relative).
   * 'durbin': 1 − scipy.stats._ksstats._kolmogn_DMTW(n, D), the Marsaglia–Tsang–Wang matrix in
   * extended precision, used for n > 140 and nD² < 7, where kstest switches to Pelz–Good or to
   * 2·smirnov (error up to 1e-6 relative at nD² = 2.2); there the p-value is ≥ 1e-6, so the
   * subtraction from 1 costs < 1e-12 relative. */
  readonly source: 'kstest' | 'durbin';
}

export const KS_VECTORS: readonly KsVector[] = [
"""]
    from scipy.stats._ksstats import _kolmogn_DMTW
    for n, off, every in [(5, 1, 0), (20, 7, 1), (30, 1, 3), (100, 1, 2), (100, 11, 1), (300, 1, 2), (300, 1, 3), (300, 1, 5),
                          (1000, 1, 4), (1000, 1, 5), (1000, 1, 10), (1000, 2, 1), (2000, 1, 8), (5000, 1, 10), (5000, 1, 20),
                          (5000, 1, 4), (20000, 3, 0)]:
        u = np.array([((i + off) * 2654435761 % 2**32) / 2**32 for i in range(n)])
        if every:
            m = np.arange(n) % every == 0
            u[m] = np.sqrt(u[m])
        r = st.kstest(u, 'uniform', method='exact')
        d = float(r.statistic)
        src = 'kstest'
        pv = float(r.pvalue)
        if n > 140 and n * d * d < 7 and d < 0.5:
            pv = float(1 - _kolmogn_DMTW(n, d)); src = 'durbin'
        out.append(f"  {{ n: {n}, offset: {off}, sqrtEvery: {every}, statistic: {d!r}, pValue: {pv!r}, source: '{src}' }}, // nD² = {n * d * d:.3f}\n")
    out.append("];\n")
    write('ks-vectors.ts', ''.join(out))

    out = [head, """
/** log10 P(Dₙ ≥ d), exact: 1 − the Durbin/Marsaglia–Tsang–Wang matrix form at mp.dps = 40,
 * P(Dₙ < d) = n!/nⁿ·(Hⁿ)_{kk}, k = ⌈nd⌉, H as in Marsaglia, Tsang & Wang (2003) eq. (2), computed
 * with mpmath.matrix (exact rationals in h to 40 digits). */
export const KOLMOGOROV_VECTORS: readonly { readonly n: number; readonly d: number; readonly log10Survival: number }[] = [
"""]
    for n, d in [(10, 0.08), (10, 0.27), (10, 0.55), (10, 0.95), (50, 0.015), (50, 0.1), (50, 0.3), (80, 0.2236), (80, 0.4), (120, 0.05), (120, 0.19)]:
        sf = 1 - mtw_cdf(n, d)
        out.append(f"  {{ n: {n}, d: {num(d)}, log10Survival: {num(log10(sf))} }},\n")
    out.append("];\n")
    write('kolmogorov-vectors.ts', ''.join(out))

    out = [head, """
/** stirlerr(x) = loggamma(x+1) − (x+½)·ln x + x − ln √(2π) and lgamma1p(a) = loggamma(1+a), mp.dps = 50
 * (lgamma1p at 50 + |log10 a| digits so that 1 + a is exact). */
export const STIRLERR_VECTORS: readonly { readonly x: number; readonly value: number }[] = [
"""]
    for x in [0.3, 0.5, 1.7, 5.9, 6.1, 7.25, 14.9, 15, 15.1, 23.5, 100.5, 201, 12345.25, 1e5 + 0.25, 3e8]:
        xm = mpf(x)
        out.append(f"  {{ x: {num(x)}, value: {num(loggamma(xm + 1) - (xm + mpf(1) / 2) * log(xm) + xm - log(sqrt(2 * mp.pi)))} }},\n")
    out.append("""];

export const LGAMMA1P_VECTORS: readonly { readonly a: number; readonly value: number }[] = [
""")
    for a in [1e-300, 1e-10, -1e-8, 0.001, -0.3, 0.45, -0.5, 0.5, 0.7, 2.5]:
        # Enough digits that 1 + a is exact: 50 + |log10 a|.
        with mp.workdps(50 + max(0, int(-math.log10(abs(a))))):
            value = loggamma(1 + mpf(a))
        out.append(f"  {{ a: {num(a)}, value: {num(value)} }},\n")
    out.append("];\n")
    write('saddle-point-vectors.ts', ''.join(out))

    # ---- inverses
    out = [head, """
/** Clopper–Pearson bounds: the p with P_p(X ≥ k) = α/2 and P_p(X ≤ k) = α/2, found by
 * bisect(ln betainc(k, n−k+1, 0, p, regularized=True) − ln(α/2)) and
 * bisect(ln betainc(k+1, n−k, p, 1, regularized=True) − ln(α/2)) on [0, 1] at mp.dps = 50
 * (bisect = 240 halvings of the bracket). */
export const CLOPPER_PEARSON_VECTORS: readonly { readonly k: number; readonly n: number; readonly confidence: number; readonly lower: number; readonly upper: number }[] = [
"""]
    def cp(k, n, conf):
        a2 = (1 - mpf(conf)) / 2
        lower = mpf(0) if k == 0 else bisect(lambda p: log(betainc(k, n - k + 1, 0, p, regularized=True)) - log(a2), 0, 1)
        upper = mpf(1) if k == n else bisect(lambda p: log(betainc(k + 1, n - k, p, 1, regularized=True)) - log(a2), 0, 1)
        return lower, upper
    for k, n, conf in [(3, 100, 0.95), (0, 100, 0.95), (100, 100, 0.95), (7, 10, 0.99), (1, 1000, 0.95), (500, 1000, 0.999)]:
        lo_, up = cp(k, n, conf)
        out.append(f"  {{ k: {k}, n: {n}, confidence: {conf}, lower: {num(lo_)}, upper: {num(up)} }},\n")
    out.append("""];

/** binomialMinimumDetectable: c = scipy.stats.binom.isf(alpha, n, p0) (smallest c with
 * P(X > c) ≤ alpha), then p₁ = bisect(betainc(c+1, n−c, 0, p, regularized=True) − power) on [p0, 1]. */
export const BINOMIAL_DETECTABLE_VECTORS: readonly { readonly n: number; readonly p0: number; readonly alpha: number; readonly power: number; readonly critical: number; readonly p1: number }[] = [
""")
    for n, p0, alpha, power in [(200, 0.25, 1e-6, 0.8), (1000, 0.5, 0.01, 0.9), (50, 0.25, 0.05, 0.5)]:
        c = int(st.binom.isf(alpha, n, p0))
        p1 = bisect(lambda p: betainc(c + 1, n - c, 0, p, regularized=True) - mpf(power), p0, 1)
        out.append(f"  {{ n: {n}, p0: {p0}, alpha: {alpha}, power: {power}, critical: {c}, p1: {num(p1)} }},\n")
    out.append("""];

/** gammaMinimumDetectable: μ = x_α/x_power with Q(n, x) = level, x = bisect(ln gammainc(n, x, inf,
 * regularized=True) − ln level) on [0, 3n + 100]. */
export const GAMMA_DETECTABLE_VECTORS: readonly { readonly n: number; readonly alpha: number; readonly power: number; readonly mu: number }[] = [
""")
    for n, alpha, power in [(200, 1e-6, 0.8), (50, 0.01, 0.5), (10000, 1e-12, 0.99)]:
        xs = []
        for lev in (alpha, power):
            xs.append(bisect(lambda x: log(gammainc(mpf(n), x, inf, regularized=True)) - log(mpf(lev)), 0, 3 * n + 100))
        out.append(f"  {{ n: {n}, alpha: {alpha}, power: {power}, mu: {num(xs[0] / xs[1])} }},\n")
    out.append("];\n")
    write('inverse-vectors.ts', ''.join(out))


if __name__ == '__main__':
    main()
