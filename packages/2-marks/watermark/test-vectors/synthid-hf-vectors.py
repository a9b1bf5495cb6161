#!/usr/bin/env python3
"""Test vectors for tracemark's synthid-hf detector (packages/2-marks/watermark/src/synthid-hf.ts).

PROVENANCE: these vectors were NOT produced by Hugging Face transformers or PyTorch (neither is
installed where they were made). They come from this script: a second, independent
implementation of the algorithm published in transformers' SynthIDTextWatermarkLogitsProcessor
(src/transformers/generation/logits_process.py: accumulate_hash, compute_ngram_keys,
sample_g_values, compute_g_values, compute_context_repetition_mask) and of PyTorch's CPU
`torch.randint(0, 2, (size,), generator=torch.Generator().manual_seed(seed))` (MT19937 seeded
with init_genrand, one 32-bit word per element reduced mod 2: ATen's
uniform_int_from_to_distribution). It uses Python's unbounded integers with explicit signed
64-bit wrap-around and Python's floor `%`, the semantics of torch int64 tensors, and the full
64-bit arithmetic for every size, whereas the TypeScript uses a 32-bit shortcut: agreement checks
both. Run: python3 synthid-hf-vectors.py > synthid-hf.json
"""
import hashlib
import json

MULT = 6364136223846793005
MASK64 = (1 << 64) - 1


def to_int64(x):
    x &= MASK64
    return x - (1 << 64) if x >= (1 << 63) else x


def mt19937_stream(seed):
    mt = [0] * 624
    mt[0] = seed & 0xFFFFFFFF
    for i in range(1, 624):
        mt[i] = (1812433253 * (mt[i - 1] ^ (mt[i - 1] >> 30)) + i) & 0xFFFFFFFF
    idx = 624
    while True:
        if idx >= 624:
            for i in range(624):
                y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7FFFFFFF)
                mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            idx = 0
        y = mt[idx]
        idx += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        yield y & 0xFFFFFFFF


def sampling_table(size, seed):
    gen = mt19937_stream(seed)
    return [next(gen) % 2 for _ in range(size)]


def accumulate(h, data):
    for x in data:
        h = to_int64(h + x)
        h = to_int64(h * MULT)
        h = to_int64(h + 1)
    return h


def g_values(ids, n, keys, table):
    rows = []
    for r in range(len(ids) - n + 1):
        h = accumulate(1, ids[r:r + n])
        rows.append([table[accumulate(h, [k]) % len(table)] for k in keys])
    return rows


def context_mask(ids, n, history_size):
    history = [0] * history_size
    out = []
    contexts = ids[:-1]
    for r in range(len(contexts) - (n - 1) + 1):
        h = accumulate(1, contexts[r:r + n - 1])
        out.append(0 if h in history else 1)
        history = [h] + history[:-1]
    return out


def main():
    gen = mt19937_stream(5489)
    for _ in range(9999):
        next(gen)
    mt_10000th = next(gen)
    gen0 = mt19937_stream(0)
    default_table = sampling_table(2 ** 16, 0)
    hf_doc_keys = [654, 400, 836, 123, 340, 443, 597, 160, 57, 29, 590, 639, 13, 715, 468, 990, 966, 226, 324,
                   585, 118, 504, 421, 521, 129, 669, 732, 225, 90, 960]
    ids_a = [128000, 791, 4062, 14198, 39935, 35308, 927, 279, 16053, 5679, 13, 578, 4062, 14198, 39935, 35308,
             927, 279, 16053, 5679, 13, 199998, 65536, 65537, 0, 1, 2, 3, 4, 5]
    cases = [
        {"ngramLen": 5, "keys": hf_doc_keys, "samplingTableSize": 2 ** 16, "samplingTableSeed": 0,
         "contextHistorySize": 1024, "ids": ids_a},
        {"ngramLen": 3, "keys": [-1, 2 ** 63 - 1, -(2 ** 63), 12345678901234567, 7],
         "samplingTableSize": 1024, "samplingTableSeed": 42, "contextHistorySize": 4,
         "ids": [5, 6, 7, 5, 6, 8, 5, 6, 7, 9, 10, 5, 6, 7, 4294967295, 70000, 5, 6]},
        {"ngramLen": 2, "keys": [1, 2], "samplingTableSize": 2, "samplingTableSeed": 2 ** 40 + 3,
         "contextHistorySize": 1024, "ids": [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]},
    ]
    out_cases = []
    for c in cases:
        table = sampling_table(c["samplingTableSize"], c["samplingTableSeed"])
        out_cases.append({**c, "keys": [str(k) for k in c["keys"]],
                          "gValues": g_values(c["ids"], c["ngramLen"], c["keys"], table),
                          "contextMask": context_mask(c["ids"], c["ngramLen"], c["contextHistorySize"]),
                          "contextHashes": [str(accumulate(1, c["ids"][r:r + c["ngramLen"] - 1]))
                                            for r in range(len(c["ids"]) - c["ngramLen"] + 1)]})
    doc = {
        "provenance": "Independent Python implementation of the algorithm published in Hugging Face transformers' "
                      "SynthIDTextWatermarkLogitsProcessor and PyTorch's CPU randint; NOT produced by transformers "
                      "or PyTorch. Generator: synthid-hf-vectors.py in this folder.",
        "mt19937": {"seed5489_10000th": mt_10000th, "seed0_first5": [next(gen0) for _ in range(5)]},
        "defaultTable": {"size": 2 ** 16, "seed": 0, "ones": sum(default_table),
                         "sha256": hashlib.sha256(bytes(default_table)).hexdigest(), "first64": default_table[:64]},
        "cases": out_cases,
    }
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
