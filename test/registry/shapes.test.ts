// Shape rules of the flow layers and of pixelcnn convs: outputs, and the diagnostics (codes, spans, hints) on bad
// inputs.
import { describe, expect, it } from 'vitest';
import { REGISTRY_CODES } from '../../compiler/diagnostics/codes-registry.js';
import { SPAN, call, flowArgs, shapeOf } from './support.js';

describe('squeeze', () => {
  it('maps [C,H,W] to [4C,H/2,W/2]', () => {
    expect(shapeOf('squeeze', [1, 28, 28]).out).toEqual([4, 14, 14]);
    expect(shapeOf('squeeze', [3, 8, 6]).out).toEqual([12, 4, 3]);
  });
  it('rejects odd H or W with FC401 at the call, with a hint', () => {
    for (const s of [
      [1, 7, 8],
      [2, 8, 5],
      [4, 3, 3],
    ]) {
      const r = shapeOf('squeeze', s);
      expect(r.out).toBeUndefined();
      expect(r.codes).toEqual(['FC401']);
      expect(r.diags[0]!.span).toEqual(SPAN);
      expect(r.diags[0]!.severity).toBe('error');
      expect(r.diags[0]!.hint).toMatch(/even/);
    }
  });
  it('rejects vectors with FC400', () => {
    expect(shapeOf('squeeze', [784]).codes).toEqual(['FC400']);
  });
});

describe('split', () => {
  it('halves the channels of images and the length of vectors', () => {
    expect(shapeOf('split', [4, 14, 14]).out).toEqual([2, 14, 14]);
    expect(shapeOf('split', [12, 8, 8]).out).toEqual([6, 8, 8]);
    expect(shapeOf('split', [6]).out).toEqual([3]);
  });
  it('rejects one channel (FC402) and odd channel counts (FC403)', () => {
    const one = shapeOf('split', [1, 28, 28]);
    expect(one.out).toBeUndefined();
    expect(one.codes).toEqual(['FC402']);
    expect(one.diags[0]!.hint).toMatch(/squeeze/);
    expect(shapeOf('split', [3, 4, 4]).codes).toEqual(['FC403']);
    expect(shapeOf('split', [1]).codes).toEqual(['FC402']);
  });
});

describe('shape-preserving layers', () => {
  for (const k of ['actnorm', 'invconv1x1', 'planar', 'radial', 'logit', 'dequantize', 'permute', 'maf', 'iaf']) {
    it(`${k} keeps the shape and rejects rank 2 (FC404) and empty dims (FC410)`, () => {
      expect(shapeOf(k, [3, 4, 4], flowArgs(k, {})).out).toEqual([3, 4, 4]);
      expect(shapeOf(k, [5], flowArgs(k, {})).out).toEqual([5]);
      expect(shapeOf(k, [4, 4], flowArgs(k, {})).codes).toEqual(['FC404']);
      expect(shapeOf(k, [0], flowArgs(k, {})).codes).toEqual(['FC410']);
    });
  }
});

describe('coupling', () => {
  const mlp = call('mlp', 'net', { hidden: [8] });
  const resnet = call('resnet', 'net');
  it('keeps the shape with a valid mask', () => {
    expect(
      shapeOf('coupling', [2], flowArgs('coupling', { mask: [1, 0], maskKind: 'alternate', net: mlp })).out,
    ).toEqual([2]);
    expect(shapeOf('coupling', [1, 4, 4], flowArgs('coupling', { mask: 'checkerboard', net: resnet })).out).toEqual([
      1, 4, 4,
    ]);
  });
  it('rejects a checkerboard on vectors (FC405) and a channel mask on one channel (FC406)', () => {
    expect(
      shapeOf('coupling', [4], flowArgs('coupling', { mask: 'checkerboard', maskKind: 'checkerboard', net: mlp }))
        .codes,
    ).toEqual(['FC405']);
    expect(
      shapeOf('coupling', [1, 4, 4], flowArgs('coupling', { mask: 'channel', maskKind: 'channel', net: resnet })).codes,
    ).toEqual(['FC406']);
    expect(shapeOf('coupling', [4], flowArgs('coupling', { mask: 'channel', net: mlp })).codes).toEqual(['FC406']);
  });
  it('rejects literal masks of the wrong length (FC407) or with entries other than 0/1 (FC408)', () => {
    const r = shapeOf('coupling', [4], flowArgs('coupling', { mask: [1, 0, 1], maskKind: 'literal', net: mlp }));
    expect(r.codes).toEqual(['FC407']);
    expect(r.diags[0]!.message).toContain('3 entries');
    expect(r.diags[0]!.message).toContain('4 elements');
    expect(shapeOf('coupling', [3], flowArgs('coupling', { mask: [1, 2, 0], net: mlp })).codes).toEqual(['FC408']);
  });
  it('rejects a resnet conditioner on vectors (FC409)', () => {
    expect(shapeOf('coupling', [4], flowArgs('coupling', { mask: [1, 0, 1, 0], net: resnet })).codes).toEqual([
      'FC409',
    ]);
  });
});

describe('pixelcnn conv', () => {
  const conv = (input: number[], args: Record<string, unknown>) =>
    shapeOf('conv', input, call('conv', 'ar-layer', args).args, 'ar-layer');
  it('maps [C,H,W] to [channels,H,W]', () => {
    expect(conv([1, 28, 28], { mask: 'A', kernel: 7, channels: 64 }).out).toEqual([64, 28, 28]);
  });
  it('rejects vector data (FC412), a residual channel change (FC411), and an even masked kernel (FC413)', () => {
    expect(conv([784], { channels: 4 }).codes).toEqual(['FC412']);
    expect(conv([8, 4, 4], { channels: 4, residual: true }).codes).toEqual(['FC411']);
    expect(conv([8, 4, 4], { channels: 8, kernel: 4, mask: 'B' }).codes).toEqual(['FC413']);
  });
});

describe('codes-registry catalogue', () => {
  it('uses unique codes in FC400..FC449, each an error with a title, a message and a hint', () => {
    const codes = REGISTRY_CODES.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of REGISTRY_CODES) {
      const n = Number(d.code.slice(2));
      expect(d.code).toMatch(/^FC4\d\d$/);
      expect(n).toBeGreaterThanOrEqual(400);
      expect(n).toBeLessThanOrEqual(449);
      expect(d.title.length).toBeGreaterThan(5);
      const p = {
        layer: 'x',
        shape: [1, 3, 3],
        H: 3,
        W: 3,
        C: 1,
        length: 3,
        expected: 4,
        index: 0,
        value: 2,
        net: 'resnet',
        cin: 2,
        cout: 3,
        kernel: 4,
      };
      expect(d.message(p).length).toBeGreaterThan(10);
      expect(d.hint?.(p)?.length ?? 0).toBeGreaterThan(5);
    }
  });
});
