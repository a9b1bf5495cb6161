/**
 * Who is in a simulated log: every account with its role (benign or campaign), its look-alike
 * class or campaign cluster, its exact number of exchanges, when it is active, where it connects
 * from, what user agent and payment fingerprint it shows, its language and its watermark key id.
 * The plan is the ground truth; `simulateTraffic` only plays it out. It is O(accounts) in memory
 * and deterministic for a seed.
 *
 * Volumes: campaign clusters (hydra, residential, paraphrase) send `campaignShare` of all
 * exchanges; the support bot 4% and the evaluation harnesses 3%; everyone else shares the rest by
 * weight: ordinary users log-normal (median 0.45, σ 1.2, a heavy tail), power users 25, office
 * workers 1.5, classroom students 0.3, slow-and-low accounts log-normal (median 0.6, σ 0.4), i.e.
 * what an ordinary user sends. Every account sends at least one exchange; counts sum exactly to
 * `exchanges` (largest-remainder rounding).
 */
import { sha256Hex } from '@tracemark/encoding';
import {
  browserUserAgent,
  cloudIp,
  cloudPrefix24,
  institutionPrefix24,
  mobileIp,
  paymentFingerprint,
  personUserAgent,
  residentialIp,
  sdkUserAgent,
} from './_network.ts';
import { type ModelId } from './_models.ts';
import { Draw } from './_random.ts';
import { type TimePattern } from './_time-patterns.ts';
import { type CampaignStrategy, resolveSimulationOptions, type ResolvedSimulationOptions, type SimulationOptions } from './simulation-options.ts';

/** The benign look-alike classes (and the ordinary users), as labelled in the truth file. */
export type BenignClass = 'ordinary' | 'power-user' | 'support-bot' | 'eval-harness' | 'classroom' | 'office';

export const LOOKALIKE_CLASSES: readonly BenignClass[] = ['support-bot', 'eval-harness', 'classroom', 'office', 'power-user'];

/** Languages prompts are written in. */
export type Language = 'en' | 'es' | 'fr' | 'de' | 'pt' | 'zh' | 'ja' | 'ru';

/** What an account's requests look like; one request builder per behaviour. */
export type Behaviour = 'person' | 'support-bot' | 'harness-mcq' | 'harness-cot' | 'classroom' | 'campaign';

export interface PlannedAccount {
  readonly name: string;
  readonly role: 'benign' | 'campaign';
  readonly class: BenignClass | null;
  readonly strategy: CampaignStrategy | null;
  readonly cluster: string | null;
  /** Position inside its cluster (campaign accounts split the cluster's curriculum by it). */
  readonly member: number;
  readonly exchanges: number;
  readonly pattern: TimePattern;
  /** The addresses it uses. `rotate`: a uniformly random one per request (proxy pools); `sticky`: mostly the first. */
  readonly ips: readonly string[];
  readonly ipMode: 'sticky' | 'rotate';
  readonly userAgents: readonly string[];
  readonly payment: string | null;
  /** The watermark key id the gateway would serve it with (synthetic, see `syntheticKeyId`), or null when unwatermarked. */
  readonly keyId: string | null;
  readonly language: Language;
  readonly model: ModelId;
  readonly behaviour: Behaviour;
}

export interface PlannedCampaign {
  readonly id: string;
  readonly strategy: CampaignStrategy;
  readonly accounts: readonly string[];
  /** The cluster's proxy pool (hydra, paraphrase), or null when each account has its own address. */
  readonly proxyPool: readonly string[] | null;
  readonly userAgents: readonly string[];
  readonly payments: readonly string[];
  /** Its synchronised timing: a dispatch every `periodS` seconds from `phaseS` after the window start, each request within `jitterS` of the tick; null for slow-and-low (a person's day). */
  readonly dispatch: { readonly periodS: number; readonly phaseS: number; readonly jitterS: number } | null;
  readonly exchanges: number;
}

export interface PlannedLookalike {
  readonly class: BenignClass;
  readonly accounts: readonly string[];
  readonly description: string;
}

export interface Population {
  readonly options: ResolvedSimulationOptions;
  readonly accounts: readonly PlannedAccount[];
  readonly campaigns: readonly PlannedCampaign[];
  readonly lookalikes: readonly PlannedLookalike[];
}

