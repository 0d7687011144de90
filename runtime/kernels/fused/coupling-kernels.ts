// The coupling's fused forms as planner kernels (runtime/plan/): each wraps the plain Coupling
// (runtime/bijectors/coupling.ts, same parameters) and replaces its density direction; the sampling
// direction stays plain. Tested against the plain layer in test/runtime/kernels-vs-plain.test.ts and
// test/runtime/fused-coupling*.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIR } from '../../../compiler/ir/types.js';
import { type Coupling, channelSplit } from '../../bijectors/coupling.js';
import {
  type Bijector,
  type ForwardResult,
  internalShape,
  maskToInternal,
  tidyForward,
} from '../../bijectors/types.js';
import { Mlp } from '../../nets/mlp.js';
import { type KernelSpec, type PlanUnit, registerKernel } from '../../plan/registry.js';
import { couplingElementwise, couplingSpec, mlpCoupling } from './coupling.js';
import { channelImageSpec, gateOp, imageCouplingOp, maskedImageSpec } from './coupling-image.js';
import { fusableActivation } from './dense.js';

/** the plain layer with its density direction replaced (instanceof, fields and inverse are the plain one's) */
export function withForward(plain: Bijector, fast: (x: tf.Tensor) => ForwardResult, on: () => boolean): Bijector {
  const b = Object.create(plain) as Bijector;
  b.forward = (x: tf.Tensor, ctx?: tf.Tensor) => (on() ? tidyForward(() => fast(x)) : plain.forward(x, ctx));
  return b;
}

type Shape = 'vector' | 'image-mask' | 'image-channels';

/** which fused form a coupling layer's mask allows, or why none */
function maskForm(u: PlanUnit): Shape | string {
  if (u.layer?.kind !== 'coupling') return 'not a coupling';
  if (u.contextShape) return 'conditioning context';
  const l = u.layer;
  if (l.args.type !== 'affine' && l.args.type !== 'additive') return `a ${l.args.type} coupling (plain implementation)`;
  const m = maskToInternal(l.args.mask, l.inShape);
  const shape = internalShape(l.inShape);
  if (shape.length === 3 && channelSplit(m, shape)) return 'image-channels';
  if (!m.every((v) => v === 0 || v === 1)) return 'mask not binary';
  return shape.length === 1 ? 'vector' : 'image-mask';
}

const FORM: Record<Shape, string> = {
  vector: 'a vector layer',
  'image-mask': 'an image with a binary mask',
  'image-channels': 'a channel-wise mask',
};

const needs =
  (form: Shape) =>
  (u: PlanUnit): true | string => {
    const f = maskForm(u);
    return f === form ? true : f in FORM ? FORM[f as Shape] : f;
  };

const fusableMlp = (u: PlanUnit) =>
  u.layer?.kind === 'coupling' && u.layer.args.net.kind === 'mlp' && fusableActivation(u.layer.args.net.activation);

const common = { kind: 'coupling', backends: ['wasm', 'cpu'], settings: ['fuse'] } as const;

export const FUSED_MLP: KernelSpec = registerKernel({
  ...common,
  name: 'fused-mlp',
  doc: 'vector coupling with its mlp conditioner as one host op with a hand-written backward',
  applies: (u) => {
    const v = needs('vector')(u);
    return v !== true ? v : fusableMlp(u) || 'conditioner not an mlp with a fusable activation';
  },
  build: (_l: LayerIR, plain, _c, on) => {
    const c = plain as Coupling;
    const spec = couplingSpec(c.maskValues, c.shape[c.shape.length - 1], c.affine, c.scale);
    const p = c.net instanceof Mlp ? c.net.fusedParams() : null;
    if (!p) return plain;
    return withForward(
      plain,
      (x) => {
        const [y, logDet] = mlpCoupling(spec, x, p.ws, p.bs, p.activation);
        return { y, logDet };
      },
      on,
    );
  },
});

export const FUSED_ELEMENTWISE: KernelSpec = registerKernel({
  ...common,
  name: 'fused-elementwise',
  doc: 'vector coupling: the conditioner as usual, the affine/additive update and log-det as one host op',
  applies: (u) => {
    const v = needs('vector')(u);
    return v !== true ? v : !fusableMlp(u) || 'fused-mlp covers it';
  },
  build: (_l, plain, _c, on) => {
    const c = plain as Coupling;
    const op = couplingElementwise(couplingSpec(c.maskValues, c.shape[c.shape.length - 1], c.affine, c.scale));
    return withForward(
      plain,
      (x) => {
        const [y, logDet] = op(x, c.net.apply(tf.mul(x, c.mask!)));
        return { y, logDet };
      },
      on,
    );
  },
});

function imageBuild(kind: Shape) {
  return (_l: LayerIR, plain: Bijector, _c: unknown, on: () => boolean): Bijector => {
    const c = plain as Coupling;
    const spec =
      kind === 'image-channels'
        ? channelImageSpec(c.split!.a, c.split!.b, c.shape, c.affine, c.scale)
        : maskedImageSpec(c.maskValues, c.shape, c.affine, c.scale);
    const gate = gateOp(spec),
      couple = imageCouplingOp(spec);
    return withForward(
      plain,
      (x) => {
        const [cond, pass] = gate(x);
        const [y, logDet] = couple(pass, c.net.apply(cond));
        return { y, logDet };
      },
      on,
    );
  };
}

export const FUSED_IMAGE_MASK: KernelSpec = registerKernel({
  ...common,
  name: 'fused-image-mask',
  doc: 'image coupling with a binary mask: gate (x⊙b, x) and update (y, log-det) as two host ops',
  applies: needs('image-mask'),
  build: imageBuild('image-mask'),
});

export const FUSED_CHANNEL_SPLIT: KernelSpec = registerKernel({
  ...common,
  name: 'fused-channel-split',
  doc: 'image coupling with a channel-wise mask: channel gather and update as two host ops',
  applies: needs('image-channels'),
  build: imageBuild('image-channels'),
});
