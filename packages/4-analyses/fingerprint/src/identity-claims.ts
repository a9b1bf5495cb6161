/**
 * Identity-claim extraction: which AI vendors a response names (as maker, model family or product).
 * Students copy their teacher's self-description — DeepSeek-V3 called itself ChatGPT in 5 of 8
 * tries in public reports — so "names the teacher's vendor" is a behaviour the identity test
 * counts. Patterns cover English and the names as written in Chinese and other scripts.
 */

export interface Vendor {
  /** Stable id used in reports and options (`openai`, `anthropic`, …). */
  readonly id: string;
  readonly name: string;
  /** Names that identify the vendor: company, model families, products. */
  readonly pattern: RegExp;
}

/**
 * Vendors and the names that identify them. Word boundaries keep "Meta" out of "metadata",
 * "OpenAI" out of "open air" and "Phi" out of "Philadelphia"; names that are ordinary English
 * words (Meta, Cohere, Command R) must be capitalised, Moonshot needs its "AI", and names that are
 * mostly ordinary words (Bard, Codex) are left out.
 */
export const VENDORS: readonly Vendor[] = [
  { id: 'openai', name: 'OpenAI', pattern: /\bopen\s?ai\b|\bchat\s?-?gpt|\bgpt-?(?:3(?:\.5)?|4(?:o|\.\d)?|5|4-turbo)\b|\bdall-?e\b/iu },
  { id: 'anthropic', name: 'Anthropic', pattern: /anthropic|\bclaude\b|クロード/iu },
  { id: 'google', name: 'Google', pattern: /\bgoogle\b|\bgemini\b|\bgemma\b|\bdeep\s?mind\b|\bpalm ?2\b|谷歌/iu },
  { id: 'meta', name: 'Meta', pattern: /\bMeta(?: AI| Platforms)?\b|\b(?:Llama|LLaMA|llama)\b/u },
  { id: 'deepseek', name: 'DeepSeek', pattern: /\bdeep\s?seek|深度求索/iu },
  { id: 'alibaba', name: 'Alibaba (Qwen)', pattern: /\bqwen|alibaba|tongyi|通义|千问|阿里/iu },
  { id: 'mistral', name: 'Mistral AI', pattern: /\bmistral\b|\bmixtral\b|\bcodestral\b/iu },
  { id: 'microsoft', name: 'Microsoft', pattern: /\bmicrosoft\b|\bcopilot\b|\bphi-[234]|微软/iu },
  { id: 'xai', name: 'xAI', pattern: /\bx\.?ai\b|\bgrok\b/iu },
  { id: 'cohere', name: 'Cohere', pattern: /\bCohere\b|\bCommand[- ]R\b/u },
  { id: 'baidu', name: 'Baidu', pattern: /\bbaidu\b|\bernie bot\b|文心|百度/iu },
  { id: 'moonshot', name: 'Moonshot AI', pattern: /\bmoonshot ai\b|\bkimi\b|月之暗面/iu },
  { id: 'zhipu', name: 'Zhipu AI', pattern: /zhipu|chatglm|\bglm-4|智谱/iu },
  { id: '01ai', name: '01.AI', pattern: /\b01\.ai\b|零一万物/iu },
];

const BY_ID = new Map(VENDORS.map((v) => [v.id, v]));

export function vendorById(id: string): Vendor | undefined {
  return BY_ID.get(id);
}

/**
 * The ids of the vendors a text names, in `VENDORS` order.
 *
 * @example
 * extractIdentityClaims('I am ChatGPT, a model trained by OpenAI.'); // ['openai']
 */
export function extractIdentityClaims(text: string): string[] {
  const t = text.normalize('NFKC');
  return VENDORS.filter((v) => v.pattern.test(t)).map((v) => v.id);
}
