/**
 * The workspace's packages, read the way pnpm reads them: the `packages:` globs of
 * pnpm-workspace.yaml, each folder holding a package.json. The build and pack scripts enumerate
 * packages through this so that a new package needs only its own package.json fields (no list
 * to edit here). Reference: https://pnpm.io/pnpm-workspace_yaml
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The package.json fields the build and pack scripts read. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: string | Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  publishConfig?: {
    exports?: Record<string, string | Record<string, string>>;
    bin?: string | Record<string, string>;
    types?: string;
    main?: string;
  };
}

export interface WorkspacePackage {
  /** Folder relative to the workspace root, with forward slashes. */
  dir: string;
  manifest: PackageManifest;
}

/**
 * Every package of the workspace rooted at `root`, sorted by folder.
 *
 * @throws Error when pnpm-workspace.yaml uses a glob form this reader does not support (`**`,
 *   negation), rather than silently missing packages.
 */
export function listWorkspacePackages(root: string): WorkspacePackage[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = workspaceGlobs(yaml);
  const dirs = new Set<string>();
  for (const glob of globs) for (const dir of expandGlob(root, glob.split('/'))) dirs.add(dir);
  return [...dirs]
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .sort()
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as PackageManifest }));
}

/** The list items under the top-level `packages:` key (pnpm-workspace.yaml's only list we need). */
function workspaceGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const [i, raw] of yaml.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line === '') continue;
    if (!line.startsWith(' ') && !line.startsWith('-')) {
      inPackages = line === 'packages:';
      continue;
    }
    if (!inPackages) continue;
    const m = /^\s*-\s*['"]?([^'"]+)['"]?$/.exec(line);
    if (!m) throw new Error(`pnpm-workspace.yaml:${i + 1}: expected a list item under packages:`);
    const glob = m[1]!.replace(/\/$/, '');
    if (glob.startsWith('!') || glob.includes('**')) throw new Error(`pnpm-workspace.yaml:${i + 1}: glob '${glob}' is not supported by scripts/workspace-packages.ts`);
    globs.push(glob);
  }
  return globs;
}

/** Folders matching a glob whose segments are literal names or a lone `*`. */
function expandGlob(root: string, segments: string[], prefix = ''): string[] {
  if (segments.length === 0) return [prefix];
  const [head, ...rest] = segments;
  const here = join(root, prefix);
  if (head !== '*') {
    const next = prefix === '' ? head! : `${prefix}/${head}`;
    return existsSync(join(root, next)) ? expandGlob(root, rest, next) : [];
  }
  if (!existsSync(here)) return [];
  return readdirSync(here)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.') && statSync(join(here, name)).isDirectory())
    .flatMap((name) => expandGlob(root, rest, prefix === '' ? name : `${prefix}/${name}`));
}
