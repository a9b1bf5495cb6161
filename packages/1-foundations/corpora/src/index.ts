export {
  BUILTIN_CORPORA,
  type BuiltinCorpusName,
  type CorpusDocument,
  isBuiltinCorpus,
  loadBuiltinCorpus,
  splitHeldOut,
} from './builtin.ts';
export { chunkTokens } from './chunk.ts';
export { decodeUtf8 } from './decode-utf8.ts';
export {
  type CorpusSpec,
  DEFAULT_JSONL_FIELDS,
  jsonlTextField,
  parseCorpusSpec,
  readJsonlDocuments,
  readTextFile,
  SourceFormatError,
} from './read-sources.ts';
export { builtinPrompts, type PromptRecord } from './prompts.ts';
