import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeOrderProblems,
  naturalOrder,
  randomOrder,
  rasterOrder,
  reverseOrder,
  verifyPermutation,
} from '../../compiler/proofs/order.js';

describe('verifyPermutation', () => {
  it('accepts exactly the permutations (against sorting)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 9 }),
        fc.integer({ min: 0, max: 9 }),
        (vals, D) => {
          const isPerm = vals.length === D && [...vals].sort((a, b) => a - b).every((v, i) => v === i);
          return verifyPermutation(vals, D).ok === isPerm;
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('names duplicates with their positions, values out of range, and the missing ones', () => {
    const r = verifyPermutation([3, 1, 3, 7, 0, 1.5], 6);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      { kind: 'out-of-range', value: 7, positions: [3] },
      { kind: 'not-integer', value: 1.5, positions: [5] },
      { kind: 'duplicate', value: 3, positions: [0, 2] },
      { kind: 'missing', value: 2, positions: [] },
      { kind: 'missing', value: 4, positions: [] },
      { kind: 'missing', value: 5, positions: [] },
    ]);
    expect(describeOrderProblems(r.problems, 6)).toBe(
      '3 appears 2 times (positions 0, 2); 7 at position 3 is not in 0..5; 1.5 at position ' +
        '5 is not in 0..5; missing 2, 4, 5',
    );
  });
  it('natural, reverse and seeded random orders are permutations; random is reproducible', () => {
    for (const D of [1, 2, 7, 784]) {
      expect(verifyPermutation(naturalOrder(D), D).ok).toBe(true);
      expect(verifyPermutation(reverseOrder(D), D).ok).toBe(true);
      expect(verifyPermutation(randomOrder(D, 3), D).ok).toBe(true);
      expect(randomOrder(D, 3)).toEqual(randomOrder(D, 3));
    }
    expect(randomOrder(50, 3)).not.toEqual(randomOrder(50, 4));
  });
});

describe('rasterOrder', () => {
  it('goes row by row, R then G then B inside a pixel', () => {
    // [C=2, H=2, W=2]: element (c,i,j) has index c*4 + i*2 + j
    const { order, step } = rasterOrder([2, 2, 2], 'sequential');
    expect(order).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    expect(step).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
  });
  it('joint channels share the step of their pixel', () => {
    const { order, step } = rasterOrder([3, 1, 2], 'joint');
    expect(order).toEqual([0, 2, 4, 1, 3, 5]);
    expect(step).toEqual([0, 1, 0, 1, 0, 1]);
  });
});
