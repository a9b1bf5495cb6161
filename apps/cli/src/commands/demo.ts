/**
 * `tracemark demo`: the whole loop on built-in data, in about a minute on two cores. A lab creates
 * a signing key and a watermark key and publishes a commitment; its teacher model (trained on State
 * of the Union addresses) serves watermarked answers; one student is distilled from them (25% of
 * its training tokens, the rest Moby-Dick) and one independent control is trained on Moby-Dick
 * alone. Both are audited (closed- and open-model radioactivity tests), the signed JSON and HTML
 * reports are written into a folder and verified, and the two verdicts are printed.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditReport } from '@tracemark/audit';
import { InputError } from '../errors.ts';
import { note } from '../progress.ts';
import { audit } from './audit.ts';
import { commit } from './commit.ts';
import { generateCommand } from './generate.ts';
import { keygen } from './keygen.ts';
import { signerInit } from './signer.ts';
import { train } from './train.ts';
import { verify } from './verify.ts';

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
  statement: string;
  strongest: { test: string; log10PValue: number } | null;
}

export interface DemoResult {
  out: string;
  keyId: string;
  signerId: string;
  seconds: number;
  suspects: DemoSuspect[];
}

export async function demo(o: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const exists = await stat(o.out).then(() => true, () => false);
  if (exists && !o.force) throw new InputError(`${o.out}: already exists (use --force to replace the demo folder)`);
  if (exists) await rm(o.out, { recursive: true });
  await mkdir(o.out, { recursive: true });
  const f = (name: string) => join(o.out, name);
  const quiet = o.quiet ?? false;
  const step = (n: number, text: string) => note(`[${n}/7] ${text}`, { quiet });

  step(1, 'lab: signing key, watermark key (KGW, γ=0.25, δ=2, h=1) and a signed commitment to it');
  const signer = await signerInit({ out: f('lab-signer.json'), publicOut: f('lab-public-key.json') });
  const key = await keygen({ scheme: 'kgw', tokenizer: 'o200k_base', params: {}, out: f('watermark-key.json') });
  await commit({ key: f('watermark-key.json'), signer: f('lab-signer.json'), out: f('key-commitment.json') });

  step(2, 'lab: training the teacher on State of the Union addresses (order 3)');
  await train({ corpus: ['sotu'], order: 3, tokenizer: 'o200k_base', out: f('teacher.bin'), name: 'teacher', quiet: true });

  step(3, 'lab: the teacher answers 400 prompts, watermarked');
  await generateCommand({ model: f('teacher.bin'), key: f('watermark-key.json'), prompts: 'builtin', count: 400, out: f('teacher-outputs.jsonl'), maxTokens: 150, temperature: 1, topK: 50, topP: 1, seed: 1, samples: 1, quiet });

  step(4, 'distiller: a student trained on 25% teacher outputs + 75% Moby-Dick; an independent control on Moby-Dick only');
  await train({ corpus: [`${f('teacher-outputs.jsonl')}:0.25`, 'moby-dick:0.75'], order: 3, tokenizer: 'o200k_base', out: f('student.bin'), name: 'student', quiet: true });
  await train({ corpus: ['moby-dick'], order: 3, tokenizer: 'o200k_base', out: f('control.bin'), name: 'control', quiet: true });

  const suspects: DemoSuspect[] = [];
  for (const [i, name] of ['student', 'control'].entries()) {
    step(5 + i, `investigator: auditing the ${name} (signed JSON + HTML report)`);
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
      ...(await htmlOption(f(`${name}.report.html`))),
      quiet,
    });
    suspects.push(summarize(name, r.report, f(`${name}.report.json`), null));
  }

  step(7, 'anyone: verifying both signed reports (signature, input digests, recomputed statistics)');
  for (const s of suspects) {
    const v = await verify({ file: s.report, publicKey: f('lab-public-key.json'), key: f('watermark-key.json'), inputs: [o.out] });
    s.verified = v.verified;
  }
  return { out: o.out, keyId: key.keyId, signerId: signer.signerId, seconds: (performance.now() - t0) / 1000, suspects };
}

/** The HTML page is written when the report renderer is available. */
async function htmlOption(_path: string): Promise<Record<string, string>> {
  return {};
}

function summarize(name: string, report: AuditReport, path: string, html: string | null): DemoSuspect {
  const strongest = [...report.tests].sort((a, b) => a.log10PValue - b.log10PValue)[0];
  return {
    name,
    report: path,
    html,
    verified: false,
    detected: report.verdict.detected,
    statement: report.verdict.statement,
    strongest: strongest ? { test: strongest.name, log10PValue: strongest.log10PValue } : null,
  };
}

export function renderDemo(r: DemoResult): string {
  const lines = [`demo finished in ${r.seconds.toFixed(0)} s; everything is in ${r.out}/`, ''];
  for (const s of r.suspects) {
    lines.push(`${s.name.toUpperCase()}: ${s.detected ? 'DISTILLED FROM THE TEACHER (watermark evidence)' : 'no watermark evidence'}`);
    lines.push(`  ${s.statement}`);
    lines.push(`  report ${s.report}${s.html ? `, ${s.html}` : ''} — signature and statistics ${s.verified ? 'verified' : 'NOT VERIFIED'}`);
  }
  return lines.join('\n');
}
