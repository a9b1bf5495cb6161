/**
 * Typed entry points to the few @stdlib special functions this package relies on (CommonJS
 * packages, loaded through Node's default-import interop). gammaln: Cephes/FreeBSD lgamma port;
 * erfc, erfcx: Faddeeva-package ports (S. G. Johnson), ~1 ulp relative in double precision.
 */
import erfcImpl from '@stdlib/math-base-special-erfc';
import erfcxImpl from '@stdlib/math-base-special-erfcx';
import gammalnImpl from '@stdlib/math-base-special-gammaln';

/** ln|Γ(x)|. */
export const gammaln: (x: number) => number = gammalnImpl;
/** Complementary error function erfc(x) = 1 − erf(x). */
export const erfc: (x: number) => number = erfcImpl;
/** Scaled complementary error function erfcx(x) = e^{x²}·erfc(x). */
export const erfcx: (x: number) => number = erfcxImpl;
