// Elementwise transforms of autoregressive flows (category 'transform'): maf/iaf(…, transform: spline(bins, bound)).
// The conditioner outputs each takes are compiler/math/elementwise.ts's paramsPerElement.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';
import { DEFAULT_SPLINE_BINS, DEFAULT_SPLINE_BOUND, SPLINE_MAX_BINS } from '../math/elementwise.js';

export const TRANSFORMS: LayerKind[] = [
  {
    name: 'affine',
    category: 'transform',
    cite: 'Papamakarios et al. 2017 (MAF)',
    doc: 'u_i = (x_i − μ_i)·exp(−α_i): a shift and a scale per dimension (2 MADE outputs per dimension).',
    args: [],
  },
  {
    name: 'spline',
    category: 'transform',
    cite: 'Durkan et al. 2019 (Neural Spline Flows), rational-quadratic, linear tails',
    doc:
      'A monotone rational-quadratic spline on [−bound, bound] with `bins` bins, the identity outside ' +
      '(3·bins − 1 MADE outputs per dimension: widths, heights, inner derivatives).',
    args: [
      arg('bins', T.int(2, SPLINE_MAX_BINS), 'number of bins', { positional: true, default: DEFAULT_SPLINE_BINS }),
      arg('bound', T.num(0, undefined, true), 'the spline acts on [−bound, bound]', { default: DEFAULT_SPLINE_BOUND }),
    ],
  },
];

/** the transform of a maf layer, from a checked call, a bare name or nothing */
export type ArTransform = { kind: 'affine' } | { kind: 'spline'; bins: number; bound: number };

export function autoregressiveTransform(v: unknown): ArTransform {
  let name: unknown = v;
  let a: Record<string, unknown> = {};
  if (v && typeof v === 'object') {
    const o = v as { kind?: unknown; name?: unknown; args?: unknown };
    name = o.kind && typeof o.kind === 'object' ? (o.kind as { name?: unknown }).name : (o.name ?? o.kind);
    a = (o.args as Record<string, unknown>) ?? (o as Record<string, unknown>);
  }
  if (name !== 'spline') return { kind: 'affine' };
  const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
  return { kind: 'spline', bins: num(a.bins, DEFAULT_SPLINE_BINS), bound: num(a.bound, DEFAULT_SPLINE_BOUND) };
}
