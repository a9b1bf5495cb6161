/**
 * One table of wrongly-typed and out-of-range arguments run against every public function: each
 * must throw a RangeError or TypeError whose message names the offending argument.
 */
import { describe, expect, it } from 'vitest';
import * as stats from './index.ts';

const INTEGER = [Number.NaN, 1.5, '3', Number.POSITIVE_INFINITY, 2 ** 60, undefined];
const NON_NEGATIVE_INTEGER = [...INTEGER, -1];
const PROBABILITY = [Number.NaN, -0.1, 1.1, '0.5', undefined];
const OPEN_PROBABILITY = [...PROBABILITY, 0, 1];
const POSITIVE = [Number.NaN, 0, -2, Number.POSITIVE_INFINITY, '4', undefined];
const NUMBER = [Number.NaN, '1', undefined];

interface Case {
  readonly name: string;
  readonly call: (...args: unknown[]) => unknown;
  readonly valid: readonly unknown[];
  readonly params: readonly (readonly [name: string, bad: readonly unknown[]])[];
}

const call = (f: unknown) => f as (...args: unknown[]) => unknown;
const ps = [0.1, 0.2].map(stats.pValueFromProbability);

const CASES: readonly Case[] = [
  { name: 'logBinomialPmf', call: call(stats.logBinomialPmf), valid: [3, 10, 0.5], params: [['k', INTEGER], ['n', NON_NEGATIVE_INTEGER], ['p', PROBABILITY]] },
  { name: 'binomialUpperTail', call: call(stats.binomialUpperTail), valid: [3, 10, 0.5], params: [['k', INTEGER], ['n', NON_NEGATIVE_INTEGER], ['p', PROBABILITY]] },
  { name: 'binomialLowerTail', call: call(stats.binomialLowerTail), valid: [3, 10, 0.5], params: [['k', INTEGER], ['n', NON_NEGATIVE_INTEGER], ['p', PROBABILITY]] },
  { name: 'gammaUpperTail', call: call(stats.gammaUpperTail), valid: [3, 2], params: [['x', NUMBER], ['shape', POSITIVE]] },
  { name: 'gammaLowerTail', call: call(stats.gammaLowerTail), valid: [3, 2], params: [['x', NUMBER], ['shape', POSITIVE]] },
  { name: 'gammaUpperQuantile', call: call(stats.gammaUpperQuantile), valid: [0.05, 2], params: [['p', PROBABILITY], ['shape', POSITIVE]] },
  { name: 'normalUpperTail', call: call(stats.normalUpperTail), valid: [1], params: [['z', NUMBER]] },
  { name: 'normalUpperQuantile', call: call(stats.normalUpperQuantile), valid: [0.05], params: [['p', PROBABILITY]] },
  { name: 'chiSquareUpperTail', call: call(stats.chiSquareUpperTail), valid: [3, 2], params: [['x', NUMBER], ['df', POSITIVE]] },
  { name: 'fisherCombine', call: call(stats.fisherCombine), valid: [ps], params: [['pValues', [[], 'x', [{ pValue: 2, log10PValue: 0.3 }], [0.5]]]] },
  { name: 'stoufferCombine', call: call(stats.stoufferCombine), valid: [ps], params: [['pValues', [[], 'x', [{ pValue: 2, log10PValue: 0.3 }]]]] },
  { name: 'harmonicMeanCombine', call: call(stats.harmonicMeanCombine), valid: [ps], params: [['pValues', [[], 'x', [null]]]] },
  { name: 'bonferroniCombine', call: call(stats.bonferroniCombine), valid: [ps], params: [['pValues', [[], 'x', [{ log10PValue: 1 }]]]] },
  { name: 'bonferroniAdjust', call: call(stats.bonferroniAdjust), valid: [ps], params: [['pValues', ['x', [{ log10PValue: 1 }]]]] },
  { name: 'holmAdjust', call: call(stats.holmAdjust), valid: [ps], params: [['pValues', ['x', [{ log10PValue: 1 }]]]] },
  { name: 'bhAdjust', call: call(stats.bhAdjust), valid: [ps], params: [['pValues', ['x', [{ log10PValue: 1 }]]]] },
  { name: 'ksUniformTest', call: call(stats.ksUniformTest), valid: [[0.5]], params: [['values', [[], [2], [Number.NaN], ['a']]]] },
  { name: 'binomialUpperCritical', call: call(stats.binomialUpperCritical), valid: [100, 0.1, 0.05], params: [['n', NON_NEGATIVE_INTEGER], ['p', PROBABILITY], ['level', OPEN_PROBABILITY]] },
  { name: 'clopperPearson', call: call(stats.clopperPearson), valid: [3, 10, 0.95], params: [['k', NON_NEGATIVE_INTEGER], ['n', [...INTEGER, 0]], ['confidence', OPEN_PROBABILITY]] },
  { name: 'binomialMinimumDetectable', call: call(stats.binomialMinimumDetectable), valid: [100, 0.25, 0.01, 0.8], params: [['n', [...INTEGER, 0]], ['p0', OPEN_PROBABILITY], ['alpha', OPEN_PROBABILITY], ['power', OPEN_PROBABILITY]] },
  { name: 'gammaMinimumDetectable', call: call(stats.gammaMinimumDetectable), valid: [100, 0.01, 0.8], params: [['n', POSITIVE], ['alpha', OPEN_PROBABILITY], ['power', OPEN_PROBABILITY]] },
  { name: 'pValueFromLog10', call: call(stats.pValueFromLog10), valid: [-2], params: [['log10PValue', NUMBER]] },
  { name: 'pValueFromLn', call: call(stats.pValueFromLn), valid: [-2], params: [['lnPValue', NUMBER]] },
  { name: 'createRng', call: call(stats.createRng), valid: [7], params: [['seed', [Number.NaN, Number.POSITIVE_INFINITY, {}, undefined]]] },
  { name: 'createNormalRng', call: call(stats.createNormalRng), valid: ['w'], params: [['seed', [Number.NaN, Number.NEGATIVE_INFINITY, [], null]]] },
  { name: 'pValueParts', call: call(stats.pValueParts), valid: [-3], params: [['log10P', ['-3', undefined, null]]] },
  { name: 'formatPValue', call: call(stats.formatPValue), valid: [-3], params: [['log10P', ['-3', undefined, {}]]] },
  { name: 'bonferroniBound', call: call(stats.bonferroniBound), valid: [ps[0], 3], params: [['pValue', [{ pValue: 2, log10PValue: 0.3 }, 'x', null]], ['tests', [0, 1.5, Number.NaN, '3', undefined]]] },
  { name: 'hypergeometricUpperTailLn', call: call(stats.hypergeometricUpperTailLn), valid: [3, 100, 5, 10], params: [['x', [Number.NaN, '3', undefined]], ['N', NON_NEGATIVE_INTEGER], ['K', [-1, 1.5, '2', 2 ** 60]], ['m', [-1, 2.5, null, 2 ** 60]]] },
  { name: 'fisherExactGreater', call: call(stats.fisherExactGreater), valid: [3, 10, 1, 10], params: [['a', [-1, 1.5, Number.NaN, '3', undefined]], ['n1', [-1, 2.5, Number.POSITIVE_INFINITY]], ['b', [-2, 0.5, null]], ['n2', [-1, 1.5, 2 ** 60]]] },
  { name: 'pValueFromProbability', call: call(stats.pValueFromProbability), valid: [0.2], params: [['pValue', PROBABILITY]] },
];

describe('every public function rejects bad arguments by name', () => {
  for (const c of CASES) {
    it(`${c.name} accepts its valid arguments`, () => {
      expect(() => c.call(...c.valid)).not.toThrow();
    });
    c.params.forEach(([param, badValues], index) => {
      it.each(badValues.map((bad) => [String(JSON.stringify(bad) ?? bad), bad] as const))(
        `${c.name}: ${param} = %s`,
        (_label, bad) => {
          const args = [...c.valid];
          args[index] = bad;
          let error: unknown;
          try {
            c.call(...args);
          } catch (e) {
            error = e;
          }
          expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
          expect((error as Error).message).toContain(param);
        },
      );
    });
  }

  it('covers every exported function', () => {
    const exported = Object.entries(stats)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(CASES.map((c) => c.name).sort()).toEqual(exported);
  });
});
