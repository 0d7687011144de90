// The bounded receptive field (compiler/proofs/field.ts): a dilation by a run of offsets equals
// the union of the single shifts it replaces, computed cell by cell.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Field } from '../../compiler/proofs/field.js';

/** cell-by-cell: out[y][x] = max over dx in [dx0, dx1] of src[y − dy][x − dx] */
function naiveDilate(src: Field, dy: number, dx0: number, dx1: number): Int16Array {
  const out = new Int16Array(src.top.length).fill(-1);
  for (let ty = -(src.H - 1); ty < src.H; ty++)
    for (let tx = -(src.W - 1); tx < src.W; tx++) {
      let m = -1;
      for (let dx = dx0; dx <= dx1; dx++) m = Math.max(m, src.maxAt(ty - dy, tx - dx));
      out[src.index(ty, tx)] = m;
    }
  return out;
}

const small = fc.integer({ min: -5, max: 5 });

describe('Field.orDilated', () => {
  it('equals the union of single shifts, for runs wider than the window too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(small, small, fc.integer({ min: 0, max: 3 })), { maxLength: 12 }),
        fc.integer({ min: -12, max: 12 }),
        fc.integer({ min: -14, max: 14 }),
        fc.integer({ min: 0, max: 30 }),
        (H, W, cells, dy, dx0, width) => {
          const src = new Field(H, W, 4);
          for (const [y, x, c] of cells) src.set(y, x, c);
          const out = new Field(H, W, 4);
          const changed = out.orDilated(src, dy, dx0, dx0 + width);
          const expected = naiveDilate(src, dy, dx0, dx0 + width);
          expect([...out.top]).toEqual([...expected]);
          expect(changed).toBe(expected.some((m) => m >= 0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a snapshot when the source is the target', () => {
    const f = new Field(4, 4, 1);
    f.set(0, 0, 0);
    f.orDilated(f, 0, 1, 1); // one step right, not a sweep to the border
    expect([...f.pixels()].sort()).toEqual(['0,0', '0,1']);
  });

  it('stands for channel prefixes: set(c) adds channels 0..c', () => {
    const f = new Field(2, 2, 8);
    f.set(0, 0, 5);
    expect(f.get(0, 0, 5)).toBe(true);
    expect(f.get(0, 0, 0)).toBe(true);
    expect(f.get(0, 0, 6)).toBe(false);
    expect([...f.entries()].length).toBe(6);
  });
});
