/**
 * Small deterministic exchange logs with ground truth, for the scanner's tests until the traffic
 * simulator (`simulate/`) lands: benign accounts whose prompts are real human sentences (State of
 * the Union openings and Moby-Dick, from @tracemark/corpora), the look-alikes that trap naive
 * detectors (a support bot fleet, an evaluation harness, a classroom behind one NAT address, power
 * users) and two campaigns (a hydra rotating through a proxy pool; residential proxies with one
 * address per account linked only by templates and timing). Sizes are chosen so a scan takes
 * about a second.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { builtinPrompts } from '@tracemark/corpora';
import { createRng } from '@tracemark/stats';
import { type ExchangeRecord } from './exchange-record.ts';

export interface FixtureOptions {
  readonly seed: number | string;
  readonly benignAccounts?: number;
  readonly lookalikes?: boolean;
  readonly campaigns?: readonly CampaignKind[];
  /** Mean exchanges of a benign account (default 12; capped at 7× the mean). Benchmarks raise it. */
  readonly benignMeanExchanges?: number;
}

/**
 * hydra: 12 accounts rotating through a proxy pool of six /24s, three payment fingerprints, one
 * scheduler. residential: 10 accounts, one residential address and browser user agent each, linked
 * only by templates and timing. paraphrased: hydra infrastructure, but every prompt reworded (word
 * order shuffled, filler words), so templates do not link it. slow-and-low: 10 accounts on their
 * own addresses, each sending mostly ordinary human prompts with a fifth extraction prompts, over a
 * whole day — the hardest case, and not expected to be found.
 */
export type CampaignKind = 'hydra' | 'residential' | 'paraphrased' | 'slow-and-low';

export interface FixtureTruth {
  readonly campaignAccounts: ReadonlySet<string>;
  /** Each campaign's accounts. */
  readonly campaigns: readonly (readonly string[])[];
  readonly accounts: number;
  readonly exchanges: number;
}

const COMMON_UAS = ['OpenAI/Python 1.54.3', 'OpenAI/NodeJS/4.71.0', 'python-requests/2.32.3', 'curl/8.5.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)'];
const SUBJECTS = ['algebra', 'geometry', 'probability', 'organic chemistry', 'thermodynamics', 'microeconomics', 'number theory', 'graph theory', 'genetics', 'linear algebra', 'optics', 'statistics'];
/** Each campaign's templates (campaign index → templates), so two campaigns are two operators. */
const CAMPAIGN_TEMPLATES = [
  [
    (s: string, k: number) => `Solve the following ${s} problem step by step and show all your reasoning before the final answer: exercise ${k} on ${s} fundamentals`,
    (s: string, k: number) => `Think through this ${s} question carefully, write out your full reasoning, then give the answer. Problem ${k}: derive the key ${s} result`,
  ],
  [
    (s: string, k: number) => `Explica paso a paso y muestra tu razonamiento: problema ${k} de ${s} avanzado para estudiantes universitarios`,
    (s: string, k: number) => `Walk me through task ${k} in ${s}: give a detailed derivation with the chain of thought written out, as a tutor would`,
  ],
];
let human: string[] | undefined;

/**
 * Real human prompts of three lengths. Openings that begin with the same five words are kept once:
 * the 8- and 16-word openings of one sentence are near-duplicates, which strangers' traffic does
 * not share (it would link unrelated benign accounts through a fixture artefact).
 */
function humanPrompts(): string[] {
  if (human) return human;
  const seen = new Set<string>();
  human = [];
  for (const p of [...builtinPrompts('sotu', 1500, 8), ...builtinPrompts('sotu', 800, 16), ...builtinPrompts('moby-dick', 800, 10)]) {
    const head = p.prompt.toLowerCase().split(' ').slice(0, 5).join(' ');
    if (!seen.has(head)) {
      seen.add(head);
      human.push(p.prompt);
    }
  }
  return human;
}

/** Build the fixture's exchanges and ground truth (deterministic in `seed`). */
export function buildFixture(o: FixtureOptions): { records: ExchangeRecord[]; truth: FixtureTruth } {
  const records: ExchangeRecord[] = [];
  const truth = generateFixture(o, (r) => records.push(r));
  records.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
  return { records, truth };
}

