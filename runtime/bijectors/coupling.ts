// Affine / additive coupling (RealNVP, NICE). mask b (1 = passes through and conditions):
//   y = b⊙x + (1−b)⊙(x⊙exp(s) + t),  s = (1−b)⊙g(s_raw), (s_raw, t) = net(x⊙b); log-det Σ s.
// g: exp → s_raw, tanh → tanh(s_raw), sigmoid → log σ(s_raw + 2) (Glow; scale in (0,1)).
// On images with a channel-wise mask (every channel all-in or all-out) the net sees only the
// conditioning channels and emits only the transformed ones (W3's channel coupling).
// Fused path (wasm/cpu, FLOWC_FUSE≠0; runtime/kernels/fused/coupling.ts): on vectors the density
// direction is one op with a hand-written backward (an mlp conditioner with a fusable activation
// included; other conditioners run as usual, the elementwise part still fused). On images with a
// binary or channel-wise mask (runtime/kernels/fused/coupling-image.ts) the conditioner runs as
// usual between two host ops: x → (x⊙b or x[..., a], x) and (x, o) → (y, log-det).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { buildNet, type Net } from '../nets/index.js';
import { type CouplingSpec, couplingElementwise, couplingSpec, mlpCoupling } from '../kernels/fused/coupling.js';
import { type ImageCouplingSpec, channelImageSpec, gateOp, imageCouplingOp, maskedImageSpec } from '../kernels/fused/coupling-image.js';
import { Mlp } from '../nets/mlp.js';
import { fusionEnabled } from '../kernels/fused/host-op.js';
import { type Bijector, type BuildContext, type ForwardResult, type InverseResult, internalShape, logSigmoid, maskToInternal, sumExceptBatch } from './types.js';
import { type ScaleKind, SIGMOID_SCALE_SHIFT } from '../../compiler/math/coupling-scale.js';
import { type ContextInput, contextInput, missingContext } from './context.js';

export type { ScaleKind } from '../../compiler/math/coupling-scale.js';

export function logScale(sRaw: tf.Tensor, kind: ScaleKind): tf.Tensor {
  switch (kind) {
    case 'exp': return sRaw;
    case 'tanh': return tf.tanh(sRaw);
    case 'sigmoid': return logSigmoid(tf.add(sRaw, SIGMOID_SCALE_SHIFT));
    default: throw new Error(`unknown coupling scale '${kind as string}'`);
  }
}

