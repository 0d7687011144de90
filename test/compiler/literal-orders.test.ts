// Literal orders wherever an order is accepted (maf/iaf `order:`, `permute([...])`), proved to be
// permutations; a model-level `order` is followed by MAF/IAF layers without their own `order:` (in the
// IR) or refused where a layer sees another number of dimensions (FC608) — never ignored.
import { describe, expect, it } from 'vitest';
import { checkSource, compileSource } from '../../compiler/index.js';
import type { LayerIR } from '../../compiler/ir/types.js';

const flowSpec = (data: string, body: string, extra = '') =>
  `model M {\n  data x: ${data}\n  ${extra}\n  prior normal\n  flow { ${body} }\n}`;
const errors = (text: string) => checkSource(text, 'm.flow').diagnostics.filter((d) => d.severity === 'error');
function layers(text: string): LayerIR[] {
  const r = compileSource(text, 'm.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return r.ir!.flow!;
}
const orderOf = (l: LayerIR): unknown =>
  (l.args as { order?: unknown; perm?: unknown }).order ?? (l.args as { perm?: unknown }).perm;

describe('literal orders', () => {
  it('reach the IR of maf and permute as written', () => {
    const ls = layers(flowSpec('real[4]', 'maf(hidden: [8], order: [2, 0, 3, 1]); permute([1, 0, 3, 2])'));
    expect(orderOf(ls[0]!)).toEqual([2, 0, 3, 1]);
    expect(orderOf(ls[1]!)).toEqual([1, 0, 3, 2]);
    // the MADE masks follow the literal order: output 2 (first in the order) sees no input
    const net = (ls[0]!.args as { net: { masks: number[][][] } }).net;
    const last = net.masks[net.masks.length - 1]!;
    expect(last[2]!.every((v) => v === 0)).toBe(true);
    expect(last[1]!.some((v) => v === 1)).toBe(true);
  });

  it('are refused when not a permutation (FC601), for maf and for permute', () => {
    const es = errors(flowSpec('real[4]', 'maf(hidden: [8], order: [2, 0, 3, 3]); permute([1, 0, 5])'));
    expect(es.map((d) => d.code)).toEqual(['FC601', 'FC601']);
    expect(es[0]!.message).toMatch(/3 appears 2 times/);
    expect(es[1]!.message).toMatch(/5 at position 2/);
  });
});

describe('a model-level order in a flow model', () => {
  it('is followed by maf layers that do not write their own', () => {
    const ls = layers(flowSpec('real[4]', 'maf(hidden: [8]); maf(hidden: [8], order: natural)', 'order [3, 1, 0, 2]'));
    expect(orderOf(ls[0]!)).toEqual([3, 1, 0, 2]);
    expect(orderOf(ls[1]!)).toEqual([0, 1, 2, 3]);
    const rev = layers(flowSpec('real[3]', 'maf(hidden: [8])', 'order reverse'));
    expect(orderOf(rev[0]!)).toEqual([2, 1, 0]);
  });

  it('is an error where a layer sees another number of dimensions (FC608)', () => {
    const es = errors(flowSpec('real[4]', 'split; maf(hidden: [8])', 'order reverse'));
    expect(es.map((d) => d.code)).toEqual(['FC608']);
    expect(es[0]!.message).toMatch(/lists 4 dimensions, but `maf` here sees 2/);
  });

  it('is proved a permutation for the layer that follows it', () => {
    expect(errors(flowSpec('real[4]', 'maf(hidden: [8])', 'order [0, 1, 1, 3]')).map((d) => d.code)).toContain('FC601');
  });
});
