import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.ts';
import { runCli } from '../testing.ts';
import { parseCampaigns } from './traffic-simulate.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-traffic-simulate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SMALL = ['--accounts', '120', '--exchanges', '3000', '--seed', '5'];

describe('tracemark traffic simulate', () => {
  it('writes a log and its truth that agree, and reports them as JSON', async () => {
    const out = join(dir, 'log.jsonl');
    const truth = join(dir, 'truth.json');
    const r = await runCli('traffic', 'simulate', '--out', out, '--truth', truth, ...SMALL, '--campaign', 'hydra,residential', '--cluster-size', '6', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(ExitCode.ok);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ log: out, truth, seed: 5, exchanges: 3000, accounts: 120, campaignAccounts: 12 });
    expect(result.campaigns.map((c: { id: string }) => c.id)).toEqual(['hydra-1', 'residential-1']);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3000);
    const t = JSON.parse(await readFile(truth, 'utf8'));
    expect(t.type).toBe('tracemark.traffic.simulation-truth');
    const counts = new Map<string, number>();
    for (const l of lines) {
      const a = JSON.parse(l).account as string;
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    for (const a of t.accounts) expect(counts.get(a.account)).toBe(a.exchanges);
    expect(result.bytes).toBe(Buffer.byteLength(await readFile(out)));
    // No temporary file is left beside the outputs.
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('is byte-identical for the same seed', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    expect((await runCli('traffic', 'simulate', '--out', a, '--truth', join(dir, 'a.json'), ...SMALL, '--campaign', 'none')).code).toBe(0);
    expect((await runCli('traffic', 'simulate', '--out', b, '--truth', join(dir, 'b.json'), ...SMALL, '--campaign', 'none')).code).toBe(0);
    expect(await readFile(a, 'utf8')).toBe(await readFile(b, 'utf8'));
    expect(JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')).campaigns).toEqual([]);
  });

  it('refuses to overwrite without --force and names the file', async () => {
    const out = join(dir, 'exists.jsonl');
    await writeFile(out, 'keep me\n');
    const r = await runCli('traffic', 'simulate', '--out', out, '--truth', join(dir, 'exists.json'), ...SMALL);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain(`${out}: already exists`);
    expect(await readFile(out, 'utf8')).toBe('keep me\n');
  });

  it('rejects bad options as usage errors before writing anything', async () => {
    const out = join(dir, 'bad.jsonl');
    const truth = join(dir, 'bad.json');
    const unknown = await runCli('traffic', 'simulate', '--out', out, '--truth', truth, '--campaign', 'botnet');
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toMatch(/campaign must be hydra, residential, slow-low, paraphrase/);
    const tooFew = await runCli('traffic', 'simulate', '--out', out, '--truth', truth, '--accounts', '30', '--exchanges', '1000');
    expect(tooFew.code).toBe(ExitCode.usage);
    expect(tooFew.stderr).toMatch(/accounts must be at least/);
    expect((await readdir(dir)).filter((f) => f.startsWith('bad.'))).toEqual([]);
  });

  it('checks the output folder before any work, and leaves nothing behind', async () => {
    const out = join(dir, 'missing-dir', 'log.jsonl');
    const r = await runCli('traffic', 'simulate', '--out', out, '--truth', join(dir, 'io.json'), ...SMALL);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain(`${out}: folder`);
    expect((await readdir(dir)).filter((f) => f.startsWith('io.'))).toEqual([]);
  });

  it('accepts exactly the strategies the simulator knows', async () => {
    const { CAMPAIGN_STRATEGIES } = await import('@tracemark/traffic');
    expect(parseCampaigns('all')).toEqual([...CAMPAIGN_STRATEGIES]);
    expect(parseCampaigns('none')).toEqual([]);
    expect(parseCampaigns('slow-low, paraphrase')).toEqual(['slow-low', 'paraphrase']);
  });

  it('documents its options in --help', async () => {
    const r = await runCli('traffic', 'simulate', '--help');
    expect(r.code).toBe(ExitCode.ok);
    for (const flag of ['--out', '--truth', '--seed', '--accounts', '--exchanges', '--hours', '--campaign', '--clusters', '--cluster-size', '--campaign-share', '--slow-low-share', '--no-lookalikes', '--response-text']) {
      expect(r.stdout).toContain(flag);
    }
  });
});
