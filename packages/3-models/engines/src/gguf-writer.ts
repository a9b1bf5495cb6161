/**
 * A minimal writer for GGUF version 3, the file format llama.cpp (and so node-llama-cpp) loads
 * models from (spec: ggml-org/ggml, docs/gguf.md). It exists so tests can build a real model file
 * themselves: no weights can be downloaded here. It writes metadata key/values of every scalar
 * type, arrays of scalars or strings, and F32 tensors; quantised tensor types are out of scope.
 *
 * Layout written (all integers little-endian):
 *
 *     "GGUF" ‖ u32 version=3 ‖ u64 tensorCount ‖ u64 metadataCount
 *     metadata:    string key ‖ u32 valueType ‖ value                     (× metadataCount)
 *     tensor info: string name ‖ u32 nDims ‖ u64 ne[nDims] ‖ u32 ggmlType ‖ u64 offset (× tensorCount)
 *     zero padding to `alignment`, then each tensor's data at `offset`, each padded to `alignment`
 *
 * where a string is u64 byteLength ‖ UTF-8 bytes (no terminator) and `offset` is relative to the
 * start of the data section.
 */

export const GGUF_MAGIC = 0x4655_4747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
/** llama.cpp's default when `general.alignment` is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types (gguf.md, `gguf_metadata_value_type`). */
export const GgufValueType = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export type GgufScalarType = Exclude<keyof typeof GgufValueType, 'array'>;

/** One metadata entry. 64-bit integers take a `bigint`; every other number type a `number`. */
export type GgufMetadataValue =
  | { readonly type: Exclude<GgufScalarType, 'string' | 'bool' | 'u64' | 'i64'>; readonly value: number }
  | { readonly type: 'u64' | 'i64'; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | {
      readonly type: 'array';
      readonly itemType: GgufScalarType;
      readonly value: ArrayLike<number> | ReadonlyArray<string | boolean | bigint>;
    };

/**
 * An F32 tensor. `shape` is in ggml order: `shape[0]` (ne0) is the contiguous dimension, so a
 * matrix llama.cpp declares as `{n_embd, n_vocab}` has `shape: [nEmbd, nVocab]` and `data` holds
 * `nVocab` rows of `nEmbd` floats.
 */
export interface GgufTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface GgufFile {
  /** Written in the given order. Add `general.alignment` (u32) to change the alignment. */
  readonly metadata: ReadonlyArray<readonly [key: string, value: GgufMetadataValue]>;
  readonly tensors: readonly GgufTensor[];
}

const GGML_TYPE_F32 = 0;
const utf8 = new TextEncoder();

/** Append-only little-endian byte buffer that doubles its capacity as needed. */
class ByteSink {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < at + n) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = at + n;
    return at;
  }

  // Each writer reserves before it touches `bytes`/`view`: reserving may replace both.
  u8(v: number): void { const at = this.reserve(1); this.view.setUint8(at, v); }
  i8(v: number): void { const at = this.reserve(1); this.view.setInt8(at, v); }
  u16(v: number): void { const at = this.reserve(2); this.view.setUint16(at, v, true); }
  i16(v: number): void { const at = this.reserve(2); this.view.setInt16(at, v, true); }
  u32(v: number): void { const at = this.reserve(4); this.view.setUint32(at, v, true); }
  i32(v: number): void { const at = this.reserve(4); this.view.setInt32(at, v, true); }
  f32(v: number): void { const at = this.reserve(4); this.view.setFloat32(at, v, true); }
  f64(v: number): void { const at = this.reserve(8); this.view.setFloat64(at, v, true); }
  u64(v: bigint): void { const at = this.reserve(8); this.view.setBigUint64(at, v, true); }
  i64(v: bigint): void { const at = this.reserve(8); this.view.setBigInt64(at, v, true); }

  raw(src: Uint8Array): void { const at = this.reserve(src.length); this.bytes.set(src, at); }

  string(s: string): void {
    const encoded = utf8.encode(s);
    this.u64(BigInt(encoded.length));
    this.raw(encoded);
  }

  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    const at = this.reserve(pad);
    this.bytes.fill(0, at, this.length);
  }

  finish(): Uint8Array { return this.bytes.slice(0, this.length); }
}

function fail(message: string): never {
  throw new TypeError(`encodeGguf: ${message}`);
}

