/**
 * The model file: a compact, versioned binary for a trained `NgramModel`, so a teacher or a
 * student is trained once and reloaded in a fraction of the time.
 *
 * Layout (all integers little-endian):
 *
 *     0   8 bytes  magic "TMNGRAM\0"
 *     8   u32      format version (1)
 *     12  …        gzip (RFC 1952; its CRC-32 catches corruption) of:
 *                    u32 header length, UTF-8 JSON header (`ModelFileHeader`),
 *                    then the sections the header lists, in order, each LEB128 varints.
 *
 * Sections hold the tables of `NgramTables` in forms that compress well: suffix links and
 * oldest tokens as deltas (contexts are numbered breadth-first, so both mostly increase by small
 * steps), run lengths instead of offsets, and each context's tokens as deltas within runs of
 * equal count. Loading rebuilds exactly the same arrays, so probabilities are bit-identical.
 */
import { rename, readFile, unlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { assertSameTokenizer, getTokenizer, type Tokenizer, type TokenizerIdentity } from '@tracemark/tokenizers';
import { NgramModel, type SourceSummary } from './ngram-model.ts';
import { checkNgramTables, type NgramTables } from './ngram-tables.ts';
import { InputError } from '@tracemark/errors';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export const MODEL_FILE_MAGIC = Uint8Array.from([0x54, 0x4d, 0x4e, 0x47, 0x52, 0x41, 0x4d, 0x00]); // "TMNGRAM\0"
export const MODEL_FILE_VERSION = 1;
const SECTION_NAMES = ['ctxParentDelta', 'ctxTokenDelta', 'runLengths', 'tokenDelta', 'counts'] as const;

/** The JSON header of a model file. */
export interface ModelFileHeader {
  readonly format: 'tracemark.ngram-model';
  readonly name: string;
  readonly order: number;
  readonly vocabSize: number;
  readonly tokenizer: TokenizerIdentity;
  /** D₁, D₂, D₃₊ per context length, as in `NgramTables.discounts`. */
  readonly discounts: number[];
  readonly sources: SourceSummary[];
  readonly contexts: number;
  readonly entries: number;
  readonly sections: { readonly name: string; readonly bytes: number }[];
}

/** A model file that cannot be read: wrong magic, unsupported version, or damaged content. The message names the file. */
export class ModelFileError extends InputError {
  override readonly name = 'ModelFileError';
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}

/**
 * Write `model` to `path` (via a temporary file and a rename, so a crash never leaves half a
 * model under the final name). Returns the file size in bytes.
 */
export async function saveModel(model: NgramModel, path: string): Promise<{ bytes: number }> {
  const bytes = await serializeModel(model);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  return { bytes: bytes.length };
}

/**
 * Read a model written by `saveModel`. The tokenizer is `tokenizer` when given, else the built-in
 * one named in the file (`getTokenizer`); either way its identity must match the file's
 * (name, vocabulary size and vocabulary hash), otherwise loading is refused.
 *
 * @throws ModelFileError naming the file for a missing, foreign, unsupported or damaged file.
 * @throws TokenizerMismatchError when the tokenizer differs from the one the model was trained with.
 */
export async function loadModel(path: string, tokenizer?: Tokenizer): Promise<NgramModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code === 'ENOENT' ? 'no such file' : `cannot read (${(error as Error).message})`);
  }
  return deserializeModel(bytes, { file: path, tokenizer });
}

