/**
 * The gateway's loop end to end, over HTTP: two accounts pull chat completions from a real
 * reference teacher behind the gateway, each watermarked with its own account key (derived from
 * the lab's master key). A student n-gram model is trained on alice's responses only. Testing the
 * account keys against the student's own generations (closed-model test: every distinct tuple once
 * across the corpus, prompts excluded, Holm over the accounts tested) names alice and only alice.
 * The lab's receipt log, read by `tracemark receipts`, tells how many tokens each account got.
 */
import { attributeAccounts } from '@tracemark/audit';
import { referenceAttributeAccounts } from '@tracemark/audit/testing';
import { builtinPrompts } from '@tracemark/corpora';
import { generate, trainNgram } from '@tracemark/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receipts } from '@tracemark/cli/commands/receipts';
import { loadConfig, startGateway, type Gateway } from '@tracemark/gateway';
import { createTestSetup, TEST_API_KEYS, type TestSetup } from '@tracemark/gateway/testing';

const PULLS = 150;
const PULL_TOKENS = 120;
const CONCURRENCY = 8;

let setup: TestSetup;
let gateway: Gateway;
const pulled: Record<'alice' | 'bob', string[]> = { alice: [], bob: [] };

async function pull(account: 'alice' | 'bob'): Promise<void> {
  const prompts = builtinPrompts('sotu', PULLS).map((p) => p.prompt);
  let next = 0;
  const worker = async () => {
    while (next < prompts.length) {
      const i = next++;
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEYS[account]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: prompts[i] }], max_tokens: PULL_TOKENS, seed: i }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      pulled[account][i] = body.choices[0]!.message.content;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

beforeAll(async () => {
  setup = await createTestSetup({ config: { limits: { maxTokens: 512, rateLimit: { requestsPerMinute: 100_000 } } } });
  gateway = await startGateway(await loadConfig(setup.configPath));
  await Promise.all([pull('alice'), pull('bob')]);
});

afterAll(async () => {
  await gateway?.close();
});

describe('gateway → distiller → audit', () => {
  it('names the account whose outputs trained the student, and not the other', () => {
    const tokenizer = setup.tokenizer;
    const student = trainNgram({ tokenizer, order: 3, sources: [{ name: 'alice-pulls', documents: pulled.alice.map((t) => tokenizer.encode(t)) }], name: 'student' });
    // The suspect's own generations, from prompts it was not trained on.
    const outputs = builtinPrompts('moby-dick', 200).map((p, i) => {
      const prompt = tokenizer.encode(p.prompt);
      return { prompt, tokens: generate(student, { prompt, maxTokens: 80, seed: `suspect/${i}` }).tokens };
    });
    const result = attributeAccounts(setup.master, ['alice', 'bob', 'carol'], outputs, { alpha: 1e-3 });
    console.info(`attribution over HTTP pulls: ${result.scored} tuples; ${result.accounts.map((a) => `${a.account} log10 p ${a.log10PValue.toFixed(1)} (adj ${a.adjusted.log10PValue.toFixed(1)})`).join('; ')}`);
    expect(result.leaked).toEqual(['alice']);
    // The typed-array kernel gives the per-tuple reference's p-values to the bit.
    expect(result).toEqual(referenceAttributeAccounts(setup.master, ['alice', 'bob', 'carol'], outputs, { alpha: 1e-3 }));
    const bob = result.accounts.find((a) => a.account === 'bob')!;
    expect(bob.adjusted.pValue).toBeGreaterThan(1e-2);
  });

  it('the receipt log tells the lab how many responses and tokens each account received', async () => {
    const r = await receipts({ log: setup.receiptsPath });
    expect(r.chain.intact).toBe(true);
    expect(r.torn).toEqual([]);
    const by = Object.fromEntries(r.accounts.map((a) => [a.account, a]));
    for (const account of ['alice', 'bob'] as const) {
      expect(by[account]).toMatchObject({ responses: PULLS, completionTokens: PULLS * PULL_TOKENS, models: ['teacher'], unwatermarked: 0 });
      expect(by[account]!.keyIds).toHaveLength(1);
    }
    expect(by.alice!.keyIds[0]).not.toBe(by.bob!.keyIds[0]);
  });
});
