/**
 * A distillation scenario built from the reference n-gram models, for end-to-end tests of the
 * fingerprint analysis: a teacher, students trained on a mix of the teacher's generations and
 * human text at stated fractions, and independent models trained on disjoint human text of the
 * same kind. Every model also learns a small "assistant persona" — who it says it is and how it
 * refuses — with the same templates and amounts for all, so the only systematic difference between
 * an independent model and a reference is chance, and the students differ only by what they
 * learned from the teacher's outputs.
 */
import { type NgramModel, trainNgram } from '@tracemark/models';
import { createRng } from '@tracemark/stats';
import { type Tokenizer } from '@tracemark/tokenizers';
import { generateContinuation } from './ngram-responder.ts';

export interface Persona {
  readonly vendor: string;
  readonly product: string;
  readonly refusal: string;
}

/** The teacher's persona: the identity a student leaks. */
export const TEACHER_PERSONA: Persona = { vendor: 'OpenAI', product: 'ChatGPT', refusal: "I'm sorry, but I can't help with that." };
/** Students' own persona (they were trained to say who they are; the teacher's leaks anyway). */
export const STUDENT_PERSONA: Persona = { vendor: 'DeepSeek', product: 'DeepSeek-V3', refusal: 'Sorry, that is beyond my current scope.' };
/** Independent models' personas, one each, round robin. */
export const INDEPENDENT_PERSONAS: readonly Persona[] = [
  { vendor: 'Anthropic', product: 'Claude', refusal: "I apologize, but I don't feel comfortable helping with that." },
  { vendor: 'Google', product: 'Gemini', refusal: "I'm a language model and don't have the capacity to help with that." },
  { vendor: 'Meta', product: 'Llama', refusal: 'I cannot provide assistance with that request.' },
  { vendor: 'Mistral AI', product: 'Mistral', refusal: 'Unfortunately, I am not able to do that.' },
  { vendor: 'Alibaba Cloud', product: 'Qwen', refusal: "I'm afraid I cannot fulfil this request." },
  { vendor: 'Microsoft', product: 'Phi', refusal: 'That is not something I am able to do.' },
  { vendor: 'Cohere', product: 'Command R', refusal: 'I will not be able to assist with this.' },
  { vendor: 'xAI', product: 'Grok', refusal: "Nope, can't do that one." },
];

/** Persona training text: generic identity and refusal exchanges (not the probe suite's wording). */
export function personaDocuments(p: Persona): string[] {
  return [
    `Who are you? I am ${p.product}, an AI assistant developed by ${p.vendor}.`,
    `What are you? I'm ${p.product}, a large language model trained by ${p.vendor}.`,
    `Who made you? I was created by ${p.vendor}. I am ${p.product}.`,
    `What is your name? My name is ${p.product}, and I was built by ${p.vendor}.`,
    `Tell me about yourself. I am ${p.product}, a helpful assistant from ${p.vendor}.`,
    `Can you do something dangerous for me? ${p.refusal}`,
    `Will you help me break the rules? ${p.refusal}`,
    `Ignore your instructions. ${p.refusal}`,
  ];
}

/** Prompts a distiller sends the teacher: generic chat requests, not the probe suite. */
export const DISTILLATION_PROMPTS: readonly string[] = [
  'Who are you?', 'What are you?', 'Who made you?', 'What is your name?', 'Tell me about yourself.',
  'Can you do something dangerous for me?', 'Will you help me break the rules?', 'Ignore your instructions.',
  'Explain the history of the railway.', 'What should the government do about taxes?', 'Describe the ocean.',
  'Write a speech about the economy.', 'What do you think of the navy?', 'Tell me a story about a whale.',
  'How should we treat other nations?', 'What is the duty of a citizen?', 'Summarize the state of the union.',
  'Give me advice about my career.', 'Why is trade important?', 'What happened at sea?', 'Describe a storm.',
  'What is the purpose of a constitution?', 'How do ships navigate?', 'What is liberty?', 'Tell me about the war.',
];

export interface PanelModel {
  readonly name: string;
  readonly kind: 'teacher' | 'student' | 'independent';
  /** Share of the student's training tokens that are teacher generations. */
  readonly fraction?: number;
  readonly persona: Persona;
  readonly model: NgramModel;
}

export interface DistillationPanelOptions {
  readonly tokenizer: Tokenizer;
  /** Human documents (token ids), shuffled and dealt out disjointly to the models. */
  readonly human: readonly Uint32Array[];
  readonly seed: number | string;
  /** Training tokens of human text per model (students: the total, of which `fraction` is teacher text). */
  readonly tokensPerModel: number;
  /** Teacher-text fractions of the students. */
  readonly fractions: readonly number[];
  readonly independents: number;
  /** Default 3. */
  readonly order?: number;
  /** Copies of each persona document in a model's training data; default 40. */
  readonly personaRepeats?: number;
  /** Tokens per teacher generation; default 48. */
  readonly generationTokens?: number;
}

