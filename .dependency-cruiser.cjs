/**
 * The architecture, enforced (run by `pnpm test` as `pnpm check:deps`). Packages live in numbered
 * layer folders, `packages/<n>-<layer>/<name>`; imports point down or sideways, never up:
 *
 *   1-foundations  stats, tokenizers, corpora       pure, no I/O beyond their own data
 *   2-marks        watermark
 *   3-models       models, engines
 *   4-analyses     audit, fingerprint, probe, attacks, traffic
 *   5-evidence     evidence, report-html
 *   6-serving      gateway (the server library)
 *   apps/          cli, gateway: parse, read, call packages, render
 *
 * A package reaches another only through its declared name (`@tracemark/x`, resolved through pnpm's
 * links, so an undeclared one is unresolvable), never by a relative path into its folder; no
 * package imports an app, no app another app, nothing imports `test/` or `bench/`; no cycles.
 */
const layer = (n) => `^packages/${n}-[^/]+/`;
const above = (n) => [2, 3, 4, 5, 6].filter((m) => m > n).map(layer).join('|');

module.exports = {
  forbidden: [
    ...[1, 2, 3, 4, 5].map((n) => ({
      name: `layer-${n}-points-down`,
      comment: `a package in layer ${n} imports a package in a higher layer`,
      severity: 'error',
      from: { path: layer(n) },
      to: { path: above(n) },
    })),
    {
      name: 'packages-do-not-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-do-not-import-other-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'nothing-imports-tests-or-benchmarks',
      severity: 'error',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-relative-import-into-another-package',
      comment: 'import the package by its name (and declare it), not by a path into its folder',
      severity: 'error',
      from: { path: '^(packages/[^/]+/[^/]+|apps/[^/]+|test|bench)/' },
      to: { dependencyTypes: ['local'], pathNot: '^$1/' },
    },
    {
      name: 'no-undeclared-or-unresolvable',
      comment: 'an import pnpm cannot resolve from the importing package: usually a dependency missing from its package.json',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // dist/ is the build output of `pnpm build` (git-ignored): the rules apply to the sources.
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default', 'node'],
      extensions: ['.ts', '.mjs', '.js', '.json'],
    },
  },
};
