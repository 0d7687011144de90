// Affine / additive coupling (RealNVP, NICE). mask b (1 = passes through and conditions):
//   y = b⊙x + (1−b)⊙(x⊙exp(s) + t),  s = (1−b)⊙g(s_raw), (s_raw, t) = net(x⊙b); log-det Σ s.
// g: exp → s_raw, tanh → tanh(s_raw), sigmoid → log σ(s_raw + 2) (Glow; scale in (0,1)).
// On images with a channel-wise mask (every channel all-in or all-out) the net sees only the
// conditioning channels and emits only the transformed ones (W3's channel coupling).
// With a conditioning context (BuildContext.contextShape) the net's input is cond ‖ ctx (context.ts).
// This file is the plain math (the oracle); the fused forms are kernels chosen by the planner
// (runtime/kernels/fused/coupling-kernels.ts, runtime/plan/).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { buildNet, type Net } from '../nets/index.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  logSigmoid,
  maskToInternal,
  sumExceptBatch,
} from './types.js';
import { type ScaleKind, SIGMOID_SCALE_SHIFT } from '../../compiler/math/coupling-scale.js';
import { type ContextInput, contextInput, missingContext } from './context.js';

export type { ScaleKind } from '../../compiler/math/coupling-scale.js';

export function logScale(sRaw: tf.Tensor, kind: ScaleKind): tf.Tensor {
  switch (kind) {
    case 'exp':
      return sRaw;
    case 'tanh':
      return tf.tanh(sRaw);
    case 'sigmoid':
      return logSigmoid(tf.add(sRaw, SIGMOID_SCALE_SHIFT));
    default:
      throw new Error(`unknown coupling scale '${kind as string}'`);
  }
}

/** channel indices that condition (all 1) and transform (all 0), or null if the mask is not channel-wise */
export function channelSplit(maskInternal: number[], shape: number[]): { a: number[]; b: number[] } | null {
  if (shape.length !== 3 || shape[0] * shape[1] === 1) return null;
  const C = shape[2];
  const a: number[] = [],
    b: number[] = [];
  for (let c = 0; c < C; c++) {
    let ones = 0;
    for (let p = c; p < maskInternal.length; p += C) ones += maskInternal[p];
    const n = maskInternal.length / C;
    if (ones === n) a.push(c);
    else if (ones === 0) b.push(c);
    else return null;
  }
  return a.length && b.length ? { a, b } : null;
}

export class Coupling implements Bijector {
  readonly kind = 'coupling';
  readonly id: string;
  readonly affine: boolean;
  readonly scale: ScaleKind;
  readonly net: Net;
  /** internal shape ([D] or [H, W, C]) */
  readonly shape: number[];
  /** the mask in the internal layout */
  readonly maskValues: number[];
  /** full-mask mode: b (internal layout) */
  readonly mask: tf.Tensor | null = null;
  private readonly inv: tf.Tensor | null = null; // 1 − b
  /** channel-split mode: conditioning channels a, transformed channels b */
  readonly split: { a: number[]; b: number[]; perm: tf.Tensor1D | null; invPerm: tf.Tensor1D | null } | null = null;
  /** the conditioning context joined to the conditioner's input (BuildContext.contextShape), else null */
  readonly context: ContextInput | null;

  constructor(layer: LayerIROf<'coupling'>, ctx: BuildContext) {
    this.id = layer.id;
    const args = layer.args;
    this.affine = (args.type ?? 'affine') === 'affine';
    this.scale = args.scale ?? 'exp';
    this.shape = internalShape(layer.inShape);
    const m = maskToInternal(args.mask, layer.inShape);
    this.maskValues = m;
    const cs = channelSplit(m, this.shape);
    const mult = this.affine ? 2 : 1;
    this.context = contextInput(this.id, ctx.contextShape, this.shape);
    const extra = this.context?.extra ?? 0;
    if (cs) {
      const perm = [...cs.a, ...cs.b];
      const isId = perm.every((p, i) => p === i);
      const invPerm = new Array<number>(perm.length);
      perm.forEach((p, i) => (invPerm[p] = i));
      this.split = {
        ...cs,
        perm: isId ? null : tf.keep(tf.tensor1d(perm, 'int32')),
        invPerm: isId ? null : tf.keep(tf.tensor1d(invPerm, 'int32')),
      };
      const [H, W] = this.shape;
      const inShape = [H, W, cs.a.length + extra];
      this.net = buildNet(ctx.store, `${this.id}.net`, args.net, inShape, [H, W, mult * cs.b.length]);
    } else {
      this.mask = tf.keep(tf.tensor(m, this.shape));
      this.inv = tf.keep(tf.sub(1, this.mask));
      const last = this.shape[this.shape.length - 1];
      const outShape = [...this.shape.slice(0, -1), mult * last];
      const inShape = [...this.shape.slice(0, -1), last + extra];
      this.net = buildNet(ctx.store, `${this.id}.net`, args.net, inShape, outShape);
    }
  }

