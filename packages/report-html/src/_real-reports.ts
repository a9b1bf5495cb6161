/**
 * Test support (not exported): real audit reports for the HTML tests, made by running the real
 * pipeline small through the `tracemark` CLI in a temp dir. A lab's teacher (an n-gram model on
 * State of the Union addresses) serves watermarked text through its public API (master key) and
 * to one enterprise account (a derived account key); a student is trained on both plus Moby-Dick;
 * a control is trained on Moby-Dick alone. Both are audited with `tracemark audit` (closed- and
 * open-model tests, account attribution over 12 accounts). Optionally the teacher, student, control
 * and one more reference model are served over HTTP and probed with `tracemark probe`, and the
 * student's audit adds the behavioural-fingerprint evidence (`--fingerprint-*`).
 *
 * Nothing here is hand-written: every number a test or a screenshot shows came out of the pipeline.
 * Takes about 15 s with fingerprints on this 2-core machine (measured under vitest).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditReport } from '@tracemark/audit';
import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { openReport, parseEnvelope, parsePublicKey } from '@tracemark/evidence';
import { getTokenizer } from '@tracemark/tokenizers';
import { deriveAccountKey, generateKey, serializeKey } from '@tracemark/watermark';
import { main } from '../../../apps/cli/src/cli.ts';
import { openModelFile } from '../../../apps/cli/src/model-file.ts';
import { ngramResponder, startOpenAiTestServer } from '../../probe/src/testing/index.ts';

export const LEAKED_ACCOUNT = 'acct-0042';
export const ACCOUNTS = [...Array.from({ length: 11 }, (_, i) => `acct-${String(i * 9 + 1).padStart(4, '0')}`), LEAKED_ACCOUNT];

export interface SignedReport {
  /** The report as verified from its envelope. */
  readonly report: AuditReport;
  /** The envelope file `audit --sign` wrote, verbatim. */
  readonly envelopeJson: string;
  readonly path: string;
}

export interface RealReports {
  readonly dir: string;
  /** The signer's public key file. */
  readonly publicKey: string;
  /** The distilled student: detected (with fingerprint evidence when asked). */
  readonly student: SignedReport;
  /** The independent control: not detected. */
  readonly control: SignedReport;
}

async function run(argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  if (code !== 0) throw new Error(`tracemark ${argv.join(' ')} exited ${code}: ${err}`);
  return out;
}

export async function buildRealReports(options: { fingerprint?: boolean } = {}): Promise<RealReports> {
  const dir = await mkdtemp(join(tmpdir(), 'tracemark-report-html-'));
  const p = (name: string) => join(dir, name);

  const sotu = splitHeldOut(loadBuiltinCorpus('sotu')).train;
  await writeFile(p('sotu-a.jsonl'), sotu.filter((_, i) => i % 4 === 0).map((d) => JSON.stringify({ text: d.text })).join('\n') + '\n');

  // A fixed secret (as test/fixtures/reference-loop.ts does) so every run gives the same numbers.
  const tokenizer = await getTokenizer('o200k_base');
  const master = generateKey({ scheme: 'kgw', tokenizer: tokenizer.identity(), params: { context: 1 }, secret: new Uint8Array(32).fill(0x2a), createdAt: new Date(0) });
  await writeFile(p('master.json'), serializeKey(master), { mode: 0o600 });
  const account = deriveAccountKey(master, LEAKED_ACCOUNT);
  await writeFile(p('account.json'), serializeKey(account), { mode: 0o600 });
  master.secret.fill(0);
  account.secret.fill(0);
  await writeFile(p('accounts.txt'), `# accounts served by the lab's gateway\n${ACCOUNTS.join('\n')}\n`);

  await run(['train', '--corpus', p('sotu-a.jsonl'), '--order', '3', '--name', 'teacher', '--out', p('teacher.model'), '--json']);
  await run(['generate', '--model', p('teacher.model'), '--key', p('master.json'), '--count', '150', '--max-tokens', '100', '--seed', '1', '--out', p('api.jsonl'), '--json']);
  await run(['generate', '--model', p('teacher.model'), '--key', p('account.json'), '--count', '150', '--max-tokens', '100', '--seed', '2', '--out', p('account.jsonl'), '--json']);
  await run(['train', '--corpus', `${p('api.jsonl')}:0.3`, `${p('account.jsonl')}:0.3`, 'moby-dick:0.4', '--order', '3', '--name', 'student-model', '--out', p('student.model'), '--json']);
  await run(['train', '--corpus', 'moby-dick', '--order', '3', '--name', 'control-model', '--out', p('control.model'), '--json']);

  await run(['signer', 'init', '--out', p('signer.json'), '--public-out', p('signer.pub.json'), '--json']);
  const { publicKey } = parsePublicKey(await readFile(p('signer.pub.json'), 'utf8'), 'signer.pub.json');

  // Behavioural fingerprints: the models served over HTTP, each probed with the built-in suite.
  const fingerprintArgs: string[] = [];
  if (options.fingerprint) {
    await writeFile(p('sotu-b.jsonl'), sotu.filter((_, i) => i % 4 === 2).map((d) => JSON.stringify({ text: d.text })).join('\n') + '\n');
    await run(['train', '--corpus', p('sotu-b.jsonl'), '--order', '3', '--name', 'reference-sotu', '--out', p('reference-sotu.model'), '--json']);
    const names = ['teacher', 'student-model', 'control-model', 'reference-sotu'];
    const files: Record<string, string> = { teacher: 'teacher.model', 'student-model': 'student.model', 'control-model': 'control.model', 'reference-sotu': 'reference-sotu.model' };
    const models = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await openModelFile(p(files[n]!))] as const)));
    const server = await startOpenAiTestServer({ responder: ngramResponder({ tokenizer, models }) });
    try {
      for (const name of names) {
        await run(['probe', '--endpoint', server.url, '--model', name, '--samples', '1', '--temperature', '1', '--seed', '7', '--max-tokens', '24', '--out', p(`${name}.transcript.jsonl`), '--json']);
      }
    } finally {
      await server.close();
    }
    fingerprintArgs.push(
      '--fingerprint-suspect', p('student-model.transcript.jsonl'),
      '--fingerprint-teacher', p('teacher.transcript.jsonl'),
      '--fingerprint-reference', p('control-model.transcript.jsonl'), p('reference-sotu.transcript.jsonl'),
    );
  }

  const audit = async (model: string, extra: string[]): Promise<SignedReport> => {
    const out = p(`${model}-audit.json`);
    await run(['audit', '--key', p('master.json'), '--suspect-model', p(`${model}.model`), '--count', '60', '--forced-tokens', '3000', '--accounts', p('accounts.txt'), ...extra, '--sign', p('signer.json'), '--out', out, '--json']);
    const envelopeJson = await readFile(out, 'utf8');
    return { report: openReport(parseEnvelope(envelopeJson, out), publicKey, out).report, envelopeJson, path: out };
  };
  const student = await audit('student', fingerprintArgs);
  const control = await audit('control', []);
  return { dir, publicKey: p('signer.pub.json'), student, control };
}
