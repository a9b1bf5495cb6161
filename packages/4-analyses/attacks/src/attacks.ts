/**
 * The registry of attacks: kind → function, with what it does and what its strength means, so
 * the CLI, the benchmark and the tests iterate one list. Text attacks map (text, options) to
 * text; the emoji attack acts during generation and has its own entry point.
 */
import { type LanguageModel } from '@tracemark/models';
import { changeCase } from './change-case.ts';
import { changePunctuation } from './change-punctuation.ts';
import { changeWhitespace } from './change-whitespace.ts';
import { copyPaste } from './copy-paste.ts';
import { deleteWords } from './delete-words.ts';
import { generateWithEmojiAttack } from './generate-with-emoji-attack.ts';
import { insertInvisible } from './insert-invisible.ts';
import { insertWords } from './insert-words.ts';
import { regenerateText } from './regenerate-spans.ts';
import { substituteHomoglyphs } from './substitute-homoglyphs.ts';
import { substituteSynonyms } from './substitute-synonyms.ts';
import { truncate } from './truncate.ts';
import { type AttackOptions, type AttackResult } from './types.ts';

export type TextAttackKind =
  | 'delete-words'
  | 'insert-words'
  | 'synonyms'
  | 'case'
  | 'whitespace'
  | 'punctuation'
  | 'invisible'
  | 'homoglyphs'
  | 'truncate'
  | 'copy-paste'
  | 'regenerate';

export type AttackKind = TextAttackKind | 'emoji';

/** What some attacks need besides the text. */
export interface AttackResources {
  /** Human text the watermarked spans are pasted into (`copy-paste`). */
  readonly human?: string;
  /** The unwatermarked model that rewrites spans (`regenerate`). */
  readonly model?: LanguageModel;
}

interface AttackInfo {
  readonly description: string;
  /** What `strength` measures; 0 always leaves the text unchanged. */
  readonly strength: string;
  /** Largest accepted strength. */
  readonly maxStrength: number;
}

export interface TextAttack extends AttackInfo {
  readonly stage: 'text';
  readonly kind: TextAttackKind;
  readonly needs: readonly (keyof AttackResources)[];
  /** @throws RangeError for a bad strength, or when a needed resource is missing. */
  apply(text: string, options: AttackOptions, resources?: AttackResources): AttackResult;
}

export interface GenerationAttack extends AttackInfo {
  readonly stage: 'generation';
  readonly kind: 'emoji';
  readonly generate: typeof generateWithEmojiAttack;
}

function need<K extends keyof AttackResources>(kind: string, resources: AttackResources | undefined, name: K): NonNullable<AttackResources[K]> {
  const v = resources?.[name];
  if (v === undefined) throw new RangeError(`${kind}: this attack needs ${name === 'human' ? 'human text to paste into' : 'an unwatermarked model'} (resources.${name})`);
  return v as NonNullable<AttackResources[K]>;
}

function text(kind: TextAttackKind, info: AttackInfo & { needs?: readonly (keyof AttackResources)[] }, apply: TextAttack['apply']): TextAttack {
  return { stage: 'text', kind, needs: info.needs ?? [], description: info.description, strength: info.strength, maxStrength: info.maxStrength, apply };
}

/** Every attack by kind: the text attacks, and the emoji attack, which acts during generation. */
export type AttackRegistry = { readonly [K in TextAttackKind]: TextAttack } & { readonly emoji: GenerationAttack };

export const ATTACKS: AttackRegistry = Object.freeze({
  'delete-words': text('delete-words', {
    description: 'delete words chosen uniformly; a neighbouring space goes with each',
    strength: 'share of the words deleted',
    maxStrength: 1,
  }, (t, o) => deleteWords(t, o)),
  'insert-words': text('insert-words', {
    description: 'insert words drawn by frequency from the State of the Union and Moby-Dick vocabulary at random places',
    strength: 'words inserted per input word',
    maxStrength: 4,
  }, (t, o) => insertWords(t, o)),
  synonyms: text('synonyms', {
    description: 'replace non-stop words by a WordNet synonym (single-word lemmas, capitalisation kept)',
    strength: 'share of all words replaced, at most the words that have synonyms',
    maxStrength: 1,
  }, (t, o) => substituteSynonyms(t, o)),
  case: text('case', {
    description: 'rewrite words in UPPER, lower, Capitalised or rAnDoM case',
    strength: 'share of the words whose case changes',
    maxStrength: 1,
  }, (t, o) => changeCase(t, o)),
  whitespace: text('whitespace', {
    description: 'turn single spaces into double spaces, tabs or look-alike Unicode spaces',
    strength: 'share of the single-space gaps rewritten',
    maxStrength: 1,
  }, (t, o) => changeWhitespace(t, o)),
  punctuation: text('punctuation', {
    description: 'delete punctuation marks or swap them for near neighbours (, ↔ ;  " ↔ “”  - ↔ —)',
    strength: 'share of the punctuation marks changed',
    maxStrength: 1,
  }, (t, o) => changePunctuation(t, o)),
  invisible: text('invisible', {
    description: 'insert zero-width spaces and joiners, word joiners, BOMs and variation selectors',
    strength: 'invisible characters inserted per visible character',
    maxStrength: 1,
  }, (t, o) => insertInvisible(t, o)),
  homoglyphs: text('homoglyphs', {
    description: 'replace Latin letters by Cyrillic or Greek look-alikes',
    strength: 'share of the Latin letters replaced, at most the letters that have look-alikes',
    maxStrength: 1,
  }, (t, o) => substituteHomoglyphs(t, o)),
  truncate: text('truncate', {
    description: 'keep only the beginning of the text, cut at a word boundary',
    strength: 'share of the words removed from the end',
    maxStrength: 1,
  }, (t, o) => truncate(t, o)),
  'copy-paste': text('copy-paste', {
    description: 'paste the watermarked text as one span into a stretch of human text',
    strength: 'share of the output that is human text, so 0.9 leaves 10% watermarked',
    maxStrength: 0.99,
    needs: ['human'],
  }, (t, o, r) => copyPaste(t, need('copy-paste', r, 'human'), 1 - o.strength, o.seed)),
  regenerate: text('regenerate', {
    description: 'rewrite random 8-token spans with an unwatermarked model (a paraphrase stand-in)',
    strength: 'share of the tokens in regenerated spans',
    maxStrength: 1,
    needs: ['model'],
  }, (t, o, r) => regenerateText(t, need('regenerate', r, 'model'), o.strength, o.seed)),
  emoji: {
    stage: 'generation',
    kind: 'emoji',
    description: 'during generation, an emoji after every word (in the watermark context); the emojis are then deleted',
    strength: 'share of the word ends followed by an emoji',
    maxStrength: 1,
    generate: generateWithEmojiAttack,
  },
});

export const ATTACK_KINDS: readonly AttackKind[] = Object.freeze(Object.keys(ATTACKS) as AttackKind[]);

/** The attacks that apply to finished text, in registry order. */
export const TEXT_ATTACKS: readonly TextAttack[] = Object.freeze(Object.values(ATTACKS).filter((a): a is TextAttack => a.stage === 'text'));

export function isAttackKind(kind: string): kind is AttackKind {
  return Object.hasOwn(ATTACKS, kind);
}
