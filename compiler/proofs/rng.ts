// Seeded draws for masks and orders: mulberry32 (compiler/math/rng.ts), so masks and orders drawn
// from a seed are identical in every implementation.
import { mulberry32 } from '../math/rng.js';

export { mulberry32 };

/** uniform integer in [lo, hi] (inclusive) */
export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Fisher–Yates shuffle of 0..n-1 driven by `rng` (in place on a fresh array). */
export function shuffledRange(n: number, rng: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