/** The bytes of a model file. */
export async function serializeModel(model: NgramModel): Promise<Uint8Array> {
  const t = model.tables;
  const numCtx = t.ctxParent.length;
  const runs = new Uint32Array(numCtx);
  for (let c = 0; c < numCtx; c++) runs[c] = t.offsets[c + 1]! - t.offsets[c]!;
  const ctxParentDelta = new Uint32Array(numCtx);
  const ctxTokenDelta = new Uint32Array(numCtx);
  for (let c = 1; c < numCtx; c++) {
    ctxParentDelta[c] = t.ctxParent[c]! - t.ctxParent[c - 1]!;
    // Siblings are in token order: store the step from the previous sibling, or the token itself.
    ctxTokenDelta[c] = c > 1 && t.ctxParent[c] === t.ctxParent[c - 1] ? t.ctxToken[c]! - t.ctxToken[c - 1]! : t.ctxToken[c]!;
  }
  const tokenDelta = new Uint32Array(t.tokens.length);
  for (let c = 0; c < numCtx; c++) {
    for (let p = t.offsets[c]!; p < t.offsets[c + 1]!; p++) {
      const sameRun = p > t.offsets[c]! && t.counts[p] === t.counts[p - 1];
      tokenDelta[p] = sameRun ? t.tokens[p]! - t.tokens[p - 1]! : t.tokens[p]!;
    }
  }
  const sections = [ctxParentDelta, ctxTokenDelta, runs, tokenDelta, t.counts].map(encodeVarints);
  const header: ModelFileHeader = {
    format: 'tracemark.ngram-model',
    name: model.name,
    order: t.order,
    vocabSize: t.vocabSize,
    tokenizer: model.tokenizer.identity(),
    discounts: Array.from(t.discounts),
    sources: model.sources.map((s) => ({ ...s })),
    contexts: numCtx,
    entries: t.tokens.length,
    sections: sections.map((s, i) => ({ name: SECTION_NAMES[i]!, bytes: s.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = 4 + json.length;
  const payload = new Uint8Array(headerBytes + sections.reduce((n, s) => n + s.length, 0));
  new DataView(payload.buffer).setUint32(0, json.length, true);
  payload.set(json, 4);
  let at = headerBytes;
  for (const s of sections) {
    payload.set(s, at);
    at += s.length;
  }
  const body = await gzipAsync(payload);
  const out = new Uint8Array(12 + body.length);
  out.set(MODEL_FILE_MAGIC, 0);
  new DataView(out.buffer).setUint32(8, MODEL_FILE_VERSION, true);
  out.set(body, 12);
  return out;
}

/**
 * Parse model-file bytes (see `loadModel`). `file` names the source in error messages.
 *
 * @throws ModelFileError, TokenizerMismatchError as `loadModel`.
 *
 * Why one long function: it reads the file format front to back, one field at a time, each with
 * the check that names it; the order of the code is the order of the bytes.
 */
export async function deserializeModel(
  bytes: Uint8Array,
  options: { readonly file?: string; readonly tokenizer?: Tokenizer | undefined } = {},
): Promise<NgramModel> {
  const file = options.file ?? '<model bytes>';
  const fail = (message: string): never => {
    throw new ModelFileError(file, message);
  };
  if (bytes.length < 12 || MODEL_FILE_MAGIC.some((b, i) => bytes[i] !== b)) fail('not a tracemark n-gram model file (wrong magic bytes)');
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (version !== MODEL_FILE_VERSION)
    fail(`model file format version ${version} is not supported (this tracemark reads version ${MODEL_FILE_VERSION})`);
  let payload: Uint8Array;
  try {
    payload = await gunzipAsync(bytes.subarray(12));
  } catch (error) {
    return fail(`corrupt model file (${(error as Error).message})`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.length < 4) fail('corrupt model file (no header)');
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > payload.length) fail('corrupt model file (header runs past the end)');
  let header: ModelFileHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(4, 4 + jsonLength))) as ModelFileHeader;
  } catch (error) {
    return fail(`corrupt model file (header: ${(error as Error).message})`);
  }
  checkHeader(header, fail);

  let at = 4 + jsonLength;
  const decoded: Uint32Array[] = [];
  for (const [i, name] of SECTION_NAMES.entries()) {
    const section = header.sections[i]!;
    if (section.name !== name || at + section.bytes > payload.length) fail(`corrupt model file (section ${name})`);
    const expected = name === 'ctxParentDelta' || name === 'ctxTokenDelta' || name === 'runLengths' ? header.contexts : header.entries;
    // Every value takes at least one byte: checked before allocating, so a damaged count cannot ask for gigabytes.
    if (section.bytes < expected) fail(`corrupt model file (section ${name} is too short)`);
    const values = decodeVarints(payload.subarray(at, at + section.bytes), expected);
    if (values === null) fail(`corrupt model file (section ${name} does not hold ${expected} values)`);
    decoded.push(values!);
    at += section.bytes;
  }
  if (at !== payload.length) fail('corrupt model file (trailing bytes)');
  const [ctxParentDelta, ctxTokenDelta, runs, tokenDelta, counts] = decoded as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  const numCtx = header.contexts;
  const ctxParent = new Uint32Array(numCtx);
  const ctxToken = new Uint32Array(numCtx);
  for (let c = 1; c < numCtx; c++) {
    ctxParent[c] = ctxParent[c - 1]! + ctxParentDelta[c]!;
    ctxToken[c] = c > 1 && ctxParent[c] === ctxParent[c - 1] ? ctxToken[c - 1]! + ctxTokenDelta[c]! : ctxTokenDelta[c]!;
  }
  const offsets = new Uint32Array(numCtx + 1);
  for (let c = 0; c < numCtx; c++) offsets[c + 1] = offsets[c]! + runs[c]!;
  if (offsets[numCtx] !== header.entries) fail('corrupt model file (run lengths do not add up to the entries)');
  const tokens = new Uint32Array(header.entries);
  for (let c = 0; c < numCtx; c++) {
    for (let p = offsets[c]!; p < offsets[c + 1]!; p++) {
      const sameRun = p > offsets[c]! && counts[p] === counts[p - 1];
      tokens[p] = sameRun ? tokens[p - 1]! + tokenDelta[p]! : tokenDelta[p]!;
    }
  }
  const tables: NgramTables = {
    order: header.order,
    vocabSize: header.vocabSize,
    ctxParent,
    ctxToken,
    offsets,
    tokens,
    counts,
    discounts: Float64Array.from(header.discounts),
  };
  try {
    checkNgramTables(tables);
  } catch (error) {
    fail(`corrupt model file (${(error as Error).message})`);
  }

  let tokenizer = options.tokenizer;
  if (tokenizer === undefined) {
    try {
      tokenizer = await getTokenizer(header.tokenizer.name);
    } catch (error) {
      return fail(`cannot load its tokenizer ${header.tokenizer.name} (${(error as Error).message}); pass the tokenizer explicitly`);
    }
  }
  assertSameTokenizer(header.tokenizer, tokenizer.identity(), `model ${file}`);
  return new NgramModel({ tables, tokenizer, name: header.name, sources: header.sources });
}

function checkHeader(h: ModelFileHeader, fail: (message: string) => never): void {
  const bad = (what: string) => fail(`corrupt model file (header field ${what})`);
  if (typeof h !== 'object' || h === null || h.format !== 'tracemark.ngram-model') bad('format');
  if (typeof h.name !== 'string') bad('name');
  if (!Number.isInteger(h.order) || h.order < 2 || h.order > 6) bad('order');
  if (!Number.isInteger(h.vocabSize) || h.vocabSize < 1) bad('vocabSize');
  const id = h.tokenizer as Partial<TokenizerIdentity> | undefined;
  if (typeof id !== 'object' || id === null || typeof id.name !== 'string' || typeof id.hash !== 'string' || id.vocabSize !== h.vocabSize)
    bad('tokenizer');
  if (!Array.isArray(h.discounts) || h.discounts.length !== 3 * h.order || !h.discounts.every((d) => typeof d === 'number')) bad('discounts');
  if (!Array.isArray(h.sources) || !h.sources.every((s) => typeof s?.name === 'string' && Number.isInteger(s.tokens))) bad('sources');
  if (!Number.isInteger(h.contexts) || h.contexts < 1 || !Number.isInteger(h.entries) || h.entries < 1) bad('contexts/entries');
  if (!Array.isArray(h.sections) || h.sections.length !== SECTION_NAMES.length) bad('sections');
  for (const s of h.sections) if (!Number.isInteger(s?.bytes) || s.bytes < 0) bad('sections');
}

/** LEB128: 7 bits per byte, high bit set on all but the last byte of a value. */
function encodeVarints(values: Uint32Array): Uint8Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    n += v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x20_0000 ? 3 : v < 0x1000_0000 ? 4 : 5;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i]!;
    while (v >= 0x80) {
      out[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[at++] = v;
  }
  return out;
}

/** Decode exactly `count` LEB128 values filling `bytes`, or null if they do not. */
function decodeVarints(bytes: Uint8Array, count: number): Uint32Array | null {
  const out = new Uint32Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length || shift > 28) return null;
      const b = bytes[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    if (v > 0xffff_ffff) return null;
    out[i] = v;
  }
  return at === bytes.length ? out : null;
}
