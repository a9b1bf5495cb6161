/**
 * `tracemark verify` on a signed traffic scan report: the signature, the page, each input's
 * digest, and the whole scan recomputed from the logs, which must reproduce the signed report to
 * the last bit. A report signed with the right key but not computed from these logs (a p-value
 * edited before signing) fails, naming the account and the field; so does a changed log.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@tracemark/cli/testing';
import { type Envelope, parseSigner, type Statement, signStatement } from '@tracemark/evidence';
import { type TrafficReport, writeSimulation } from '@tracemark/traffic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-traffic-verify-'));
  await writeSimulation({ seed: 21, accounts: 300, exchanges: 15_000 }, f('day.jsonl'), null);
  await writeSimulation({ seed: 22, accounts: 300, exchanges: 15_000, campaigns: [] }, f('benign.jsonl'), null);
  expect((await runCli('signer', 'init', '--out', f('signer.json'), '--public-out', f('public.json'))).code).toBe(0);
  const scan = await runCli('traffic', 'scan', f('day.jsonl'), '--reference', f('benign.jsonl'), '--sign', f('signer.json'), '--out', f('scan.json'), '--html', f('scan.html'));
  expect(scan.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the logs in a folder of their own (verify must not find databases or other files beside them). */
async function evidenceFolder(name: string): Promise<string> {
  const to = f(name);
  await mkdir(to);
  await Promise.all(['day.jsonl', 'benign.jsonl'].map((n) => copyFile(f(n), join(to, n))));
  return to;
}

describe('verify a signed traffic scan report', () => {
  it('recomputes the scan from the logs: the JSON and the HTML page verify, every account and cluster identical', async () => {
    const inputs = await evidenceFolder('evidence');
    for (const file of ['scan.json', 'scan.html']) {
      const r = await runCli('verify', f(file), '--public-key', f('public.json'), '--inputs', inputs, '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { kind: string; verified: boolean; checks: { check: string; ok: boolean; detail: string }[] };
      expect(out.kind).toBe('traffic-report');
      expect(out.verified).toBe(true);
      expect(out.checks.map((c) => c.check)).toEqual([
        'signature',
        'statement',
        ...(file.endsWith('.html') ? ['page'] : []),
        'input log',
        'input reference',
        'recompute inputs',
        'recompute accounts',
        'recompute clusters',
        'recompute report',
      ]);
      expect(out.checks.find((c) => c.check === 'recompute clusters')!.detail).toMatch(/\(\d+ flagged\)/);
    }
    // Nothing was written beside the evidence.
    expect((await import('node:fs')).readdirSync(inputs).sort()).toEqual(['benign.jsonl', 'day.jsonl']);
  }, 120_000);

  it('a report signed with the right key but edited before signing fails the recomputation, naming the account and field', async () => {
    const env = JSON.parse(await readFile(f('scan.json'), 'utf8')) as Envelope;
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Statement<TrafficReport>;
    const report = statement.predicate as unknown as { accounts: { account: string; signals: { harvest: { pValue: number } } }[] };
    const victim = report.accounts[7]!;
    victim.signals.harvest.pValue = victim.signals.harvest.pValue / 2;
    const signer = parseSigner(await readFile(f('signer.json'), 'utf8'), f('signer.json'));
    await writeFile(f('edited.json'), JSON.stringify(signStatement(statement, signer), null, 2));
    const r = await runCli('verify', f('edited.json'), '--public-key', f('public.json'), '--inputs', await evidenceFolder('evidence-2'));
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/✓ signature/);
    expect(r.stdout).toMatch(new RegExp(`✗ recompute accounts: 1 of \\d+ accounts differ; accounts: first difference at \\[7\\]\\.signals\\.harvest\\.pValue`));
    expect(r.stdout).toMatch(/NOT VERIFIED/);
  }, 120_000);

  it('a changed log fails its digest and the scan is not recomputed; without --inputs only the signature is checked', async () => {
    const inputs = await evidenceFolder('evidence-3');
    await writeFile(join(inputs, 'day.jsonl'), (await readFile(join(inputs, 'day.jsonl'), 'utf8')).replace(/"account":"([^"]+)"/, '"account":"$1x"'));
    const r = await runCli('verify', f('scan.json'), '--public-key', f('public.json'), '--inputs', inputs);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/✗ input log: .*day\.jsonl: sha256 [0-9a-f]{64} differs from the signed/);
    expect(r.stdout).toMatch(/✗ recompute: the scan was not recomputed/);
    const bare = await runCli('verify', f('scan.json'), '--public-key', f('public.json'));
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/verified: .*scan\.json \(traffic-report\)/);
  }, 120_000);
});
