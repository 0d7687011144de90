// Factorization orders: resolution (natural, reverse, random(seed), raster) and the proof
// that an order is a permutation of 0..D−1.
import { mulberry32, shuffledRange } from './rng.js';

export const naturalOrder = (D: number): number[] => Array.from({ length: D }, (_, i) => i);
export const reverseOrder = (D: number): number[] => Array.from({ length: D }, (_, i) => D - 1 - i);
/** Fisher–Yates driven by mulberry32(seed) */
export const randomOrder = (D: number, seed: number): number[] => shuffledRange(D, mulberry32(seed));

/**
 * Raster order over a [C, H, W] tensor flattened channels-first (index c·H·W + i·W + j):
 * row by row, and within a pixel R then G then B. `step[e]` is the prediction step of
 * element e: with `sequential` channels every element has its own step (= its position);
 * with `joint` channels all channels of a pixel share a step (they are predicted together,
 * so none may see another).
 */
export function rasterOrder(
  shape: readonly number[],
  channels: 'sequential' | 'joint',
): { order: number[]; step: number[] } {
  const [C, H, W] = shape.length === 3 ? (shape as [number, number, number]) : [1, 1, shape.reduce((a, b) => a * b, 1)];
  const order: number[] = [];
  const step = new Array<number>(C * H * W).fill(0);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++)
      for (let c = 0; c < C; c++) {
        const e = c * H * W + i * W + j;
        step[e] = channels === 'joint' ? i * W + j : order.length;
        order.push(e);
      }
  return { order, step };
}

export interface OrderProblem {
  kind: 'not-integer' | 'out-of-range' | 'duplicate' | 'missing' | 'length';
  /** the offending value (for missing: the absent value) */
  value: number;
  /** positions in the written order where the value occurs (empty for missing) */
  positions: number[];
}

export interface OrderCheck {
  ok: boolean;
  problems: OrderProblem[];
  /** how many values of 0..D−1 are missing (only the first MAX_LISTED are listed as problems) */
  missing: number;
}

/** missing values listed one by one; the rest are counted (D may be 4M for a 3-entry order) */
const MAX_LISTED = 8;

/** the fast path: one pass over a byte per value (the resolved orders of large images are always permutations) */
function isPermutation(values: readonly number[], D: number): boolean {
  if (values.length !== D) return false;
  const seen = new Uint8Array(D);
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v >= D || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

/** Is `values` a permutation of 0..D−1? Reports every problem precisely. */
export function verifyPermutation(values: readonly number[], D: number): OrderCheck {
  if (isPermutation(values, D)) return { ok: true, problems: [], missing: 0 };
  const problems: OrderProblem[] = [];
  if (values.length !== D) problems.push({ kind: 'length', value: values.length, positions: [] });
  const seen = new Map<number, number[]>();
  values.forEach((v, p) => {
    if (!Number.isInteger(v)) {
      problems.push({ kind: 'not-integer', value: v, positions: [p] });
      return;
    }
    if (v < 0 || v >= D) {
      problems.push({ kind: 'out-of-range', value: v, positions: [p] });
      return;
    }
    const ps = seen.get(v);
    if (ps) ps.push(p);
    else seen.set(v, [p]);
  });
  for (const [v, ps] of [...seen.entries()].sort((a, b) => a[0] - b[0])) {
    if (ps.length > 1) problems.push({ kind: 'duplicate', value: v, positions: ps });
  }
  let missing = 0;
  for (let v = 0; v < D; v++) {
    if (seen.has(v)) continue;
    if (missing++ < MAX_LISTED) problems.push({ kind: 'missing', value: v, positions: [] });
  }
  return { ok: problems.length === 0, problems, missing };
}

/** one line per problem, in the user's terms */
export function describeOrderProblems(problems: readonly OrderProblem[], D: number, missing?: number): string {
  const dup = problems.filter((p) => p.kind === 'duplicate');
  const miss = problems.filter((p) => p.kind === 'missing');
  const oor = problems.filter((p) => p.kind === 'out-of-range' || p.kind === 'not-integer');
  const len = problems.find((p) => p.kind === 'length');
  const parts: string[] = [];
  if (len) parts.push(`it has ${len.value} entries, expected ${D}`);
  if (dup.length)
    parts.push(
      dup.map((p) => `${p.value} appears ${p.positions.length} times (positions ${p.positions.join(', ')})`).join('; '),
    );
  if (oor.length)
    parts.push(oor.map((p) => `${p.value} at position ${p.positions[0]} is not in 0..${D - 1}`).join('; '));
  if (miss.length)
    parts.push(
      `missing ${listShort(
        miss.map((p) => p.value),
        missing,
      )}`,
    );
  return parts.join('; ');
}

function listShort(xs: number[], total = xs.length): string {
  return total <= 8 ? xs.join(', ') : `${xs.slice(0, 8).join(', ')}, … (${total} values)`;
}