/** channel indices that condition (all 1) and transform (all 0), or null if the mask is not channel-wise */
function channelSplit(maskInternal: number[], shape: number[]): { a: number[]; b: number[] } | null {
  if (shape.length !== 3 || shape[0] * shape[1] === 1) return null;
  const C = shape[2];
  const a: number[] = [], b: number[] = [];
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

interface FusedImage {
  spec: ImageCouplingSpec;
  gate: (x: tf.Tensor) => [tf.Tensor, tf.Tensor];
  couple: (x: tf.Tensor, o: tf.Tensor) => [tf.Tensor, tf.Tensor1D];
}

function imageFused(spec: ImageCouplingSpec): FusedImage {
  return { spec, gate: gateOp(spec), couple: imageCouplingOp(spec) };
}

export class Coupling implements Bijector {
  readonly kind = 'coupling';
  readonly id: string;
  private readonly affine: boolean;
  private readonly scale: ScaleKind;
  private readonly net: Net;
  private readonly shape: number[];
  private readonly mask: tf.Tensor | null = null;      // full-mask mode
  private readonly inv: tf.Tensor | null = null;       // 1 − b
  private readonly split: { a: number[]; b: number[]; perm: tf.Tensor1D | null; invPerm: tf.Tensor1D | null } | null = null;
  /** the fused form (full-mask mode on vectors with a binary mask), else null */
  private readonly fused: { spec: CouplingSpec; elementwise: (x: tf.Tensor, o: tf.Tensor) => [tf.Tensor, tf.Tensor1D] } | null = null;
  /** the fused form on images (binary or channel-wise mask), else null */
  private readonly fusedImage: FusedImage | null = null;
  /** the conditioning context joined to the conditioner's input (BuildContext.contextShape), else null */
  private readonly context: ContextInput | null;

  constructor(layer: LayerIROf<'coupling'>, ctx: BuildContext) {
    this.id = layer.id;
    const args = layer.args;
    this.affine = (args.type ?? 'affine') === 'affine';
    this.scale = args.scale ?? 'exp';
    this.shape = internalShape(layer.inShape);
    const m = maskToInternal(args.mask, layer.inShape);
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
      this.net = buildNet(ctx.store, `${this.id}.net`, args.net, [H, W, cs.a.length + extra], [H, W, mult * cs.b.length]);
      if (!this.context) this.fusedImage = imageFused(channelImageSpec(cs.a, cs.b, this.shape, this.affine, this.scale));
    } else {
      this.mask = tf.keep(tf.tensor(m, this.shape));
      this.inv = tf.keep(tf.sub(1, this.mask));
      const last = this.shape[this.shape.length - 1];
      const outShape = [...this.shape.slice(0, -1), mult * last];
      const inShape = [...this.shape.slice(0, -1), last + extra];
      this.net = buildNet(ctx.store, `${this.id}.net`, args.net, inShape, outShape);
      if (this.context) { /* the fused forms do not take a context */ } else if (this.shape.length === 1 && m.every((v) => v === 0 || v === 1)) {
        const spec = couplingSpec(m, last, this.affine, this.scale);
        this.fused = { spec, elementwise: couplingElementwise(spec) };
      } else if (this.shape.length === 3 && m.every((v) => v === 0 || v === 1)) {
        this.fusedImage = imageFused(maskedImageSpec(m, this.shape, this.affine, this.scale));
      }
    }
  }

  /** (logs, t) for the transformed part, given the conditioning input */
  private params(cond: tf.Tensor, maskOut: tf.Tensor | null, ctx?: tf.Tensor): { logs: tf.Tensor | null; t: tf.Tensor } {
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

  forward(x: tf.Tensor, ctx?: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const fused = fusionEnabled();
      if (this.fused && fused) {
        const p = this.net instanceof Mlp ? this.net.fusedParams() : null;
        const [y, logDet] = p
          ? mlpCoupling(this.fused.spec, x, p.ws, p.bs, p.activation)
          : this.fused.elementwise(x, this.net.apply(tf.mul(x, this.mask!)));
        return { y, logDet };
      }
      if (this.fusedImage && fused) {
        const [cond, pass] = this.fusedImage.gate(x);
        const [y, logDet] = this.fusedImage.couple(pass, this.net.apply(cond));
        return { y, logDet };
      }
      if (this.split) {
        const [xa, xb] = this.parts(x);
        const { logs, t } = this.params(xa, null, ctx);
        const yb = logs ? tf.add(tf.mul(xb, tf.exp(logs)), t) : tf.add(xb, t);
        const logDet = logs ? sumExceptBatch(logs) : tf.zeros([x.shape[0]]) as tf.Tensor1D;
        return { y: this.join(xa, yb), logDet };
      }
      const { logs, t } = this.params(tf.mul(x, this.mask!), this.inv, ctx);
      const y = logs ? tf.add(tf.mul(x, tf.exp(logs)), t) : tf.add(x, t);
      const logDet = logs ? sumExceptBatch(logs) : tf.zeros([x.shape[0]]) as tf.Tensor1D;
      return { y, logDet };
    });
  }

  inverse(y: tf.Tensor, _out?: tf.Tensor2D, ctx?: tf.Tensor): InverseResult {
    return tf.tidy(() => {
      if (this.split) {
        const [ya, yb] = this.parts(y);
        const { logs, t } = this.params(ya, null, ctx);
        const xb = logs ? tf.mul(tf.sub(yb, t), tf.exp(tf.neg(logs))) : tf.sub(yb, t);
        const logDet = logs ? tf.neg(sumExceptBatch(logs)) as tf.Tensor1D : tf.zeros([y.shape[0]]) as tf.Tensor1D;
        return { x: this.join(ya, xb), logDet };
      }
      const { logs, t } = this.params(tf.mul(y, this.mask!), this.inv, ctx);
      const x = logs ? tf.mul(tf.sub(y, t), tf.exp(tf.neg(logs))) : tf.sub(y, t);
      const logDet = logs ? tf.neg(sumExceptBatch(logs)) as tf.Tensor1D : tf.zeros([y.shape[0]]) as tf.Tensor1D;
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
