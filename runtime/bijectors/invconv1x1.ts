// Invertible 1×1 convolution (Glow): per pixel y = W x over channels; log-det H·W·log|det W|.
// lu: W = P·L·(U + diag(sign·exp(logs))), P fixed, L unit lower (params 'lower', strict part),
//     U strictly upper (param 'upper'), logs = log|diag U| (param 'logs'), sign fixed.
// no lu: W is a free parameter ('weight'); log|det W| and its gradient W⁻ᵀ are computed in float64 JS.
// Both start from a random orthogonal matrix.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import * as la from '../linalg.js';
import { type Bijector, type BuildContext, type ForwardResult, type InverseResult, internalShape } from './types.js';

const logAbsDetOp = tf.customGrad(((w: tf.Tensor, save: tf.GradSaveFunc) => {
  const C = w.shape[0];
  const W = la.toMat(w.dataSync(), C);
  save([w]);
  return {
    value: tf.scalar(la.logAbsDet(W)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const inv = la.inverse(la.toMat(saved[0].dataSync(), C));
      const invT = inv[0].map((_, i) => inv.map((r) => r[i])); // (W⁻¹)ᵀ
      return [tf.mul(dy, tf.tensor2d(invT.flat(), [C, C]))];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (w: tf.Tensor) => tf.Tensor;

export class InvConv1x1 implements Bijector {
  readonly kind = 'invconv1x1';
  readonly id: string;
  private readonly C: number;
  private readonly spatial: number;
  private readonly useLu: boolean;
  private readonly vars: Record<string, tf.Variable> = {};
  private readonly fixed: {
    P: tf.Tensor2D;
    sign: tf.Tensor1D;
    lmask: tf.Tensor2D;
    umask: tf.Tensor2D;
    eye: tf.Tensor2D;
  } | null = null;

  constructor(layer: LayerIROf<'invconv1x1'>, ctx: BuildContext) {
    this.id = layer.id;
    const shape = internalShape(layer.inShape);
    this.C = shape[shape.length - 1];
    this.spatial = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    this.useLu = layer.args.lu;
    const C = this.C;
    const W0 = la.randomOrthogonal(C, ctx.rng);
    if (!this.useLu) {
      this.vars.weight = ctx.store.create(`${this.id}.W`, [C, C], 'zeros', { values: Float32Array.from(W0.flat()) });
      return;
    }
    const { P, L, U } = la.lu(W0);
    const diag = U.map((r, i) => r[i]);
    const strictU = U.map((r, i) => r.map((x, j) => (j > i ? x : 0)));
    const strictL = L.map((r, i) => r.map((x, j) => (j < i ? x : 0)));
    this.vars.lower = ctx.store.create(`${this.id}.L`, [C, C], 'zeros', { values: Float32Array.from(strictL.flat()) });
    this.vars.upper = ctx.store.create(`${this.id}.U`, [C, C], 'zeros', { values: Float32Array.from(strictU.flat()) });
    this.vars.logs = ctx.store.create(`${this.id}.log_s`, [C], 'zeros', {
      values: Float32Array.from(diag.map((d) => Math.log(Math.abs(d)))),
    });
    const lm = la.eye(C).map((r, i) => r.map((_, j) => (j < i ? 1 : 0)));
    this.fixed = tf.tidy(() => ({
      P: tf.keep(tf.tensor2d(P.flat(), [C, C])),
      sign: tf.keep(tf.tensor1d(diag.map((d) => (d < 0 ? -1 : 1)))),
      lmask: tf.keep(tf.tensor2d(lm.flat(), [C, C])),
      umask: tf.keep(tf.transpose(tf.tensor2d(lm.flat(), [C, C])) as tf.Tensor2D),
      eye: tf.keep(tf.eye(C) as tf.Tensor2D),
    }));
  }

  /** the fixed tensors drawn at initialisation (lu: the permutation P and the signs of diag U), for other engines */
  constants(): { P?: number[][]; sign?: number[] } {
    if (!this.fixed) return {};
    const C = this.C;
    const P = Array.from(this.fixed.P.dataSync());
    const sign = Array.from(this.fixed.sign.dataSync());
    return { P: Array.from({ length: C }, (_, i) => P.slice(i * C, (i + 1) * C)), sign };
  }

  /** W and log|det W| */
  private weight(): { W: tf.Tensor2D; logDet: tf.Tensor } {
    return tf.tidy(() => {
      if (!this.useLu) {
        const W = this.vars.weight as tf.Tensor2D;
        return { W: tf.clone(W), logDet: logAbsDetOp(W) };
      }
      const f = this.fixed!;
      const L = tf.add(tf.mul(this.vars.lower, f.lmask), f.eye) as tf.Tensor2D;
      const U = tf.add(
        tf.mul(this.vars.upper, f.umask),
        tf.mul(f.eye, tf.mul(f.sign, tf.exp(this.vars.logs))),
      ) as tf.Tensor2D;
      return { W: tf.matMul(f.P, tf.matMul(L, U)), logDet: tf.sum(this.vars.logs) };
    });
  }

  private apply(x: tf.Tensor, Wt: tf.Tensor2D): tf.Tensor {
    return tf.reshape(tf.matMul(tf.reshape(x, [-1, this.C]) as tf.Tensor2D, Wt), x.shape);
  }

  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const { W, logDet } = this.weight();
      const y = this.apply(x, tf.transpose(W));
      return { y, logDet: tf.mul(tf.ones([x.shape[0]]), tf.mul(logDet, this.spatial)) as tf.Tensor1D };
    });
  }

  inverse(y: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const { W, logDet } = this.weight();
      const Winv = la.inverse(la.toMat(W.dataSync(), this.C));
      const WinvT = tf.transpose(tf.tensor2d(Winv.flat(), [this.C, this.C]));
      const x = this.apply(y, WinvT);
      return { x, logDet: tf.mul(tf.ones([y.shape[0]]), tf.mul(logDet, -this.spatial)) as tf.Tensor1D };
    });
  }

  dispose(): void {
    if (this.fixed) for (const t of Object.values(this.fixed)) t.dispose();
  }
}
