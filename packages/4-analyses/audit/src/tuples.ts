/**
 * Tuple bookkeeping shared by the audit tests: the set of PRF inputs that occur in a body of text
 * (teacher data for the supervised filter; teacher-forced text whose own tuples must never be
 * scored), and a detection session over a scheme core.
 */
import { DetectionSession, type SchemeCore, TupleSet, windowIdentity } from '@tracemark/watermark';

/** Every PRF-input identity occurring in `docs` under `core`'s scheme. */
export function collectTuples(core: SchemeCore, docs: Iterable<Uint32Array>, into = new TupleSet(4096)): TupleSet {
  const id = new Uint32Array(2);
  for (const doc of docs) {
    for (let i = core.contextWidth; i < doc.length; i++) {
      core.scoreAt(doc, i, id);
      into.add(id[0]!, id[1]!);
    }
  }
  return into;
}

/** Every context window (h tokens, unkeyed identity) occurring in `docs`. */
export function collectWindows(h: number, docs: Iterable<Uint32Array>, into = new TupleSet(4096)): TupleSet {
  const id = new Uint32Array(2);
  for (const doc of docs) {
    for (let i = h; i < doc.length; i++) {
      windowIdentity(doc, i, h, id);
      into.add(id[0]!, id[1]!);
    }
  }
  return into;
}

export function createTupleSession(core: SchemeCore, alpha: number, restrictWindows?: TupleSet): DetectionSession {
  return new DetectionSession(core, undefined, { alpha, ...(restrictWindows ? { restrictWindows } : {}) });
}
