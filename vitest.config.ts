import { defineConfig } from 'vitest/config';

// One config for the whole workspace: tests sit beside the code (`packages/*/src/*.test.ts`,
// `apps/*/src/**/*.test.ts`) and cross-package scenarios live in `test/`.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
