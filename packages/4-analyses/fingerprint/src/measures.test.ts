import { createRng } from '@tracemark/stats';
import { describe, expect, it } from 'vitest';
import { editSimilarity } from './edit-similarity.ts';
import { extractIdentityClaims } from './identity-claims.ts';
import { mmdSquared, mmdTest } from './mmd-test.ts';
import { matchRefusalTemplates } from './refusal-templates.ts';
import { spectrumKernel, spectrumVector } from './string-kernel.ts';
import { charNgrams, wordNgrams, wordTokens } from './text-features.ts';

describe('text features', () => {
  it('tokenises words with punctuation and builds n-gram bags', () => {
    expect(wordTokens("I'm ChatGPT, an AI.")).toEqual(["i'm", 'chatgpt', ',', 'an', 'ai', '.']);
    expect(wordNgrams('a b a b', 2, 2)).toEqual(new Map([['a b', 2], ['b a', 1]]));
    expect([...charNgrams('ab', 3, 3).keys()]).toEqual([' ab', 'ab ']);
  });
});

describe('edit similarity', () => {
  it('is 1 − Levenshtein / longer length', () => {
    expect(editSimilarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 15);
    expect(editSimilarity('', '')).toBe(1);
    expect(editSimilarity('abc', '')).toBe(0);
    expect(editSimilarity('  a   b ', 'a b')).toBe(1);
  });
});

describe('identity claims', () => {
  it.each([
    ['I am ChatGPT, a large language model trained by OpenAI.', ['openai']],
    ["I'm Claude, made by Anthropic.", ['anthropic']],
    ['我是通义千问，由阿里云开发。', ['alibaba']],
    ['Soy un modelo de DeepSeek.', ['deepseek']],
    ['I am Llama, built by Meta AI; not Gemini.', ['google', 'meta']],
    ['The open air of the metadata; the parts cohere; the bard sang.', []],
  ])('%s → %j', (text, vendors) => {
    expect(extractIdentityClaims(text)).toEqual(vendors);
  });
});

describe('refusal templates', () => {
  it('matches stock refusals and not ordinary answers', () => {
    expect(matchRefusalTemplates("I'm sorry, but I can't help with that.")).toEqual(['sorry-but-cant', 'cant-assist']);
    expect(matchRefusalTemplates('As an AI language model, I cannot provide medical advice.')).toContain('as-an-ai');
    expect(matchRefusalTemplates('Lo siento, no puedo ayudarte con eso.')).toEqual(['es-lo-siento']);
    expect(matchRefusalTemplates('Sure! Here is a poem about the sea.')).toEqual([]);
  });
});

describe('string kernel and MMD', () => {
  it('the spectrum kernel is a cosine: 1 on itself, symmetric, 0 on disjoint texts', () => {
    const a = spectrumVector('the sea is calm tonight');
    const b = spectrumVector('the sea was rough');
    expect(spectrumKernel(a, a)).toBeCloseTo(1, 12);
    expect(spectrumKernel(a, b)).toBeCloseTo(spectrumKernel(b, a), 15);
    expect(spectrumKernel(a, spectrumVector('xyzzy qqq'))).toBe(0);
  });

  it('MMD² is ~0 for identical sets and positive for different ones', () => {
    const x = ['the cat sat on the mat', 'the cat sat on a mat', 'a cat sat on the mat'].map(spectrumVector);
    const y = ['market prices rose sharply', 'market prices rose again', 'market prices fell sharply'].map(spectrumVector);
    expect(mmdSquared(x, y)).toBeGreaterThan(0.5);
    expect(mmdSquared(x, y)).toBeLessThanOrEqual(mmdSquared(x, y, false));
    expect(mmdSquared(x, x, false)).toBeCloseTo(0, 12);
  });

  it('the permutation test rejects different models and is valid for equal ones', () => {
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' ');
    const random = createRng(11);
    const sample = (vocab: string[]) => Array.from({ length: 6 }, () => vocab[Math.floor(random() * vocab.length)]).join(' ');
    const groups = (a: string[], b: string[]) =>
      Array.from({ length: 20 }, () => ({ x: [sample(a), sample(a)].map(spectrumVector), y: [sample(b), sample(b)].map(spectrumVector) }));
    expect(mmdTest(groups(words.slice(0, 6), words.slice(6)), { permutations: 199 }).pValue.pValue).toBeLessThanOrEqual(0.01);
    // Under H0 the permutation p-value is uniform: over 40 runs at α = 0.1 about 4 rejections.
    let rejections = 0;
    for (let r = 0; r < 40; r++) if (mmdTest(groups(words, words), { permutations: 99, seed: r }).pValue.pValue <= 0.1) rejections++;
    expect(rejections).toBeLessThanOrEqual(10); // binomial(40, 0.1) 99.9% upper bound is 11
  });
});
