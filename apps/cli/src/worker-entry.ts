/**
 * The file a worker thread starts from, for sources and for the compiled package alike. From the
 * workspace's TypeScript sources (run through tsx) a worker needs `<name>-boot.mjs`, which
 * registers tsx's loader before importing `<name>.ts` (workers do not inherit the parent's
 * loader); from the published package (`dist/`, plain node, no tsx installed) it starts the
 * compiled `<name>.js` directly. The caller passes its own `import.meta.url`: a `.ts` URL means
 * sources. Convention for new workers: `<name>.ts` plus a `<name>-boot.mjs` beside it.
 */
export function workerEntry(callerUrl: string, name: string): URL {
  return new URL(callerUrl.endsWith('.ts') ? `./${name}-boot.mjs` : `./${name}.js`, callerUrl);
}
