export {
  BUILTIN_CORPORA,
  type BuiltinCorpusName,
  type CorpusDocument,
  isBuiltinCorpus,
  loadBuiltinCorpus,
  splitHeldOut,
} from './builtin.ts';
export { chunkTokens } from './chunk.ts';
