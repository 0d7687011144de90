// Small deterministic generators for data sets. Kept here (not runtime/rng.ts) because the data
// files of the benchmark workloads are defined by exactly these recipes.
import { mulberry32 } from '../../compiler/math/rng.js';

/** mulberry32: a 32-bit state PRNG, uniform in [0, 1) (compiler/math/rng.ts) */
export { mulberry32 };

/** Box–Muller standard normal (one value per call, u1 taken as 1 − u so it is never 0). */
export function normalFrom(rand: () => number): () => number {
  return () => {
    const u1 = 1 - rand();
    const u2 = rand();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

/** In-place Fisher–Yates shuffle, i from the end down to 1, j = ⌊rand·(i+1)⌋. */
export function fisherYates<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}
