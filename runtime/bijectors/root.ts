// 1-D root finding for monotone non-decreasing g (planar / radial iterative inverses):
// bracket by doubling, then Newton steps safeguarded by bisection, in float64.
export function solveMonotone(
  g: (a: number) => number,
  dg: (a: number) => number,
  guess: number,
  lo0?: number,
): number {
  let lo = lo0 ?? guess - 1,
    hi = guess + 1;
  let step = 1;
  while (lo0 === undefined && g(lo) > 0) {
    step *= 2;
    lo = guess - step;
    if (step > 1e12) break;
  }
  step = 1;
  while (g(hi) < 0) {
    step *= 2;
    hi = guess + step;
    if (step > 1e12) break;
  }
  let a = Math.min(Math.max(guess, lo), hi);
  for (let it = 0; it < 200; it++) {
    const v = g(a);
    if (Math.abs(v) < 1e-13 * (1 + Math.abs(a))) break;
    if (v > 0) hi = a;
    else lo = a;
    const d = dg(a);
    let next = d > 0 ? a - v / d : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - a) < 1e-15 * (1 + Math.abs(a))) {
      a = next;
      break;
    }
    a = next;
  }
  return a;
}
