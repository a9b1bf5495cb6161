import { defineConfig } from 'vitest/config';

// One config for the whole workspace: tests sit beside the code (`packages/<layer>/<name>/src/*.test.ts`,
// `apps/*/src/**/*.test.ts`) and cross-package scenarios live in `test/`. Workspace packages resolve
// through pnpm's links and each package's `exports` (which point at TypeScript sources), exactly as
// the type-check resolves them: a package that imports another without declaring it fails here too.
export default defineConfig({
  test: {
    include: ['packages/*/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
