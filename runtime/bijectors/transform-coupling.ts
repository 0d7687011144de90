// Couplings with a non-affine elementwise transform: logistic_mixture (Flow++) and spline (Neural Spline
// Flows). mask b (1 = passes through and conditions): y_b = x_b, y_i = T(x_i; p_i(x_b)) for i ∉ b, log-det
// Σ_{i∉b} log|T′(x_i)|, T from runtime/bijectors/transforms/. The conditioner's outputs are element-major,
// [..., n, P] (Flow++'s flows.py reshapes its proj_out to [B, H, W, C, 2 + 3K] the same way).
// Channel-wise masks on images: the net sees the conditioning channels only and emits P per transformed
// channel; every other mask: the net sees x⊙b (all channels, or all D) and emits P per element.
// A conditioning context (BuildContext.contextShape; runtime/bijectors/context.ts) is joined to the
// conditioner's input, as in the affine coupling; Flow++'s dequantization flow conditions on x this way.
// One plain forward and one plain inverse, no fast path.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { paramsPerElement, type TransformKind } from '../../compiler/math/elementwise.js';
import { buildNet, type Net } from '../nets/index.js';
import { makeTransform, type ElementwiseTransform } from './transforms/index.js';
import {
  type Bijector,
  type BuildContext,
  type ForwardResult,
  type InverseResult,
  internalShape,
  maskToInternal,
  sumExceptBatch,
} from './types.js';
import { type ContextInput, contextInput, missingContext } from './context.js';

/** conditioning (all-1) and transformed (all-0) channels of an NHWC mask, or null when it is not channel-wise */
export function channelParts(m: number[], shape: number[]): { a: number[]; b: number[] } | null {
  if (shape.length !== 3 || shape[0]! * shape[1]! === 1) return null;
  const C = shape[2]!;
  const a: number[] = [],
    b: number[] = [];
  for (let c = 0; c < C; c++) {
    let ones = 0;
    for (let q = c; q < m.length; q += C) ones += m[q]!;
    if (ones === m.length / C) a.push(c);
    else if (ones === 0) b.push(c);
    else return null;
  }
  return a.length && b.length ? { a, b } : null;
}

export class TransformCoupling implements Bijector {
  readonly kind = 'coupling';
  readonly id: string;
  readonly transform: ElementwiseTransform;
  private readonly net: Net;
  private readonly shape: number[];
  private readonly mask: tf.Tensor | null = null;
  private readonly channels: { a: tf.Tensor1D; b: tf.Tensor1D; inv: tf.Tensor1D; na: number; nb: number } | null = null;
  private readonly context: ContextInput | null;

  constructor(layer: LayerIROf<'coupling'>, ctx: BuildContext) {
    this.id = layer.id;
    const args = layer.args;
    const kind = args.type as TransformKind;
    const settings = { k: args.k, bins: args.bins, bound: args.bound };
    this.transform = makeTransform(kind, settings, args.scale);
    const P = paramsPerElement(kind, settings);
    this.shape = internalShape(layer.inShape);
    const m = maskToInternal(args.mask, layer.inShape);
    const cs = channelParts(m, this.shape);
    this.context = contextInput(this.id, ctx.contextShape, this.shape);
    const extra = this.context?.extra ?? 0;
    if (cs) {
      const order = [...cs.a, ...cs.b];
      const inv = new Array<number>(order.length);
      order.forEach((c, i) => (inv[c] = i));
      this.channels = {
        a: tf.keep(tf.tensor1d(cs.a, 'int32')),
        b: tf.keep(tf.tensor1d(cs.b, 'int32')),
        inv: tf.keep(tf.tensor1d(inv, 'int32')),
        na: cs.a.length,
        nb: cs.b.length,
      };
      const [H, W] = this.shape;
      this.net = buildNet(
        ctx.store,
        `${this.id}.net`,
        args.net,
        [H!, W!, cs.a.length + extra],
        [H!, W!, P * cs.b.length],
      );
    } else {
      this.mask = tf.keep(tf.tensor(m, this.shape, 'bool'));
      const last = this.shape[this.shape.length - 1]!;
      const lead = this.shape.slice(0, -1);
      this.net = buildNet(ctx.store, `${this.id}.net`, args.net, [...lead, last + extra], [...lead, P * last]);
    }
  }

  /** the conditioner's outputs as [..., n, P] */
  private params(cond: tf.Tensor, ctx?: tf.Tensor): tf.Tensor {
    let input = cond;
    if (this.context) {
      if (!ctx) throw missingContext(this.id);
      input = this.context.join(cond, ctx);
    }
    const o = this.net.apply(input);
    const n = o.shape[o.rank - 1]! / this.transform.P;
    return tf.reshape(o, [...o.shape.slice(0, -1), n, this.transform.P]);
  }

  private run(v: tf.Tensor, dir: 'forward' | 'inverse', ctx?: tf.Tensor): { out: tf.Tensor; logDet: tf.Tensor1D } {
    if (this.channels) {
      const ax = v.rank - 1;
      const va = tf.gather(v, this.channels.a, ax);
      const r = this.transform[dir](tf.gather(v, this.channels.b, ax), this.params(va, ctx));
      return { out: tf.gather(tf.concat([va, r.out], ax), this.channels.inv, ax), logDet: sumExceptBatch(r.ld) };
    }
    const zero = tf.zerosLike(v);
    const r = this.transform[dir](v, this.params(tf.where(this.mask!, v, zero), ctx));
    const mask = tf.broadcastTo(this.mask!, v.shape);
    return { out: tf.where(mask, v, r.out), logDet: sumExceptBatch(tf.where(mask, zero, r.ld)) };
  }

  /** the conditioner's data-dependent init (flowpp weight norm) is pending: the next forward runs it */
  needsInit(): boolean {
    return this.net.needsInit?.() ?? false;
  }

  forward(x: tf.Tensor, ctx?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const { out, logDet } = this.run(x, 'forward', ctx);
      return { y: out, logDet };
    });
  }

  inverse(y: tf.Tensor, _out?: tf.Tensor2D, ctx?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      const { out, logDet } = this.run(y, 'inverse', ctx);
      return { x: out, logDet };
    });
  }

  dispose(): void {
    this.mask?.dispose();
    this.channels?.a.dispose();
    this.channels?.b.dispose();
    this.channels?.inv.dispose();
  }
}
