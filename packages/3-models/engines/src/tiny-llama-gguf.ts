/**
 * A tiny llama-architecture model with seeded random weights, as a GGUF file llama.cpp loads: the
 * model tests run a real inference engine on when no weights can be downloaded. It predicts
 * nothing useful, but every step is a genuine transformer forward pass (RMSNorm, RoPE attention,
 * SwiGLU feed-forward; Touvron et al., "LLaMA", 2023), so an adapter that works on it exercises
 * the same engine API a real model would.
 *
 * The tokenizer is a SentencePiece-style vocabulary (`tokenizer.ggml.model = "llama"`): `<unk>`,
 * `<s>`, `</s>`, the 256 byte-fallback tokens `<0x00>`…`<0xFF>` (llama.cpp requires `<0x0A>` for
 * its newline token and falls back to bytes for any character without a piece), every printable
 * ASCII character, and every prefix of "▁word" for a list of common English words, so that
 * llama.cpp's greedy bigram merging can build whole words (U+2581 "▁" stands for a space).
 */
import { createNormalRng } from '@tracemark/stats';
import { encodeGguf, type GgufMetadataValue, type GgufTensor } from './gguf-writer.ts';

/** llama.cpp token types (`llama_token_type`). */
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

/** SentencePiece's whitespace marker. */
export const SPM_SPACE = '\u2581';

const WORDS = (
  'the of and to in is was that for it as with be on not he by are this at from his but have ' +
  'an they which or you had one were all we her she there been their has would will what when ' +
  'who more if out so said can no up into some could them then than other time only new these ' +
  'two may first any my now such like our over man me even most made after also did many before ' +
  'must through back years where much your way well down should because each just those people ' +
  'how too little state good very make world still own see men work long get here between both ' +
  'life being under never day same another know while last might us great old year off come since ' +
  'against go came right used take three government nation country power law whale sea ship'
).split(' ');

export interface TinyLlamaVocabulary {
  readonly tokens: readonly string[];
  readonly scores: Float32Array;
  readonly types: Int32Array;
  readonly bosId: number;
  readonly eosId: number;
  readonly unknownId: number;
}

/**
 * The fixed vocabulary of the tiny model (the same for every seed and size).
 *
 * @example
 * const v = tinyLlamaVocabulary();
 * v.tokens[13]; // '<0x0A>' (ids 3–258 are the byte tokens)
 */
export function tinyLlamaVocabulary(): TinyLlamaVocabulary {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  const pieces = new Set<string>([SPM_SPACE]);
  for (let c = 0x21; c <= 0x7e; c++) pieces.add(String.fromCharCode(c));
  for (const word of WORDS) {
    const piece = SPM_SPACE + word;
    for (let end = 2; end <= piece.length; end++) pieces.add(piece.slice(0, end));
  }
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(TOKEN_NORMAL);
  }
  // SentencePiece scores are log-probabilities; llama.cpp merges the highest-scoring bigram first.
  // Longer pieces score higher so whole words win over their fragments.
  const scores = new Float32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) scores[i] = types[i] === TOKEN_NORMAL ? -100 + [...tokens[i]!].length - i * 1e-4 : 0;
  return { tokens, scores, types: Int32Array.from(types), bosId: 1, eosId: 2, unknownId: 0 };
}

