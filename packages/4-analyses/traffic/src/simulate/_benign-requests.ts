/**
 * Request bodies of benign accounts: people asking about, rewriting, translating and continuing
 * real sentences (State of the Union, Moby-Dick) in several languages, with the ordinary spread of
 * parameters and an occasional "explain step by step"; and the look-alikes' requests — the support
 * bot's one template, the evaluation harnesses' benchmark items, the classroom's shared exercise.
 */
import { MODELS, type ModelId } from './_models.ts';
import { type Draw } from './_random.ts';
import { type TextPool } from './_text-pool.ts';
import { type Language } from './plan-population.ts';

type Message = { role: 'system' | 'user' | 'assistant'; content: string };
export type RequestBody = Record<string, unknown> & { model: string; messages: Message[] };

/** Frames people wrap text in. `{s}` is a sentence, `{p}` a short passage, `{o}` an opening. */
const FRAMES: Record<Language, readonly string[]> = {
  en: [
    'Summarize this in one sentence: {p}', 'What does the author mean here? "{s}"', 'Rewrite this in plain modern English: {s}', 'Continue this story: {o}',
    'Is this sentence grammatically correct? {s}', 'Translate into Spanish: {s}', '{s}', 'Write a short poem inspired by this line: {s}',
    'Give me three discussion questions about this passage: {p}', 'Who wrote this, and when? "{s}"', 'Make this sound more formal: {s}',
    'what is the tone of this passage\n\n{p}', 'Can you help me shorten this paragraph? {p}', 'Explain this to a ten-year-old: {s}', '{o}',
    'Draft a polite email that mentions this: {s}', 'Fix the punctuation: {s}', 'List the key claims in this passage: {p}',
  ],
  es: ['Resume este pasaje en una frase: {p}', '¿Qué quiere decir el autor aquí? "{s}"', 'Traduce al español: {s}', 'Continúa esta historia: {o}', 'Reescribe esto de forma más sencilla: {s}', '¿Cuál es el tono de este texto? {p}'],
  fr: ['Résume ce passage en une phrase : {p}', "Que veut dire l'auteur ici ? « {s} »", 'Traduis en français : {s}', 'Continue cette histoire : {o}', 'Reformule plus simplement : {s}', 'Quel est le ton de ce texte ? {p}'],
  de: ['Fasse diesen Abschnitt in einem Satz zusammen: {p}', 'Was meint der Autor hier? „{s}“', 'Übersetze ins Deutsche: {s}', 'Setze diese Geschichte fort: {o}', 'Formuliere das einfacher: {s}', 'Welchen Ton hat dieser Text? {p}'],
  pt: ['Resuma este trecho em uma frase: {p}', 'O que o autor quer dizer aqui? "{s}"', 'Traduza para o português: {s}', 'Continue esta história: {o}', 'Reescreva de forma mais simples: {s}'],
  zh: ['用一句话总结这段话：{p}', '作者在这里是什么意思？"{s}"', '请把这句话翻译成中文：{s}', '请续写这个故事：{o}', '这段文字的语气是什么？{p}', '帮我改写得更简洁：{s}'],
  ja: ['この文章を一文で要約してください：{p}', '著者はここで何を言いたいのですか？「{s}」', '日本語に翻訳してください：{s}', 'この物語の続きを書いてください：{o}', 'この文章の語調は？{p}'],
  ru: ['Кратко перескажи этот отрывок: {p}', 'Что здесь имеет в виду автор? «{s}»', 'Переведи на русский: {s}', 'Продолжи эту историю: {o}', 'Каков тон этого текста? {p}'],
};

/** The low-rate, ordinary way people ask for reasoning. */
const STEP_BY_STEP: Record<Language, readonly string[]> = {
  en: [' Explain step by step.', ' Can you walk me through it step by step?', ' Please explain your reasoning.', ' Explain step by step please'],
  es: [' Explícalo paso a paso.'], fr: [' Explique étape par étape.'], de: [' Erkläre es Schritt für Schritt.'], pt: [' Explique passo a passo.'],
  zh: ['请一步一步解释。'], ja: ['ステップごとに説明してください。'], ru: [' Объясни по шагам.'],
};

const SYSTEM_PROMPTS = ['You are a helpful assistant.', 'You are a helpful assistant. Answer concisely.', 'You are an expert editor.', 'You are a friendly tutor for high-school students.', 'Respond in the same language as the user.'];

function passage(draw: Draw, pool: TextPool): string {
  const source = draw.chance(0.6) ? pool.sotu : pool.moby;
  const i = draw.int(source.length - 3);
  return source.slice(i, i + draw.between(2, 3)).join(' ');
}

function fill(frame: string, draw: Draw, pool: TextPool): string {
  return frame
    .replace('{s}', () => draw.pick(draw.chance(0.55) ? pool.sotu : pool.moby))
    .replace('{p}', () => passage(draw, pool))
    .replace('{o}', () => draw.pick(pool.openings));
}

/** Ordinary parameters: often defaults, a spread of max_tokens and temperatures, rarely logprobs. */
function ordinaryParameters(draw: Draw, model: ModelId): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  if (draw.chance(0.55)) p.max_tokens = draw.weighted([[256, 0.15], [500, 0.1], [512, 0.15], [800, 0.05], [1000, 0.1], [1024, 0.15], [2000, 0.05], [2048, 0.1], [4096, 0.12], [MODELS[model].maxOutputTokens, 0.03]]);
  if (draw.chance(0.5)) p.temperature = draw.weighted([[0, 0.1], [0.2, 0.1], [0.3, 0.1], [0.5, 0.15], [0.7, 0.3], [0.8, 0.1], [1, 0.12], [1.2, 0.03]]);
  if (draw.chance(0.05)) p.top_p = draw.pick([0.9, 0.95, 1]);
  if (draw.chance(0.004)) {
    p.logprobs = true;
    p.top_logprobs = draw.pick([1, 3, 5]);
  }
  if (draw.chance(0.01)) p.n = draw.pick([2, 3]);
  return p;
}

