// NADE (Larochelle & Murray 2011): h_t = σ(c + W_{·,<t} x_<t) with W tied across positions,
// p(x_{o_t} | x_<t) from per-position V_t, b_t. In a pass (teacher forcing) the running sums are an
// exclusive cumulative sum over the order: O(D·H) per example. The incremental sampler keeps
// a = c + Σ_{sampled} x_d W_d and adds one row per step (O(H·P) per step). The pass below is the plain
// one (the oracle); the planner may choose a kernel for it (nade:fused, nade:simd in nade-fused.ts).
// p(x|y) (`condition y`): the context y is an extra input to the hidden layer, c ↦ c + y·W_y per example
// (every position's h_t sees it); the fused kernels run the plain pass for it (they take one shared c).
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalIR } from '../../compiler/ir/types.js';
import {
  encode,
  encodeValue,
  inputScale,
  makeVariable,
  uniformFanIn,
  type ArConditional,
  type BuildContext,
  type FastSampler,
} from './common.js';
import { implementationOf } from '../plan/planner.js';

type NadeIR = Extract<ConditionalIR, { kind: 'nade' }>;

/** a NADE's parameters and order (the unit the planner picks a pass for) */
export interface NadeNet {
  order: number[];
  /** position of each dimension in the order */
  pos: number[];
  W: tf.Variable;
  V: tf.Variable;
  b: tf.Variable;
}

/**
 * The teacher-forced pass: encoded inputs xe [N, D] and the hidden bias c ([H], or [N, 1, H] per example)
 * → parameters [N, D, P] indexed by data dimension.
 */
export type NadePass = (net: NadeNet, xe: tf.Tensor2D, c: tf.Tensor) => tf.Tensor3D;

/** the plain pass: an exclusive cumsum of x_<t·W over the order */
export function plainNadePass(net: NadeNet, xe: tf.Tensor2D, cb: tf.Tensor): tf.Tensor3D {
  const { order, pos, W, V, b } = net;
  const [n, D] = xe.shape;
  const P = V.shape[2]!;
  const xo = tf.gather(xe, order, 1); // [N, D] in order positions
  const WoT = tf.transpose(tf.gather(W, order, 0)); // [H, D]
  const contrib = tf.mul(tf.expandDims(xo, 1), tf.expandDims(WoT, 0)); // [N, H, D]
  // exclusive: position t sums x_<t only. (Cumsum runs on the last axis: tfjs 4.22's
  // gradient of a cumsum on an inner axis returns a wrongly transposed shape.)
  const A = tf.add(tf.transpose(tf.cumsum(contrib, 2, true), [0, 2, 1]), cb); // [N, D, H]
  const h = tf.transpose(tf.sigmoid(A), [1, 0, 2]) as tf.Tensor3D; // [D, N, H]
  const Vo = tf.gather(V, order, 0) as tf.Tensor3D; // [D, H, P]
  const out = tf.add(tf.matMul(h, Vo), tf.expandDims(tf.gather(b, order, 0), 1)); // [D, N, P]
  const byPos = tf.transpose(out, [1, 0, 2]); // [N, D(pos), P]
  return tf.reshape(tf.gather(byPos, pos, 1), [n, D, P]) as tf.Tensor3D;
}

export function buildNade(ir: NadeIR, ctx: BuildContext): ArConditional {
  const { D, P, rng } = ctx;
  const H = ir.hidden;
  const domain = ctx.ir.data.domain;
  const order = ctx.ir.order!;
  const pos = new Array<number>(D);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  const W = makeVariable(`${ctx.prefix}/nade/W`, uniformFanIn(rng, [D, H], D));
  const c = makeVariable(`${ctx.prefix}/nade/c`, uniformFanIn(rng, [H], D));
  const V = makeVariable(`${ctx.prefix}/nade/V`, uniformFanIn(rng, [D, H, P], H));
  const b = makeVariable(`${ctx.prefix}/nade/b`, uniformFanIn(rng, [D, P], H));

  const kctx = ir.context ?? 0;
  const Wy = kctx > 0 ? makeVariable(`${ctx.prefix}/nade/context`, uniformFanIn(rng, [kctx, H], kctx)) : undefined;
  /** the hidden bias of every example: c, or c + y·W_y [N, H] under a context */
  const biasOf = (context: tf.Tensor | undefined): tf.Tensor => {
    if (!Wy) return c;
    if (!context || context.shape[1] !== kctx) {
      const got = context ? context.shape[1] : 'none';
      throw new Error(`nade: the model is conditioned on ${kctx} context entries; got ${got}`);
    }
    return tf.add(c, tf.matMul(context as tf.Tensor2D, Wy));
  };

  const net: NadeNet = { order, pos, W, V, b };
  const pass = implementationOf<NadePass>(
    { id: 'conditional', kind: 'nade', ir: ctx.ir, contextShape: null },
    plainNadePass,
  );

  function params(x: tf.Tensor2D, _member = 0, context?: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const cb = Wy ? tf.expandDims(biasOf(context), 1) : c; // [H] or [N, 1, H]
      return pass(net, encode(x, domain) as tf.Tensor2D, cb);
    });
  }

  function fastSampler(n: number, _member = 0, context?: tf.Tensor): FastSampler {
    const scale = inputScale(domain);
    let a: tf.Tensor2D = tf.tidy(() => tf.keep(tf.add(tf.zeros([n, H]), biasOf(context)) as tf.Tensor2D));
    return {
      paramsAt(d: number): Float32Array {
        const t = tf.tidy(() => {
          const Vd = tf.reshape(tf.slice(V, [d, 0, 0], [1, H, P]), [H, P]) as tf.Tensor2D;
          return tf.add(tf.matMul(tf.sigmoid(a), Vd), tf.slice(b, [d, 0], [1, P]));
        });
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return v;
      },
      observe(d: number, values: Float32Array): void {
        const next = tf.tidy(() => {
          const enc = tf.tensor2d(
            Float32Array.from(values, (v) => encodeValue(v, scale)),
            [n, 1],
          );
          return tf.keep(tf.add(a, tf.mul(enc, tf.slice(W, [d, 0], [1, H]))) as tf.Tensor2D);
        });
        a.dispose();
        a = next;
      },
      dispose: () => a.dispose(),
    };
  }

  return { members: 1, variables: [W, c, V, b, ...(Wy ? [Wy] : [])], params, fastSampler };
}