/**
 * A stable, synthetic watermark key id for an account: the first 16 hex digits of
 * SHA-256("tracemark.traffic.simulate.key\0" + account). The real gateway derives a per-account key
 * from a master key and reports that key's id; a simulated log only needs ids that are stable per
 * account and distinct between accounts.
 */
export function syntheticKeyId(account: string): string {
  return sha256Hex(`tracemark.traffic.simulate.key\u0000${account}`).slice(0, 16);
}

const TIME_ZONES: readonly (readonly [number, number])[] = [
  [-8, 0.12], [-7, 0.03], [-6, 0.05], [-5, 0.17], [-3, 0.06], [0, 0.08], [1, 0.15], [2, 0.05], [3, 0.04], [5.5, 0.07], [8, 0.11], [9, 0.05], [10, 0.02],
];

function languageFor(draw: Draw, utcOffset: number): Language {
  // Most API traffic is English whatever the region; local languages where they dominate.
  const local: Record<string, readonly (readonly [Language, number])[]> = {
    '-3': [['pt', 0.5], ['es', 0.2]],
    '-6': [['es', 0.25]],
    '1': [['de', 0.2], ['fr', 0.2], ['es', 0.1]],
    '2': [['de', 0.1]],
    '3': [['ru', 0.4]],
    '8': [['zh', 0.55]],
    '9': [['ja', 0.45]],
  };
  const options = local[String(utcOffset)] ?? [];
  const rest = 1 - options.reduce((s, [, w]) => s + w, 0);
  return draw.weighted<Language>([...options, ['en', rest]]);
}

interface Draft {
  name: string;
  role: 'benign' | 'campaign';
  class: BenignClass | null;
  strategy: CampaignStrategy | null;
  cluster: string | null;
  member: number;
  /** Fixed share of all exchanges (campaign, bot, harness), or null to share the rest by `weight`. */
  share: number | null;
  weight: number;
  pattern: TimePattern;
  ips: string[];
  ipMode: 'sticky' | 'rotate';
  userAgents: string[];
  payment: string | null;
  language: Language;
  model: ModelId;
  behaviour: Behaviour;
}

/**
 * Plan the population of a simulated log (see file doc).
 *
 * @throws SimulationOptionError for invalid options (see `resolveSimulationOptions`).
 */
