/**
 * `tracemark demo`: the whole loop on built-in data, in about a minute on two cores. A lab creates
 * a signing key and a watermark key and publishes a commitment; its teacher model (trained on State
 * of the Union addresses) serves watermarked answers; one student is distilled from them (25% of
 * its training tokens, the rest Moby-Dick) and one independent control is trained on Moby-Dick
 * alone. Both are audited (closed- and open-model radioactivity tests), the signed JSON and HTML
 * reports are written into a folder and verified, and the two verdicts are printed. Last, a campaign
 * (demo-campaign.ts): a distiller harvests through a cluster of accounts, the gateway's exchange log
 * is scanned, the cluster is found, and the audit of a student trained on its harvest names it.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditReport } from '@tracemark/audit';
import { type DemoCampaign, demoCampaign } from '../demo-campaign.ts';
import { InputError } from '../errors.ts';
import { note } from '../progress.ts';
import { audit } from './audit.ts';
import { commit } from './commit.ts';
import { generateCommand } from './generate.ts';
import { keygen } from './keygen.ts';
import { signerInit } from './signer.ts';
import { train } from './train.ts';
import { verify } from './verify.ts';
import { probe } from './probe.ts';
import { randomBytes } from 'node:crypto';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { parseConfig, startGateway } from '@tracemark/gateway';
import { saveModel, trainNgram } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { defineCommand, flag, option } from '../command.ts';

export interface DemoOptions {
  out: string;
  force?: boolean;
  quiet?: boolean;
}

export interface DemoSuspect {
  name: string;
  report: string;
  html: string | null;
  verified: boolean;
  detected: boolean;
  basis: 'watermark' | 'behaviour' | 'none';
  statement: string;
  strongest: { test: string; log10PValue: number } | null;
}

export interface DemoResult {
  out: string;
  keyId: string;
  signerId: string;
  seconds: number;
  suspects: DemoSuspect[];
  campaign: DemoCampaign;
}

/**
 * The file a demo writes first into its folder. `--force` deletes a folder only when it holds this
 * marker: `--force` on any other folder (a home directory, a project) must never delete it.
 */
export const DEMO_MARKER = '.tracemark-demo';
const DEMO_MARKER_TYPE = 'tracemark.demo-folder';

async function isDemoFolder(dir: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(dir, DEMO_MARKER), 'utf8')) as { type?: unknown }).type === DEMO_MARKER_TYPE;
  } catch {
    return false;
  }
}

