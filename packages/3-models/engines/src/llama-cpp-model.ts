/**
 * A GGUF model run by llama.cpp through node-llama-cpp's public API, with tracemark choosing every
 * generated token: the engine computes the next-token logits, and a `Watermarker` (or the same
 * unwatermarked sampler the watermark library uses as its baseline) picks the token. Because the
 * choice happens in tracemark's code, every scheme works unchanged — KGW and Unigram bias the
 * logits, Gumbel-max and SynthID replace the draw — and a detector sees exactly the tokens chosen.
 *
 * The same model answers teacher-forced queries (`logits`, `logProbs`, `topK`, `scoreTokens`):
 * what an open-model audit needs from a local suspect model.
 *
 * Engine calls are asynchronous; this object runs them one at a time on a single llama.cpp context
 * sequence, so concurrent calls are safe but do not overlap. Teacher-forced calls reuse the cached
 * prefix of the previous call, so a value may differ from a fresh evaluation by ~1e-3 nats (the KV
 * cache is f16 and batch shapes differ; measured max 1.4e-3 on the tiny test model); `generate`
 * always starts from an empty cache, so its output is exactly reproducible for a seed.
 *
 * Cost: the full-vocabulary path receives every logit through node-llama-cpp as a sorted Map,
 * O(V log V) per step; with a large vocabulary prefer `candidates` (top-n selected natively).
 */
import { getLlama, type Llama, type LlamaContext, type LlamaContextSequence, LlamaLogLevel, type LlamaModel, type Token } from 'node-llama-cpp';
import { type SparseLogProbs } from '@tracemark/models';
import { type Tokenizer, type TokenizerIdentity, vocabularyHash } from '@tracemark/tokenizers';
import { samplePlain, type Watermarker } from '@tracemark/watermark';
import { createRng } from '@tracemark/stats';

export interface LoadLlamaCppOptions {
  /** Path of a GGUF file. */
  readonly modelPath: string;
  /** KV-cache size in tokens: the longest prompt + generation (default min(training context, 2048)). */
  readonly contextSize?: number;
  /**
   * CPU threads (default: node-llama-cpp's choice, the machine's math cores). llama.cpp's workers
   * spin, so on a busy machine fewer threads can be much faster (measured on 2 shared cores with a
   * tiny model: 0.5 ms per step on 1 thread, 18 ms on 2).
   */
  readonly threads?: number;
}

export interface GenerateOptions {
  /** Text (tokenized with the model's tokenizer, BOS prepended when the model asks for it) or token ids used as-is. */
  readonly prompt: string | Uint32Array;
  /** Upper bound on generated tokens. */
  readonly maxTokens: number;
  /** Chooses every token when given; otherwise tokens are drawn unwatermarked (`samplePlain`). */
  readonly watermarker?: Watermarker;
  /** Softmax temperature; 0 = greedy (default 1). */
  readonly temperature?: number;
  /** Keep only the k most likely tokens; 0 = all (default 0). */
  readonly topK?: number;
  /** Nucleus mass in (0, 1] (default 1). */
  readonly topP?: number;
  /** Seeds the sampler's uniform draws: the same seed, prompt and options give the same tokens. */
  readonly seed: number;
  /**
   * Fetch only this many highest logits from the engine per step and choose among them with
   * `sampleCandidates` (O(n) per step instead of O(V)); KGW and Unigram can then only boost
   * tokens among those n. Omit to pass the full vocabulary to `sample`.
   */
  readonly candidates?: number;
  /** Stop at an end-of-generation token (default true); the stop token is included in `tokens`. */
  readonly stopAtEndOfGeneration?: boolean;
}

export interface GenerationResult {
  /** Prompt ids as evaluated (BOS included when it was prepended). */
  readonly promptTokens: Uint32Array;
  /** Generated ids, in order. */
  readonly tokens: Uint32Array;
  /** Detokenized `tokens`, special tokens omitted. */
  readonly text: string;
  readonly stopReason: 'endOfGeneration' | 'maxTokens';
  /** Key id of the watermarker that chose the tokens, or null for unwatermarked output. */
  readonly keyId: string | null;
}

