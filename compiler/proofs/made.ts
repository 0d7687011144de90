// MADE masks (Germain, Gregor, Murray & Larochelle 2015, eq. 12–13) and their proof.
// Masks are stored row = output unit, column = input unit: masks[0] is H1×D (input → h1),
// masks[l] is H(l+1)×H(l), the last one D×H(L) (h(L) → outputs). With no hidden layer the
// single mask is D×D (direct input → output).
// deg(d) = 1 + position of d in the order; hidden degrees m(k) ∈ 1..D−1;
// input→h1 M[k,d] = 1 iff m(k) ≥ deg(d); hidden→hidden M[k',k] = 1 iff m(k') ≥ m(k);
// hidden→output M[d,k] = 1 iff deg(d) > m(k).
import { mulberry32, randInt, shuffledRange } from './rng.js';

export type Connectivity = 'sequential' | { random: number };

export interface MadeSpec {
  /** order[t] = the dimension predicted at step t (a permutation of 0..D-1) */
  order: number[];
  hidden: number[];
  connectivity: Connectivity;
}

/** deg[d] = 1 + position of dimension d in the order */
export function orderDegrees(order: readonly number[]): number[] {
  const deg = new Array<number>(order.length).fill(0);
  order.forEach((d, t) => {
    deg[d] = t + 1;
  });
  return deg;
}

/** hidden degrees for every hidden layer */
export function hiddenDegrees(D: number, hidden: readonly number[], connectivity: Connectivity): number[][] {
  if (connectivity === 'sequential') {
    // WORKLOADS.md W2: m(k) = 1 + ⌊k·(D−1)/H⌋, identical for every hidden layer
    return hidden.map((H) => Array.from({ length: H }, (_, k) => 1 + Math.floor((k * Math.max(D - 1, 0)) / H)));
  }
  return randomDegrees(D, hidden, mulberry32(connectivity.random));
}

/**
 * Germain et al.'s random connectivity: m^l(k) ~ U{min_k' m^(l-1)(k'), ..., D−1}, with m^0 = input degrees
 * (min 1), drawn from `rng` (also the extra members of a MADE ensemble, runtime/ar/made.ts)
 */
export function randomDegrees(D: number, hidden: readonly number[], rng: () => number): number[][] {
  const out: number[][] = [];
  let lo = 1;
  for (const H of hidden) {
    const hi = Math.max(D - 1, lo);
    const m = Array.from({ length: H }, () => randInt(rng, lo, hi));
    out.push(m);
    if (H > 0) lo = m.reduce((a, b) => (b < a ? b : a), m[0]!); // no spread: H may be 10⁶
  }
  return out;
}

export function buildMadeMasks(spec: MadeSpec): number[][][] {
  return masksFromDegrees(orderDegrees(spec.order), hiddenDegrees(spec.order.length, spec.hidden, spec.connectivity));
}

/** the masks of input degrees `deg` and hidden degrees `mh` (eq. 12–13) */
export function masksFromDegrees(deg: readonly number[], mh: readonly (readonly number[])[]): number[][][] {
  const masks: number[][][] = [];
  if (mh.length === 0) {
    masks.push(deg.map((dOut) => deg.map((dIn) => (dOut > dIn ? 1 : 0))));
    return masks;
  }
  masks.push(mh[0]!.map((mk) => deg.map((dd) => (mk >= dd ? 1 : 0))));
  for (let l = 1; l < mh.length; l++) {
    const prev = mh[l - 1]!;
    masks.push(mh[l]!.map((mk2) => prev.map((mk) => (mk2 >= mk ? 1 : 0))));
  }
  const last = mh[mh.length - 1]!;
  masks.push(deg.map((dd) => last.map((mk) => (dd > mk ? 1 : 0))));
  return masks;
}

/** one mask set of an order/connectivity-agnostic MADE (Germain et al. §3.3–3.4) */
export interface MadeMember {
  order: number[];
  connectivity: Connectivity;
}

/**
 * The S·C mask sets of `made(orders: S, connectivities: C)`, member s·C + c: order 0 is the model's, order
 * s ≥ 1 is `random(s)` (shuffledRange with seed s, as the `random` order kind); connectivity 0 is the declared
 * one, c ≥ 1 is random(seed + c) with the declared random seed (0 for sequential). Member 0 is the IR's masks.
 */
export function madeMembers(order: readonly number[], S: number, C: number, connectivity: Connectivity): MadeMember[] {
  const D = order.length;
  const base = connectivity === 'sequential' ? 0 : connectivity.random;
  const out: MadeMember[] = [];
  for (let s = 0; s < S; s++) {
    const ord = s === 0 ? [...order] : shuffledRange(D, mulberry32(s));
    for (let c = 0; c < C; c++) out.push({ order: ord, connectivity: c === 0 ? connectivity : { random: base + c } });
  }
  return out;
}

