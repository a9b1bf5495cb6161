/**
 * Human-readable rendering helpers shared by commands: p-values from their log10 (so 1e-400 prints
 * as 1.0e-400, not 0), aligned tables, and verdict wording.
 */
import { formatPValue as formatLog10PValue } from '@tracemark/stats';

/** Format a p-value from its log10 the one way every output does (`@tracemark/stats`), in `e` notation for terminals. */
export function formatPValue(log10: number): string {
  return formatLog10PValue(log10, 'e');
}

/** A left/right aligned text table; numbers right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  return cells
    .map((r) => r.map((v, c) => (numeric[c] ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

export function formatRate(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : '-';
}
