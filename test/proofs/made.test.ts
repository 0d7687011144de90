import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildMadeMasks,
  describeViolation,
  expandOutputMask,
  isAutoregressive,
  latestPositions,
  latestPositionsByDegrees,
  verifyAutoregressive,
} from '../../compiler/proofs/made.js';
import { randomOrder } from '../../compiler/proofs/order.js';

/** plain integer matrix product of the stack: counts of paths input j → output r (independent oracle) */
function pathCounts(masks: number[][][]): number[][] {
  let acc = masks[0]!.map((r) => r.slice());
  for (let l = 1; l < masks.length; l++) {
    const M = masks[l]!;
    acc = M.map((row) => acc[0]!.map((_, j) => row.reduce((s, m, k) => s + m * acc[k]![j]!, 0)));
  }
  return acc;
}

const arbSpec = fc.record({
  D: fc.integer({ min: 1, max: 12 }),
  hidden: fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 0, maxLength: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  random: fc.boolean(),
  orderSeed: fc.integer({ min: 0, max: 1000 }),
});

describe('buildMadeMasks', () => {
  it('reproduces WORKLOADS.md W2 exactly (natural order, sequential degrees)', () => {
    const D = 784,
      H = 500;
    const masks = buildMadeMasks({
      order: Array.from({ length: D }, (_, i) => i),
      hidden: [H, H],
      connectivity: 'sequential',
    });
    const m = (k: number) => 1 + Math.floor((k * 783) / 500);
    expect(masks.map((M) => [M.length, M[0]!.length])).toEqual([
      [500, 784],
      [500, 500],
      [784, 500],
    ]);
    let bad = 0;
    for (let k = 0; k < H; k++) for (let d = 0; d < D; d++) if (masks[0]![k]![d] !== (m(k) >= d + 1 ? 1 : 0)) bad++;
    for (let k2 = 0; k2 < H; k2++) for (let k = 0; k < H; k++) if (masks[1]![k2]![k] !== (m(k2) >= m(k) ? 1 : 0)) bad++;
    for (let d = 0; d < D; d++) for (let k = 0; k < H; k++) if (masks[2]![d]![k] !== (d + 1 > m(k) ? 1 : 0)) bad++;
    expect(bad).toBe(0);
    expect(m(0)).toBe(1);
    expect(m(499)).toBe(782);
  });

  it('composed mask is strictly lower-triangular in the order (random orders, sizes, connectivities)', () => {
    fc.assert(
      fc.property(arbSpec, ({ D, hidden, seed, random, orderSeed }) => {
        const order = randomOrder(D, orderSeed);
        const masks = buildMadeMasks({ order, hidden, connectivity: random ? { random: seed } : 'sequential' });
        const counts = pathCounts(masks);
        const pos = new Array<number>(D);
        order.forEach((d, t) => {
          pos[d] = t;
        });
        for (let d = 0; d < D; d++)
          for (let j = 0; j < D; j++) {
            if (counts[d]![j]! > 0 && pos[j]! >= pos[d]!) return false;
          }
        const proof = verifyAutoregressive(masks, order);
        // the proof's dependency relation equals the oracle's
        for (let d = 0; d < D; d++)
          for (let j = 0; j < D; j++) if (proof.dependency[d]![j] !== counts[d]![j]! > 0) return false;
        return proof.ok && proof.violations.length === 0 && isAutoregressive(masks, order);
      }),
      { numRuns: 300 },
    );
  });

  it('the degree-form proof (no masks materialized) equals the (max, ·) product of the built masks', () => {
    fc.assert(
      fc.property(arbSpec, ({ D, hidden, seed, random, orderSeed }) => {
        const order = randomOrder(D, orderSeed);
        const connectivity = random ? { random: seed } : ('sequential' as const);
        const masks = buildMadeMasks({ order, hidden, connectivity });
        const a = latestPositions(masks, order);
        const b = latestPositionsByDegrees(order, hidden, connectivity);
        // and both equal the latest position read off the integer path counts
        const counts = pathCounts(masks);
        const pos = new Array<number>(D);
        order.forEach((d, t) => {
          pos[d] = t;
        });
        const c = counts.map((row) => row.reduce((m, n, j) => (n > 0 ? Math.max(m, pos[j]!) : m), -1));
        return JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(a) === JSON.stringify(c);
      }),
      { numRuns: 300 },
    );
  });

  it('random connectivity is seeded (same seed, same masks; degrees in 1..D-1)', () => {
    const spec = { order: [3, 1, 0, 2, 5, 4], hidden: [10, 7], connectivity: { random: 42 } } as const;
    const a = buildMadeMasks({ ...spec, order: [...spec.order], hidden: [...spec.hidden] });
    const b = buildMadeMasks({ ...spec, order: [...spec.order], hidden: [...spec.hidden] });
    expect(a).toEqual(b);
    const c = buildMadeMasks({
      ...spec,
      order: [...spec.order],
      hidden: [...spec.hidden],
      connectivity: { random: 43 },
    });
    expect(c).not.toEqual(a);
  });

  it('sequential masks with enough hidden units give the full autoregressive relation', () => {
    const order = [2, 0, 3, 1];
    const masks = buildMadeMasks({ order, hidden: [8, 8], connectivity: 'sequential' });
    const counts = pathCounts(masks);
    const pos = [1, 3, 0, 2];
    for (let d = 0; d < 4; d++) for (let j = 0; j < 4; j++) expect(counts[d]![j]! > 0).toBe(pos[j]! < pos[d]!);
  });

  it('expandOutputMask replicates rows in blocks of D', () => {
    const M = [
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const E = expandOutputMask(M, 2);
    expect(E).toEqual([
      [1, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const masks = buildMadeMasks({ order: [0, 1, 2], hidden: [4], connectivity: 'sequential' });
    const ex = [masks[0]!, expandOutputMask(masks[1]!, 3)];
    expect(verifyAutoregressive(ex, [0, 1, 2]).ok).toBe(true);
  });
});

describe('verifyAutoregressive on leaky masks', () => {
  it('finds a leak planted anywhere, with a witness path that really exists', () => {
    fc.assert(
      fc.property(arbSpec, fc.nat(), fc.nat(), ({ D, hidden, seed, random, orderSeed }, a, b) => {
        fc.pre(D >= 2);
        const order = randomOrder(D, orderSeed);
        const masks = buildMadeMasks({ order, hidden, connectivity: random ? { random: seed } : 'sequential' });
        // plant a leak: connect every layer fully along one chain from a late input to an early output
        const pos = new Array<number>(D);
        order.forEach((d, t) => {
          pos[d] = t;
        });
        const late = order[D - 1 - (a % Math.ceil(D / 2))]!;
        const early = order[b % (pos[late]! + 1)]!;
        let unit = late;
        for (let l = 0; l < masks.length; l++) {
          const M = masks[l]!;
          const next = l === masks.length - 1 ? early : (a + l) % M.length;
          M[next]![unit] = 1;
          unit = next;
        }
        const proof = verifyAutoregressive(masks, order);
        if (proof.ok || isAutoregressive(masks, order)) return false;
        const counts = pathCounts(masks);
        for (const v of proof.violations) {
          if (pos[v.input]! < pos[v.output]!) return false; // a real violation
          if (!(counts[v.outputRow]![v.input]! > 0)) return false;
          // the witness path uses only edges present in the masks
          let prevUnit = v.input;
          for (const s of v.path) {
            if (!masks[s.layer - 1]![s.unit]![prevUnit]) return false;
            prevUnit = s.unit;
          }
          if (!masks[masks.length - 1]![v.outputRow]![prevUnit]) return false;
          if (v.path.length !== masks.length - 1) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('describes a witness in user terms', () => {
    // x0 → h(1)[1] → h(2)[0] → p(x0): x0 reaches its own prediction
    const masks = [
      [
        [0, 0],
        [1, 0],
      ],
      [
        [0, 1],
        [0, 0],
      ],
      [
        [1, 0],
        [0, 0],
      ],
    ];
    const proof = verifyAutoregressive(masks, [0, 1]);
    expect(proof.ok).toBe(false);
    expect(proof.violations).toHaveLength(1);
    expect(describeViolation(proof.violations[0]!)).toBe(
      'x[0] reaches p(x[0]) through hidden unit 1 of layer 1, then hidden unit 0 of layer 2',
    );
  });

  it('reports malformed literal masks instead of throwing', () => {
    const proof = verifyAutoregressive([[[1, 0, 0]], [[1], [1, 0]]], [0, 1]);
    expect(proof.ok).toBe(false);
    expect(proof.shapeErrors.length).toBeGreaterThan(0);
  });
});
