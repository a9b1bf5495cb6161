/**
 * `pnpm build`: compiles every public workspace package (package.json without `"private": true`)
 * to ESM JavaScript plus `.d.ts` in its own `dist/`, for `pnpm pack`. The workspace itself never
 * needs this: tests, the type-check and the `tracemark` shim run on the TypeScript sources.
 *
 * One TypeScript program over all public packages, not one per package: a package's imports of
 * `@tracemark/x` resolve (through pnpm's links and `exports`) to x's sources, so a per-package
 * program would re-emit its dependencies into its own output. With the workspace root as
 * `rootDir`, each source file lands under its own package's path in a scratch folder, from which
 * `<package>/src/**` is copied to `<package>/dist/**`. Relative `./x.ts` imports are rewritten to
 * `./x.js` by `rewriteRelativeImportExtensions` (TypeScript 5.7+,
 * https://www.typescriptlang.org/tsconfig/#rewriteRelativeImportExtensions); `@tracemark/x`
 * imports stay bare and resolve in an installed tree through the published `publishConfig.exports`.
 *
 * Test files and test helpers (`*.test.ts`, `testing.ts`, `_testing.ts`, `testing/`) are not
 * built: they import vitest and devDependencies that an installed package does not have.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { listWorkspacePackages, type WorkspacePackage } from './workspace-packages.ts';

/** True for source files that belong only to the workspace's tests. */
export function isTestOnlySource(path: string): boolean {
  return /\.test\.ts$/.test(path) || /(^|\/)_?testing\.ts$/.test(path) || /(^|\/)testing\//.test(path);
}

/** The non-private packages, checked not to depend on a private one (it would not be installable). */
export function publicPackages(root: string): WorkspacePackage[] {
  const all = listWorkspacePackages(root);
  const privateNames = new Set(all.filter((p) => p.manifest.private).map((p) => p.manifest.name));
  const pub = all.filter((p) => !p.manifest.private);
  for (const p of pub) {
    const deps = { ...p.manifest.dependencies, ...p.manifest.peerDependencies, ...p.manifest.optionalDependencies };
    for (const name of Object.keys(deps)) {
      if (privateNames.has(name)) throw new Error(`${p.dir}/package.json: public package ${p.manifest.name} depends on private ${name}`);
    }
  }
  return pub;
}

/** `from './x.ts'` and `import('./x.ts')` in a declaration file become `./x.js`. */
export function rewriteDeclarationSpecifiers(text: string): string {
  return text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * Builds `dist/` of every public package under `root`; returns the packages built.
 *
 * @throws Error listing every TypeScript diagnostic (file:line: message) when the build fails;
 *   no `dist/` is replaced in that case.
 */
export function buildPackages(root: string, log: (line: string) => void = () => {}): WorkspacePackage[] {
  const pub = publicPackages(root);
  const rootNames = pub.flatMap((p) => sourceFiles(join(root, p.dir, 'src')).filter((f) => !isTestOnlySource(relative(join(root, p.dir, 'src'), f))));
  const base = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.base.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!base) throw new Error('tsconfig.base.json: unreadable');
  const scratch = mkdtempSync(join(tmpdir(), 'tracemark-build-'));
  try {
    const options: ts.CompilerOptions = {
      ...base.options,
      noEmit: false,
      allowImportingTsExtensions: false,
      rewriteRelativeImportExtensions: true,
      declaration: true,
      rootDir: root,
      outDir: scratch,
    };
    const program = ts.createProgram({ rootNames, options });
    // Declaration emit keeps `./x.ts` specifiers (rewriteRelativeImportExtensions rewrites only
    // JavaScript, TypeScript 5.9), which an installed consumer cannot resolve: rewrite them too.
    const emitted = program.emit(undefined, (file, text, bom) => ts.sys.writeFile(file, file.endsWith('.d.ts') ? rewriteDeclarationSpecifiers(text) : text, bom));
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    if (diagnostics.length > 0) {
      const lines = diagnostics.map((d) => {
        const where = d.file && d.start !== undefined ? `${relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
        return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
      });
      throw new Error(`build failed:\n${lines.join('\n')}`);
    }
    for (const p of pub) {
      const dist = join(root, p.dir, 'dist');
      rmSync(dist, { recursive: true, force: true });
      cpSync(join(scratch, p.dir, 'src'), dist, { recursive: true });
      log(`built ${p.manifest.name} → ${p.dir}/dist`);
    }
    return pub;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  buildPackages(root, (line) => process.stderr.write(`${line}\n`));
}