export async function demo(o: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const exists = await stat(o.out).then(() => true, () => false);
  if (exists && !o.force) throw new InputError(`${o.out}: already exists (use --force to replace the demo folder)`);
  if (exists && !(await isDemoFolder(o.out))) {
    throw new InputError(`${o.out}: not a folder written by tracemark demo (no ${DEMO_MARKER} marker); --force replaces only a previous demo's folder — choose a new --out`);
  }
  if (exists) await rm(o.out, { recursive: true });
  await mkdir(o.out, { recursive: true });
  await writeFile(join(o.out, DEMO_MARKER), `${JSON.stringify({ type: DEMO_MARKER_TYPE, createdAt: new Date().toISOString() })}\n`);
  const f = (name: string) => join(o.out, name);
  const quiet = o.quiet ?? false;
  const step = (n: number, text: string) => note(`[${n}/9] ${text}`, { quiet });

  step(1, 'lab: signing key, watermark key (KGW, γ=0.25, δ=2, h=1) and a signed commitment to it');
  const signer = await signerInit({ out: f('lab-signer.json'), publicOut: f('lab-public-key.json') });
  const key = await keygen({ scheme: 'kgw', tokenizer: 'o200k_base', params: {}, out: f('watermark-key.json') });
  await commit({ key: f('watermark-key.json'), signer: f('lab-signer.json'), out: f('key-commitment.json') });

  step(2, 'lab: training the teacher on State of the Union addresses (order 3)');
  await train({ corpus: ['sotu'], order: 3, tokenizer: 'o200k_base', out: f('teacher.bin'), name: 'teacher', quiet: true });

  step(3, 'lab: the teacher answers 400 prompts, watermarked');
  await generateCommand({ model: f('teacher.bin'), key: f('watermark-key.json'), prompts: 'builtin', count: 400, out: f('teacher-outputs.jsonl'), maxTokens: 150, temperature: 1, topK: 50, topP: 1, seed: 1, samples: 1, quiet });

  step(4, 'distiller: a student trained on 25% teacher outputs + 75% Moby-Dick; an independent control and two reference models on Moby-Dick only');
  await train({ corpus: [`${f('teacher-outputs.jsonl')}:0.25`, 'moby-dick:0.75'], order: 3, tokenizer: 'o200k_base', out: f('student.bin'), name: 'student', quiet: true });
  await trainIndependentModels(o.out);

  step(5, 'investigator: serving all models over an OpenAI-compatible gateway and probing each with the behavioural suite');
  await probeModels(o.out, quiet);

  const suspects: DemoSuspect[] = [];
  for (const [i, name] of ['student', 'control'].entries()) {
    step(6 + i, `investigator: auditing the ${name} — watermark and fingerprint evidence (signed JSON + HTML report)`);
    const r = await audit({
      key: f('watermark-key.json'),
      suspectModel: f(`${name}.bin`),
      prompts: 'builtin',
      count: 300,
      maxTokens: 100,
      seed: 7,
      forcedTokens: 10_000,
      alpha: 1e-3,
      topK: 20,
      out: f(`${name}.report.json`),
      sign: f('lab-signer.json'),
      fingerprintSuspect: f(`${name}.transcript.jsonl`),
      fingerprintTeacher: f('teacher.transcript.jsonl'),
      fingerprintReferences: [f('reference-a.transcript.jsonl'), f('reference-b.transcript.jsonl')],
      html: f(`${name}.report.html`),
      quiet,
    });
    suspects.push(summarize(name, r.report, f(`${name}.report.json`), f(`${name}.report.html`)));
  }

  step(8, 'anyone: verifying both signed reports (signature, input digests, recomputed statistics)');
  for (const s of suspects) {
    const v = await verify({ file: s.report, publicKey: f('lab-public-key.json'), key: f('watermark-key.json'), inputs: [o.out] });
    const page = await verify({ file: s.html!, publicKey: f('lab-public-key.json'), inputs: [] });
    s.verified = v.verified && page.verified;
  }

  step(9, 'campaign: a distiller harvests through 6 accounts behind one proxy range; the exchange log is scanned, its cluster found and audited');
  const campaign = await demoCampaign(o.out, quiet);
  return { out: o.out, keyId: key.keyId, signerId: signer.signerId, seconds: (performance.now() - t0) / 1000, suspects, campaign };
}

/**
 * Behavioural transcripts for the fingerprint line of evidence: two reference models independent of
 * the teacher (Moby-Dick's even and odd chapters), then every model served by the gateway (in this
 * process, loopback only, watermarking off: behaviour is what is measured) and probed with the
 * default suite.
 */
async function trainIndependentModels(dir: string): Promise<void> {
  // The control and the two references are the same kind of model: each trained on two thirds of
  // Moby-Dick's chapters (a different third left out), so none is more fluent than the others and
  // the fingerprint panel compares like with like. None has seen the teacher's outputs.
  const tokenizer = await getTokenizer('o200k_base');
  const chapters = loadBuiltinCorpus('moby-dick').map((d) => tokenizer.encode(d.text));
  for (const [name, left] of [['control', 0], ['reference-a', 1], ['reference-b', 2]] as const) {
    const model = trainNgram({ tokenizer, order: 3, sources: [{ name: `moby-dick-without-${left}`, documents: chapters.filter((_, i) => i % 3 !== left) }], name });
    await saveModel(model, join(dir, `${name}.bin`));
  }
}

