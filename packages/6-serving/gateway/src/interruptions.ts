/**
 * The two ways a request ends without an answer of its own: the client went away (nothing more can
 * be sent, so nothing is), or the generation ran past `limits.generationTimeoutMs` (504, or an error
 * event on a stream). Both travel as an `AbortSignal`'s reason as well as thrown errors, so the
 * handler tells them apart by type.
 */

/** The client closed the connection (or the gateway shut down under it). */
export class ClientGone extends Error {
  override name = 'ClientGone';
}

/** The generation exceeded `limits.generationTimeoutMs`. */
export class GenerationTimeout extends Error {
  override name = 'GenerationTimeout';
}