function writeScalar(sink: ByteSink, type: GgufScalarType, value: unknown, where: string): void {
  const number = (): number => {
    if (typeof value !== 'number' || Number.isNaN(value)) fail(`${where}: expected a number for ${type}, got ${String(value)}`);
    if (type !== 'f32' && type !== 'f64' && !Number.isInteger(value)) fail(`${where}: expected an integer for ${type}, got ${value}`);
    return value;
  };
  const big = (): bigint => (typeof value === 'bigint' ? value : fail(`${where}: expected a bigint for ${type}, got ${typeof value}`));
  switch (type) {
    case 'u8': return sink.u8(number());
    case 'i8': return sink.i8(number());
    case 'u16': return sink.u16(number());
    case 'i16': return sink.i16(number());
    case 'u32': return sink.u32(number());
    case 'i32': return sink.i32(number());
    case 'f32': return sink.f32(number());
    case 'f64': return sink.f64(number());
    case 'u64': return sink.u64(big());
    case 'i64': return sink.i64(big());
    case 'bool':
      if (typeof value !== 'boolean') fail(`${where}: expected a boolean, got ${typeof value}`);
      return sink.u8(value ? 1 : 0);
    case 'string':
      if (typeof value !== 'string') fail(`${where}: expected a string, got ${typeof value}`);
      return sink.string(value);
    default:
      fail(`${where}: unknown value type ${String(type)}`);
  }
}

/**
 * Encode a GGUF v3 file.
 *
 * @throws TypeError when a value does not match its declared type, a tensor's data length is not
 *   the product of its shape, a tensor name repeats, or the alignment is not a positive multiple of 8.
 * @example
 * const bytes = encodeGguf({
 *   metadata: [['general.architecture', { type: 'string', value: 'llama' }]],
 *   tensors: [{ name: 'output_norm.weight', shape: [4], data: new Float32Array(4).fill(1) }],
 * });
 * bytes.length; // 160: 24 header + 45 metadata + 47 tensor info, padded to 128, + 32 data
 */
export function encodeGguf(file: GgufFile): Uint8Array {
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  for (const [key, entry] of file.metadata) {
    if (key === 'general.alignment') {
      if (entry.type !== 'u32' || entry.value <= 0 || entry.value % 8 !== 0) fail('general.alignment must be a u32 multiple of 8');
      alignment = entry.value;
    }
  }

  const sink = new ByteSink();
  sink.u32(GGUF_MAGIC);
  sink.u32(GGUF_VERSION);
  sink.u64(BigInt(file.tensors.length));
  sink.u64(BigInt(file.metadata.length));

  for (const [key, entry] of file.metadata) {
    sink.string(key);
    sink.u32(GgufValueType[entry.type]);
    if (entry.type === 'array') {
      if (!(entry.itemType in GgufValueType) || (entry.itemType as string) === 'array') fail(`${key}: unsupported array item type ${String(entry.itemType)}`);
      sink.u32(GgufValueType[entry.itemType]);
      sink.u64(BigInt(entry.value.length));
      for (let i = 0; i < entry.value.length; i++) writeScalar(sink, entry.itemType, entry.value[i], `${key}[${i}]`);
    } else {
      writeScalar(sink, entry.type, entry.value, key);
    }
  }

  const names = new Set<string>();
  let offset = 0;
  for (const tensor of file.tensors) {
    if (names.has(tensor.name)) fail(`duplicate tensor name ${tensor.name}`);
    names.add(tensor.name);
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.shape.length === 0 || tensor.shape.length > 4 || tensor.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      fail(`${tensor.name}: shape must be 1–4 positive integers, got [${tensor.shape.join(', ')}]`);
    }
    if (tensor.data.length !== count) fail(`${tensor.name}: ${tensor.data.length} values for shape [${tensor.shape.join(', ')}] (${count})`);
    sink.string(tensor.name);
    sink.u32(tensor.shape.length);
    for (const d of tensor.shape) sink.u64(BigInt(d));
    sink.u32(GGML_TYPE_F32);
    sink.u64(BigInt(offset));
    offset += Math.ceil((count * 4) / alignment) * alignment;
  }

  sink.padTo(alignment);
  const le = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  for (const tensor of file.tensors) {
    if (le) {
      sink.raw(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    } else {
      for (const v of tensor.data) sink.f32(v);
    }
    sink.padTo(alignment);
  }
  return sink.finish();
}