/** the direct input → output mask of `made(direct: true)`, D×D: M[d][j] = 1 iff j comes before d in the order */
export function directMask(order: readonly number[]): number[][] {
  const deg = orderDegrees(order);
  return deg.map((dOut) => deg.map((dIn) => (dOut > dIn ? 1 : 0)));
}

/**
 * Replicate an output mask (D×H) for several outputs per dimension (MAF: μ and α → 2;
 * categorical: K). Layout is blocked: row p·D + d is output p of dimension d, so the
 * network output splits into `perDim` contiguous chunks of D.
 */
export function expandOutputMask(mask: number[][], perDim: number): number[][] {
  const out: number[][] = [];
  for (let p = 0; p < perDim; p++) for (const row of mask) out.push(row.slice());
  return out;
}

// ---------------------------------------------------------------- the proof

export interface MaskShapeError {
  layer: number;
  message: string;
}

export interface WitnessStep {
  layer: number;
  unit: number;
}

export interface ArViolation {
  /** the predicted dimension (its output row, modulo D) */
  output: number;
  /** output row in the last mask (differs from `output` when several outputs per dim) */
  outputRow: number;
  /** the input dimension that reaches it although it is not strictly earlier in the order */
  input: number;
  /** hidden units on a path input → … → output; layer is 1-based hidden layer */
  path: WitnessStep[];
}

export interface ArProof {
  ok: boolean;
  /** dependency relation: dep[d][j] = output d (any of its rows) is reached by input j */
  dependency: boolean[][];
  violations: ArViolation[];
  shapeErrors: MaskShapeError[];
}

/** Bitset over D inputs, one per unit. */
type Bits = Uint32Array;
const words = (D: number) => Math.max(1, Math.ceil(D / 32));
const has = (b: Bits, j: number) => (b[j >>> 5]! >>> (j & 31)) & 1;

/**
 * Reachability of every unit of every layer from the inputs: reach[0] = inputs themselves,
 * reach[l+1][u] = OR over v with masks[l][u][v] ≠ 0 of reach[l][v] (boolean matrix products).
 */
export function composeMasks(masks: readonly (readonly (readonly number[])[])[], D: number): Bits[][] {
  const W = words(D);
  const reach: Bits[][] = [];
  reach.push(
    Array.from({ length: D }, (_, j) => {
      const b = new Uint32Array(W);
      b[j >>> 5] = 1 << (j & 31);
      return b;
    }),
  );
  for (const M of masks) {
    const prev = reach[reach.length - 1]!;
    reach.push(
      M.map((row) => {
        const b = new Uint32Array(W);
        for (let v = 0; v < row.length && v < prev.length; v++) {
          if (!row[v]) continue;
          const p = prev[v]!;
          for (let w = 0; w < W; w++) b[w]! |= p[w]!;
        }
        return b;
      }),
    );
  }
  return reach;
}

/** the shape problems of a mask stack for D inputs (empty when the matrices chain) */
export const maskShapeErrors = (masks: readonly (readonly (readonly number[])[])[], D: number): MaskShapeError[] =>
  checkShapes(masks, D);

function checkShapes(masks: readonly (readonly (readonly number[])[])[], D: number): MaskShapeError[] {
  const errs: MaskShapeError[] = [];
  if (masks.length === 0) {
    errs.push({ layer: 0, message: 'no masks given' });
    return errs;
  }
  let cols = D;
  masks.forEach((M, l) => {
    if (M.length === 0) errs.push({ layer: l, message: `mask ${l + 1} has no rows` });
    M.forEach((row, r) => {
      if (row.length !== cols)
        errs.push({ layer: l, message: `row ${r} of mask ${l + 1} has ${row.length} entries, expected ${cols}` });
    });
    cols = M.length;
  });
  const outRows = masks[masks.length - 1]!.length;
  if (D > 0 && outRows % D !== 0)
    errs.push({ layer: masks.length - 1, message: `the output mask has ${outRows} rows, not a multiple of D = ${D}` });
  return errs;
}

/** a path input j → hidden units → output row r, through units that carry j */
function witnessPath(
  masks: readonly (readonly (readonly number[])[])[],
  reach: Bits[][],
  j: number,
  r: number,
): WitnessStep[] {
  const path: WitnessStep[] = [];
  let unit = r;
  for (let l = masks.length - 1; l >= 1; l--) {
    const row = masks[l]![unit]!;
    const prev = reach[l]!;
    let next = -1;
    for (let v = 0; v < row.length; v++)
      if (row[v] && has(prev[v]!, j)) {
        next = v;
        break;
      }
    if (next < 0) break; // cannot happen when reach says j reaches unit
    path.push({ layer: l, unit: next });
    unit = next;
  }
  return path.reverse();
}

/**
 * Prove that output d depends only on inputs strictly earlier in the order, by composing
 * the masks (not by trusting how they were built). Works on user-written literal masks.
 * `maxViolations` caps the witnesses collected (the proof itself is always complete).
 */
