import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ExchangeRecord } from '../exchange-record.ts';
import { CAMPAIGN_TEMPLATES } from './_campaign-requests.ts';
import { MODELS } from './_models.ts';
import { LOOKALIKE_CLASSES } from './plan-population.ts';
import { simulateTraffic, simulateTrafficSync } from './simulate-traffic.ts';
import { type SimulationOptions } from './simulation-options.ts';
import { simulationTruth, type SimulationTruth } from './simulation-truth.ts';

/** Small enough for seconds, large enough for every class and one cluster of each strategy. */
const OPTIONS: SimulationOptions = { seed: 7, accounts: 160, exchanges: 24_000, hours: 24 };

const REASONING = /step|reasoning|chain of thought|thought process|thinking aloud|each inference|hidden reasoning|paso a paso|étape|Schritt|一步一步|推理|思考|шаг/i;

function digest(records: Iterable<ExchangeRecord>): string {
  const h = createHash('sha256');
  for (const r of records) h.update(`${JSON.stringify(r)}\n`);
  return h.digest('hex');
}

function userText(r: ExchangeRecord): string {
  const messages = r.request.messages as { role: string; content: string }[];
  return messages[messages.length - 1].content;
}

/** Checks one record against the ExchangeRecord contract and the OpenAI chat-completions shapes; returns the problems. */
function problems(r: ExchangeRecord): string[] {
  const out: string[] = [];
  if (typeof r.time !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.time) || Number.isNaN(Date.parse(r.time))) out.push(`time ${r.time}`);
  if (typeof r.account !== 'string' || r.account.length === 0) out.push('account');
  if (isIP(r.ip) === 0) out.push(`ip ${r.ip}`);
  if (r.userAgent !== undefined && typeof r.userAgent !== 'string') out.push('userAgent');
  if (r.payment !== undefined && typeof r.payment !== 'string') out.push('payment');
  if (r.endpoint !== '/v1/chat/completions') out.push('endpoint');
  if (!Number.isInteger(r.status) || r.status < 100 || r.status > 599) out.push('status');
  const req = r.request as { model?: unknown; messages?: { role: string; content: unknown }[] };
  if (typeof req.model !== 'string') out.push('request.model');
  if (!Array.isArray(req.messages) || req.messages.length === 0 || req.messages.some((m) => typeof m.content !== 'string' || !['system', 'user', 'assistant'].includes(m.role))) out.push('request.messages');
  if (req.messages?.[req.messages.length - 1]?.role !== 'user') out.push('last message not from the user');
  const res = r.response as { choices?: { message: { role: string; content: string }; finish_reason: string }[]; usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }; model?: string; error?: unknown } | undefined;
  if (r.status === 200) {
    if (!res?.choices || res.choices.length === 0 || res.choices.some((c) => c.message.role !== 'assistant' || typeof c.message.content !== 'string' || c.message.content.length === 0)) out.push('response.choices');
    if (res?.model !== req.model) out.push('response.model');
    const u = res?.usage;
    if (!u || !(u.prompt_tokens > 0) || !(u.completion_tokens > 0) || u.total_tokens !== u.prompt_tokens + u.completion_tokens) out.push('response.usage');
  } else if (!res?.error) out.push('error response without error');
  return out;
}

