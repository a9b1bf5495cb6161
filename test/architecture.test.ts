/**
 * The dependency rules of `.dependency-cruiser.cjs` (run over the real tree by `pnpm check:deps`
 * before the tests) can fail: here they are run over a throw-away workspace in the same layout,
 * with one deliberately upward import, one relative import into another package and one cycle.
 * A second test checks what the cruiser cannot: every workspace dependency a package declares is
 * imported by it (declared dependencies drift otherwise).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const rules = (await import(join(ROOT, '.dependency-cruiser.cjs'))).default as { forbidden: unknown[] };

describe('dependency rules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracemark-arch-'));
    const files: Record<string, string> = {
      'packages/1-foundations/stats/src/index.ts': "import { audit } from '../../../4-analyses/audit/src/index.ts';\nexport const stats = audit;\n",
      'packages/4-analyses/audit/src/index.ts': "export const audit = 1;\n",
      'packages/2-marks/watermark/src/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'packages/2-marks/watermark/src/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      'packages/3-models/models/src/index.ts': "export const models = 1;\n",
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reject an upward import, a relative import into another package, and a cycle', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    let result: ICruiseResult;
    try {
      const out = await cruise(['packages'], { ruleSet: { forbidden: rules.forbidden } as never, tsPreCompilationDeps: true, validate: true });
      result = out.output as ICruiseResult;
    } finally {
      process.chdir(cwd);
    }
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toContain('layer-1-points-down: packages/1-foundations/stats/src/index.ts → packages/4-analyses/audit/src/index.ts');
    expect(violations).toContain('no-relative-import-into-another-package: packages/1-foundations/stats/src/index.ts → packages/4-analyses/audit/src/index.ts');
    expect(violations.some((v) => v.startsWith('no-cycles: packages/2-marks/watermark/src/'))).toBe(true);
    expect(violations.filter((v) => v.includes('3-models'))).toEqual([]);
  });
});

/** Every folder with a package.json under packages/<layer>/, apps/, test/ and bench/. */
function workspacePackages(): string[] {
  const dirs: string[] = [];
  for (const layer of readdirSync(join(ROOT, 'packages'))) for (const name of readdirSync(join(ROOT, 'packages', layer))) dirs.push(join('packages', layer, name));
  for (const name of readdirSync(join(ROOT, 'apps'))) dirs.push(join('apps', name));
  // Only folders that hold a package: a stale folder left by a checkout (node_modules alone) is not one.
  return [...dirs, 'test', 'bench'].filter((dir) => existsSync(join(ROOT, dir, 'package.json')));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mjs|js)$/.test(entry)) out.push(path);
  }
  return out;
}

describe('declared workspace dependencies', () => {
  it.each(workspacePackages())('%s imports every @tracemark package it declares', async (pkg) => {
    const manifest = JSON.parse(await readFile(join(ROOT, pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((n) => n.startsWith('@tracemark/'));
    const text = sourceFiles(join(ROOT, pkg)).map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = declared.filter((name) => !new RegExp(`['"]${name.replace('/', '\\/')}(/[^'"]*)?['"]`).test(text));
    expect(unused, `${relative(ROOT, join(ROOT, pkg))}/package.json declares ${unused.join(', ')} but never imports it`).toEqual([]);
  });
});

/**
 * The test-helper convention (README, contributing): a package's shared test helpers live in
 * `src/testing.ts` or `src/testing/index.ts`, reached by other packages only through the
 * `./testing` subpath export, never re-exported from the main entry.
 */
describe('test helpers', () => {
  const packages = workspacePackages().filter((p) => p.startsWith('packages/') || p.startsWith('apps/'));

  it.each(packages)('%s keeps its test helpers in src/testing and exports them only as ./testing', async (pkg) => {
    const files = sourceFiles(join(ROOT, pkg, 'src')).map((f) => relative(join(ROOT, pkg), f));
    expect(files.filter((f) => /(^|\/)_testing\.ts$|(^|\/)_real-reports\.ts$/.test(f)), 'helpers named otherwise than src/testing.ts').toEqual([]);
    const manifest = JSON.parse(await readFile(join(ROOT, pkg, 'package.json'), 'utf8')) as { exports?: Record<string, string> };
    const exports = manifest.exports ?? {};
    const helpers = files.filter((f) => f === 'src/testing.ts' || f === 'src/testing/index.ts');
    if (helpers.length > 0) expect(exports['./testing'], `${pkg}: ./testing must point at ${helpers[0]}`).toBe(`./${helpers[0]}`);
    const main = exports['.'];
    if (main !== undefined && main.endsWith('.ts')) {
      const entry = readFileSync(join(ROOT, pkg, main), 'utf8');
      expect(entry, `${pkg}: the main entry re-exports test helpers`).not.toMatch(/from '\.\/testing(\.ts|\/index\.ts)?'/);
    }
  });
});