  /** (logs, t) for the transformed part, given the conditioning input */
  private params(
    cond: tf.Tensor,
    maskOut: tf.Tensor | null,
    ctx?: tf.Tensor,
  ): { logs: tf.Tensor | null; t: tf.Tensor } {
    const o = this.net.apply(this.conditionerInput(cond, ctx));
    const ax = o.rank - 1;
    if (!this.affine) return { logs: null, t: maskOut ? tf.mul(o, maskOut) : o };
    const [sRaw, t] = tf.split(o, 2, ax);
    const logs = logScale(sRaw, this.scale);
    return maskOut ? { logs: tf.mul(logs, maskOut), t: tf.mul(t, maskOut) } : { logs, t };
  }

  /** cond, with the context joined when the layer was built with one (a context is ignored otherwise) */
  private conditionerInput(cond: tf.Tensor, ctx?: tf.Tensor): tf.Tensor {
    if (!this.context) return cond;
    if (!ctx) throw missingContext(this.id);
    return this.context.join(cond, ctx);
  }

  private parts(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const s = this.split!;
    const xp = s.perm ? tf.gather(x, s.perm, x.rank - 1) : x;
    return tf.split(xp, [s.a.length, s.b.length], x.rank - 1) as [tf.Tensor, tf.Tensor];
  }

  private join(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    const s = this.split!;
    const y = tf.concat([a, b], a.rank - 1);
    return s.invPerm ? tf.gather(y, s.invPerm, y.rank - 1) : y;
  }

  /** the conditioner's data-dependent init (flowpp weight norm) is pending: the next forward runs it */
  needsInit(): boolean {
    return this.net.needsInit?.() ?? false;
  }

  forward(x: tf.Tensor, ctx?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      if (this.split) {
        const [xa, xb] = this.parts(x);
        const { logs, t } = this.params(xa, null, ctx);
        const yb = logs ? tf.add(tf.mul(xb, tf.exp(logs)), t) : tf.add(xb, t);
        const logDet = logs ? sumExceptBatch(logs) : (tf.zeros([x.shape[0]]) as tf.Tensor1D);
        return { y: this.join(xa, yb), logDet };
      }
      const { logs, t } = this.params(tf.mul(x, this.mask!), this.inv, ctx);
      const y = logs ? tf.add(tf.mul(x, tf.exp(logs)), t) : tf.add(x, t);
      const logDet = logs ? sumExceptBatch(logs) : (tf.zeros([x.shape[0]]) as tf.Tensor1D);
      return { y, logDet };
    });
  }

  inverse(y: tf.Tensor, _out?: tf.Tensor2D, ctx?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      if (this.split) {
        const [ya, yb] = this.parts(y);
        const { logs, t } = this.params(ya, null, ctx);
        const xb = logs ? tf.mul(tf.sub(yb, t), tf.exp(tf.neg(logs))) : tf.sub(yb, t);
        const logDet = logs ? (tf.neg(sumExceptBatch(logs)) as tf.Tensor1D) : (tf.zeros([y.shape[0]]) as tf.Tensor1D);
        return { x: this.join(ya, xb), logDet };
      }
      const { logs, t } = this.params(tf.mul(y, this.mask!), this.inv, ctx);
      const x = logs ? tf.mul(tf.sub(y, t), tf.exp(tf.neg(logs))) : tf.sub(y, t);
      const logDet = logs ? (tf.neg(sumExceptBatch(logs)) as tf.Tensor1D) : (tf.zeros([y.shape[0]]) as tf.Tensor1D);
      return { x, logDet };
    });
  }

  dispose(): void {
    this.mask?.dispose();
    this.inv?.dispose();
    this.split?.perm?.dispose();
    this.split?.invPerm?.dispose();
  }
}