async function probeModels(dir: string, quiet: boolean): Promise<void> {
  const f = (name: string) => join(dir, name);
  const apiKey = `demo-${randomBytes(16).toString('hex')}`;
  const names = ['teacher', 'student', 'control', 'reference-a', 'reference-b'];
  const config = parseConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      watermark: false,
      receipts: { path: 'gateway-receipts.jsonl' },
      models: names.map((id) => ({ id, file: `${id}.bin` })),
      accounts: [{ name: 'investigator', apiKeys: [apiKey] }],
      limits: { rateLimit: { requestsPerMinute: 100_000, tokensPerMinute: 100_000_000 } },
    },
    'demo gateway',
    dir,
  );
  const gateway = await startGateway(config, { accessLog: () => {} });
  process.env.TRACEMARK_DEMO_API_KEY = apiKey;
  try {
    for (const name of names) {
      await probe({ endpoint: `${gateway.url}/v1`, model: name, apiKeyEnv: 'TRACEMARK_DEMO_API_KEY', suite: 'default', samples: 1, temperature: 1, seed: 3, maxTokens: 48, concurrency: 4, out: f(`${name}.transcript.jsonl`), quiet });
    }
  } finally {
    delete process.env.TRACEMARK_DEMO_API_KEY;
    await gateway.close();
  }
}

function summarize(name: string, report: AuditReport, path: string, html: string | null): DemoSuspect {
  const strongest = [...report.tests].sort((a, b) => a.log10PValue - b.log10PValue)[0];
  return {
    name,
    report: path,
    html,
    verified: false,
    detected: report.verdict.detected,
    basis: report.verdict.basis,
    statement: report.verdict.statement,
    strongest: strongest ? { test: strongest.name, log10PValue: strongest.log10PValue } : null,
  };
}

export function renderDemo(r: DemoResult): string {
  const lines = [`demo finished in ${r.seconds.toFixed(0)} s; everything is in ${r.out}/`, ''];
  for (const s of r.suspects) {
    const headline = s.basis === 'watermark' ? 'DISTILLED FROM THE TEACHER (watermark evidence)' : s.basis === 'behaviour' ? 'closer to the teacher than the reference panel (behavioural evidence only, not key-backed)' : 'no evidence of distillation from the teacher';
    lines.push(`${s.name.toUpperCase()}: ${headline}`);
    lines.push(`  ${s.statement}`);
    lines.push(`  report ${s.report}${s.html ? `, ${s.html}` : ''} — signature and statistics ${s.verified ? 'verified' : 'NOT VERIFIED'}`);
  }
  const c = r.campaign;
  lines.push(
    c.cluster
      ? `CAMPAIGN: the traffic scan flagged cluster ${c.cluster.id} (${c.cluster.accounts.join(', ')}; log10 p ${c.cluster.log10PValue.toFixed(1)}); ` +
          (c.named ? `the audit names it: the campaign student carries its keys (pooled log10 p ${c.pooledLog10PValue!.toFixed(1)})` : `the audit does not name it (pooled log10 p ${c.pooledLog10PValue!.toFixed(1)})`)
      : `CAMPAIGN: the traffic scan did not flag the distiller's accounts (${c.distillerAccounts.join(', ')})`,
    `  report ${c.report}${c.html ? `, ${c.html}` : ''}`,
  );
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'demo',
  description: 'the whole loop on built-in data: watermark a teacher, distil a student, audit it and a control, sign and verify the reports; then find a distiller\'s account cluster in the gateway\'s exchange log and audit it',
  options: {
    out: option('--out <dir>', 'folder for every artefact').default('demo-out'),
    force: flag('--force', 'replace a folder an earlier demo wrote (it holds a .tracemark-demo marker); any other folder is refused'),
    json: flag('--json', 'print the result as JSON'),
  },
  async run({ json, ...o }, { emit }) {
    const r = await demo({ ...o, quiet: json });
    emit(json, r, renderDemo(r));
  },
});