export function planPopulation(options: SimulationOptions = {}): Population {
  const o = resolveSimulationOptions(options);
  const draw = new Draw(o.seed, 'population');
  const names = new Set<string>();
  const newName = (): string => {
    for (;;) {
      const n = `acct_${draw.hex(12)}`;
      if (!names.has(n)) {
        names.add(n);
        return n;
      }
    }
  };
  const person = (cls: BenignClass, weight: number): Draft => {
    const utcOffset = draw.weighted(TIME_ZONES);
    const ipCount = cls === 'power-user' ? draw.between(2, 4) : draw.weighted([[1, 0.5], [2, 0.35], [3, 0.15]] as const);
    const ips = Array.from({ length: ipCount }, (_, i) => (i > 0 && draw.chance(0.4) ? mobileIp(draw) : residentialIp(draw)));
    const uaCount = cls === 'power-user' ? draw.between(1, 3) : draw.weighted([[1, 0.75], [2, 0.25]] as const);
    return {
      name: newName(), role: 'benign', class: cls, strategy: null, cluster: null, member: 0, share: null, weight,
      pattern: { kind: 'person', utcOffset, night: draw.chance(0.15) },
      ips, ipMode: 'sticky',
      userAgents: Array.from({ length: uaCount }, () => personUserAgent(draw)),
      payment: draw.chance(0.92) ? paymentFingerprint(draw) : null,
      language: languageFor(draw, utcOffset),
      model: draw.weighted<ModelId>([['mini', 0.55], ['chat', 0.35], ['reasoner', 0.1]]),
      behaviour: 'person',
    };
  };

  const drafts: Draft[] = [];
  const campaigns: Omit<PlannedCampaign, 'exchanges'>[] = [];
  const lookalikes: PlannedLookalike[] = [];

  // Campaigns first, so that the look-alikes and ordinary users fill what is left.
  const bulk = o.campaigns.filter((s) => s !== 'slow-low');
  const clusterShare = bulk.length > 0 ? o.campaignShare / (bulk.length * o.clustersPerStrategy) : 0;
  for (const strategy of o.campaigns) {
    for (let c = 0; c < o.clustersPerStrategy; c++) {
      const id = `${strategy}-${c + 1}`;
      const members = Array.from({ length: o.clusterSize }, () => newName());
      const spread = members.map(() => draw.logNormal(1, 0.2));
      const spreadSum = spread.reduce((a, b) => a + b, 0);
      const { proxyPool, userAgents, payments, dispatch, memberIps, memberUas, memberPayments } = campaignInfrastructure(draw, strategy, o.clusterSize);
      members.forEach((name, i) => {
        const utcOffset = draw.weighted(TIME_ZONES);
        drafts.push({
          name, role: 'campaign', class: null, strategy, cluster: id, member: i,
          share: strategy === 'slow-low' ? null : (clusterShare * spread[i]) / spreadSum,
          weight: strategy === 'slow-low' ? draw.logNormal(0.6, 0.4) : 0,
          pattern: dispatch ? { kind: 'ticks', ...dispatch } : { kind: 'person', utcOffset, night: false },
          ips: memberIps[i], ipMode: strategy === 'hydra' || strategy === 'paraphrase' ? 'rotate' : 'sticky',
          userAgents: memberUas[i], payment: memberPayments[i],
          language: 'en', model: draw.chance(0.7) ? 'reasoner' : 'chat', behaviour: 'campaign',
        });
      });
      campaigns.push({ id, strategy, accounts: members, proxyPool, userAgents, payments, dispatch });
    }
  }

  if (o.lookalikes) planLookalikes(draw, newName, drafts, lookalikes);

  // Ordinary users fill the rest; about 1% of them (at least 2) are power users.
  const ordinary = o.accounts - drafts.length;
  const powerUsers = o.lookalikes ? Math.max(2, Math.round(ordinary * 0.01)) : 0;
  const powerNames: string[] = [];
  for (let i = 0; i < ordinary; i++) {
    const isPower = i < powerUsers;
    const d = person(isPower ? 'power-user' : 'ordinary', isPower ? draw.logNormal(25, 0.3) : draw.logNormal(0.45, 1.2));
    if (isPower) {
      d.model = draw.chance(0.5) ? 'reasoner' : 'chat';
      powerNames.push(d.name);
    }
    drafts.push(d);
  }
  if (powerNames.length > 0) {
    lookalikes.push({ class: 'power-user', accounts: powerNames, description: 'heavy individual users: tens of times the median volume, long answers, several addresses and clients' });
  }

  // Shuffle (Fisher–Yates) so that nothing about an account's position in the plan or the truth file says what it is.
  for (let i = drafts.length - 1; i > 0; i--) {
    const j = draw.int(i + 1);
    [drafts[i], drafts[j]] = [drafts[j], drafts[i]];
  }
  const counts = allocate(drafts, o.exchanges);
  const keyDraw = new Draw(o.seed, 'watermarked');
  const accounts: PlannedAccount[] = drafts.map((d, i) => ({
    name: d.name, role: d.role, class: d.class, strategy: d.strategy, cluster: d.cluster, member: d.member,
    exchanges: counts[i], pattern: d.pattern, ips: d.ips, ipMode: d.ipMode, userAgents: d.userAgents, payment: d.payment,
    keyId: keyDraw.chance(o.watermarkedShare) ? syntheticKeyId(d.name) : null,
    language: d.language, model: d.model, behaviour: d.behaviour,
  }));
  const byName = new Map(accounts.map((a) => [a.name, a]));
  return {
    options: o,
    accounts,
    campaigns: campaigns.map((c) => ({ ...c, exchanges: c.accounts.reduce((s, n) => s + byName.get(n)!.exchanges, 0) })),
    lookalikes,
  };
}

type Dispatch = { periodS: number; phaseS: number; jitterS: number };

interface CampaignInfrastructure {
  proxyPool: string[] | null;
  userAgents: string[];
  payments: string[];
  dispatch: Dispatch | null;
  memberIps: string[][];
  memberUas: string[][];
  memberPayments: string[];
}

