/**
 * The traffic simulator: plays out a planned population (`planPopulation`) as an exchange log,
 * one `ExchangeRecord` per API call, in time order, deterministic for a seed.
 *
 * Memory is O(accounts), never O(exchanges): each account produces its own request times in
 * increasing order one at a time (sequential order statistics, see `_time-patterns.ts`), and a
 * binary min-heap keyed by (time, account) merges the accounts' streams. Each account draws from
 * its own seeded stream, so what an account sends does not depend on the other accounts.
 */
import { type ExchangeRecord } from '../exchange-record.ts';
import { type RequestBody, classroomRequest, harnessCotRequest, harnessMcqRequest, personRequest, supportBotRequest } from './_benign-requests.ts';
import { campaignRequest, clusterTemplates } from './_campaign-requests.ts';
import { Draw } from './_random.ts';
import { type AnswerLength, errorBody, responseBody } from './_response-body.ts';
import { textPool } from './_text-pool.ts';
import { nextOrderStatistic, type TimeDensity, TimePatterns } from './_time-patterns.ts';
import { type PlannedAccount, planPopulation, type Population } from './plan-population.ts';
import { type SimulationOptions } from './simulation-options.ts';

const ENDPOINT = '/v1/chat/completions';
/** Reasoning-request wording the response builder answers with numbered steps. */
const REASONING_ASKED = /step by step|steps|reasoning|chain of thought|paso a paso|étape|Schritt|一步一步|推理|思考|шаг|рассужд|ステップ/i;

/** Per-call failure rates: services and harnesses hit rate limits now and then; anyone sees a rare 5xx. */
function statusOf(draw: Draw, account: PlannedAccount): number {
  const u = draw.next();
  const limited = account.behaviour === 'support-bot' || account.behaviour === 'harness-mcq' || account.behaviour === 'harness-cot' ? 0.006 : 0.001;
  if (u < limited) return 429;
  if (u < limited + 0.0015) return draw.chance(0.7) ? 500 : 503;
  if (u < limited + 0.002) return 400;
  return 200;
}

/**
 * The exchanges of a simulated log, in time order (ties broken by account), as a synchronous
 * generator: the fast path for writers. Pulling the first records costs O(accounts), whatever
 * `exchanges` is. `population` is the plan of `options`, for callers that planned already (the
 * options are then read from it).
 *
 * @throws SimulationOptionError for invalid options (see `resolveSimulationOptions`).
 */
export function* simulateTrafficSync(options: SimulationOptions = {}, population: Population = planPopulation(options)): Generator<ExchangeRecord> {
  const o = population.options;
  const pool = textPool();
  const accounts = population.accounts;
  const count = accounts.length;
  const patterns = new TimePatterns(Date.parse(o.start), o.hours);
  const densities: TimeDensity[] = accounts.map((a) => patterns.density(a.pattern));
  const draws = accounts.map((a) => new Draw(o.seed, `account/${a.name}`));
  const templates = new Map(population.campaigns.map((c) => [c.id, clusterTemplates(new Draw(o.seed, `templates/${c.id}`))]));
  const clusterSizes = new Map(population.campaigns.map((c) => [c.id, c.accounts.length]));
  const remaining = new Float64Array(count);
  const quantile = new Float64Array(count);
  const nextTime = new Float64Array(count);
  const sent = new Float64Array(count);

  const advance = (a: number): void => {
    quantile[a] = nextOrderStatistic(quantile[a], remaining[a], draws[a].open());
    nextTime[a] = densities[a].at(quantile[a]);
  };
  // A binary min-heap of account indices ordered by (next time, index).
  const heap = new Int32Array(count);
  let size = 0;
  const before = (x: number, y: number): boolean => nextTime[x] < nextTime[y] || (nextTime[x] === nextTime[y] && x < y);
  const siftDown = (i: number): void => {
    const item = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && before(heap[child + 1], heap[child])) child++;
      if (!before(heap[child], item)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = item;
  };
  for (let a = 0; a < count; a++) {
    remaining[a] = accounts[a].exchanges;
    advance(a);
    heap[size++] = a;
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);

  while (size > 0) {
    const a = heap[0];
    const time = nextTime[a];
    const record = exchange(accounts[a], draws[a], sent[a], time);
    sent[a]++;
    remaining[a]--;
    if (remaining[a] > 0) advance(a);
    else heap[0] = heap[--size];
    if (size > 0) siftDown(0);
    yield record;
  }

  function exchange(account: PlannedAccount, draw: Draw, seq: number, time: number): ExchangeRecord {
    let request: RequestBody;
    let length: AnswerLength = 'medium';
    switch (account.behaviour) {
      case 'person': {
        const heavy = account.class === 'power-user';
        request = personRequest(draw, pool, account.language, account.model, heavy);
        length = heavy && draw.chance(0.4) ? 'long' : draw.chance(0.5) ? 'short' : 'medium';
        break;
      }
      case 'support-bot':
        request = supportBotRequest(draw, pool, seq);
        length = 'short';
        break;
      case 'harness-mcq':
        request = harnessMcqRequest(pool, seq);
        length = 'letter';
        break;
      case 'harness-cot':
        request = harnessCotRequest(seq);
        length = 'medium';
        break;
      case 'classroom':
        request = classroomRequest(draw, pool, seq);
        length = 'short';
        break;
      case 'campaign': {
        // Slow-and-low accounts hide extraction among ordinary use; the rest of the campaign sends nothing else.
        if (account.strategy === 'slow-low' && !draw.chance(o.slowLowExtractionShare)) {
          request = personRequest(draw, pool, account.language, account.model, false);
          length = draw.chance(0.5) ? 'short' : 'medium';
        } else {
          const item = account.member + seq * clusterSizes.get(account.cluster!)!;
          request = campaignRequest(draw, pool, account.strategy!, templates.get(account.cluster!)!, item, account.model);
          length = 'long';
        }
        break;
      }
    }
    const last = request.messages[request.messages.length - 1].content;
    const status = statusOf(draw, account);
    const ip = account.ipMode === 'rotate' || draw.chance(0.1) ? draw.pick(account.ips) : account.ips[0];
    const userAgent = account.userAgents.length === 1 ? account.userAgents[0] : draw.pick(account.userAgents);
    const response = status === 200 ? responseBody(draw, pool, request, length, REASONING_ASKED.test(last), Math.floor(time / 1000), o.responseText === 'full') : errorBody(status);
    const record: { -readonly [K in keyof ExchangeRecord]: ExchangeRecord[K] } = {
      time: new Date(time).toISOString(),
      account: account.name,
      ip,
      userAgent,
      endpoint: ENDPOINT,
      status,
      request,
      response,
    };
    if (account.payment !== null) record.payment = account.payment;
    if (account.keyId !== null && status === 200) record.keyId = account.keyId;
    return record;
  }
}

/**
 * The exchanges of a simulated log as an async iterable (see `simulateTrafficSync`), for consumers
 * that read logs asynchronously, such as the scanner's ingest.
 */
export async function* simulateTraffic(options: SimulationOptions = {}): AsyncGenerator<ExchangeRecord> {
  yield* simulateTrafficSync(options);
}
