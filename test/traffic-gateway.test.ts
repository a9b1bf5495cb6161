/**
 * The gateway's exchange log round-trips into the scanner (issue 13, proof 4): a live gateway on
 * loopback with an exchange log, 30 ordinary accounts and an 8-account campaign, all called with
 * the official `openai` client; client addresses come from X-Forwarded-For through the configured
 * trusted proxy (127.0.0.1). The campaign rotates through one /24 of proxies with one user agent
 * and sends templated step-by-step prompts at several temperatures; the ordinary accounts send real
 * human sentences from their own addresses. `tracemark traffic scan` of the gateway's log,
 * calibrated on a simulated benign reference log, flags the campaign and no ordinary account.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '@tracemark/cli/testing';
import { builtinPrompts } from '@tracemark/corpora';
import { loadConfig, startGateway } from '@tracemark/gateway';
import { createTestSetup } from '@tracemark/gateway/testing';
import { type TrafficReport, writeSimulation } from '@tracemark/traffic';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';

const SUBJECTS = ['algebra', 'optics', 'genetics', 'statistics', 'geometry', 'thermodynamics'];

describe('the gateway exchange log, scanned', () => {
  it('finds the campaign run through a live gateway and no ordinary account', async () => {
    const ordinary = Array.from({ length: 30 }, (_, i) => ({ name: `user${i}`, key: `sk-user-${i}-${'x'.repeat(12)}` }));
    const campaign = Array.from({ length: 8 }, (_, i) => ({ name: `proxy${i}`, key: `sk-proxy-${i}-${'y'.repeat(12)}` }));
    const setup = await createTestSetup({
      config: {
        accounts: [...ordinary, ...campaign].map((a) => ({ name: a.name, apiKeys: [a.key] })),
        // Text kept: the scanner does not yet read the gateway's `"text": "features"` form (texts
        // replaced by {features: {chars, words, minhash, elicitation}}); it would see empty prompts.
        exchangeLog: { path: 'exchanges.jsonl', text: 'keep' },
        trustedProxies: ['127.0.0.1'],
      },
    });
    const gateway = await startGateway(await loadConfig(setup.configPath));
    const prompts = builtinPrompts('sotu', 200, 10).map((p) => p.prompt);
    try {
      const call = (key: string, ip: string, userAgent: string, body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming) =>
        new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${gateway.port}/v1`, maxRetries: 0, timeout: 10_000 }).chat.completions.create(body, {
          headers: { 'x-forwarded-for': ip, 'user-agent': userAgent },
        });
      let k = 0;
      for (const [i, a] of ordinary.entries())
        for (let j = 0; j < 3; j++) await call(a.key, `198.${18 + (i % 2)}.${i * 7}.${10 + j}`, 'OpenAI/Python 1.54.3', { model: 'teacher', max_tokens: 12, messages: [{ role: 'user', content: prompts[k++ % prompts.length]! }] });
      for (const [i, a] of campaign.entries())
        for (let j = 0; j < 16; j++)
          await call(a.key, `203.0.113.${1 + ((i * 16 + j) % 40)}`, 'harvester/2.1', {
            model: 'teacher',
            max_tokens: 24,
            temperature: [0.2, 0.7, 1.0][j % 3]!,
            messages: [{ role: 'user', content: `Solve the following ${SUBJECTS[(i + j) % SUBJECTS.length]} problem step by step and show all your reasoning before the final answer: exercise ${i * 16 + j}` }],
          });
    } finally {
      await gateway.close();
    }
    const reference = join(setup.dir, 'benign-reference.jsonl');
    await writeSimulation({ seed: 7, accounts: 400, exchanges: 12_000, campaigns: [] }, reference, null);
    const r = await runCli('traffic', 'scan', join(setup.dir, 'exchanges.jsonl'), '--reference', reference, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TrafficReport;
    expect(report.exchanges).toBe(30 * 3 + 8 * 16);
    const flagged = report.accounts.filter((a) => a.flagged).map((a) => a.account);
    console.log(`traffic via gateway: flagged ${flagged.length} accounts (${flagged.filter((a) => a.startsWith('proxy')).length}/8 campaign)`);
    expect(flagged.filter((a) => a.startsWith('proxy')).length).toBeGreaterThanOrEqual(7);
    expect(flagged.filter((a) => !a.startsWith('proxy'))).toEqual([]);
    // The cluster carries the watermark key ids the gateway served the campaign with.
    expect(report.clusters.find((c) => c.flagged)!.keyIds.length).toBeGreaterThan(0);
    rmSync(setup.dir, { recursive: true, force: true });
  }, 180_000);
});
