// The posterior flow of a VAE: z_K = f_K ∘ … ∘ f_1(z_0), layers in FlowIR's posterior list order
// (written in the latent-sample direction, z_0 first). Each f_k runs in its sampling direction
// (the runtime bijector's `inverse`, which for planar/radial/IAF is the closed one).
// With `amortized: true`, planar and radial layers take their parameters per example from the
// encoder (runtime/vae/amortized.ts), and IAF, MAF and coupling steps take the encoder's context h
// as an extra input of their conditioner (Kingma et al. 2016, §4: h is an extra input of each IAF
// step's MADE); every other layer (permute, actnorm, ...) — and all of them when not amortized —
// uses its own variables only.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIR } from '../../compiler/ir/types.js';
import type { Bijector, BuildContext } from '../bijectors/types.js';
import { buildBijector } from '../bijectors/index.js';
import { amortizedSize, planarStep, radialStep } from './amortized.js';
import { CONTEXT_STEPS } from '../../compiler/registry/posteriors.js';

export interface PostStep {
  readonly id: string;
  readonly kind: string;
  /** columns of the encoder output this step reads (0 if it uses its own variables) */
  readonly nParams: number;
  /** offset of those columns in the encoder output */
  readonly offset: number;
  /** whether the step reads the encoder's context h */
  readonly takesH?: boolean;
  apply(z: tf.Tensor2D, raw?: tf.Tensor2D, h?: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D };
  dispose?(): void;
}

function amortizedStep(layer: LayerIR, D: number, offset: number): PostStep {
  const nParams = amortizedSize(layer.kind, D);
  if (layer.kind === 'planar') {
    const act = layer.args.activation;
    return { id: layer.id, kind: 'planar', nParams, offset, apply: (z, raw) => planarStep(z, raw!, act) };
  }
  return { id: layer.id, kind: 'radial', nParams, offset, apply: (z, raw) => radialStep(z, raw!) };
}

function ownStep(b: Bijector, D: number, takesH: boolean): PostStep {
  return {
    id: b.id,
    kind: b.kind,
    nParams: 0,
    offset: 0,
    takesH,
    apply: (z, _raw, h) => {
      const r = b.inverse(z, undefined, takesH ? h : undefined);
      return { z: tf.reshape(r.x, [z.shape[0], D]) as tf.Tensor2D, logDet: r.logDet };
    },
    dispose: () => b.dispose?.(),
  };
}

/**
 * The steps of the posterior flow. `start` is the first encoder-output column available to
 * amortized parameters (after q0's mean and log-std). Returns the steps and the total number
 * of encoder-output columns they read. `context`: the size of h (FlowIR posterior.context, 0: none).
 */
export function buildPosterior(
  layers: LayerIR[],
  amortized: boolean,
  D: number,
  start: number,
  ctx: BuildContext,
  context = 0,
): { steps: PostStep[]; size: number } {
  let off = start;
  const steps: PostStep[] = [];
  for (const l of layers) {
    if (l.inShape.length !== 1 || l.inShape[0] !== D)
      throw new Error(`${l.id}: a posterior layer must act on the latent [${D}], not [${l.inShape}]`);
    if (amortized && (l.kind === 'planar' || l.kind === 'radial')) {
      const s = amortizedStep(l, D, off);
      off += s.nParams;
      steps.push(s);
    } else {
      // IAF/MAF know their context size from their args; a coupling from the build context's shape
      const takesH = context > 0 && amortized && CONTEXT_STEPS.has(l.kind);
      const b = buildBijector(l, takesH ? { ...ctx, contextShape: [context] } : { ...ctx, contextShape: null });
      steps.push(ownStep(b, D, takesH));
    }
  }
  return { steps, size: off - start };
}

/** runs the chain from z0 [N, D]: z_K and Σ_k log|det ∂f_k/∂z_{k−1}| [N]; h [N, k]: the encoder's context */
export function runPosterior(
  steps: PostStep[],
  z0: tf.Tensor2D,
  enc: tf.Tensor2D | undefined,
  h?: tf.Tensor2D,
): { z: tf.Tensor2D; sumLogDet: tf.Tensor1D } {
  let z = z0;
  let sum = tf.zeros([z0.shape[0]]) as tf.Tensor1D;
  for (const s of steps) {
    const raw = s.nParams > 0 ? (tf.slice(enc!, [0, s.offset], [enc!.shape[0], s.nParams]) as tf.Tensor2D) : undefined;
    const r = s.apply(z, raw, h);
    z = r.z;
    sum = tf.add(sum, r.logDet) as tf.Tensor1D;
  }
  return { z, sumLogDet: sum };
}