describe('simulateTraffic', () => {
  let records: ExchangeRecord[];
  let truth: SimulationTruth;
  const byAccount = new Map<string, ExchangeRecord[]>();
  const accountsOf = (pred: (a: SimulationTruth['accounts'][number]) => boolean) => truth.accounts.filter(pred).map((a) => a.account);
  const recordsOf = (names: readonly string[]) => names.flatMap((n) => byAccount.get(n) ?? []);

  beforeAll(() => {
    records = [...simulateTrafficSync(OPTIONS)];
    truth = simulationTruth(OPTIONS);
    for (const r of records) {
      let list = byAccount.get(r.account);
      if (!list) byAccount.set(r.account, (list = []));
      list.push(r);
    }
  });

  it('is deterministic for a seed, and another seed gives another log', () => {
    expect(digest(simulateTrafficSync(OPTIONS))).toBe(digest(records));
    const small = { ...OPTIONS, exchanges: 2000 };
    expect(digest(simulateTrafficSync({ ...small, seed: 8 }))).not.toBe(digest(simulateTrafficSync(small)));
    expect(JSON.stringify(simulationTruth(OPTIONS))).toBe(JSON.stringify(truth));
  });

  it('writes only valid ExchangeRecords, in time order, inside the window', () => {
    const bad = records.map((r, i) => [i, problems(r)] as const).filter(([, p]) => p.length > 0);
    expect(bad.slice(0, 5)).toEqual([]);
    const start = Date.parse(truth.window.start);
    const end = Date.parse(truth.window.end);
    for (let i = 0; i < records.length; i++) {
      const t = Date.parse(records[i].time);
      expect(t >= start && t < end).toBe(true);
      if (i > 0) expect(t).toBeGreaterThanOrEqual(Date.parse(records[i - 1].time));
    }
    // Round trip through JSON Lines: nothing a line cannot carry.
    expect(JSON.parse(JSON.stringify(records[0]))).toEqual(records[0]);
  });

  it('matches its truth file: the same accounts, exact counts, roles and key ids', () => {
    expect(records.length).toBe(OPTIONS.exchanges);
    expect(truth.exchanges).toBe(OPTIONS.exchanges);
    expect(new Set(byAccount.keys())).toEqual(new Set(truth.accounts.map((a) => a.account)));
    for (const a of truth.accounts) {
      const mine = byAccount.get(a.account)!;
      expect(mine.length, a.account).toBe(a.exchanges);
      const keyIds = new Set(mine.map((r) => r.keyId));
      if (a.keyId === null) expect(keyIds).toEqual(new Set([undefined]));
      else expect([...keyIds].every((k) => k === a.keyId || (k === undefined && mine.some((r) => r.status !== 200)))).toBe(true);
      expect(a.role === 'campaign').toBe(a.campaign !== null);
    }
    for (const c of truth.campaigns) {
      expect(c.exchanges).toBe(recordsOf(c.accounts).length);
      for (const name of c.accounts) expect(truth.accounts.find((a) => a.account === name)).toMatchObject({ role: 'campaign', campaign: c.id, strategy: c.strategy });
    }
    // Campaign accounts are a small minority, and no account name gives the role away.
    const campaign = accountsOf((a) => a.role === 'campaign');
    expect(campaign.length / truth.accounts.length).toBeLessThan(0.3);
    expect(new Set(truth.accounts.map((a) => a.account.replace(/[0-9a-f]/g, 'x'))).size).toBe(1);
  });

  it('sends benign prompts drawn from the shipped corpora, in several languages, with ordinary parameters and few reasoning requests', () => {
    const ordinary = recordsOf(accountsOf((a) => a.class === 'ordinary'));
    const texts = ordinary.map(userText);
    expect(texts.filter((t) => /Ishmael|whale|Congress|Government|United States|sea|ship/i.test(t)).length / texts.length).toBeGreaterThan(0.3);
    expect(texts.some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(texts.some((t) => /Resume|Résume|Fasse|Resuma|Кратко|Traduce|Traduis/.test(t))).toBe(true);
    const stepwise = texts.filter((t) => /step by step|paso a paso|étape par étape|Schritt für Schritt|一步一步/i.test(t)).length / texts.length;
    expect(stepwise).toBeGreaterThan(0.005);
    expect(stepwise).toBeLessThan(0.06);
    const maxTokens = new Set(ordinary.map((r) => r.request.max_tokens));
    expect(maxTokens.size).toBeGreaterThan(5);
    expect(new Set(ordinary.map((r) => r.request.temperature)).size).toBeGreaterThan(5);
    expect(new Set(ordinary.map((r) => r.userAgent)).size).toBeGreaterThan(8);
    // Heavy-tailed volumes: the busiest ordinary account sends many times the median.
    const volumes = accountsOf((a) => a.class === 'ordinary' || a.class === 'power-user').map((n) => byAccount.get(n)!.length).sort((x, y) => x - y);
    expect(volumes[volumes.length - 1]).toBeGreaterThan(10 * volumes[volumes.length >> 1]);
  });

  it('plants every benign look-alike with the properties that trap naive detectors', () => {
    expect(truth.lookalikes.map((l) => l.class).sort()).toEqual([...LOOKALIKE_CLASSES].sort());
    const of = (cls: string) => truth.lookalikes.find((l) => l.class === cls)!.accounts;

    const [bot] = of('support-bot');
    const botRecords = byAccount.get(bot)!;
    expect(botRecords.length).toBeGreaterThan(Math.max(...accountsOf((a) => a.class === 'ordinary').map((n) => byAccount.get(n)!.length)));
    expect(botRecords.every((r) => (r.request.messages as { content: string }[])[0].content.startsWith('You are the support assistant'))).toBe(true);

    const harness = recordsOf(of('eval-harness'));
    expect(harness.every((r) => r.request.temperature === 0)).toBe(true);
    for (const name of of('eval-harness')) expect(new Set(byAccount.get(name)!.map((r) => r.request.max_tokens)).size).toBe(1);
    expect(harness.some((r) => /Let's think step by step/.test(userText(r)))).toBe(true);

    const classroom = of('classroom');
    expect(classroom).toHaveLength(30);
    const classRecords = recordsOf(classroom);
    expect(new Set(classRecords.map((r) => r.ip)).size).toBe(1);
    const times = classRecords.map((r) => Date.parse(r.time));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(3_600_000);

    const office = recordsOf(of('office'));
    expect(of('office').length).toBeGreaterThanOrEqual(5);
    expect(new Set(office.map((r) => r.ip.split('.').slice(0, 3).join('.'))).size).toBe(1);
    expect(new Set(office.map((r) => r.userAgent)).size).toBe(1);
    expect(new Set(office.map((r) => r.payment)).size).toBe(1);

    const power = of('power-user').map((n) => byAccount.get(n)!.length);
    const ordinary = accountsOf((a) => a.class === 'ordinary').map((n) => byAccount.get(n)!.length).sort((x, y) => x - y);
    expect(Math.min(...power)).toBeGreaterThan(5 * ordinary[ordinary.length >> 1]);
  });

  it('plants one cluster of each strategy with reasoning-elicitation prompts and harvest parameters', () => {
    expect(truth.campaigns.map((c) => c.strategy)).toEqual(['hydra', 'residential', 'slow-low', 'paraphrase']);
    for (const c of truth.campaigns.filter((x) => x.strategy !== 'slow-low')) {
      const rs = recordsOf(c.accounts);
      expect(rs.every((r) => REASONING.test(userText(r))), c.id).toBe(true);
      const limit = rs.filter((r) => r.request.max_tokens === Object.values(MODELS).find((m) => m.name === r.request.model)!.maxOutputTokens).length;
      expect(limit / rs.length, c.id).toBeGreaterThan(0.75);
      expect(rs.filter((r) => r.request.logprobs === true).length / rs.length, c.id).toBeGreaterThan(0.25);
      expect(new Set(rs.map((r) => r.request.temperature)).size, c.id).toBeGreaterThanOrEqual(4);
      // A curriculum sweep: the cluster does not repeat a prompt.
      expect(new Set(rs.map(userText)).size / rs.length, c.id).toBeGreaterThan(0.95);
      // Synchronised: every request falls in a dispatch window, give or take one 5 s time bin.
      const start = Date.parse(truth.window.start);
      const { periodS, phaseS, jitterS } = c.dispatch!;
      const offset = (r: ExchangeRecord) => ((((Date.parse(r.time) - start) / 1000 - phaseS) % periodS) + periodS) % periodS;
      const outside = rs.filter((r) => offset(r) > jitterS + 5 && offset(r) < periodS - 5);
      expect(outside.length, c.id).toBe(0);
      // Under the rate limits: no account sends more than 20 requests in any minute.
      for (const name of c.accounts) {
        const perMinute = new Map<number, number>();
        for (const r of byAccount.get(name)!) perMinute.set(Math.floor(Date.parse(r.time) / 60_000), (perMinute.get(Math.floor(Date.parse(r.time) / 60_000)) ?? 0) + 1);
        expect(Math.max(...perMinute.values()), name).toBeLessThanOrEqual(20);
      }
    }
  });

  it('hydra: accounts rotate through one shared proxy pool with one user agent and shared cards', () => {
    const c = truth.campaigns.find((x) => x.strategy === 'hydra')!;
    const pool = new Set(c.proxyPool);
    const rs = recordsOf(c.accounts);
    expect(rs.every((r) => pool.has(r.ip))).toBe(true);
    for (const name of c.accounts) expect(new Set(byAccount.get(name)!.map((r) => r.ip)).size).toBeGreaterThan(5);
    expect(new Set(rs.map((r) => r.userAgent)).size).toBe(1);
    expect(new Set(rs.map((r) => r.payment)).size).toBeLessThan(c.accounts.length);
    // Fixed templates: each prompt is one of the catalogue's templates filled in.
    const patterns = CAMPAIGN_TEMPLATES.map((t) => new RegExp(`^${t.replace(/[.*+?^$()[\]\\|]/g, '\\$&').replace(/\{topic\}|\{item\}/g, '[\\s\\S]*')}$`));
    expect(rs.every((r) => patterns.some((p) => p.test(userText(r))))).toBe(true);
  });

  it('residential: exactly one address per account, none shared, each with its own card', () => {
    const c = truth.campaigns.find((x) => x.strategy === 'residential')!;
    const ips = c.accounts.map((name) => new Set(byAccount.get(name)!.map((r) => r.ip)));
    expect(ips.every((s) => s.size === 1)).toBe(true);
    expect(new Set(ips.map((s) => [...s][0])).size).toBe(c.accounts.length);
    expect(new Set(recordsOf(c.accounts).map((r) => r.payment)).size).toBe(c.accounts.length);
  });

  it('slow-and-low: ordinary volumes, a person’s day, extraction mixed into ordinary use', () => {
    const c = truth.campaigns.find((x) => x.strategy === 'slow-low')!;
    expect(c.dispatch).toBeNull();
    const ordinary = accountsOf((a) => a.class === 'ordinary').map((n) => byAccount.get(n)!.length).sort((x, y) => x - y);
    const p90 = ordinary[Math.floor(ordinary.length * 0.9)];
    for (const name of c.accounts) expect(byAccount.get(name)!.length).toBeLessThanOrEqual(p90);
    const rs = recordsOf(c.accounts);
    const extraction = rs.filter((r) => CAMPAIGN_TEMPLATES.some((t) => userText(r).startsWith(t.slice(0, 12)) || userText(r).includes(t.slice(-40)))).length / rs.length;
    expect(extraction).toBeGreaterThan(0.3);
    expect(extraction).toBeLessThan(0.7);
  });

  it('paraphrase: no two prompts share a template wording, unlike hydra', () => {
    // Within one topic the items differ only in their numbers; with digits removed, fixed templates
    // collapse to a handful of strings while paraphrased ones stay distinct.
    const skeletons = (strategy: string) => {
      const c = truth.campaigns.find((x) => x.strategy === strategy)!;
      const algebra = recordsOf(c.accounts).map(userText).filter((t) => t.includes('Solve for x:'));
      return { n: algebra.length, distinct: new Set(algebra.map((t) => t.replace(/[0-9]+/g, '#'))).size };
    };
    const hydra = skeletons('hydra');
    const para = skeletons('paraphrase');
    expect(hydra.n).toBeGreaterThan(20);
    expect(para.n).toBeGreaterThan(20);
    expect(hydra.distinct).toBeLessThanOrEqual(6);
    expect(para.distinct / para.n).toBeGreaterThan(0.8);
    const c = truth.campaigns.find((x) => x.strategy === 'paraphrase')!;
    const patterns = CAMPAIGN_TEMPLATES.map((t) => t.slice(0, 30));
    expect(recordsOf(c.accounts).some((r) => patterns.some((p) => userText(r).startsWith(p)))).toBe(false);
  });

  it('omits answer text when asked, and changes nothing else', () => {
    const small = { ...OPTIONS, exchanges: 3000, accounts: 130, responseText: 'omitted' as const };
    const full = [...simulateTrafficSync({ ...small, responseText: 'full' })];
    const omitted = [...simulateTrafficSync(small)];
    expect(omitted.map((r) => r.request)).toEqual(full.map((r) => r.request));
    for (const r of omitted.filter((x) => x.status === 200)) {
      const res = r.response as { choices: { message: { content: unknown } }[]; usage: { completion_tokens: number } };
      expect(res.choices.every((c) => c.message.content === null)).toBe(true);
      expect(res.usage.completion_tokens).toBeGreaterThan(0);
    }
    expect(omitted.map((r) => (r.response as { usage?: unknown }).usage)).toEqual(full.map((r) => (r.response as { usage?: unknown }).usage));
  });

  it('benign-only when asked: no campaign accounts, every look-alike still there', () => {
    const t = simulationTruth({ ...OPTIONS, campaigns: [] });
    expect(t.campaigns).toEqual([]);
    expect(t.accounts.every((a) => a.role === 'benign')).toBe(true);
    expect(t.lookalikes).toHaveLength(LOOKALIKE_CLASSES.length);
  });

  it('streams: the first records of a ten-billion-exchange log come without materialising it', async () => {
    // If the simulator held the log (or even one account's times) in memory, this could not return.
    const taken: ExchangeRecord[] = [];
    for await (const r of simulateTraffic({ seed: 3, accounts: 120, exchanges: 10_000_000_000 })) {
      taken.push(r);
      if (taken.length === 2000) break;
    }
    expect(taken).toHaveLength(2000);
    for (let i = 1; i < taken.length; i++) expect(Date.parse(taken[i].time)).toBeGreaterThanOrEqual(Date.parse(taken[i - 1].time));
    expect(taken.every((r) => problems(r).length === 0)).toBe(true);
  });

  it('rejects impossible options with the option named', () => {
    expect(() => simulationTruth({ accounts: 50 })).toThrow(/accounts must be at least/);
    expect(() => simulationTruth({ accounts: 200, exchanges: 199 })).toThrow(/exchanges must be at least/);
    expect(() => simulationTruth({ campaigns: ['hydra', 'botnet' as never] })).toThrow(/unknown campaign strategy "botnet"/);
    expect(() => simulationTruth({ campaignShare: 2 })).toThrow(/campaignShare/);
  });
});
