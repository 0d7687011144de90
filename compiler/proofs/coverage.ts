// Coverage: follow every data dimension through the flow (squeeze and permute move it, split
// hands it to the prior) and record which layers transform it; report the dimensions no
// coupling (or other mixing layer) ever transforms, and consecutive couplings that repeat a
// mask with nothing in between that moves the dimensions.
import type { Span } from '../../grammar/ast.js';
import type { CheckedLayer, CheckedModel, ModelCheck } from '../check/model.js';
import { resolveOrder } from '../check/orders.js';
import * as P from '../diagnostics/codes-proofs.js';
import { argSpan, numel, onceReporter, shaped } from './util.js';
import { limitOf } from '../limits.js';

/** layers after which a repeated mask is fine: they move or mix the dimensions */
const RESETS = new Set(['squeeze', 'split', 'permute', 'invconv1x1', 'maf', 'iaf', 'planar', 'radial']);
/** layers that transform every dimension they see, conditioned on the others */
const MIXING = new Set(['maf', 'iaf', 'planar', 'radial']);

export interface CoverageResult {
  /** per original (flattened data) dimension: transformed by some coupling or mixing layer */
  covered: boolean[];
  /** pairs of consecutive couplings with the same mask */
  repeats: { layer: CheckedLayer; previous: CheckedLayer; transformed: number }[];
  hasCoupling: boolean;
  /** false when shapes were unknown somewhere (the analysis stopped there) */
  complete: boolean;
}

/** the channel permutation of a `permute` layer: out channel k = in channel perm[k] */
function permOf(l: CheckedLayer, C: number): number[] | undefined {
  const r = resolveOrder(l.args.order, [C]);
  if (r) return r.values;
  if (l.args.order === 'reverse' || l.args.order === undefined) return Array.from({ length: C }, (_, i) => C - 1 - i);
  return undefined;
}

export function analyzeCoverage(layers: readonly CheckedLayer[], dataShape: readonly number[]): CoverageResult {
  const D = numel(dataShape);
  const covered = new Array<boolean>(D).fill(false);
  let origin = Array.from({ length: D }, (_, i) => i);
  const repeats: CoverageResult['repeats'] = [];
  let last: CheckedLayer | undefined;
  let hasCoupling = false;
  for (const l of layers) {
    if (!shaped(l) || numel(l.inShape) !== origin.length) return { covered, repeats, hasCoupling, complete: false };
    const shape = l.inShape;
    const name = l.kind.name;
    if (name === 'coupling' && l.mask && l.mask.length === origin.length) {
      hasCoupling = true;
      l.mask.forEach((m, k) => {
        if (m === 0) covered[origin[k]!] = true;
      });
      if (last?.mask && last.mask.length === l.mask.length && last.mask.every((x, k) => x === l.mask![k])) {
        repeats.push({ layer: l, previous: last, transformed: l.mask.filter((x) => x === 0).length });
      }
      last = l;
      continue;
    }
    if (RESETS.has(name)) last = undefined;
    if (MIXING.has(name))
      origin.forEach((o) => {
        covered[o] = true;
      });
    const img = shape.length === 3 ? { C: shape[0]!, H: shape[1]!, W: shape[2]! } : undefined;
    if (name === 'invconv1x1' && img && img.C > 1)
      origin.forEach((o) => {
        covered[o] = true;
      });
    if (name === 'squeeze' && img) {
      const { C, H, W } = img;
      const H2 = H / 2,
        W2 = W / 2;
      const next = new Array<number>(origin.length);
      for (let c = 0; c < C; c++)
        for (let i = 0; i < H2; i++)
          for (let j = 0; j < W2; j++)
            for (let di = 0; di < 2; di++)
              for (let dj = 0; dj < 2; dj++) {
                next[(((di * 2 + dj) * C + c) * H2 + i) * W2 + j] = origin[(c * H + 2 * i + di) * W + 2 * j + dj]!;
              }
      origin = next;
    } else if (name === 'split') {
      origin = origin.slice(0, numel(l.outShape)); // channels [0, C/2) stay (channels-first: a prefix)
    } else if (name === 'permute') {
      const C = img ? img.C : origin.length;
      const HW = img ? img.H * img.W : 1;
      const perm = permOf(l, C);
      if (perm && perm.length === C) {
        const next = new Array<number>(origin.length);
        for (let k = 0; k < C; k++) for (let p = 0; p < HW; p++) next[k * HW + p] = origin[perm[k]! * HW + p]!;
        origin = next;
      }
    }
  }
  return { covered, repeats, hasCoupling, complete: true };
}

function dimName(model: CheckedModel, d: number): string {
  const v = model.family === 'energy' ? model.latent : model.data;
  const shape = v?.shape ?? [];
  const x = v?.name ?? 'x';
  if (shape.length === 3) {
    const [, H, W] = shape as [number, number, number];
    return `${x}[${Math.floor(d / (H * W))}, ${Math.floor((d % (H * W)) / W)}, ${d % W}]`;
  }
  return `${x}[${d}]`;
}

function flowKeywordSpan(model: CheckedModel): Span {
  const fb = model.node.body?.find((s) => s.kind === 'flow');
  const s = fb?.span ?? model.node.name.span;
  return fb ? { ...s, end: Math.min(s.end, s.start + 4) } : s;
}

export const coverageCheck: ModelCheck = {
  name: 'coverage',
  run(model, ctx) {
    const v = model.family === 'flow' ? model.data : model.family === 'energy' ? model.latent : undefined;
    if (!model.flow || !v || numel(v.shape) > limitOf('elements')) return;
    const report = onceReporter(ctx);
    const res = analyzeCoverage(model.flow, v.shape);
    for (const r of res.repeats) {
      report(P.REPEATED_MASK, argSpan(r.layer, 'mask'), { transformed: r.transformed }, [
        { span: r.previous.node.span, message: 'the previous coupling, with the same mask' },
      ]);
    }
    if (!res.complete || !res.hasCoupling) return;
    const missing = res.covered.flatMap((c, d) => (c ? [] : [d]));
    if (missing.length === 0) return;
    const shown = missing
      .slice(0, 4)
      .map((d) => dimName(model, d))
      .join(', ');
    report(P.UNTRANSFORMED_DIMS, flowKeywordSpan(model), {
      count: missing.length,
      total: res.covered.length,
      examples: missing.length > 4 ? `${shown}, …` : shown,
    });
  },
};