/** Where a cluster's accounts connect from, what they present and who pays, by strategy. */
function campaignInfrastructure(draw: Draw, strategy: CampaignStrategy, size: number): CampaignInfrastructure {
  const members = Array.from({ length: size }, (_, i) => i);
  const memberIps: string[][] = [];
  const memberUas: string[][] = [];
  const memberPayments: string[] = [];
  let proxyPool: string[] | null = null;
  let userAgents: string[];
  let payments: string[];
  let dispatch: Dispatch | null = null;
  if (strategy === 'hydra') {
    // A datacenter proxy pool over a few /24s, every account rotating through all of it; one
    // script (one user agent) drives the cluster; a handful of cards pay for it.
    const prefixes = Array.from({ length: 3 }, () => cloudPrefix24(draw));
    proxyPool = [...new Set(Array.from({ length: 2 * size }, () => `${draw.pick(prefixes)}.${draw.between(2, 254)}`))];
    userAgents = [sdkUserAgent(draw)];
    payments = Array.from({ length: Math.max(1, Math.ceil(size / 4)) }, () => paymentFingerprint(draw));
    dispatch = withPhase(draw, draw.between(240, 420), 20);
    members.forEach((i) => {
      memberIps.push(proxyPool!);
      memberUas.push(userAgents);
      memberPayments.push(payments[i % payments.length]);
    });
  } else if (strategy === 'residential') {
    // One residential address per account (never shared), spread over the ISP ranges; spoofed browser user
    // agents and one prepaid card per account, so infrastructure links almost nothing.
    const used = new Set<string>();
    members.forEach(() => {
      let ip = residentialIp(draw);
      while (used.has(ip)) ip = residentialIp(draw);
      used.add(ip);
      memberIps.push([ip]);
      memberUas.push([browserUserAgent(draw)]);
      memberPayments.push(paymentFingerprint(draw));
    });
    userAgents = [...new Set(memberUas.flat())];
    payments = memberPayments.slice();
    dispatch = withPhase(draw, draw.between(480, 900), 150);
  } else if (strategy === 'paraphrase') {
    // A mobile-carrier proxy pool (CGNAT addresses many real subscribers share too), a few SDK
    // versions, a card per account, and every template reworded per request.
    proxyPool = [...new Set(Array.from({ length: 3 * size }, () => mobileIp(draw)))];
    userAgents = [...new Set(Array.from({ length: 3 }, () => sdkUserAgent(draw)))];
    payments = members.map(() => paymentFingerprint(draw));
    dispatch = withPhase(draw, draw.between(180, 360), 45);
    members.forEach((i) => {
      memberIps.push(proxyPool!);
      memberUas.push(userAgents);
      memberPayments.push(payments[i]);
    });
  } else {
    // Slow and low: each account looks like one person (home address, browser, own card, a
    // person's day) and sends what an ordinary user sends; `slowLowExtractionShare` of it is extraction.
    members.forEach(() => {
      memberIps.push(Array.from({ length: draw.between(1, 2) }, () => residentialIp(draw)));
      memberUas.push([personUserAgent(draw)]);
      memberPayments.push(paymentFingerprint(draw));
    });
    userAgents = [...new Set(memberUas.flat())];
    payments = memberPayments.slice();
  }
  return { proxyPool, userAgents, payments, dispatch, memberIps, memberUas, memberPayments };
}

function withPhase(draw: Draw, periodS: number, jitterS: number): Dispatch {
  return { periodS, phaseS: draw.between(0, periodS - 1), jitterS };
}

