/**
 * The tarball lint of `pnpm pack:all` (scripts/pack-all.ts) can fail: a package whose `exports`
 * names a declaration file it does not ship is reported by both publint and arethetypeswrong,
 * and the same package with the file present passes. Packed with `npm pack` in a temporary folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lint's findings and exit code, through the script's `--lint` mode (scripts/ is root tooling, not a package to import). */
function lint(tarball: string): { errors: string[]; status: number | null } {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'pack-all.ts'), '--lint', tarball], { encoding: 'utf8' });
  return { errors: JSON.parse(r.stdout) as string[], status: r.status };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tarballOf(withTypes: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracemark-lint-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'index.js'), 'export const x = 1;\n');
  if (withTypes) writeFileSync(join(dir, 'dist', 'index.d.ts'), 'export declare const x: number;\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'lint-probe',
    version: '1.0.0',
    type: 'module',
    license: 'MIT',
    files: ['dist'],
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    types: './dist/index.d.ts',
  }));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
  return join(dir, name);
}

describe('tarball lint', () => {
  it('reports a declaration file named in exports but not shipped', () => {
    const { errors, status } = lint(tarballOf(false));
    expect(errors.some((e) => e.startsWith('publint '))).toBe(true);
    expect(errors.some((e) => e.startsWith('attw '))).toBe(true);
    expect(status).toBe(1);
  });

  it('passes the same package with its declarations', () => {
    expect(lint(tarballOf(true))).toEqual({ errors: [], status: 0 });
  });
});
