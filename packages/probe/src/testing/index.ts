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
export { generateContinuation, type GenerateOptions, type Generation, ngramResponder, type NgramResponderOptions } from './ngram-responder.ts';
