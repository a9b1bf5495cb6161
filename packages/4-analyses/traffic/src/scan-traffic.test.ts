/**
 * A scan's report is a function of the exchanges, not of the order the log holds them in nor of
 * the order DuckDB's threads happen to add them up: the same simulated log, with its lines shuffled,
 * gives a report identical to the last bit (but for the input's path and digest). Floating-point
 * sums in SQL, edges arriving in hash-table order and first-found ties all failed this before.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@tracemark/stats';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFieldMapping } from './field-mapping.ts';
import { ingestLog } from './ingest-log.ts';
import { scanTraffic } from './scan-traffic.ts';
import { writeSimulation } from './simulate/write-simulation.ts';
import { type TrafficReport } from './traffic-report.ts';

const dir = mkdtempSync(join(tmpdir(), 'tm-scan-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The report without what names the file (path, digest, database). */
const comparable = (r: TrafficReport) => JSON.stringify({ ...r, inputs: r.inputs.map((i) => ({ exchanges: i.exchanges, bytes: i.bytes, badLines: i.badLines })) });

describe('scanTraffic', () => {
  it('gives the same report, to the bit, whatever the order of the log lines', async () => {
    const ordered = join(dir, 'ordered.jsonl');
    const shuffled = join(dir, 'shuffled.jsonl');
    await writeSimulation({ seed: 11, accounts: 400, exchanges: 30_000 }, ordered, null);
    const lines = readFileSync(ordered, 'utf8').split('\n').filter((l) => l !== '');
    const rng = createRng('scan-order');
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    writeFileSync(shuffled, `${lines.join('\n')}\n`);
    const mapping = parseFieldMapping(undefined);
    const [a, b] = [await ingestLog(ordered, { mapping }), await ingestLog(shuffled, { mapping })];
    const [ra, rb] = [await scanTraffic([a], { alpha: 1e-3 }), await scanTraffic([b], { alpha: 1e-3 })];
    // The log has campaigns, clusters and shared values to tie-break: the comparison has something to compare.
    expect(ra.clusters.length).toBeGreaterThan(2);
    expect(ra.clusters.some((c) => c.flagged)).toBe(true);
    expect(comparable(rb)).toBe(comparable(ra));
    // And with a reference log, each scanned as the other's reference.
    const [qa, qb] = [await scanTraffic([a], { alpha: 1e-3, references: [b] }), await scanTraffic([b], { alpha: 1e-3, references: [a] })];
    expect(JSON.stringify(qb.accounts)).toBe(JSON.stringify(qa.accounts));
    expect(JSON.stringify(qb.clusters)).toBe(JSON.stringify(qa.clusters));
  }, 120_000);

  it('scans a log whose usage holds odd completion-token counts (negative, fractional, beyond 1e308, a string)', async () => {
    const log = join(dir, 'odd-usage.jsonl');
    await writeSimulation({ seed: 12, accounts: 100, exchanges: 2_000, campaigns: [] }, log, null);
    const odd = ['-3', '12.5', '1e999', '"many"'];
    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    const changed = lines.map((l, i) => (i < odd.length ? l.replace(/"completion_tokens":\s*[0-9]+/, `"completion_tokens":${odd[i]}`) : l));
    expect(changed.slice(0, odd.length)).not.toEqual(lines.slice(0, odd.length));
    writeFileSync(log, `${changed.join('\n')}\n`);
    const report = await scanTraffic([await ingestLog(log, { mapping: parseFieldMapping(undefined) })], { alpha: 1e-3 });
    expect(report.exchanges).toBe(2_000);
    for (const a of report.accounts) for (const s of Object.values(a.signals)) expect(Number.isFinite(s.score), `${a.account}`).toBe(true);
  }, 60_000);
});
