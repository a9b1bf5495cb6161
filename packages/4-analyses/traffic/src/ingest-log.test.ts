/**
 * What an ingest leaves on disk: the finished database, and none of the half-built ones of
 * processes that died while ingesting (a worker killed mid-job), while a live process's is kept.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFieldMapping } from './field-mapping.ts';
import { ingestLog } from './ingest-log.ts';
import { writeSimulation } from './simulate/write-simulation.ts';

const dir = mkdtempSync(join(tmpdir(), 'tm-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingestLog', () => {
  it('removes half-built databases of dead processes of this host, keeps a live one and other hosts', async () => {
    const log = join(dir, 'log.jsonl');
    await writeSimulation({ seed: 3, accounts: 100, exchanges: 1_000, campaigns: [] }, log, null);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its id names no process now
    const prefix = `${log}.duckdb.tmp-${hostname()}-`;
    const stale = [`${prefix}${dead}-0badc0de`, `${prefix}${dead}-0badc0de.wal`];
    const live = `${prefix}${process.ppid}-00c0ffee`;
    const elsewhere = `${log}.duckdb.tmp-another-host-${dead}-0badc0de`;
    for (const f of [...stale, live, elsewhere]) writeFileSync(f, 'half-built');
    const r = await ingestLog(log, { mapping: parseFieldMapping(undefined) });
    expect(r.exchanges).toBe(1_000);
    for (const f of stale) expect(existsSync(f), f).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['log.jsonl', 'log.jsonl.duckdb', live, elsewhere].map((f) => f.replace(`${dir}/`, '')).sort());
  }, 60_000);
});
