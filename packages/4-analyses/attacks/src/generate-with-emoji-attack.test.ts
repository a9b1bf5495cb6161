import { createDetector, createWatermarker, generateKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceModel, type ReferenceModel } from './testing.ts';
import { generateWithEmojiAttack, removeEmoji } from './generate-with-emoji-attack.ts';
import { generate } from '@tracemark/models';

let ref: ReferenceModel;
beforeAll(async () => {
  ref = await referenceModel(8);
});

const EMOJI = /\p{Extended_Pictographic}/gu;

describe('generateWithEmojiAttack', () => {
  it('writes an emoji after every word, and removing them leaves exactly the generated text', () => {
    const r = generateWithEmojiAttack(ref.model, { prompt: ref.prompts[1]!, maxTokens: 120, seed: 1 });
    expect(r.tokens).toHaveLength(120);
    expect(r.text).toBe(ref.tokenizer.decode(r.tokens));
    expect(removeEmoji(r.withEmoji)).toBe(r.text);
    const emojis = r.withEmoji.match(EMOJI)?.length ?? 0;
    expect(emojis).toBe(r.stats.changed);
    expect(r.stats).toMatchObject({ unit: 'word', rate: 1 });
    // Every word boundary the model wrote got an emoji: about one per word.
    const words = r.text.match(/[\p{L}\p{N}]+/gu)!.length;
    expect(emojis).toBeGreaterThan(0.7 * words);
    expect(r.withEmoji).toMatch(/\p{L} \p{Extended_Pictographic}/u);
  });

  it('takes a strength: the share of word ends followed by an emoji', () => {
    const half = generateWithEmojiAttack(ref.model, { prompt: ref.prompts[2]!, maxTokens: 300, seed: 2, strength: 0.5 });
    expect(Math.abs(half.stats.rate - 0.5)).toBeLessThan(0.12);
    const none = generateWithEmojiAttack(ref.model, { prompt: ref.prompts[2]!, maxTokens: 50, seed: 2, strength: 0 });
    expect(none.withEmoji).toBe(none.text);
    expect(generateWithEmojiAttack(ref.model, { prompt: ref.prompts[2]!, maxTokens: 50, seed: 2 })).toEqual(
      generateWithEmojiAttack(ref.model, { prompt: ref.prompts[2]!, maxTokens: 50, seed: 2 }),
    );
  });

  it('breaks KGW h=1: the attacked text loses most of its evidence, the text with emojis keeps it', () => {
    const key = generateKey({ scheme: 'kgw', tokenizer: ref.tokenizer.identity(), params: { context: 1 }, secret: new Uint8Array(32).fill(5), createdAt: new Date(0) });
    const watermarker = createWatermarker(key);
    const detector = createDetector(key, { tokenizer: ref.tokenizer });
    const plain: number[] = [];
    const attacked: number[] = [];
    for (let s = 0; s < 6; s++) {
      const prompt = ref.prompts[10 + s]!;
      const clean = generate(ref.model, { prompt, maxTokens: 200, seed: s, watermarker });
      plain.push(detector.detect(ref.tokenizer.decode(clean.tokens)).aggregate.log10PValue);
      const r = generateWithEmojiAttack(ref.model, { prompt, maxTokens: 200, seed: s, watermarker });
      attacked.push(detector.detect(r.text).aggregate.log10PValue);
      // With the emojis left in, the watermark is intact.
      expect(detector.detect(r.withEmoji).aggregate.log10PValue).toBeLessThan(-3);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length / 2]!;
    console.info(`emoji attack vs KGW h=1, 200 tokens: log10 p plain ${plain.map((x) => x.toFixed(1)).join(', ')}; attacked ${attacked.map((x) => x.toFixed(1)).join(', ')}`);
    expect(Math.max(...plain)).toBeLessThan(-3);
    // Tokens inside words and after punctuation keep their context, so some evidence survives; most does not.
    expect(median(attacked)).toBeGreaterThan(-3);
    expect(median(attacked)).toBeGreaterThan(median(plain) / 3);
  });

  it('removeEmoji strips emoji sequences and the space before them', () => {
    expect(removeEmoji('We 🚀 the 🙂 people 🎉.')).toBe('We the people.');
    expect(removeEmoji('family 👨‍👩‍👧 and 👍🏽 flag 🇫🇷 ok')).toBe('family and flag ok');
    expect(removeEmoji('I ❤️ it')).toBe('I it');
    expect(removeEmoji('no emoji here, © 2016 ACME™ ↔ ok')).toBe('no emoji here, © 2016 ACME™ ↔ ok');
  });
});
