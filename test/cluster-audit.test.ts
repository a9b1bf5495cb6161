/**
 * A campaign spread over a cluster of accounts, caught by testing the cluster's keys together.
 * A lab serves each account a key derived from one master key; a traffic scan names a cluster of
 * coordinated accounts; each pulled only a small share of the student's training text, so no
 * single account's key is clear in the student, while the pooled test over the cluster is.
 * Also: the pooled test is calibrated on human text and on a control model over many master keys,
 * and `tracemark audit --accounts-from-scan` reads a (signed) scan report, shows the traffic and
 * model evidence side by side, and `verify` recomputes the pooled tests.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeClusters, type SuspectOutput } from '@tracemark/audit';
import { runCli } from '@tracemark/cli/testing';
import { parseSigner, signStatement, type Statement, STATEMENT_TYPE } from '@tracemark/evidence';
import { binomialUpperCritical } from '@tracemark/stats';
import { TRAFFIC_PREDICATE_TYPE, TRAFFIC_REPORT_TYPE } from '@tracemark/traffic';
import { deriveAccountKey, serializeKey, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoop, fixedKey, type Loop, type Output, sampleOutputs, trainStudent } from './fixtures/reference-loop.ts';

const CAMPAIGN = Array.from({ length: 8 }, (_, i) => `hydra-${i}`);
const INNOCENT = Array.from({ length: 8 }, (_, i) => `user-${i}`);
let loop: Loop;
let master: WatermarkKey;
let studentOutputs: Output[];

beforeAll(async () => {
  loop = await createLoop();
  master = fixedKey(loop.tokenizer, 31);
  // Each campaign account pulls a little watermarked text; the student learns from all of it mixed with human text.
  const pulled = CAMPAIGN.flatMap((account, a) => sampleOutputs(loop, loop.teacher, `pull-${a}`, 20, 100, deriveAccountKey(master, account)).map((o) => o.tokens));
  const student = trainStudent(loop, pulled, 0.5, 'student');
  studentOutputs = sampleOutputs(loop, student, 'student', 200, 100);
});

/** Human text cut into documents of `size` tokens (no prompts). */
function humanDocuments(count: number, size: number, offset = 0): SuspectOutput[] {
  const all = loop.human.flatMap((d) => Array.from(d));
  return Array.from({ length: count }, (_, i) => ({ tokens: Uint32Array.from(all.slice(offset + i * size, offset + (i + 1) * size)) }));
}

describe('pooled cluster test', () => {
  it('detects the cluster whose accounts trained the student, more strongly than its best single account, and not an innocent cluster', () => {
    const r = attributeClusters(master, [{ id: 1, accounts: CAMPAIGN }, { id: 2, accounts: INNOCENT }], studentOutputs, { alpha: 1e-3 });
    const [campaign, innocent] = r.clusters;
    console.info(
      `pooled: campaign cluster (8 accounts, 1/8 each) log10 p ${campaign!.log10PValue.toFixed(2)} (Holm ${campaign!.adjusted.log10PValue.toFixed(2)}), ` +
        `best single account ${campaign!.strongestAccount.account} log10 p ${campaign!.strongestAccount.log10PValue.toFixed(2)}, ` +
        `accounts leaked alone (Holm over 16): ${r.accounts.leaked.length}; innocent cluster log10 p ${innocent!.log10PValue.toFixed(2)}; ` +
        `scored ${campaign!.scored} key·tuples, rate ${campaign!.rate.toFixed(4)} vs ${campaign!.expectedRate}`,
    );
    expect(campaign!.detected).toBe(true);
    expect(innocent!.detected).toBe(false);
    // The point of pooling: stronger than any one account's test, which here does not survive its own correction.
    expect(campaign!.log10PValue).toBeLessThan(campaign!.strongestAccount.log10PValue - 2);
    expect(r.accounts.leaked.length).toBeLessThan(CAMPAIGN.length);
    expect(r.accounts.leaked.every((a) => CAMPAIGN.includes(a))).toBe(true);
  });

  it('is calibrated on human text over 200 master keys: pooled p < 0.05 and < 0.01 within their binomial bounds', () => {
    const outputs = humanDocuments(150, 100);
    const counts = countBelow(200, outputs, 5000);
    console.info(`pooled FPR on human text, 200 master keys × cluster of 5: ${counts.below05} below 0.05, ${counts.below01} below 0.01`);
    expect(counts.below05).toBeLessThanOrEqual(binomialUpperCritical(200, 0.05, 0.001));
    expect(counts.below01).toBeLessThanOrEqual(binomialUpperCritical(200, 0.01, 0.001));
  });

  it('is calibrated on a control model (trained on human text only) over 100 master keys', () => {
    const control = trainStudent(loop, [], 0, 'control');
    const outputs = sampleOutputs(loop, control, 'control', 120, 100);
    const counts = countBelow(100, outputs, 6000);
    console.info(`pooled FPR on a control model, 100 master keys × cluster of 5: ${counts.below05} below 0.05, ${counts.below01} below 0.01`);
    expect(counts.below05).toBeLessThanOrEqual(binomialUpperCritical(100, 0.05, 0.001));
    expect(counts.below01).toBeLessThanOrEqual(binomialUpperCritical(100, 0.01, 0.001));
  });
});

