/**
 * The demo's campaign step (issue 13): a distiller harvests the teacher through a cluster of
 * accounts behind one proxy range, the gateway writes its exchange log, the log is scanned together
 * with a simulated day of benign traffic (the population that calibrates the scan), the distiller's
 * cluster is found, a student is trained on what the cluster harvested, and the audit tests the
 * cluster's keys together (`audit --accounts-from-scan`) and names it.
 *
 * The benign background is simulated (`traffic simulate`, no campaigns) because a demo has no real
 * users; its accounts never touch the gateway, so their key ids are synthetic and never tested.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseConfig, startGateway } from '@tracemark/gateway';
import { audit } from './commands/audit.ts';
import { train } from './commands/train.ts';
import { builtinPrompts } from '@tracemark/corpora';

export interface DemoCampaign {
  /** The cluster the scan flagged that holds the distiller's accounts (null: not found). */
  readonly cluster: { id: number; accounts: string[]; log10PValue: number } | null;
  readonly distillerAccounts: string[];
  readonly pooledLog10PValue: number | null;
  readonly named: boolean;
  readonly report: string;
  readonly html: string | null;
}

const DISTILLER = Array.from({ length: 6 }, (_, i) => `harvest-${i + 1}`);

export async function demoCampaign(dir: string, quiet: boolean): Promise<DemoCampaign> {
  // Loaded when the demo runs: the traffic package loads DuckDB, which other commands do not need.
  const { parseFieldMapping, scanLogs, writeSimulation } = await import('@tracemark/traffic');
  const f = (name: string) => join(dir, name);
  const keys = Object.fromEntries(DISTILLER.map((a) => [a, `sk-${a}-${randomBytes(12).toString('hex')}`]));
  const config = parseConfig(
    {
      listen: { host: '127.0.0.1', port: 0 },
      watermark: true,
      masterKey: 'watermark-key.json',
      receipts: { path: 'campaign-receipts.jsonl' },
      exchangeLog: { path: 'exchanges.jsonl', text: 'keep' },
      // The distiller's proxy range arrives through the lab's own front proxy (loopback here).
      trustedProxies: ['127.0.0.1'],
      models: [{ id: 'teacher', file: 'teacher.bin' }],
      accounts: DISTILLER.map((name) => ({ name, apiKeys: [keys[name]!] })),
      limits: { rateLimit: { requestsPerMinute: 100_000, tokensPerMinute: 100_000_000 } },
    },
    'demo gateway',
    dir,
  );
  const gateway = await startGateway(config, { accessLog: () => {} });
  const answers: string[] = [];
  try {
    const prompts = builtinPrompts('sotu', 240);
    for (const [i, p] of prompts.entries()) {
      const account = DISTILLER[i % DISTILLER.length]!;
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[account]}`, 'x-forwarded-for': `203.0.113.${10 + (i % 24)}`, 'user-agent': 'harvest-client/2.1' },
        body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: `Explain step by step and show all your reasoning: ${p.prompt}` }], max_tokens: 150, seed: i }),
      });
      const body = (await res.json()) as { choices?: { message: { content: string } }[] };
      if (res.status !== 200 || !body.choices) throw new Error(`demo gateway answered ${res.status} to ${account}`);
      answers.push(JSON.stringify({ prompt: p.prompt, response: body.choices[0]!.message.content }));
    }
  } finally {
    await gateway.close();
  }
  await writeFile(f('campaign-answers.jsonl'), `${answers.join('\n')}\n`);
  await writeSimulation({ seed: 11, accounts: 300, exchanges: 12_000, campaigns: [] }, f('benign-traffic.jsonl'), null);
  const scan = await scanLogs([f('exchanges.jsonl'), f('benign-traffic.jsonl')], { alpha: 1e-3, mapping: parseFieldMapping(undefined) });
  await writeFile(f('traffic-scan.json'), `${JSON.stringify(scan, null, 2)}\n`);
  const found = scan.clusters.find((c) => c.flagged && c.accounts.some((a) => DISTILLER.includes(a)));
  await train({ corpus: [`${f('campaign-answers.jsonl')}:0.5`, 'moby-dick:0.5'], order: 3, tokenizer: 'o200k_base', out: f('campaign-student.bin'), name: 'campaign-student', quiet: true });
  if (!found) return { cluster: null, distillerAccounts: DISTILLER, pooledLog10PValue: null, named: false, report: f('traffic-scan.json'), html: null };
  const r = await audit({
    key: f('watermark-key.json'),
    suspectModel: f('campaign-student.bin'),
    prompts: 'builtin',
    count: 200,
    maxTokens: 100,
    seed: 7,
    forcedTokens: 2_000,
    alpha: 1e-3,
    topK: 20,
    accountsFromScan: f('traffic-scan.json'),
    cluster: [found.id],
    out: f('campaign-student.report.json'),
    sign: f('lab-signer.json'),
    html: f('campaign-student.report.html'),
    quiet,
  });
  const row = r.report.clusters!.clusters[0]!;
  return {
    cluster: { id: found.id, accounts: [...found.accounts], log10PValue: found.log10PValue },
    distillerAccounts: DISTILLER,
    pooledLog10PValue: row.model.log10PValue,
    named: row.model.detected,
    report: f('campaign-student.report.json'),
    html: f('campaign-student.report.html'),
  };
}