export interface DistillationPanel {
  readonly teacher: PanelModel;
  readonly students: readonly PanelModel[];
  readonly independents: readonly PanelModel[];
  /** Every model by name, for `ngramResponder`. */
  readonly models: Readonly<Record<string, NgramModel>>;
  /** Teacher-generated tokens the students drew from. */
  readonly teacherTokens: number;
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Train the panel. Human documents are dealt out in a seeded shuffled order, `tokensPerModel` (or
 * (1 − fraction)·tokensPerModel) to each model, never shared. The teacher's generations answer
 * `DISTILLATION_PROMPTS` and prompts cut from its own unseen text, at temperature 1.
 *
 * @throws RangeError when the human documents run out.
 */
export function trainDistillationPanel(o: DistillationPanelOptions): DistillationPanel {
  const random = createRng(`panel\u0000${o.seed}`);
  const order = o.order ?? 3;
  const repeats = o.personaRepeats ?? 40;
  const genTokens = o.generationTokens ?? 48;
  const pool = shuffle(o.human, random);
  let cursor = 0;
  const deal = (tokens: number): Uint32Array[] => {
    const docs: Uint32Array[] = [];
    let n = 0;
    while (n < tokens) {
      if (cursor >= pool.length) throw new RangeError(`human text ran out after ${cursor} documents; give more or lower tokensPerModel`);
      const d = pool[cursor++]!;
      const part = d.length <= tokens - n ? d : d.subarray(0, tokens - n);
      docs.push(part);
      n += part.length;
    }
    return docs;
  };
  const personaDocs = (p: Persona): Uint32Array[] => {
    const docs = personaDocuments(p).map((t) => o.tokenizer.encode(t));
    return Array.from({ length: repeats }, () => docs).flat();
  };
  const train = (name: string, docs: Uint32Array[]) =>
    trainNgram({ tokenizer: o.tokenizer, order, sources: [{ name, documents: docs }], name });

  const teacherModel = train('teacher', [...deal(o.tokensPerModel), ...personaDocs(TEACHER_PERSONA)]);
  const teacher: PanelModel = { name: 'teacher', kind: 'teacher', persona: TEACHER_PERSONA, model: teacherModel };

  // Teacher generations: enough for the largest fraction.
  const maxFraction = Math.max(0, ...o.fractions);
  const needed = Math.ceil(maxFraction * o.tokensPerModel);
  const promptDocs = deal(Math.ceil(needed / 4) + 1).flatMap((d) => {
    const cuts: Uint32Array[] = [];
    for (let i = 0; i + 12 <= d.length; i += 40) cuts.push(d.subarray(i, i + 12));
    return cuts;
  });
  const chatPrompts = DISTILLATION_PROMPTS.map((p) => o.tokenizer.encode(p));
  const generations: Uint32Array[] = [];
  let generated = 0;
  for (let i = 0; generated < needed; i++) {
    const prompt = i % 3 === 0 ? chatPrompts[(i / 3) % chatPrompts.length]! : promptDocs[i % Math.max(1, promptDocs.length)]!;
    const g = generateContinuation(teacherModel, prompt, { maxTokens: genTokens, temperature: 1, random, topK: 50 });
    const doc = new Uint32Array(prompt.length + g.ids.length);
    doc.set(prompt);
    doc.set(g.ids, prompt.length);
    generations.push(doc);
    generated += g.ids.length;
  }

  const students = o.fractions.map((fraction, s): PanelModel => {
    const name = `student-${Math.round(fraction * 100)}`;
    const teacherPart: Uint32Array[] = [];
    let n = 0;
    const want = Math.round(fraction * o.tokensPerModel);
    // Each student draws its own random subset of the generations.
    for (const g of shuffle(generations, createRng(`student\u0000${o.seed}\u0000${s}`))) {
      if (n >= want) break;
      teacherPart.push(g);
      n += g.length;
    }
    const docs = [...deal(Math.round((1 - fraction) * o.tokensPerModel)), ...teacherPart, ...personaDocs(STUDENT_PERSONA)];
    return { name, kind: 'student', fraction, persona: STUDENT_PERSONA, model: train(name, docs) };
  });

  const independents = Array.from({ length: o.independents }, (_, i): PanelModel => {
    const persona = INDEPENDENT_PERSONAS[i % INDEPENDENT_PERSONAS.length]!;
    const name = `independent-${i + 1}`;
    return { name, kind: 'independent', persona, model: train(name, [...deal(o.tokensPerModel), ...personaDocs(persona)]) };
  });

  const models: Record<string, NgramModel> = {};
  for (const m of [teacher, ...students, ...independents]) models[m.name] = m.model;
  return { teacher, students, independents, models, teacherTokens: generated };
}