/** Generate the fixture account by account, handing each exchange to `emit` (bounded memory). */
function generateFixture(o: FixtureOptions, emit: (r: ExchangeRecord) => void): FixtureTruth {
  const rnd = createRng(`traffic-fixture:${o.seed}`);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const octet = () => int(1, 254);
  const day = Date.parse('2026-12-01T00:00:00Z');
  const accountsSeen = new Set<string>();
  let exchanges = 0;
  const prompts = humanPrompts();
  const push = (account: string, t: number, ip: string, userAgent: string | undefined, payment: string | undefined, prompt: string, params: Record<string, unknown> = {}) => {
    accountsSeen.add(account);
    exchanges++;
    emit({
      time: new Date(t).toISOString(),
      account,
      ip,
      ...(userAgent ? { userAgent } : {}),
      ...(payment ? { payment } : {}),
      endpoint: '/v1/chat/completions',
      status: 200,
      request: { model: 'tm-1', messages: [{ role: 'user', content: prompt }], ...params },
      response: { object: 'chat.completion', usage: { completion_tokens: int(40, 600) } },
      keyId: `key-${(account.length * 7 + account.charCodeAt(account.length - 1)) % 8}`,
    });
  };
  const session = (n: number, start: number, span: number) => Array.from({ length: n }, () => start + Math.floor(rnd() * span)).sort((a, b) => a - b);

  const benign = o.benignAccounts ?? 600;
  for (let a = 0; a < benign; a++) {
    const account = `user-${String(a).padStart(4, '0')}`;
    const ip = `${octet()}.${octet()}.${octet()}.${octet()}`;
    const ua = rnd() < 0.75 ? pick(COMMON_UAS) : `app-${Math.floor(rnd() * 1e9).toString(36)}/1.0`;
    const mean = o.benignMeanExchanges ?? 12;
    const n = Math.min(7 * mean, 1 + Math.floor(-Math.log(1 - rnd()) * mean));
    const asksSteps = rnd() < 0.08 ? 0.3 : 0;
    const temp = rnd() < 0.3 ? pick([0, 0.2, 0.7, 1]) : undefined;
    const variesTemp = rnd() < 0.05;
    const maxTokens = rnd() < 0.2 ? pick([256, 512, 1024, 8192]) : undefined;
    const logprobs = rnd() < 0.03;
    for (const t of session(n, day + int(0, 20 * 3600e3), int(600e3, 4 * 3600e3))) {
      const prompt = pick(prompts) + (rnd() < asksSteps ? ' Explain step by step.' : '');
      push(account, t, ip, ua, `pay-${account}`, prompt, {
        ...(variesTemp ? { temperature: pick([0.2, 0.5, 0.9, 1.2]) } : temp !== undefined ? { temperature: temp } : {}),
        ...(maxTokens ? { max_tokens: maxTokens } : {}),
        ...(logprobs ? { logprobs: true } : {}),
      });
    }
  }
  if (o.lookalikes !== false) {
    // A support bot fleet: three API keys on one company server, templated, high volume.
    const net = `${octet()}.${octet()}.${octet()}`;
    for (let b = 0; b < 3; b++)
      for (const t of session(200, day + 8 * 3600e3, 10 * 3600e3))
        push(`acme-support-${b}`, t, `${net}.${10 + b}`, 'acme-helpdesk/2.3', 'pay-acme', `Customer ${pick(['Ana', 'Bo', 'Chen', 'Dee', 'Eli'])} asks about order ${int(1000, 99999)}: where is my parcel and when will it arrive? Reply politely in two sentences.`, { temperature: 0.2, max_tokens: 300 });
    // An evaluation harness: one account sweeping a benchmark with chain-of-thought prompting at temperature 0.
    for (const t of session(300, day + 2 * 3600e3, 3 * 3600e3))
      push('eval-harness', t, `${octet()}.${octet()}.${octet()}.5`, 'lm-eval/0.4', 'pay-lab', `Question: ${pick(prompts)}? Answer the question. Let's think step by step.`, { temperature: 0, max_tokens: 8192 });
    // A classroom: 30 students behind one NAT address doing the same exercise within an hour.
    const nat = `${octet()}.${octet()}.${octet()}.${octet()}`;
    for (let s = 0; s < 30; s++)
      for (const t of session(int(3, 8), day + 14 * 3600e3, 3600e3))
        push(`student-${s}`, t, nat, pick(COMMON_UAS), `pay-student-${s}`, `Write a Python function that ${pick(['reverses a linked list', 'checks whether a string is a palindrome', 'merges two sorted lists', 'counts word frequencies in a text'])} and add a docstring`, {});
    // Power users: heavy, varied temperatures, long answers.
    for (let u = 0; u < 6; u++) {
      const ip = `${octet()}.${octet()}.${octet()}.${octet()}`;
      for (const t of session(int(300, 500), day, 22 * 3600e3))
        push(`power-${u}`, t, ip, pick(COMMON_UAS), `pay-power-${u}`, pick(prompts), { temperature: pick([0.3, 0.7, 1]), max_tokens: pick([1024, 2048]) });
    }
  }
  const campaigns: string[][] = [];
  for (const [ci, kind] of (o.campaigns ?? []).entries()) {
    const members: string[] = [];
    const start = day + int(1, 10) * 3600e3;
    const span = 6 * 3600e3;
    if (kind === 'hydra' || kind === 'paraphrased') {
      const fillers = ['kindly', 'now', 'quickly', 'in detail', 'for me', 'as usual', 'today', 'precisely'];
      const reword = (text: string) => {
        const words = text.split(' ');
        for (let i = words.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [words[i], words[j]] = [words[j]!, words[i]!];
        }
        return `${pick(fillers)} ${words.join(' ')} ${pick(fillers)}`;
      };
      const pool = Array.from({ length: 6 }, () => `${octet()}.${octet()}.${octet()}`);
      const pays = Array.from({ length: 3 }, (_, i) => `pay-h${ci}-${i}`);
      for (let a = 0; a < 12; a++) {
        const account = `h${ci}-${Math.floor(rnd() * 1e9).toString(36)}`;
        members.push(account);
        const n = int(60, 120);
        // Every account starts and ends with the scheduler, within the same minute.
        const times = [start + int(0, 20e3), ...session(n - 2, start + 60e3, span - 120e3), start + span + int(0, 20e3)];
        for (const t of times)
          push(account, t, `${pick(pool)}.${int(2, 250)}`, 'python-httpx/0.27.0', pays[a % 3], (kind === 'paraphrased' ? reword : (x: string) => x)(pick(CAMPAIGN_TEMPLATES[ci % 2]!)(pick(SUBJECTS), int(1, 400))), {
            max_tokens: 8192,
            temperature: pick([0.2, 0.6, 1.0]),
            ...(rnd() < 0.5 ? { logprobs: true, top_logprobs: 5 } : {}),
          });
      }
    } else if (kind === 'slow-and-low') {
      for (let a = 0; a < 10; a++) {
        const account = `s${ci}-${Math.floor(rnd() * 1e9).toString(36)}`;
        members.push(account);
        const ip = `${octet()}.${octet()}.${octet()}.${octet()}`;
        const ua = pick(COMMON_UAS);
        for (const t of session(int(20, 40), day + int(0, 4 * 3600e3), 18 * 3600e3))
          push(account, t, ip, ua, `pay-${account}`, rnd() < 0.2 ? pick(CAMPAIGN_TEMPLATES[ci % 2]!)(pick(SUBJECTS), int(1, 400)) : pick(prompts), rnd() < 0.2 ? { max_tokens: 8192 } : {});
      }
    } else {
      for (let a = 0; a < 10; a++) {
        const account = `r${ci}-${Math.floor(rnd() * 1e9).toString(36)}`;
        members.push(account);
        const ip = `${octet()}.${octet()}.${octet()}.${octet()}`;
        const ua = `Mozilla/5.0 (X11; Linux x86_64) rv:${int(100, 130)}.0`;
        const n = int(40, 80);
        const times = [start + int(0, 20e3), ...session(n - 2, start + 60e3, span - 120e3), start + span + int(0, 20e3)];
        for (const t of times) push(account, t, ip, ua, `pay-${account}`, pick(CAMPAIGN_TEMPLATES[ci % 2]!)(pick(SUBJECTS), int(1, 400)), { max_tokens: 8192 });
      }
    }
    campaigns.push(members);
  }
  return { campaignAccounts: new Set(campaigns.flat()), campaigns, accounts: accountsSeen.size, exchanges };
}

/**
 * Write a large fixture as JSONL without holding it in memory: lines in account order (a log need
 * not be sorted by time), written in batches. For benchmarks.
 */
export function writeFixtureLogStreaming(path: string, o: FixtureOptions): FixtureTruth {
  const fd = openSync(path, 'w');
  let batch: string[] = [];
  try {
    const truth = generateFixture(o, (r) => {
      batch.push(JSON.stringify(r));
      if (batch.length >= 10_000) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    });
    if (batch.length) writeSync(fd, `${batch.join('\n')}\n`);
    return truth;
  } finally {
    closeSync(fd);
  }
}

/** Write the fixture as a JSONL exchange log and return its ground truth. */
export function writeFixtureLog(path: string, o: FixtureOptions): FixtureTruth {
  const { records, truth } = buildFixture(o);
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return truth;
}
