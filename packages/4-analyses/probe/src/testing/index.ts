/**
 * Test helpers of @tracemark/probe: an OpenAI-compatible server on loopback with fault injection,
 * and a responder that serves the reference n-gram models through it.
 */
export {
  type ChatCompletionOutput,
  type ChatCompletionRequest,
  ChatHttpError,
  type ChatMessage,
  type ChatResponder,
  type Fault,
  startOpenAiTestServer,
  type TestServer,
  type TestServerOptions,
  type TokenLogprob,
} from './openai-test-server.ts';
export { echoResponder } from './echo-responder.ts';
export { smallSuite } from './small-suite.ts';
export { generateContinuation, type GenerateOptions, type Generation, ngramResponder, type NgramResponderOptions } from './ngram-responder.ts';
export {
  DISTILLATION_PROMPTS,
  type DistillationPanel,
  type DistillationPanelOptions,
  INDEPENDENT_PERSONAS,
  type PanelModel,
  type Persona,
  personaDocuments,
  STUDENT_PERSONA,
  TEACHER_PERSONA,
  trainDistillationPanel,
} from './distillation-panel.ts';
