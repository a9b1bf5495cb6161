import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGguf, GGUF_MAGIC, type GgufFile } from './gguf-writer.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-gguf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Parse with node-llama-cpp's own GGUF reader: an implementation independent of the writer. */
async function parse(bytes: Uint8Array, name: string) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
}

const EVERY_TYPE: GgufFile = {
  metadata: [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['test.u8', { type: 'u8', value: 250 }],
    ['test.i8', { type: 'i8', value: -120 }],
    ['test.u16', { type: 'u16', value: 65000 }],
    ['test.i16', { type: 'i16', value: -32000 }],
    ['test.u32', { type: 'u32', value: 4_000_000_000 }],
    ['test.i32', { type: 'i32', value: -2_000_000_000 }],
    ['test.f32', { type: 'f32', value: 0.5 }],
    ['test.f64', { type: 'f64', value: Math.PI }],
    ['test.u64', { type: 'u64', value: 2n ** 40n + 3n }],
    ['test.i64', { type: 'i64', value: -(2n ** 40n) }],
    ['test.bool', { type: 'bool', value: true }],
    ['test.unicode', { type: 'string', value: '▁whale — 鯨' }],
    ['test.strings', { type: 'array', itemType: 'string', value: ['a', '', '<0x0A>'] }],
    ['test.floats', { type: 'array', itemType: 'f32', value: Float32Array.of(1.5, -2.25) }],
    ['test.ints', { type: 'array', itemType: 'i32', value: Int32Array.of(-1, 0, 7) }],
  ],
  tensors: [
    { name: 'a.weight', shape: [3], data: Float32Array.of(1, 2, 3) },
    { name: 'b.weight', shape: [2, 5], data: Float32Array.from({ length: 10 }, (_, i) => i / 4) },
  ],
};

describe('encodeGguf', () => {
  it('writes the GGUF v3 header: magic, version, tensor and metadata counts', () => {
    const bytes = encodeGguf(EVERY_TYPE);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('GGUF');
    expect(view.getUint32(0, true)).toBe(GGUF_MAGIC);
    expect(view.getUint32(4, true)).toBe(3);
    expect(view.getBigUint64(8, true)).toBe(2n);
    expect(view.getBigUint64(16, true)).toBe(BigInt(EVERY_TYPE.metadata.length));
  });

  it('round-trips every metadata type through node-llama-cpp\'s reader', async () => {
    const info = await parse(encodeGguf(EVERY_TYPE), 'types.gguf');
    expect(info.version).toBe(3);
    const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
    expect(test).toMatchObject({
      u8: 250, i8: -120, u16: 65000, i16: -32000, u32: 4_000_000_000, i32: -2_000_000_000,
      f32: 0.5, f64: Math.PI, bool: true, unicode: '▁whale — 鯨', strings: ['a', '', '<0x0A>'], floats: [1.5, -2.25], ints: [-1, 0, 7],
    });
    expect(BigInt(test.u64 as bigint)).toBe(2n ** 40n + 3n);
    expect(BigInt(test.i64 as bigint)).toBe(-(2n ** 40n));
  });

  it('places tensor data at aligned offsets with ggml dimension order', async () => {
    const bytes = encodeGguf(EVERY_TYPE);
    const info = await parse(bytes, 'tensors.gguf');
    const tensors = info.tensorInfo!;
    expect(tensors.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType, Number(t.offset)])).toEqual([
      ['a.weight', [3], 0, 0],
      ['b.weight', [2, 5], 0, 32], // 12 bytes of a.weight padded to the default alignment of 32
    ]);
    for (const [t, source] of tensors.map((t, i) => [t, EVERY_TYPE.tensors[i]!] as const)) {
      const at = Number(t.fileOffset);
      expect(at % 32).toBe(0);
      expect(new Float32Array(bytes.slice(at, at + source.data.byteLength).buffer)).toEqual(source.data);
    }
    expect(bytes.length).toBe(Number(tensors[1]!.fileOffset) + 64); // 40 bytes padded to 64
  });

  it('honours general.alignment', async () => {
    const file: GgufFile = {
      metadata: [['general.alignment', { type: 'u32', value: 64 }]],
      tensors: [
        { name: 'x', shape: [1], data: Float32Array.of(1) },
        { name: 'y', shape: [1], data: Float32Array.of(2) },
      ],
    };
    const info = await parse(encodeGguf(file), 'aligned.gguf');
    expect(info.tensorInfo!.map((t) => Number(t.offset))).toEqual([0, 64]);
    expect(info.tensorInfo!.every((t) => Number(t.fileOffset) % 64 === 0)).toBe(true);
  });

  it('matches the size stated in its documentation example', () => {
    const bytes = encodeGguf({
      metadata: [['general.architecture', { type: 'string', value: 'llama' }]],
      tensors: [{ name: 'output_norm.weight', shape: [4], data: new Float32Array(4).fill(1) }],
    });
    expect(bytes.length).toBe(160);
  });

  it('grows its buffer past the initial 64 KiB without corrupting data', async () => {
    const data = Float32Array.from({ length: 20_000 }, (_, i) => i); // 80 kB: past the initial 64 KiB
    const bytes = encodeGguf({ metadata: [], tensors: [{ name: 'big', shape: [200, 100], data }] });
    const info = await parse(bytes, 'big.gguf');
    const at = Number(info.tensorInfo![0]!.fileOffset);
    expect(new Float32Array(bytes.slice(at, at + data.byteLength).buffer)).toEqual(data);
  });

  it.each([
    ['a data length that is not the product of the shape', { metadata: [], tensors: [{ name: 't', shape: [2, 2], data: new Float32Array(3) }] }, /3 values for shape \[2, 2\]/],
    ['a repeated tensor name', { metadata: [], tensors: [{ name: 't', shape: [1], data: new Float32Array(1) }, { name: 't', shape: [1], data: new Float32Array(1) }] }, /duplicate tensor name t/],
    ['a zero dimension', { metadata: [], tensors: [{ name: 't', shape: [0], data: new Float32Array(0) }] }, /shape must be/],
    ['a string where a u32 belongs', { metadata: [['k', { type: 'u32', value: '3' }]], tensors: [] }, /k: expected a number for u32/],
    ['a fraction where an integer belongs', { metadata: [['k', { type: 'i32', value: 1.5 }]], tensors: [] }, /k: expected an integer for i32/],
    ['a number where a u64 belongs', { metadata: [['k', { type: 'u64', value: 1 }]], tensors: [] }, /k: expected a bigint/],
    ['a bad array item', { metadata: [['k', { type: 'array', itemType: 'string', value: ['a', 2] }]], tensors: [] }, /k\[1\]: expected a string/],
    ['an alignment that is not a multiple of 8', { metadata: [['general.alignment', { type: 'u32', value: 12 }]], tensors: [] }, /general.alignment/],
  ])('rejects %s', (_, file, message) => {
    expect(() => encodeGguf(file as unknown as GgufFile)).toThrow(message);
  });
});