export function verifyAutoregressive(
  masks: readonly (readonly (readonly number[])[])[],
  order: readonly number[],
  maxViolations = 8,
): ArProof {
  const D = order.length;
  const shapeErrors = checkShapes(masks, D);
  const dependency = Array.from({ length: D }, () => new Array<boolean>(D).fill(false));
  if (shapeErrors.length) return { ok: false, dependency, violations: [], shapeErrors };
  const pos = new Array<number>(D).fill(0);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  const reach = composeMasks(masks, D);
  const out = reach[reach.length - 1]!;
  const violations: ArViolation[] = [];
  let ok = true;
  out.forEach((b, r) => {
    const d = r % D;
    for (let j = 0; j < D; j++) {
      if (!has(b, j)) continue;
      dependency[d]![j] = true;
      if (pos[j]! >= pos[d]!) {
        ok = false;
        if (violations.length < maxViolations)
          violations.push({ output: d, outputRow: r, input: j, path: witnessPath(masks, reach, j, r) });
      }
    }
  });
  return { ok, dependency, violations, shapeErrors };
}

/** "x[5] reaches p(x[3]) through hidden unit 12 of layer 2" */
export function describeViolation(v: ArViolation, varName = 'x'): string {
  const via = v.path.length
    ? ' through ' + v.path.map((s) => `hidden unit ${s.unit} of layer ${s.layer}`).join(', then ')
    : ' directly';
  return `${varName}[${v.input}] reaches p(${varName}[${v.output}])${via}`;
}

/**
 * The same proof in the (max, ·) semiring: the latest order position reaching each unit,
 * propagated through the masks in O(edges). True iff every output d is reached only by inputs
 * strictly earlier than d. Used as the fast path; verifyAutoregressive gives the witness.
 */
export function isAutoregressive(
  masks: readonly (readonly (readonly number[])[])[],
  order: readonly number[],
): boolean {
  const D = order.length;
  if (checkShapes(masks, D).length) return false;
  const pos = new Array<number>(D).fill(0);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  const latest = latestPositions(masks, order);
  for (let r = 0; r < latest.length; r++) if (latest[r]! >= pos[r % D]!) return false;
  return true;
}

/** per output row: the latest order position of an input that reaches it (−1: none) */
export function latestPositions(
  masks: readonly (readonly (readonly number[])[])[],
  order: readonly number[],
): number[] {
  const pos = new Array<number>(order.length).fill(0);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  let latest = pos.slice();
  for (const M of masks) {
    latest = M.map((row) => {
      let m = -1;
      for (let v = 0; v < row.length; v++) if (row[v] && latest[v]! > m) m = latest[v]!;
      return m;
    });
  }
  return latest;
}

/**
 * The (max, ·) proof for masks given by degrees (built MADE masks), without materializing
 * them: every MADE mask is a threshold relation on degrees (connect iff deg(src) ≤ t(dst)), so
 * "the latest order position reaching a unit" is a prefix maximum over the source units sorted
 * by degree. O(H log H) per layer: used for MADEs too large to hold their masks.
 */
export function isAutoregressiveByDegrees(
  order: readonly number[],
  hidden: readonly number[],
  connectivity: Connectivity,
): boolean {
  const pos = new Array<number>(order.length).fill(0);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  return latestPositionsByDegrees(order, hidden, connectivity).every((l, d) => l < pos[d]!);
}

/** latestPositions of the built MADE masks, computed on their degree form (per dimension) */
export function latestPositionsByDegrees(
  order: readonly number[],
  hidden: readonly number[],
  connectivity: Connectivity,
): number[] {
  const D = order.length;
  const pos = new Array<number>(D).fill(0);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  const deg = orderDegrees(order);
  const mh = hiddenDegrees(D, hidden, connectivity);
  // latest position reaching each unit of the current layer, with that layer's degrees
  let srcDeg: number[] = deg;
  let srcLatest: number[] = pos.slice();
  const connect = (t: number, sorted: { deg: number[]; pre: number[] }): number => {
    // max latest over sources with degree ≤ t
    let lo = 0,
      hi = sorted.deg.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted.deg[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -1 : sorted.pre[lo - 1]!;
  };
  const prefix = (d: number[], l: number[]) => {
    const idx = d.map((_, i) => i).sort((a, b) => d[a]! - d[b]!);
    const sd = idx.map((i) => d[i]!);
    const pre: number[] = [];
    let m = -1;
    for (const i of idx) {
      m = Math.max(m, l[i]!);
      pre.push(m);
    }
    return { deg: sd, pre };
  };
  for (const m of mh) {
    const s = prefix(srcDeg, srcLatest);
    srcLatest = m.map((mk) => connect(mk, s)); // M[k, src] = 1 iff m(k) ≥ deg(src)
    srcDeg = m;
  }
  const s = prefix(srcDeg, srcLatest);
  // output d: from hidden units with m(k) < deg(d) (no hidden layer: inputs with deg < deg(d))
  return Array.from({ length: D }, (_, d) => connect(deg[d]! - 1, s));
}
