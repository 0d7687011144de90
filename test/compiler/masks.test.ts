// Mask and order resolution against hand-computed arrays.
import { describe, expect, it } from 'vitest';
import {
  alternateMask,
  channelMask,
  checkerboardMask,
  complement,
  halfMask,
  resolveMask,
} from '../../compiler/check/masks.js';
import { rasterOrder } from '../../compiler/check/orders.js';
import type { MaskValue } from '../../compiler/check/values.js';
import { checkText } from './helpers.js';

const mv = (base: string, extra: Partial<MaskValue> = {}): MaskValue => ({
  kind: 'mask-value',
  base,
  negate: false,
  span: { file: 'f', start: 0, end: 0 },
  ...extra,
});

describe('mask formulas', () => {
  it('checkerboard over H, W, repeated on every channel', () => {
    expect(checkerboardMask(1, 2, 2)).toEqual([1, 0, 0, 1]);
    expect(checkerboardMask(2, 2, 3)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(checkerboardMask(1, 2, 2, 1)).toEqual([0, 1, 1, 0]);
  });
  it('channel = the first half of the channels', () => {
    expect(channelMask(4, 1, 2)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(channelMask(3, 1, 1)).toEqual([1, 0, 0]);
  });
  it('half and alternate on vectors', () => {
    expect(halfMask(4)).toEqual([1, 1, 0, 0]);
    expect(halfMask(5)).toEqual([1, 1, 0, 0, 0]);
    expect(alternateMask(5)).toEqual([1, 0, 1, 0, 1]);
    expect(complement([1, 0, 1])).toEqual([0, 1, 0]);
  });
  it('resolves with `!` and reports why a mask cannot be made', () => {
    expect(resolveMask(mv('checkerboard', { negate: true }), [1, 2, 2])).toEqual({ values: [0, 1, 1, 0] });
    expect(resolveMask(mv('checkerboard'), [4])).toEqual({ problem: 'checkerboard-on-vector' });
    expect(resolveMask(mv('channel'), [1, 4, 4])).toEqual({ problem: 'channel-one-channel' });
    expect(resolveMask(mv('channel'), [6])).toEqual({ problem: 'channel-on-vector' });
    expect(resolveMask(mv('literal', { values: [1, 0] }), [3])).toEqual({ problem: 'length', length: 2, size: 3 });
    expect(resolveMask(mv('literal', { values: [1, 0, 0], negate: true }), [3])).toEqual({ values: [0, 1, 1] });
  });
  it('raster order visits pixels row by row, channels in turn', () => {
    // [C=2, H=1, W=2]: (c,i,j) has index c*2 + j; visit (0,0,0),(1,0,0),(0,0,1),(1,0,1)
    expect(rasterOrder(2, 1, 2)).toEqual([0, 2, 1, 3]);
    expect(rasterOrder(1, 2, 2)).toEqual([0, 1, 2, 3]);
  });
});

describe('masks through the checker', () => {
  it('flip complements the mask on every other repetition', () => {
    const { models, diagnostics } = checkText(`model M {
  data x: real[3]
  prior normal
  flow { repeat 4 { coupling(affine, mask: alternate, flip: true, net: mlp(8)) } }
}`);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(models[0]!.flow!.map((l) => l.mask)).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
  });

  it('without flip every repetition keeps the mask', () => {
    const { models } = checkText(`model M {
  data x: real[4]
  prior normal
  flow {
    repeat 2 { coupling(affine, mask: half, net: mlp(8)) permute(reverse) }
  }
}`);
    expect(models[0]!.flow!.filter((l) => l.kind.name === 'coupling').map((l) => l.mask)).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
    ]);
  });

  it('resolves named, complemented, literal and model-level masks (model masks shadow top-level ones)', () => {
    const { models, diagnostics } = checkText(`mask cb = checkerboard
mask m = [1, 0, 0, 1]
model M {
  mask m = [0, 0, 1, 1]
  data x: real[1, 2, 2]
  prior normal
  flow {
    coupling(affine, mask: !cb, net: mlp(8))
    coupling(affine, mask: m, net: mlp(8))
    coupling(affine, mask: !m, net: mlp(8))
    coupling(affine, mask: checkerboard(1), net: mlp(8))
  }
}`);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const f = models[0]!.flow!;
    expect(f.map((l) => l.mask)).toEqual([
      [0, 1, 1, 0],
      [0, 0, 1, 1],
      [1, 1, 0, 0],
      [0, 1, 1, 0],
    ]);
    expect(f[0]!.args.maskKind).toBe('checkerboard');
    expect(f[1]!.args.maskKind).toBe('literal');
  });

  it('a channel mask after squeeze passes the first half of the 4C channels', () => {
    const { models } = checkText(`model M {
  data x: real[1, 2, 2]
  prior normal
  flow {
    squeeze
    coupling(affine, mask: channel, net: mlp(8))
  }
}`);
    const c = models[0]!.flow![1]!;
    expect(c.inShape).toEqual([4, 1, 1]);
    expect(c.mask).toEqual([1, 1, 0, 0]);
  });
});
