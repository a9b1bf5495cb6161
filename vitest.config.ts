import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the same `paths` map the root
// type-check uses, so tests need no build step and no per-package dependency bookkeeping.
const base = JSON.parse(readFileSync(new URL('./tsconfig.base.json', import.meta.url), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(base.compilerOptions.paths).map(([name, [target]]) => ({
  // Exact matches only, so `@tracemark/probe` does not swallow `@tracemark/probe/testing`.
  find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`),
  replacement: fileURLToPath(new URL(`./${target}`, import.meta.url)),
}));

// One config for the whole workspace: tests sit beside the code (`packages/*/src/*.test.ts`,
// `apps/*/src/**/*.test.ts`) and cross-package scenarios live in `test/`.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
