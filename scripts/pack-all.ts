/**
 * `pnpm pack:all`: builds every public workspace package (scripts/build-packages.ts), checks what
 * each would publish, and writes one tarball per package into `packed/` with `pnpm pack` (which
 * replaces `workspace:*` with real versions and applies `publishConfig`, so the tarball's
 * `exports`/`types`/`bin` point at `dist/` while the workspace's point at `src/`;
 * https://pnpm.io/package_json#publishconfig). Then lints the tarballs themselves with publint
 * and @arethetypeswrong/core; any error fails the command (exit 1) and names the package.
 *
 * Checks before packing, each a mistake a tarball test would only catch on the code paths it runs:
 * every workspace export but `./testing` has a `publishConfig.exports` entry whose files exist in
 * `dist/`; every `bin` file exists; every bare import in `dist/` is a Node builtin or a declared
 * (peer) dependency.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import ts from 'typescript';
import { formatMessage } from 'publint/utils';
import { buildPackages } from './build-packages.ts';
import { type PackageManifest, type WorkspacePackage } from './workspace-packages.ts';

export interface PackedPackage {
  name: string;
  dir: string;
  tarball: string;
  bytes: number;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : name.endsWith('.js') ? [path] : [];
  });
}

/** Problems with what `p` would publish (empty when none). */
export function checkPublishable(root: string, p: WorkspacePackage): string[] {
  const m: PackageManifest = p.manifest;
  const where = `${p.dir}/package.json`;
  const problems: string[] = [];
  const published = m.publishConfig?.exports ?? {};
  for (const [key, target] of Object.entries(m.exports ?? {})) {
    if (key === './testing') continue;
    const entry = published[key];
    if (entry === undefined) {
      problems.push(`${where}: export '${key}' has no publishConfig.exports entry`);
      continue;
    }
    if (typeof target === 'string' && target.includes('*')) continue;
    for (const file of typeof entry === 'string' ? [entry] : Object.values(entry)) {
      if (!existsSync(join(root, p.dir, file))) problems.push(`${where}: publishConfig.exports['${key}'] → ${file} was not built`);
    }
  }
  const bins = m.publishConfig?.bin ?? m.bin;
  for (const file of typeof bins === 'string' ? [bins] : Object.values(bins ?? {})) {
    if (!existsSync(join(root, p.dir, file))) problems.push(`${where}: bin ${file} does not exist`);
  }
  const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {})]);
  const builtins = new Set(builtinModules);
  for (const file of jsFiles(join(root, p.dir, 'dist'))) {
    const text = readFileSync(file, 'utf8');
    // TypeScript's pre-processor finds import/export/import()/require() specifiers, not comments or strings.
    const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((x) => x.fileName);
    for (const s of specifiers) {
      if (s.startsWith('.')) continue;
      if (s.startsWith('node:') || builtins.has(s)) continue;
      const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
      if (!declared.has(name)) problems.push(`${file.slice(root.length)}: imports '${s}', which ${where} does not declare as a dependency`);
    }
  }
  return problems;
}

const ESM_ONLY_IGNORED: readonly string[] = ['node10', 'node16-cjs'];

/** publint and arethetypeswrong findings of error severity for one tarball. */
export async function lintTarball(tarball: string): Promise<string[]> {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, level: 'warning', strict: false });
  const errors = messages.filter((x) => x.type === 'error' || x.type === 'warning').map((x) => `publint ${tarball}: ${x.type}: ${formatMessage(x, pkg) ?? x.code}`);
  // @arethetypeswrong/core in-process (one TypeScript load for all tarballs, not one CLI process
  // each). ESM-only packages: like the CLI's `esm-only` profile, node10 and CommonJS-require
  // resolutions are not checked, since an `exports`-only ESM package does not claim them. Unlike
  // the CLI, a tarball without types is an error here.
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(bytes)));
  if (!analysis.types) errors.push(`attw ${tarball}: no types found`);
  else {
    for (const problem of analysis.problems) {
      if ('resolutionKind' in problem && ESM_ONLY_IGNORED.includes(problem.resolutionKind)) continue;
      errors.push(`attw ${tarball}: ${problem.kind} ${JSON.stringify(problem)}`);
    }
  }
  return errors;
}

async function packOne(root: string, p: WorkspacePackage, dest: string, log: (line: string) => void): Promise<PackedPackage> {
  const pkgDir = join(root, p.dir);
  // One licence for the whole repository; each tarball carries a copy.
  const license = join(pkgDir, 'LICENSE');
  const copied = !existsSync(license);
  if (copied) copyFileSync(join(root, 'LICENSE'), license);
  try {
    const { stdout } = await promisify(execFile)('pnpm', ['pack', '--pack-destination', dest, '--json'], { cwd: pkgDir, encoding: 'utf8' });
    const tarball = (JSON.parse(stdout) as { filename: string }).filename;
    log(`packed ${p.manifest.name} → ${tarball}`);
    return { name: p.manifest.name, dir: p.dir, tarball, bytes: statSync(tarball).size };
  } finally {
    if (copied) rmSync(license);
  }
}

/** Builds, checks, packs and lints every public package; tarballs go to `<root>/packed/`. */
export async function packAll(root: string, log: (line: string) => void = () => {}): Promise<PackedPackage[]> {
  const pub = buildPackages(root, log);
  const problems = pub.flatMap((p) => checkPublishable(root, p));
  if (problems.length > 0) throw new Error(`not publishable:\n${problems.join('\n')}`);
  const dest = join(root, 'packed');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest);
  // Packed concurrently: each `pnpm pack` spends most of its ~2 s starting pnpm (measured).
  const packed = await Promise.all(pub.map((p) => packOne(root, p, dest, log)));
  const lint = (await Promise.all(packed.map((x) => lintTarball(x.tarball)))).flat();
  if (lint.length > 0) throw new Error(`tarball lint failed:\n${lint.join('\n')}`);
  return packed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const args = process.argv.slice(2);
  try {
    if (args[0] === '--lint') {
      // `--lint TARBALL…`: only the tarball lint, its findings as a JSON array (exit 1 when any).
      const errors = (await Promise.all(args.slice(1).map((t) => lintTarball(t)))).flat();
      process.stdout.write(`${JSON.stringify(errors)}\n`);
      if (errors.length > 0) process.exitCode = 1;
    } else {
      const packed = await packAll(root, (line) => process.stderr.write(`${line}\n`));
      const total = packed.reduce((s, x) => s + x.bytes, 0);
      process.stderr.write(`${packed.length} tarballs in packed/, ${(total / 1024).toFixed(0)} KiB in total\n`);
      process.stdout.write(`${JSON.stringify({ packages: packed, totalBytes: total })}\n`);
    }
  } catch (e) {
    process.stderr.write(`pack:all: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
