/**
 * Progress on stderr through one wrapper: a single rewritten line on a TTY, nothing when stderr is
 * not a terminal or when `--json`/`--quiet` asked for machine output, so stdout stays clean.
 */
export interface Progress {
  update(done: number, total?: number, note?: string): void;
  done(message?: string): void;
}

export function createProgress(label: string, options: { quiet?: boolean } = {}): Progress {
  const enabled = !options.quiet && process.stderr.isTTY === true;
  let last = 0;
  const started = Date.now();
  return {
    update(done, total, note) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && (total === undefined || done < total)) return;
      last = now;
      const pct = total ? ` ${((100 * done) / total).toFixed(0)}%` : '';
      const rate = done / Math.max(0.001, (now - started) / 1000);
      process.stderr.write(`\r\x1b[K${label}: ${done}${total ? `/${total}` : ''}${pct} (${rate.toFixed(0)}/s)${note ? ` ${note}` : ''}`);
    },
    done(message) {
      if (!enabled) return;
      process.stderr.write(`\r\x1b[K${message ? `${label}: ${message}\n` : ''}`);
    },
  };
}

/** A status line on stderr for long steps, silent under --json/--quiet. */
export function note(message: string, options: { quiet?: boolean } = {}): void {
  if (!options.quiet) process.stderr.write(`${message}\n`);
}
