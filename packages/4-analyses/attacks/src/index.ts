/**
 * @tracemark/attacks: the edits people make to watermarked text, as pure, seeded functions that
 * report what they changed — for the robustness tests and benchmark, and for `tracemark attack`.
 */
export { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';
export {
  ATTACK_KINDS,
  ATTACKS,
  type AttackKind,
  type AttackRegistry,
  type AttackResources,
  type GenerationAttack,
  isAttackKind,
  TEXT_ATTACKS,
  type TextAttack,
  type TextAttackKind,
} from './attacks.ts';
export { changeCase, type CaseMode, type ChangeCaseOptions, type ChangeCaseStats } from './change-case.ts';
export { changePunctuation, type ChangePunctuationStats, PUNCTUATION_SWAPS } from './change-punctuation.ts';
export { changeWhitespace, type ChangeWhitespaceOptions, type ChangeWhitespaceStats, UNICODE_SPACES, type WhitespaceVariant } from './change-whitespace.ts';
export { copyPaste, type CopyPasteOptions, type CopyPasteStats } from './copy-paste.ts';
export { type CorpusVocabulary, corpusVocabulary } from './corpus-vocabulary.ts';
export { deleteWords, type DeleteWordsStats } from './delete-words.ts';
export {
  DEFAULT_EMOJIS,
  type EmojiAttackOptions,
  type EmojiAttackResult,
  type EmojiAttackStats,
  generateWithEmojiAttack,
  removeEmoji,
} from './generate-with-emoji-attack.ts';
export { INVISIBLE_CHARACTERS, insertInvisible, type InsertInvisibleOptions, type InsertInvisibleStats } from './insert-invisible.ts';
export { insertWords, type InsertWordsOptions, type InsertWordsStats } from './insert-words.ts';
export { loadWordnet, type Wordnet } from './load-wordnet.ts';
export {
  DEFAULT_SPAN_LENGTH,
  regenerateSpans,
  type RegenerateSpansOptions,
  type RegenerateSpansResult,
  type RegenerateSpansStats,
  regenerateText,
} from './regenerate-spans.ts';
export { STOP_WORDS } from './stop-words.ts';
export {
  HOMOGLYPHS,
  type HomoglyphStyle,
  substituteHomoglyphs,
  type SubstituteHomoglyphsOptions,
  type SubstituteHomoglyphsStats,
} from './substitute-homoglyphs.ts';
export { substituteSynonyms, type SubstituteSynonymsOptions, type SubstituteSynonymsStats } from './substitute-synonyms.ts';
export { truncate, type TruncateOptions, type TruncateStats } from './truncate.ts';