export interface LlamaCppModel {
  /** `general.name` of the GGUF file (the file name when absent). */
  readonly name: string;
  /** The model's own tokenizer as a tracemark `Tokenizer` (encode adds no BOS). */
  readonly tokenizer: Tokenizer;
  readonly vocabSize: number;
  /** Token ids as the engine would evaluate `text` as a prompt: BOS first when the model asks for it. */
  encodePrompt(text: string): Uint32Array;
  /** Whether `id` ends generation (EOS, EOT and the like). */
  isEndOfGeneration(id: number): boolean;
  /** Raw next-token logits after `context` (an empty context means BOS alone). */
  logits(context: Uint32Array): Promise<Float32Array>;
  /** Natural-log next-token probabilities over the whole vocabulary, written into `out` when given. */
  logProbs(context: Uint32Array, out?: Float64Array): Promise<Float64Array>;
  /** The `k` most probable next tokens, most probable first; the engine selects them natively. */
  topK(context: Uint32Array, k: number): Promise<SparseLogProbs>;
  /**
   * Teacher forcing in one forward pass: the natural-log probability of `tokens[i]` given
   * `tokens[0..i)` for every i ≥ `from` (default 1), as a Float64Array of length `tokens.length - from`.
   */
  scoreTokens(tokens: Uint32Array, from?: number): Promise<Float64Array>;
  /** Generate tokens with tracemark choosing each one. */
  generate(options: GenerateOptions): Promise<GenerationResult>;
  /** Free the context and the model; the object is unusable afterwards. */
  dispose(): Promise<void>;
}

let llamaBinding: Promise<Llama> | null = null;
/** llama.cpp's latest warnings and errors: a library never prints, but a rejected file's error names the reason. */
const recentLog: string[] = [];
const RECENT_LOG_LINES = 8;

/**
 * The llama.cpp binding, loaded once per process from the prebuilt CPU binary that ships in the
 * `@node-llama-cpp/linux-x64` (etc.) npm package. `build: 'never'` and `skipDownload` make a
 * missing binary an error instead of a source build or a download, neither of which can work in
 * an offline CI; CPU only so results do not depend on which GPU a machine has.
 */
