import { statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateTrafficSync } from './simulate-traffic.ts';
import { SimulationOptionError } from './simulation-options.ts';
import { simulationTruth } from './simulation-truth.ts';
import { writeSimulation } from './write-simulation.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-write-simulation-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const OPTIONS = { seed: 11, accounts: 110, exchanges: 6000, campaigns: ['hydra', 'paraphrase'] as const, clusterSize: 5 };

describe('writeSimulation', () => {
  it('writes exactly the simulated records, one per line, and the truth beside them', async () => {
    const log = join(dir, 'log.jsonl');
    const truth = join(dir, 'truth.json');
    const r = await writeSimulation({ ...OPTIONS, campaigns: [...OPTIONS.campaigns] }, log, truth);
    const expected = [...simulateTrafficSync({ ...OPTIONS, campaigns: [...OPTIONS.campaigns] })].map((x) => `${JSON.stringify(x)}\n`).join('');
    const text = await readFile(log, 'utf8');
    expect(text).toBe(expected);
    expect(r.exchanges).toBe(6000);
    expect(r.bytes).toBe(Buffer.byteLength(text));
    expect(JSON.parse(await readFile(truth, 'utf8'))).toEqual(JSON.parse(JSON.stringify(simulationTruth({ ...OPTIONS, campaigns: [...OPTIONS.campaigns] }))));
    expect(r.campaigns.map((c) => [c.id, c.accounts])).toEqual([['hydra-1', 5], ['paraphrase-1', 5]]);
  });

  it('streams: the file grows while records are still being generated, under a temporary name', async () => {
    // A writer that built the log in memory would write nothing until the end; this one flushes
    // about every MiB, so the temporary file has content long before the last record exists.
    const log = join(dir, 'stream.jsonl');
    const sizes: number[] = [];
    await writeSimulation({ seed: 2, accounts: 100, exchanges: 20_000, campaigns: [] }, log, null, {
      progressEvery: 2000,
      onProgress: (done, total) => {
        if (done < total) sizes.push(statSync(`${log}.partial-${process.pid}`).size);
      },
    });
    expect(sizes.length).toBeGreaterThan(5);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(sizes[0]);
    expect(sizes.some((s) => s > 0)).toBe(true);
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('checks its options before creating any file', async () => {
    const log = join(dir, 'bad.jsonl');
    await expect(writeSimulation({ accounts: 10 }, log, join(dir, 'bad.json'))).rejects.toThrow(SimulationOptionError);
    expect((await readdir(dir)).filter((f) => f.startsWith('bad.'))).toEqual([]);
  });

  it('leaves nothing that looks complete when the log cannot be written, and names the file asked for', async () => {
    const log = join(dir, 'no-such-dir', 'log.jsonl');
    const err = await writeSimulation(OPTIONS as never, log, join(dir, 'orphan.json')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(log);
    expect((err as Error).message).not.toContain('.partial-');
    expect((await readdir(dir)).filter((f) => f.startsWith('orphan'))).toEqual([]);
  });
});
