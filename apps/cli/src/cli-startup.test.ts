/**
 * A command loads what it needs and no more: DuckDB (≈180 modules, ≈0.2 s) only for the traffic
 * scan and the demo, the job queue only for `worker` and `--redis` runs. Type-only imports must not
 * load a package (tsconfig: verbatimModuleSyntax off, so `import { type X }` is erased), and
 * readers of a traffic report take its constants from `@tracemark/traffic/report`, not the index.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI_DIR = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tracemark-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hook = join(dir, 'loaded.mjs');
writeFileSync(
  hook,
  `import { createRequire } from 'node:module';
process.on('exit', () => {
  const loaded = Object.keys(createRequire(import.meta.url).cache ?? {});
  const count = (name) => loaded.filter((m) => m.includes('/node_modules/' + name + '/') || m.includes('/node_modules/.pnpm/' + name.replace('/', '+') + '@')).length;
  process.stderr.write('\\nLOADED ' + JSON.stringify({ modules: loaded.length, duckdb: count('@duckdb/node-api'), bullmq: count('bullmq'), ioredis: count('ioredis') }) + '\\n');
});
`,
);

function loadedBy(...args: string[]): { modules: number; duckdb: number; bullmq: number; ioredis: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', hook, 'src/bin.ts', ...args], { cwd: CLI_DIR, encoding: 'utf8', timeout: 60_000 });
  const m = /LOADED (\{.*\})/.exec(r.stderr);
  if (!m) throw new Error(`no module list from tracemark ${args.join(' ')}: ${r.stderr.slice(-400)}`);
  return JSON.parse(m[1]!);
}

describe('what a command loads', () => {
  it('detect, audit and verify load neither DuckDB nor the job queue; traffic scan and worker load theirs when they run', () => {
    for (const command of [['detect'], ['audit'], ['verify'], ['traffic', 'scan'], ['demo']]) {
      const l = loadedBy(...command, '--help');
      expect(l.modules, command.join(' ')).toBeGreaterThan(0);
      expect({ duckdb: l.duckdb, bullmq: l.bullmq, ioredis: l.ioredis }, command.join(' ')).toEqual({ duckdb: 0, bullmq: 0, ioredis: 0 });
    }
    // The check sees these packages when they are loaded.
    expect(loadedBy('worker', '--help').bullmq).toBeGreaterThan(0);
    expect(loadedBy('traffic', 'scan', join(dir, 'missing.jsonl')).duckdb).toBeGreaterThan(0);
  }, 120_000);
});
