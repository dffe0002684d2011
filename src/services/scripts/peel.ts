// The fixed-point loop: every round applies each step of the language once; rounds repeat until the text stops
// changing, a round limit is reached, or the text outgrows the size limit (a decoding bomb) or the rounds kept
// together outgrow four times that, in which case the last text within the limits is kept.
import type { Transform } from './transform.js';

export interface Round {
  text: string;
  techniques: string[];
  /** Data was turned back into code in this round. */
  layer: boolean;
}

export interface PeelResult {
  final: string;
  rounds: Round[];
  /** Technique → how many times it was undone. */
  techniques: Map<string, number>;
  layers: number;
  stopped?: 'rounds' | 'size';
}

export interface PeelLimits {
  maxRounds: number;
  maxSize: number;
  signal?: AbortSignal;
}

export function peel(text: string, steps: Transform[], limits: PeelLimits): PeelResult {
  const techniques = new Map<string, number>();
  const rounds: Round[] = [];
  let current = text;
  let layers = 0;
  let retained = 0;
  for (let i = 0; ; i++) {
    if (i >= limits.maxRounds) return { final: current, rounds, techniques, layers, stopped: 'rounds' };
    limits.signal?.throwIfAborted();
    const noted = new Map<string, number>();
    let layer = false;
    let next = current;
    for (const step of steps) {
      let out: string;
      try {
        out = step.apply(next, (t, isLayer) => {
          noted.set(t, (noted.get(t) ?? 0) + 1);
          if (isLayer) layer = true;
        });
      } catch (e) {
        // A string past the engine's limit or a stack too deep for one step leaves the text as that step found it.
        if (!(e instanceof RangeError)) throw e;
        out = next;
      }
      if (out.length > limits.maxSize) return { final: current, rounds, techniques, layers, stopped: 'size' };
      next = out;
    }
    if (next === current) break;
    // Every round's text is kept for the indicators it may hold; their total is bounded too.
    retained += next.length;
    if (retained > limits.maxSize * 4) return { final: current, rounds, techniques, layers, stopped: 'size' };
    for (const [t, n] of noted) techniques.set(t, (techniques.get(t) ?? 0) + n);
    if (layer) layers++;
    rounds.push({ text: next, techniques: [...noted.keys()], layer });
    current = next;
  }
  return { final: current, rounds, techniques, layers };
}
