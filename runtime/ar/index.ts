// Autoregressive models built from FlowIR: NADE, MADE, PixelCNN, Gated PixelCNN, PixelRNN
// conditionals with Bernoulli / categorical / discretized-logistic-mixture / Gaussian likelihoods.
import type { FlowIR } from '../../compiler/ir/types.js';
import type { FlowModel } from '../model.js';
import { buildLikelihood } from '../likelihoods.js';
import { Rng } from '../rng.js';
import { prod, type ArConditional, type BuildContext } from './common.js';
import { buildMade } from './made.js';
import { buildNade } from './nade.js';
import { buildPixelCnn } from './pixelcnn.js';
import { buildGatedPixelCnn } from './gated.js';
import { buildPixelRnn } from './pixelrnn.js';
import { ArModel } from './model.js';
import { buildPixelCnnPP } from './pixelcnnpp.js';
import { buildPixelLikelihood } from './pixel-likelihood.js';
import { JointPixelModel } from './joint-model.js';

export { ArModel } from './model.js';
export { JointPixelModel } from './joint-model.js';
export type { CompleteOptions } from './model.js';

/** raster order with channels sequential: pixel by pixel, channel c of a pixel before c+1 */
export function rasterOrder(shape: number[]): number[] {
  if (shape.length !== 3) return Array.from({ length: prod(shape) }, (_, i) => i);
  const [C, H, W] = shape as [number, number, number];
  const out: number[] = [];
  for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) out.push(c * H * W + i * W + j);
  return out;
}

function sameOrder(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Builds the model. Throws on an IR that the compiler should have rejected (not on user input:
 * the compiler's checks run first).
 */
export function buildAutoregressive(ir: FlowIR): FlowModel & ArModel {
  if (!ir.conditional) throw new Error('autoregressive IR without a conditional');
  if (ir.conditional.kind === 'pixelcnnpp') throw new Error('pixelcnnpp: build it with buildJointPixel');
  if (ir.channels === 'joint' && (ir.data.shape[0] ?? 1) > 1) {
    throw new Error(`${ir.conditional.kind}: joint channels need the pixelcnnpp conditional`);
  }
  const likelihood = buildLikelihood(ir.likelihood ?? defaultLikelihood(ir));
  const D = prod(ir.data.shape);
  const isImage =
    ir.conditional.kind === 'pixelcnn' ||
    ir.conditional.kind === 'gated_pixelcnn' ||
    ir.conditional.kind === 'pixelrnn';
  let order = ir.order;
  if (isImage) {
    if (ir.data.shape.length !== 3) throw new Error(`${ir.conditional.kind} needs image data [C, H, W]`);
    const raster = rasterOrder(ir.data.shape);
    if (order && !sameOrder(order, raster)) {
      throw new Error(
        `${ir.conditional.kind}: the conv stack factorizes in raster order (channels sequential); the IR order differs`,
      );
    }
    order = raster;
  }
  const irOrdered: FlowIR = { ...ir, order: order ?? Array.from({ length: D }, (_, i) => i) };
  const ctx: BuildContext = {
    ir: irOrdered,
    P: likelihood.P,
    D,
    rng: new Rng(ir.train?.seed ?? 0),
    prefix: ir.model || 'model',
  };
  const c = ir.conditional;
  let cond: ArConditional;
  switch (c.kind) {
    case 'made':
      cond = buildMade(c, ctx);
      break;
    case 'nade':
      cond = buildNade(c, ctx);
      break;
    case 'pixelcnn':
      cond = buildPixelCnn(c, ctx);
      break;
    case 'gated_pixelcnn':
      cond = buildGatedPixelCnn(c, ctx);
      break;
    case 'pixelrnn':
      cond = buildPixelRnn(c, ctx);
      break;
  }
  return new ArModel(irOrdered, cond, likelihood);
}

/** PixelCNN++: whole pixels in raster order (joint channels) */
export function buildJointPixel(ir: FlowIR): FlowModel & JointPixelModel {
  const c = ir.conditional;
  if (c?.kind !== 'pixelcnnpp') throw new Error('buildJointPixel: the IR has no pixelcnnpp conditional');
  if (ir.data.shape.length !== 3) throw new Error('pixelcnnpp needs image data [C, H, W]');
  const likelihood = buildPixelLikelihood(ir.likelihood ?? defaultLikelihood(ir), ir.data.shape[0]!);
  if (likelihood.P !== c.outputs) {
    throw new Error(`pixelcnnpp: ${c.outputs} outputs per pixel, the likelihood needs ${likelihood.P}`);
  }
  const rng = new Rng(ir.train?.seed ?? 0);
  const ctx: BuildContext = { ir, P: likelihood.P, D: prod(ir.data.shape), rng, prefix: ir.model || 'model' };
  return new JointPixelModel(ir, buildPixelCnnPP(c, ctx), likelihood);
}

function defaultLikelihood(ir: FlowIR): NonNullable<FlowIR['likelihood']> {
  const d = ir.data.domain;
  switch (d.kind) {
    case 'binary':
      return { kind: 'bernoulli' };
    case 'categorical':
    case 'discrete':
      return { kind: 'categorical', K: d.K };
    case 'real':
      return { kind: 'gaussian', learnedStd: true };
  }
}