export interface TinyLlamaOptions {
  /** Seeds every weight: the same seed and sizes give a byte-identical file. */
  readonly seed: number;
  /** n_embd (default 64). Must be a multiple of `heads`, with an even head size (RoPE rotates pairs). */
  readonly embeddingLength?: number;
  /** n_layer (default 2). */
  readonly layers?: number;
  /** n_head (default 4). */
  readonly heads?: number;
  /** n_head_kv (default `heads`); must divide `heads` (grouped-query attention). */
  readonly headsKv?: number;
  /** n_ff (default 128). */
  readonly feedForwardLength?: number;
  /** n_ctx_train (default 512). */
  readonly contextLength?: number;
  /** Standard deviation of the output logits for a unit-RMS hidden state (default 3 nats). */
  readonly logitScale?: number;
  /** `general.name` (default "tracemark-tiny-llama"). */
  readonly name?: string;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`buildTinyLlamaGguf: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Build the tiny model's GGUF bytes. Embeddings are N(0, 1), projections N(0, 1/fan_in) (so
 * activations keep unit scale through the layers), norms are 1, and the output matrix is scaled
 * so logits have standard deviation ≈ `logitScale`: a peaked but not degenerate next-token
 * distribution. Defaults give a 0.7 MB file with 720 tokens, built in ~70 ms.
 *
 * @throws RangeError for a non-integer seed, a non-positive size, `embeddingLength` not divisible
 *   by `heads`, an odd head size, or `headsKv` not dividing `heads`.
 * @example
 * const bytes = buildTinyLlamaGguf({ seed: 1 });
 * await writeFile(join(dir, 'tiny.gguf'), bytes); // then load it with node-llama-cpp
 */
export function buildTinyLlamaGguf(options: TinyLlamaOptions): Uint8Array {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`buildTinyLlamaGguf: seed must be an integer, got ${options.seed}`);
  const nEmbd = positiveInteger('embeddingLength', options.embeddingLength ?? 64);
  const nLayer = positiveInteger('layers', options.layers ?? 2);
  const nHead = positiveInteger('heads', options.heads ?? 4);
  const nHeadKv = positiveInteger('headsKv', options.headsKv ?? nHead);
  const nFf = positiveInteger('feedForwardLength', options.feedForwardLength ?? 128);
  const nCtx = positiveInteger('contextLength', options.contextLength ?? 512);
  const logitScale = options.logitScale ?? 3;
  if (!(logitScale > 0 && Number.isFinite(logitScale))) throw new RangeError(`buildTinyLlamaGguf: logitScale must be positive, got ${logitScale}`);
  if (nEmbd % nHead !== 0) throw new RangeError(`buildTinyLlamaGguf: embeddingLength ${nEmbd} is not a multiple of heads ${nHead}`);
  const headDim = nEmbd / nHead;
  if (headDim % 2 !== 0) throw new RangeError(`buildTinyLlamaGguf: head size ${headDim} must be even for RoPE`);
  if (nHead % nHeadKv !== 0) throw new RangeError(`buildTinyLlamaGguf: headsKv ${nHeadKv} must divide heads ${nHead}`);
  const nEmbdKv = headDim * nHeadKv;

  const vocab = tinyLlamaVocabulary();
  const nVocab = vocab.tokens.length;
  const normal = createNormalRng(options.seed);
  const gaussian = (shape: readonly number[], std: number): Float32Array => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = normal() * std;
    return data;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [nEmbd, nVocab], data: gaussian([nEmbd, nVocab], 1) },
  ];
  for (let i = 0; i < nLayer; i++) {
    const blk = `blk.${i}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, shape: [nEmbd], data: ones(nEmbd) },
      { name: `${blk}.attn_q.weight`, shape: [nEmbd, nEmbd], data: gaussian([nEmbd, nEmbd], 1 / Math.sqrt(nEmbd)) },
      { name: `${blk}.attn_k.weight`, shape: [nEmbd, nEmbdKv], data: gaussian([nEmbd, nEmbdKv], 1 / Math.sqrt(nEmbd)) },
      { name: `${blk}.attn_v.weight`, shape: [nEmbd, nEmbdKv], data: gaussian([nEmbd, nEmbdKv], 1 / Math.sqrt(nEmbd)) },
      { name: `${blk}.attn_output.weight`, shape: [nEmbd, nEmbd], data: gaussian([nEmbd, nEmbd], 1 / Math.sqrt(nEmbd)) },
      { name: `${blk}.ffn_norm.weight`, shape: [nEmbd], data: ones(nEmbd) },
      { name: `${blk}.ffn_gate.weight`, shape: [nEmbd, nFf], data: gaussian([nEmbd, nFf], 1 / Math.sqrt(nEmbd)) },
      { name: `${blk}.ffn_up.weight`, shape: [nEmbd, nFf], data: gaussian([nEmbd, nFf], 1 / Math.sqrt(nEmbd)) },
      { name: `${blk}.ffn_down.weight`, shape: [nFf, nEmbd], data: gaussian([nFf, nEmbd], 1 / Math.sqrt(nFf)) },
    );
  }
  tensors.push(
    { name: 'output_norm.weight', shape: [nEmbd], data: ones(nEmbd) },
    { name: 'output.weight', shape: [nEmbd, nVocab], data: gaussian([nEmbd, nVocab], logitScale / Math.sqrt(nEmbd)) },
  );

  const u32 = (value: number): GgufMetadataValue => ({ type: 'u32', value });
  const metadata: Array<readonly [string, GgufMetadataValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? 'tracemark-tiny-llama' }],
    ['general.file_type', u32(0)], // LLAMA_FTYPE_ALL_F32
    ['llama.vocab_size', u32(nVocab)],
    ['llama.context_length', u32(nCtx)],
    ['llama.embedding_length', u32(nEmbd)],
    ['llama.block_count', u32(nLayer)],
    ['llama.feed_forward_length', u32(nFf)],
    ['llama.attention.head_count', u32(nHead)],
    ['llama.attention.head_count_kv', u32(nHeadKv)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', u32(headDim)],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', u32(vocab.bosId)],
    ['tokenizer.ggml.eos_token_id', u32(vocab.eosId)],
    ['tokenizer.ggml.unknown_token_id', u32(vocab.unknownId)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  return encodeGguf({ metadata, tensors });
}
