/**
 * The simulated API's model menu and each model's output limit. Campaigns ask for the limit
 * (`max_tokens` at the model maximum harvests the longest reasoning); people rarely do.
 */
export interface SimulatedModel {
  readonly name: string;
  readonly maxOutputTokens: number;
}

export const MODELS = {
  mini: { name: 'tm-chat-mini', maxOutputTokens: 16_384 },
  chat: { name: 'tm-chat', maxOutputTokens: 16_384 },
  reasoner: { name: 'tm-reasoner', maxOutputTokens: 65_536 },
} as const satisfies Record<string, SimulatedModel>;

export type ModelId = keyof typeof MODELS;
