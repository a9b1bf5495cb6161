/**
 * OpenAI `stop` semantics on streamed text: generation ends at the first occurrence of any stop
 * string, which is not part of the output. While streaming, the longest tail of the text that
 * could still grow into a stop string is held back, so no client ever sees the start of a stop
 * string that later completes. O(Σ stop lengths²) per piece; at most 4 stops are allowed.
 */

export class StopSequences {
  private held = '';

  constructor(private readonly stops: readonly string[]) {}

  /** Feed new text; returns the text now safe to emit, and whether a stop string was reached. */
  push(piece: string): { readonly text: string; readonly stopped: boolean } {
    if (this.stops.length === 0) return { text: piece, stopped: false };
    const buf = this.held + piece;
    let at = -1;
    for (const s of this.stops) {
      const i = buf.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    if (at >= 0) {
      this.held = '';
      return { text: buf.slice(0, at), stopped: true };
    }
    let hold = 0;
    for (const s of this.stops) {
      for (let k = Math.min(s.length - 1, buf.length); k > hold; k--) {
        if (buf.endsWith(s.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    this.held = buf.slice(buf.length - hold);
    return { text: buf.slice(0, buf.length - hold), stopped: false };
  }

  /** The held-back tail, at the end of a generation that hit no stop string. */
  flush(): string {
    const t = this.held;
    this.held = '';
    return t;
  }
}