function planLookalikes(draw: Draw, newName: () => string, drafts: Draft[], lookalikes: PlannedLookalike[]): void {
  const base = (cls: BenignClass, behaviour: Behaviour, over: Partial<Draft>): Draft => ({
    name: newName(), role: 'benign', class: cls, strategy: null, cluster: null, member: 0, share: null, weight: 0,
    pattern: { kind: 'person', utcOffset: 0, night: false }, ips: [], ipMode: 'sticky', userAgents: [], payment: null,
    language: 'en', model: 'mini', behaviour, ...over,
  });

  // A customer-support bot: one service, two addresses in one cloud /24, templated prompts, 4% of all traffic.
  const botPrefix = cloudPrefix24(draw);
  const bot = base('support-bot', 'support-bot', {
    share: 0.04, pattern: { kind: 'service', utcOffset: -5 }, ips: [`${botPrefix}.${draw.between(2, 120)}`, `${botPrefix}.${draw.between(121, 254)}`], ipMode: 'rotate',
    userAgents: ['HelpdeskAssist/3.2.1 OpenAI/Python 1.54.4'], payment: paymentFingerprint(draw), model: 'mini',
  });
  drafts.push(bot);
  lookalikes.push({ class: 'support-bot', accounts: [bot.name], description: 'a customer-support service: one system prompt and one template, thousands of requests a day from one cloud service' });

  // An evaluation team: two harness accounts (one organisation: one card, one cloud /24) sweeping
  // benchmarks in runs: a multiple-choice suite and a chain-of-thought maths suite ("Let's think
  // step by step", temperature 0, fixed max_tokens) — templated, reasoning-shaped, benign.
  const evalPrefix = cloudPrefix24(draw);
  const evalPayment = paymentFingerprint(draw);
  const evalUa = 'lm-eval-harness/0.4.5 OpenAI/Python 1.52.0';
  const mcq = base('eval-harness', 'harness-mcq', {
    share: 0.018, pattern: { kind: 'blocks', blocks: [[0.05, 0.17], [0.55, 0.66]] }, ips: [`${evalPrefix}.${draw.between(2, 254)}`], userAgents: [evalUa], payment: evalPayment, model: 'chat',
  });
  const cot = base('eval-harness', 'harness-cot', {
    share: 0.012, pattern: { kind: 'blocks', blocks: [[0.3, 0.42]] }, ips: [`${evalPrefix}.${draw.between(2, 254)}`], userAgents: [evalUa], payment: evalPayment, model: 'reasoner',
  });
  drafts.push(mcq, cot);
  lookalikes.push({ class: 'eval-harness', accounts: [mcq.name, cot.name], description: 'an evaluation team sweeping benchmarks in runs: templated items, temperature 0, fixed max_tokens, one chain-of-thought suite' });

  // A classroom: 30 students behind the school's one NAT address, the same managed Chromebooks,
  // the school's billing, the same exercise in the same class period.
  const school = `${institutionPrefix24(draw)}.${draw.between(2, 254)}`;
  const schoolPayment = paymentFingerprint(draw);
  const classUa = 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const students: string[] = [];
  for (let i = 0; i < 30; i++) {
    const s = base('classroom', 'classroom', {
      weight: draw.logNormal(0.3, 0.5), pattern: { kind: 'blocks', blocks: [[0.4, 0.435]] }, ips: [school], userAgents: [classUa], payment: schoolPayment, member: i, model: 'mini',
    });
    drafts.push(s);
    students.push(s.name);
  }
  lookalikes.push({ class: 'classroom', accounts: students, description: 'thirty students behind one NAT address, same client and billing, doing the same exercise in the same class period' });

  // An office: eight colleagues behind the company's egress /24, one managed browser, the company card.
  const office = institutionPrefix24(draw);
  const officePayment = paymentFingerprint(draw);
  const officeUa = browserUserAgent(draw);
  const utcOffset = draw.pick([-5, 1, 8]);
  const language = utcOffset === 8 ? 'zh' : utcOffset === 1 ? 'de' : 'en';
  const colleagues: string[] = [];
  for (let i = 0; i < 8; i++) {
    const ips = [`${office}.${draw.between(2, 30)}`];
    if (draw.chance(0.5)) ips.push(`${office}.${draw.between(2, 30)}`);
    const c = base('office', 'person', {
      weight: draw.logNormal(1.5, 0.4), pattern: { kind: 'office', utcOffset }, ips, userAgents: [officeUa], payment: officePayment,
      language: draw.chance(0.6) ? language : 'en', model: draw.chance(0.5) ? 'chat' : 'mini',
    });
    drafts.push(c);
    colleagues.push(c.name);
  }
  lookalikes.push({ class: 'office', accounts: colleagues, description: 'eight colleagues sharing an egress /24, one managed browser and the company card, working office hours' });
}

/** Exact counts: one each, the rest by share (fixed shares first, weights for the remainder), largest remainder. */
function allocate(drafts: readonly Draft[], exchanges: number): number[] {
  const n = drafts.length;
  const extra = exchanges - n;
  const fixed = drafts.reduce((s, d) => s + (d.share ?? 0), 0);
  const weights = drafts.reduce((s, d) => s + (d.share === null ? d.weight : 0), 0);
  const targets = drafts.map((d) => (d.share !== null ? d.share * exchanges : ((1 - fixed) * exchanges * d.weight) / weights));
  const total = targets.reduce((a, b) => a + b, 0);
  const scaled = targets.map((t) => (t * extra) / total);
  const counts = scaled.map((t) => 1 + Math.floor(t));
  let left = exchanges - counts.reduce((a, b) => a + b, 0);
  const order = scaled.map((t, i) => [t - Math.floor(t), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % n, left--) counts[order[k][1]]++;
  return counts;
}
