// One constructor per FlowIR layer kind (the plain math); the planner's kernels wrap it (runtime/plan/).
import type { LayerIR, LayerIROf, LayerKindName } from '../../compiler/ir/types.js';
import type { Bijector, BuildContext } from './types.js';
import { Coupling } from './coupling.js';
import { TransformCoupling } from './transform-coupling.js';
import { Squeeze } from './squeeze.js';
import { Split } from './split.js';
import { Permute } from './permute.js';
import { Logit } from './logit.js';
import { Dequantize } from './dequantize.js';
import { CategoricalDequantize } from './dequantize-categorical.js';
import { ActNorm } from './actnorm.js';
import { InvConv1x1 } from './invconv1x1.js';
import { Planar } from './planar.js';
import { Radial } from './radial.js';
import { Maf, Iaf } from './autoregressive.js';
import { buildWithKernels } from '../plan/planner.js';
import { TransformIaf, TransformMaf } from './maf-transform.js';

export type { Bijector, BuildContext } from './types.js';

/** one constructor for every FlowIR layer kind (a kind added to LAYER_ARGS without one does not compile) */
const KINDS: { [K in LayerKindName]: (l: LayerIROf<K>, ctx: BuildContext) => Bijector } = {
  coupling: (l, c) =>
    l.args.type === 'affine' || l.args.type === 'additive' ? new Coupling(l, c) : new TransformCoupling(l, c),
  squeeze: (l) => new Squeeze(l),
  split: (l, c) => new Split(l, c),
  permute: (l) => new Permute(l),
  logit: (l) => new Logit(l),
  dequantize: (l, c) => (l.args.type === 'categorical' ? new CategoricalDequantize(l, c) : new Dequantize(l, c)),
  actnorm: (l, c) => new ActNorm(l, c),
  invconv1x1: (l, c) => new InvConv1x1(l, c),
  planar: (l, c) => new Planar(l, c),
  radial: (l, c) => new Radial(l, c),
  maf: (l, c) => (l.args.transform ? new TransformMaf(l, c) : new Maf(l, c)),
  iaf: (l, c) => (l.args.transform ? new TransformIaf(l, c) : new Iaf(l, c)),
};

/** the layer's plain implementation, wrapped by the kernel the planner chooses for it, if any */
export function buildBijector(layer: LayerIR, ctx: BuildContext): Bijector {
  const make = KINDS[layer.kind] as ((l: LayerIR, c: BuildContext) => Bijector) | undefined;
  if (!make) throw new Error(`${layer.id}: the runtime has no flow layer of kind '${layer.kind}'`);
  return buildWithKernels(layer, make(layer, ctx), ctx);
}