function loadBinding(): Promise<Llama> {
  llamaBinding ??= getLlama({
    gpu: false,
    build: 'never',
    usePrebuiltBinaries: true,
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.fatal && level !== LlamaLogLevel.warn) return;
      recentLog.push(message.trim());
      if (recentLog.length > RECENT_LOG_LINES) recentLog.shift();
    },
  }).catch((error: unknown) => {
    llamaBinding = null;
    throw new Error(`node-llama-cpp could not load its prebuilt CPU binary: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  return llamaBinding;
}

/**
 * llama.cpp's log lines reach JavaScript through a thread-safe callback queued on the event loop,
 * and may arrive after the failed call has rejected (seen in 4 of 5 runs): on the error path only,
 * wait up to 250 ms for its closing "failed to load model" line.
 */
async function settleLog(): Promise<void> {
  const deadline = Date.now() + 250;
  while (!recentLog.some((line) => /failed to load model/i.test(line)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function checkTokens(tokens: Uint32Array, vocabSize: number, what: string): void {
  if (!(tokens instanceof Uint32Array)) throw new TypeError(`${what} must be a Uint32Array`);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]! >= vocabSize) throw new RangeError(`${what}[${i}] = ${tokens[i]} is outside the vocabulary (${vocabSize} tokens)`);
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Log-sum-exp of `logits`, compensated against overflow by the maximum. */
function logSumExp(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return max + Math.log(sum);
}

/**
 * Load a GGUF model into llama.cpp (CPU).
 *
 * @throws Error when the prebuilt binary cannot be loaded or llama.cpp rejects the file.
 * @example
 * const model = await loadLlamaCppModel({ modelPath: 'tiny.gguf' });
 * const out = await model.generate({ prompt: 'the whale', maxTokens: 32, seed: 1, watermarker });
 * out.tokens; // Uint32Array of 32 ids chosen by `watermarker`
 * await model.dispose();
 */
export async function loadLlamaCppModel(options: LoadLlamaCppOptions): Promise<LlamaCppModel> {
  if (typeof options.modelPath !== 'string' || options.modelPath.length === 0) throw new TypeError('modelPath must be a non-empty string');
  const { model, context } = await openGguf(options);
  const { pieces, name } = await ggufVocabulary(model, context, options.modelPath);
  const vocabSize = pieces.length;
  const bos = model.tokens.bos;
  const prependBos = model.tokens.shouldPrependBosToken && bos !== null;
  const runner = new SequenceRunner(context.getSequence(), vocabSize, bos);

  const self: LlamaCppModel = {
    name,
    tokenizer: ggufTokenizer(model, name, pieces),
    vocabSize,

    encodePrompt(text) {
      const ids = model.tokenize(text, false);
      return Uint32Array.from(prependBos ? [bos, ...ids] : ids);
    },

    isEndOfGeneration: (id) => model.isEogToken(id as Token),

    async logits(context) {
      checkTokens(context, vocabSize, 'context');
      return runner.exclusive(() => runner.denseLogits(runner.withBosIfEmpty(context)));
    },

    async logProbs(context, out) {
      checkTokens(context, vocabSize, 'context');
      if (out !== undefined && out.length !== vocabSize) throw new RangeError(`out has length ${out.length}, expected ${vocabSize}`);
      return runner.exclusive(async () => {
        const logits = await runner.denseLogits(runner.withBosIfEmpty(context));
        const logZ = logSumExp(logits);
        const target = out ?? new Float64Array(vocabSize);
        for (let i = 0; i < vocabSize; i++) target[i] = logits[i]! - logZ;
        return target;
      });
    },

    async topK(context, k) {
      checkTokens(context, vocabSize, 'context');
      positiveInteger('k', k);
      return runner.exclusive(async () => {
        const tokens = runner.withBosIfEmpty(context);
        runner.checkRoom(tokens.length);
        const start = await runner.alignPrefix(tokens, tokens.length - 1);
        const { ids, logits, logZ } = await runner.appendTop(tokens.slice(start), Math.min(k, vocabSize));
        return { ids, logProbs: Float64Array.from(logits, (l) => l - logZ) };
      });
    },

    async scoreTokens(tokens, from = 1) {
      checkTokens(tokens, vocabSize, 'tokens');
      if (!Number.isInteger(from) || from < 1 || from > tokens.length) throw new RangeError(`from must be an integer in [1, ${tokens.length}], got ${from}`);
      return runner.exclusive(() => scoreOnSequence(runner, tokens, from));
    },

    async generate(options) {
      const maxTokens = positiveInteger('maxTokens', options.maxTokens);
      const candidates = options.candidates === undefined ? undefined : positiveInteger('candidates', options.candidates);
      if (!Number.isInteger(options.seed)) throw new TypeError(`seed must be an integer, got ${options.seed}`);
      const promptTokens = typeof options.prompt === 'string' ? self.encodePrompt(options.prompt) : Uint32Array.from(options.prompt);
      checkTokens(promptTokens, vocabSize, 'prompt');
      if (promptTokens.length === 0) throw new RangeError('prompt must contain at least one token');
      return runner.exclusive(() => generateOnSequence(runner, model, promptTokens, maxTokens, candidates, options));
    },

    dispose: () =>
      runner.exclusive(async () => {
        await context.dispose();
        await model.dispose();
      }),
  };
  return self;
}

/** Step 1: load the binding, the GGUF file and a context; a rejected file's error carries llama.cpp's own log lines. */
async function openGguf(options: LoadLlamaCppOptions): Promise<{ model: LlamaModel; context: LlamaContext }> {
  const llama = await loadBinding();
  recentLog.length = 0;
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  } catch (error) {
    await settleLog();
    const reason = error instanceof Error ? error.message : String(error);
    const log = recentLog.length > 0 ? ` (llama.cpp: ${recentLog.join(' | ')})` : '';
    throw new Error(`${options.modelPath}: llama.cpp could not load the model: ${reason}${log}`, { cause: error });
  }
  try {
    const contextSize = positiveInteger('contextSize', options.contextSize ?? Math.min(model.trainContextSize, 2048));
    const context = await model.createContext({
      contextSize,
      ...(options.threads === undefined ? {} : { threads: positiveInteger('threads', options.threads) }),
    });
    return { model, context };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

/** Step 2: the token pieces and name from the GGUF metadata; frees the model when the file has no vocabulary. */
async function ggufVocabulary(model: LlamaModel, context: LlamaContext, modelPath: string): Promise<{ pieces: unknown[]; name: string }> {
  const metadata = model.fileInfo.metadata as { general?: { name?: unknown }; tokenizer?: { ggml?: { tokens?: unknown } } };
  const pieces = metadata.tokenizer?.ggml?.tokens;
  if (!Array.isArray(pieces) || pieces.length === 0) {
    await context.dispose();
    await model.dispose();
    throw new Error(`${modelPath}: the GGUF file has no tokenizer.ggml.tokens list`);
  }
  const name = typeof metadata.general?.name === 'string' ? metadata.general.name : (modelPath.split(/[\\/]/).pop() ?? modelPath);
  return { pieces, name };
}

/** Step 3: the model's own tokenizer as a tracemark `Tokenizer` (encode adds no BOS; identity hashed on first use). */
function ggufTokenizer(model: LlamaModel, name: string, pieces: readonly unknown[]): Tokenizer {
  let identity: TokenizerIdentity | null = null;
  return {
    name: `gguf:${name}`,
    vocabSize: pieces.length,
    identity: () => (identity ??= { name: `gguf:${name}`, vocabSize: pieces.length, hash: vocabularyHash(pieces.map(String)) }),
    encode: (text) => Uint32Array.from(model.tokenize(text, false)),
    decode: (ids) => model.detokenize(Array.from(ids) as Token[], false),
  };
}

type EvaluateItem = Parameters<LlamaContextSequence['controlledEvaluate']>[0][number];

/**
 * The one llama.cpp context sequence of a loaded model, and the evaluation steps every query is
 * made of. Engine calls go through `exclusive`, one at a time: they share the sequence, whose
 * state each call rewrites.
 */
class SequenceRunner {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly sequence: LlamaContextSequence,
    readonly vocabSize: number,
    private readonly bos: Token | null,
  ) {}

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Make the sequence hold `tokens` minus the tail that must be evaluated (at least the last
   * token, whose logits are wanted), reusing the cached prefix; returns the tail's start index.
   */
  async alignPrefix(tokens: readonly Token[], keepAtMost: number): Promise<number> {
    const { sequence } = this;
    const { firstDifferentIndex } = sequence.compareContextTokens(tokens as Token[]);
    const keep = Math.min(firstDifferentIndex, keepAtMost);
    if (keep < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
    return keep;
  }

  withBosIfEmpty(context: Uint32Array): Token[] {
    if (context.length > 0) return Array.from(context) as Token[];
    if (this.bos === null) throw new RangeError('context is empty and the model has no BOS token to start from');
    return [this.bos];
  }

  checkRoom(needed: number): void {
    if (needed > this.sequence.contextSize) throw new RangeError(`${needed} tokens do not fit the context (${this.sequence.contextSize}); load the model with a larger contextSize`);
  }

  /** Append `tokens` to the sequence and write the raw logits after the last one into `out`. */
  async appendDense(tokens: readonly Token[], out: Float32Array): Promise<Float32Array> {
    const input: EvaluateItem[] = tokens.slice(0, -1);
    input.push([tokens[tokens.length - 1]!, { generateNext: { logits: true } }]);
    const logits = (await this.sequence.controlledEvaluate(input))[input.length - 1]?.next.logits;
    if (logits === undefined) throw new Error('llama.cpp returned no logits');
    out.fill(-Infinity);
    for (const [id, value] of logits) out[id] = value;
    return out;
  }

  /**
   * Append `tokens` and return the `k` highest logits after the last one, highest first (ties by
   * id), selected natively, plus log Z = log Σ exp(logit) over the whole vocabulary.
   */
  async appendTop(tokens: readonly Token[], k: number): Promise<{ ids: Uint32Array; logits: Float32Array; logZ: number }> {
    const input: EvaluateItem[] = tokens.slice(0, -1);
    input.push([tokens[tokens.length - 1]!, { generateNext: { logits: { filter: { tokens: [], includeTop: k } }, totalLogitWeight: true } }]);
    const next = (await this.sequence.controlledEvaluate(input))[input.length - 1]?.next;
    if (next?.logits === undefined || next.totalLogitWeight === undefined) throw new Error('llama.cpp returned no logits');
    const entries = [...next.logits].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
    const logits = Float32Array.from(entries, (e) => e[1]);
    // totalLogitWeight = Σ exp(logit − max logit), so log Z = max + log(totalLogitWeight).
    return { ids: Uint32Array.from(entries, (e) => e[0]), logits, logZ: logits[0]! + Math.log(next.totalLogitWeight) };
  }

  /** Evaluate `tokens`, reusing the cached prefix, and return the raw logits after the last one. */
  async denseLogits(tokens: readonly Token[]): Promise<Float32Array> {
    this.checkRoom(tokens.length);
    const start = await this.alignPrefix(tokens, tokens.length - 1);
    return this.appendDense(tokens.slice(start), new Float32Array(this.vocabSize));
  }
}

/** Teacher forcing in one forward pass (see `LlamaCppModel.scoreTokens`); run inside `exclusive`. */
async function scoreOnSequence(runner: SequenceRunner, tokens: Uint32Array, from: number): Promise<Float64Array> {
  runner.checkRoom(tokens.length);
  const all = Array.from(tokens) as Token[];
  const start = await runner.alignPrefix(all, from - 1);
  type Item = Token | [Token, { generateNext: { logits: { filter: { tokens: Token[]; includeTop: 1 } }; totalLogitWeight: true } }];
  // Every token enters the sequence (the last one too, so the cache matches `tokens` for the
  // next call); positions from−1 … n−2 also return the next token's logit and the maximum.
  // The maximum comes from `includeTop: 1`: in node-llama-cpp 3.22.1 `includeMax` adds the
  // top token only when the filter already holds it (AddonContext.cpp tests any_of, not none_of).
  const input: Item[] = [];
  for (let i = start; i < tokens.length; i++) {
    input.push(i >= from - 1 && i < tokens.length - 1 ? [all[i]!, { generateNext: { logits: { filter: { tokens: [all[i + 1]!], includeTop: 1 } }, totalLogitWeight: true } }] : all[i]!);
  }
  const results = await runner.sequence.controlledEvaluate(input);
  const scores = new Float64Array(tokens.length - from);
  for (let i = from; i < tokens.length; i++) {
    const next = results[i - 1 - start]?.next;
    const logit = next?.logits?.get(all[i]!);
    if (next?.logits === undefined || logit === undefined || next.totalLogitWeight === undefined) throw new Error(`llama.cpp returned no logits at position ${i}`);
    let max = -Infinity;
    for (const v of next.logits.values()) if (v > max) max = v;
    // totalLogitWeight = Σ exp(logit − max logit), so log p = logit − max − log(totalLogitWeight).
    scores[i - from] = logit - max - Math.log(next.totalLogitWeight);
  }
  return scores;
}

/** The generation loop (see `LlamaCppModel.generate`), on checked arguments; run inside `exclusive`. */
async function generateOnSequence(
  runner: SequenceRunner,
  model: LlamaModel,
  promptTokens: Uint32Array,
  maxTokens: number,
  candidates: number | undefined,
  options: GenerateOptions,
): Promise<GenerationResult> {
  const stopAtEnd = options.stopAtEndOfGeneration ?? true;
  const sampleOptions = { temperature: options.temperature ?? 1, topK: options.topK ?? 0, topP: options.topP ?? 1, random: createRng(options.seed) };
  const watermarker = options.watermarker;
  runner.checkRoom(promptTokens.length + maxTokens);
  // Start from an empty cache so the prompt is always evaluated in the same batches: the
  // same seed then gives the same tokens whatever ran before.
  await runner.sequence.clearHistory();
  const sequenceTokens = new Uint32Array(promptTokens.length + maxTokens);
  sequenceTokens.set(promptTokens);
  let length = promptTokens.length;
  let pending: Token[] = Array.from(promptTokens) as Token[];
  const logits = new Float32Array(runner.vocabSize);
  let stopReason: GenerationResult['stopReason'] = 'maxTokens';
  while (length < promptTokens.length + maxTokens) {
    const context = sequenceTokens.subarray(0, length);
    let chosen: number;
    if (candidates === undefined) {
      await runner.appendDense(pending, logits);
      chosen = watermarker ? watermarker.sample(logits, context, sampleOptions) : samplePlain(null, logits, sampleOptions);
    } else {
      const top = await runner.appendTop(pending, candidates);
      chosen = watermarker ? watermarker.sampleCandidates(top.ids, top.logits, context, sampleOptions) : samplePlain(top.ids, top.logits, sampleOptions);
    }
    sequenceTokens[length++] = chosen;
    pending = [chosen as Token];
    if (stopAtEnd && model.isEogToken(chosen as Token)) {
      stopReason = 'endOfGeneration';
      break;
    }
  }
  const tokens = sequenceTokens.slice(promptTokens.length, length);
  return { promptTokens, tokens, text: model.detokenize(Array.from(tokens) as Token[], false), stopReason, keyId: watermarker?.keyId ?? null };
}

/**
 * Load a model, generate once, and free it: the one-call form for scripts. Loading costs about
 * as much as a few hundred steps of a tiny model, so reuse `loadLlamaCppModel` for many calls.
 *
 * @example
 * const { text } = await generateWithLlamaCpp({ modelPath, prompt: 'the sea', maxTokens: 16, seed: 7, watermarker });
 */
export async function generateWithLlamaCpp(options: GenerateOptions & LoadLlamaCppOptions): Promise<GenerationResult> {
  const model = await loadLlamaCppModel(options);
  try {
    return await model.generate(options);
  } finally {
    await model.dispose();
  }
}