function countBelow(keys: number, outputs: readonly SuspectOutput[], seedBase: number): { below05: number; below01: number } {
  let below05 = 0;
  let below01 = 0;
  for (let k = 0; k < keys; k++) {
    const r = attributeClusters(fixedKey(loop.tokenizer, seedBase + k), [{ id: 0, accounts: ['a', 'b', 'c', 'd', 'e'] }], outputs, { alpha: 0.05 });
    if (r.clusters[0]!.pValue < 0.05) below05++;
    if (r.clusters[0]!.pValue < 0.01) below01++;
  }
  return { below05, below01 };
}

describe('tracemark audit --accounts-from-scan', () => {
  let dir: string;
  const f = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tracemark-cluster-audit-'));
    await writeFile(f('key.json'), serializeKey(master));
    const lines = studentOutputs.map((o, i) => JSON.stringify({ id: `s${i}`, prompt: loop.tokenizer.decode(o.prompt), response: loop.tokenizer.decode(o.tokens) }));
    await writeFile(f('suspect.jsonl'), `${lines.join('\n')}\n`);
    const cluster = (id: number, accounts: string[], flagged: boolean, log10PValue: number) => ({
      id,
      accounts,
      flagged,
      pValue: 10 ** log10PValue,
      log10PValue,
      exchanges: accounts.length * 20,
      keyIds: accounts.map((a) => deriveAccountKey(master, a).keyId),
    });
    const scan = { type: TRAFFIC_REPORT_TYPE, version: 1, alpha: 1e-3, accounts: [], clusters: [cluster(1, CAMPAIGN, true, -9.5), cluster(2, INNOCENT, false, -0.4)] };
    await writeFile(f('scan.json'), JSON.stringify(scan));
    const init = await runCli('signer', 'init', '--out', f('signer.json'), '--public-out', f('public.json'));
    expect(init.code).toBe(0);
    const signer = parseSigner(await readFile(f('signer.json'), 'utf8'));
    const statement: Statement<unknown> = { _type: STATEMENT_TYPE, subject: [{ name: 'log:api.jsonl', digest: { sha256: '0'.repeat(64) } }], predicateType: TRAFFIC_PREDICATE_TYPE, predicate: scan };
    await writeFile(f('scan.signed.json'), JSON.stringify(signStatement(statement, signer)));
  });

  it('tests the flagged cluster from a verified signed scan, shows both evidences, and verify recomputes the pooled test', async () => {
    const r = await runCli('audit', '--key', f('key.json'), '--suspect-outputs', f('suspect.jsonl'), '--accounts-from-scan', f('scan.signed.json'),
      '--scan-public-key', f('public.json'), '--out', f('report.json'), '--sign', f('signer.json'), '--html', f('report.html'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/traffic clusters from scan\.signed\.json \(every flagged cluster; signature verified/);
    const envelope = JSON.parse(await readFile(f('report.json'), 'utf8'));
    const report = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')).predicate;
    expect(report.clusters.scan).toMatchObject({ signature: 'verified', selection: 'flagged', clustersInScan: 2 });
    expect(report.clusters.clusters.map((c: { id: number }) => c.id)).toEqual([1]);
    const row = report.clusters.clusters[0];
    expect(row.traffic).toMatchObject({ log10PValue: -9.5, exchanges: 160, flagged: true });
    expect(row.servedKeys).toBe('all');
    expect(row.model.detected).toBe(true);
    expect(report.accounts.accountsTested).toBe(8);
    expect(report.inputs.map((i: { role: string }) => i.role)).toContain('traffic-scan');
    expect(await readFile(f('report.html'), 'utf8')).toMatch(/Traffic clusters/);
    const v = await runCli('verify', f('report.json'), '--public-key', f('public.json'), '--key', f('key.json'), '--inputs', dir, '--json');
    const checks = JSON.parse(v.stdout).checks as { check: string; ok: boolean }[];
    expect(checks.find((c) => c.check === 'recompute cluster 1')?.ok).toBe(true);
    expect(v.code).toBe(0);
  });

  it('reads a signed scan without a public key but says it is unverified; --cluster picks clusters', async () => {
    const r = await runCli('audit', '--key', f('key.json'), '--suspect-outputs', f('suspect.jsonl'), '--accounts-from-scan', f('scan.signed.json'), '--cluster', '1,2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.clusters.scan).toMatchObject({ signature: 'unverified', selection: 'chosen' });
    expect(r.stderr).toMatch(/scan\.signed\.json is signed but its signature was NOT checked/);
    expect(report.clusters.clusters.map((c: { id: number; model: { detected: boolean } }) => [c.id, c.model.detected])).toEqual([[1, true], [2, false]]);
  });

  it('reads the report of a real `traffic scan` of a simulated log with a hydra campaign: the flagged cluster is the campaign', async () => {
    const sim = await runCli('traffic', 'simulate', '--out', f('log.jsonl'), '--truth', f('truth.json'), '--accounts', '300', '--exchanges', '20000', '--campaign', 'hydra', '--seed', '5');
    expect(sim.code, sim.stderr).toBe(0);
    const scan = await runCli('traffic', 'scan', f('log.jsonl'), '--out', f('real-scan.json'), '--sign', f('signer.json'));
    expect(scan.code, scan.stderr).toBe(0);
    const r = await runCli('audit', '--key', f('key.json'), '--suspect-outputs', f('suspect.jsonl'), '--accounts-from-scan', f('real-scan.json'), '--scan-public-key', f('public.json'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const truth = JSON.parse(await readFile(f('truth.json'), 'utf8')) as { campaigns: { accounts: string[] }[] };
    const rows = report.clusters.clusters as { traffic: { accounts: string[]; flagged: boolean }; model: { detected: boolean }; servedKeys: string }[];
    expect(report.clusters.scan.signature).toBe('verified');
    expect(rows.length).toBeGreaterThan(0);
    expect([...rows[0]!.traffic.accounts].sort()).toEqual([...truth.campaigns[0]!.accounts].sort());
    // The simulator's key ids are synthetic, and this student never saw these accounts' text.
    expect(rows.map((x) => [x.servedKeys, x.model.detected])).toEqual(rows.map(() => ['none', false]));
  });

  it('refuses a tampered signed scan, an unsigned scan with --scan-public-key, an unknown cluster and a malformed scan', async () => {
    const env = JSON.parse(await readFile(f('scan.signed.json'), 'utf8'));
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
    statement.predicate.clusters[1].flagged = true;
    await writeFile(f('tampered.json'), JSON.stringify({ ...env, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    const base = ['audit', '--key', f('key.json'), '--suspect-outputs', f('suspect.jsonl')];
    const tampered = await runCli(...base, '--accounts-from-scan', f('tampered.json'), '--scan-public-key', f('public.json'));
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toMatch(/tampered\.json: signature does not verify/);
    const unsigned = await runCli(...base, '--accounts-from-scan', f('scan.json'), '--scan-public-key', f('public.json'));
    expect(unsigned.stderr).toMatch(/scan\.json: the scan report is not signed/);
    const unknown = await runCli(...base, '--accounts-from-scan', f('scan.json'), '--cluster', '7');
    expect(unknown.stderr).toMatch(/scan\.json: no cluster 7 \(the scan has 1, 2\)/);
    await writeFile(f('bad-scan.json'), JSON.stringify({ alpha: 1e-3, clusters: [{ id: 1, accounts: ['a', 'a'], flagged: true, pValue: 0.1, log10PValue: -1, exchanges: 3 }] }));
    const bad = await runCli(...base, '--accounts-from-scan', f('bad-scan.json'));
    expect(bad.stderr).toMatch(/bad-scan\.json: clusters\[0\]\.accounts: an account appears twice/);
    const both = await runCli(...base, '--accounts-from-scan', f('scan.json'), '--accounts', f('scan.json'));
    expect(both.stderr).toMatch(/not both/);
    for (const x of [tampered, unsigned, unknown, bad, both]) expect(x.code).toBe(2);
  });
});