/** A person's request (ordinary users, power users, office workers, and the cover traffic of slow-and-low accounts). */
export function personRequest(draw: Draw, pool: TextPool, language: Language, model: ModelId, heavy: boolean): RequestBody {
  const lang = draw.chance(0.85) ? language : 'en';
  let content = fill(draw.pick(FRAMES[lang]), draw, pool);
  // About 2.5% of ordinary requests ask for step-by-step reasoning, as people do.
  if (draw.chance(0.025)) content += draw.pick(STEP_BY_STEP[lang]);
  const messages: Message[] = [];
  if (draw.chance(heavy ? 0.45 : 0.2)) messages.push({ role: 'system', content: draw.pick(SYSTEM_PROMPTS) });
  if (draw.chance(heavy ? 0.35 : 0.15)) {
    // A follow-up turn in a conversation: the earlier question and answer come along.
    messages.push({ role: 'user', content: fill(draw.pick(FRAMES[lang]), draw, pool) }, { role: 'assistant', content: passage(draw, pool) });
  }
  messages.push({ role: 'user', content });
  const params = ordinaryParameters(draw, model);
  if (heavy && draw.chance(0.3)) params.max_tokens = draw.pick([4096, 8192]);
  return { model: MODELS[model].name, messages, ...params };
}

const SUPPORT_SYSTEM =
  'You are the support assistant for Northwind Outfitters. Be polite and concise. Classify the customer message as one of: billing, shipping, returns, product, other. Then draft a reply of at most 120 words.';

export function supportBotRequest(draw: Draw, pool: TextPool, seq: number): RequestBody {
  // The customer's words are real sentences; the ticket wrapper is the bot's fixed template.
  const ticket = 100_000 + ((seq * 7919) % 900_000);
  const message = pool.all[draw.int(pool.all.length)];
  return {
    model: MODELS.mini.name,
    messages: [
      { role: 'system', content: SUPPORT_SYSTEM },
      { role: 'user', content: `Ticket #${ticket}\nChannel: ${draw.pick(['email', 'chat', 'web form'])}\nCustomer message:\n${message}\n\nCategory and reply:` },
    ],
    max_tokens: 300,
    temperature: 0.3,
  };
}

/** A multiple-choice suite built from the corpora: which sentence follows, in a fixed format. */
export function harnessMcqRequest(pool: TextPool, seq: number): RequestBody {
  const n = pool.sotu.length - 5;
  const i = (seq * 104_729) % n;
  const options = [pool.sotu[i + 1], pool.sotu[(i + 977) % n], pool.sotu[(i + 3331) % n], pool.sotu[(i + 7717) % n]];
  const answer = seq % 4;
  [options[0], options[answer]] = [options[answer], options[0]];
  const letters = ['A', 'B', 'C', 'D'];
  const body = options.map((o, k) => `${letters[k]}. ${o}`).join('\n');
  return {
    model: MODELS.chat.name,
    messages: [{ role: 'user', content: `The following is a multiple choice question about United States history.\n\nWhich sentence comes next?\n"${pool.sotu[i]}"\n${body}\nAnswer:` }],
    max_tokens: 1,
    temperature: 0,
    logprobs: true,
    top_logprobs: 4,
  };
}

const NAMES = ['Ava', 'Liam', 'Sofia', 'Noah', 'Mia', 'Lucas', 'Amara', 'Kenji', 'Priya', 'Mateo'];
const THINGS = ['apples', 'marbles', 'stickers', 'books', 'pencils', 'cupcakes', 'tickets', 'stamps'];

/** A grade-school maths suite prompted the standard chain-of-thought way ("Let's think step by step"). */
export function harnessCotRequest(seq: number): RequestBody {
  const name = NAMES[seq % NAMES.length];
  const thing = THINGS[Math.floor(seq / NAMES.length) % THINGS.length];
  const a = 3 + ((seq * 37) % 40);
  const b = 2 + ((seq * 53) % 9);
  const c = 1 + ((seq * 11) % (a - 1));
  return {
    model: MODELS.reasoner.name,
    messages: [
      { role: 'user', content: `Q: ${name} has ${a} ${thing}. ${name} buys ${b} more packs with ${b} ${thing} in each pack and gives away ${c}. How many ${thing} does ${name} have now?\nA: Let's think step by step.` },
    ],
    max_tokens: 512,
    temperature: 0,
  };
}

/** The classroom's exercise: everyone pastes the same assignment, some add their own question. */
export function classroomRequest(draw: Draw, pool: TextPool, seq: number): RequestBody {
  const assignment = `Read this passage from Moby-Dick: "${pool.moby[1234]} ${pool.moby[1235]}" What does it tell us about Ishmael? Answer in 3-4 sentences.`;
  const follow = ['can you make it simpler', 'what does this word mean: ' + pool.moby[1234].split(' ')[3], 'explain it step by step', 'is my answer ok? ' + pool.moby[draw.int(pool.moby.length)], 'give me an example'];
  const content = seq === 0 || draw.chance(0.4) ? assignment : draw.pick(follow);
  return { model: MODELS.mini.name, messages: [{ role: 'user', content }] };
}
