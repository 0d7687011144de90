// MADE (Germain et al. 2015): masked dense layers, masks from the IR (row = output unit,
// column = input unit). The last mask (D × H) is replicated for the P likelihood parameters
// with the blocked layout column p·D + d. Ensembles (ensemble > 1) share the weights and use
// extra connectivity-resampled mask sets (member 0 = the IR's masks); their densities are
// averaged: log p(x) = log mean_m p_m(x). Order/connectivity-agnostic MADEs (ir.members, Germain et al.
// §3.3–3.4) share the weights over S·C mask sets, each in its own order (members[m].order); the model
// trains one per minibatch and averages `ensemble` of them at evaluation. `direct` adds input → output
// weights masked to each member's order (directMask).
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalIR } from '../../compiler/ir/types.js';
import { Rng } from '../rng.js';
import { implementationOf } from '../plan/planner.js';
import {
  act,
  normAct,
  encode,
  encodeValue,
  inputScale,
  makeVariable,
  uniformFanIn,
  type ActName,
  type ArConditional,
  type BuildContext,
  type FastSampler,
} from './common.js';
import {
  buildMadeMasks,
  directMask,
  masksFromDegrees,
  orderDegrees,
  randomDegrees,
} from '../../compiler/proofs/made.js';

type MadeIR = Extract<ConditionalIR, { kind: 'made' }>;

/** Germain et al.'s random connectivity (eq. 12–13) for an extra ensemble member. */
export function resampledMasks(order: number[], hidden: number[], rng: Rng): number[][][] {
  return masksFromDegrees(
    orderDegrees(order),
    randomDegrees(order.length, hidden, () => rng.uniform()),
  );
}

/** a MADE's parameters and masks (the unit the planner picks a masked pass for) */
export interface MadeNet {
  weights: readonly tf.Variable[];
  biases: readonly tf.Variable[];
  /** per member, per layer: [in, out] 0/1 */
  masks: readonly (readonly tf.Tensor2D[])[];
  activation: ActName;
  D: number;
  P: number;
}

/**
 * The masked pass of one member: encoded inputs [N, D] → parameters [N, D, P]. The plain one is below;
 * the kernels made:fused-masked-dense and made:staircase (runtime/kernels/fused/) implement it faster.
 */
export type MadePass = (net: MadeNet, h: tf.Tensor2D, member: number) => tf.Tensor3D;

/** the plain masked pass: (W∘M), matMul, bias and activation per layer */
export function plainMadePass(net: MadeNet, h0: tf.Tensor2D, member: number): tf.Tensor3D {
  const { weights, biases, activation, D, P } = net;
  const L = weights.length;
  let h: tf.Tensor = h0;
  for (let l = 0; l < L; l++) {
    h = tf.add(tf.matMul(h as tf.Tensor2D, tf.mul(weights[l]!, net.masks[member]![l]!) as tf.Tensor2D), biases[l]!);
    if (l < L - 1) h = act(h, activation);
  }
  return tf.transpose(tf.reshape(h, [h0.shape[0], P, D]), [0, 2, 1]) as tf.Tensor3D;
}

/** [out][in] mask → [in, out·rep] float tensor (output layout: column r·out + o) */
function maskTensor(mask: number[][], rep: number): tf.Tensor2D {
  const out = mask.length;
  const inp = out > 0 ? mask[0]!.length : 0;
  const a = new Float32Array(inp * out * rep);
  for (let o = 0; o < out; o++) {
    const row = mask[o]!;
    for (let i = 0; i < inp; i++) if (row[i]) for (let r = 0; r < rep; r++) a[i * out * rep + r * out + o] = 1;
  }
  return tf.tensor2d(a, [inp, out * rep]);
}

export function buildMade(ir: MadeIR, ctx: BuildContext): ArConditional {
  const { D, P, rng } = ctx;
  const domain = ctx.ir.data.domain;
  const order = ctx.ir.order ?? Array.from({ length: D }, (_, i) => i);
  const sizes = [D, ...ir.hidden, D];
  if (ir.masks.length !== sizes.length - 1) {
    throw new Error(`made: ${ir.masks.length} masks for ${ir.hidden.length} hidden layers`);
  }
  // the compiler may already have replicated the output mask for P outputs (rows p·D + d)
  const lastRows = ir.masks[ir.masks.length - 1]?.length ?? 0;
  const outRep = lastRows === D * P && P > 1 ? 1 : P;
  ir.masks.forEach((m, l) => {
    const rows = l === ir.masks.length - 1 && outRep === 1 ? D * P : sizes[l + 1];
    if (m.length !== rows || (m[0]?.length ?? 0) !== sizes[l]) {
      throw new Error(`made: mask ${l} is ${m.length}×${m[0]?.length ?? 0}, expected ${rows}×${sizes[l]}`);
    }
  });
  const a = normAct(ir.activation);
  const L = sizes.length - 1;
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l < L; l++) {
    const fanIn = sizes[l]!;
    const out = l === L - 1 ? D * P : sizes[l + 1]!;
    weights.push(makeVariable(`${ctx.prefix}/made/W${l}`, uniformFanIn(rng, [fanIn, out], fanIn)));
    biases.push(makeVariable(`${ctx.prefix}/made/b${l}`, uniformFanIn(rng, [out], fanIn)));
  }
  const agnostic = (ir.members?.length ?? 0) > 0;
  const members = agnostic ? 1 + ir.members!.length : Math.max(1, Math.floor(ir.ensemble || 1));
  const mrng = new Rng((ctx.ir.train?.seed ?? 0) + 7919);
  const masks: tf.Tensor2D[][] = [ir.masks.map((mk, l) => tf.keep(maskTensor(mk, l === L - 1 ? outRep : 1)))];
  const orders: number[][] = [order];
  for (let m = 1; m < members; m++) {
    const mem = agnostic ? ir.members![m - 1]! : undefined;
    const mk = mem
      ? buildMadeMasks({ order: mem.order, hidden: ir.hidden, connectivity: mem.connectivity })
      : resampledMasks(order, ir.hidden, mrng);
    masks.push(mk.map((mm, l) => tf.keep(maskTensor(mm, l === L - 1 ? P : 1))));
    orders.push(mem ? mem.order : order);
  }
  // direct connections: one [D, P·D] weight, one mask per member (column p·D + d, as the output layer)
  const direct =
    ir.direct === true ? makeVariable(`${ctx.prefix}/made/direct`, uniformFanIn(rng, [D, D * P], D)) : undefined;
  const directMasks = direct ? orders.map((o) => tf.keep(maskTensor(directMask(o), P))) : [];
  // p(x|y): the context [N, k] enters the first layer's pre-activation unmasked (plain ops, no fused path)
  const kctx = ir.context ?? 0;
  const ctxW =
    kctx > 0 ? makeVariable(`${ctx.prefix}/made/context`, uniformFanIn(rng, [kctx, sizes[1]!], kctx)) : undefined;
  const needCtx = (c: tf.Tensor | undefined): tf.Tensor2D => {
    if (!c || c.shape[1] !== kctx)
      throw new Error(`made: the model is conditioned on ${kctx} context entries; got ${c ? c.shape[1] : 'none'}`);
    return c as tf.Tensor2D;
  };
  /** the direct term as [N, D, P] */
  const directTerm = (enc: tf.Tensor2D, member: number): tf.Tensor3D =>
    tf.transpose(tf.reshape(tf.matMul(enc, tf.mul(direct!, directMasks[member]!)), [enc.shape[0], P, D]), [0, 2, 1]);

  /** the masked weights, multiplied once per forward pass */
  const masked = (member: number): tf.Tensor2D[] => weights.map((w, l) => tf.mul(w, masks[member]![l]!) as tf.Tensor2D);

  /** the masked pass: the plain one or a kernel's (the planner's choice for this conditional) */
  const net: MadeNet = { weights, biases, masks, activation: a, D, P };
  const pass = implementationOf<MadePass>(
    { id: 'conditional', kind: 'made', ir: ctx.ir, contextShape: null },
    plainMadePass,
  );

  function params(x: tf.Tensor2D, member: number, c?: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const out = ctxW ? ctxParams(x, member, needCtx(c)) : netParams(x, member);
      return direct ? (tf.add(out, directTerm(encode(x, domain) as tf.Tensor2D, member)) as tf.Tensor3D) : out;
    });
  }

  /** the plain masked pass with the context added to the first layer's pre-activation */
  function ctxParams(x: tf.Tensor2D, member: number, c: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const W = masked(member);
      let h: tf.Tensor = encode(x, domain);
      for (let l = 0; l < L; l++) {
        h = tf.add(tf.matMul(h as tf.Tensor2D, W[l]!), biases[l]!);
        if (l === 0) h = tf.add(h, tf.matMul(c, ctxW!));
        if (l < L - 1) h = act(h, a);
      }
      return tf.transpose(tf.reshape(h, [x.shape[0], P, D]), [0, 2, 1]) as tf.Tensor3D;
    });
  }

  function netParams(x: tf.Tensor2D, member: number): tf.Tensor3D {
    return tf.tidy(() => pass(net, encode(x, domain) as tf.Tensor2D, member));
  }

  /**
   * Incremental sampler: the first layer's pre-activation a = b₀ + Σ_{sampled d} x_d·W₀[d,:]
   * is updated by one row per step (O(H₁)); the remaining layers run on the [n, H₁] state and
   * only the P output columns of the current dimension are computed.
   */
  function fastSampler(n: number, member: number, c?: tf.Tensor): FastSampler {
    const scale = inputScale(domain);
    const W = tf.tidy(() => masked(member).map((w) => tf.keep(w)));
    const outW = tf.tidy(() => {
      const w = W[L - 1]!;
      const H = w.shape[0];
      return tf.keep(tf.transpose(tf.reshape(w, [H, P, D]), [2, 0, 1]) as tf.Tensor3D); // [D, H, P]
    });
    const outB = tf.tidy(() => tf.keep(tf.transpose(tf.reshape(biases[L - 1]!, [P, D])) as tf.Tensor2D)); // [D, P]
    let state: tf.Tensor2D = tf.tidy(() => {
      const b0 = tf.tile(tf.reshape(biases[0]!, [1, -1]), [n, 1]);
      return tf.keep((ctxW ? tf.add(b0, tf.matMul(needCtx(c), ctxW)) : b0) as tf.Tensor2D);
    });
    // direct term of every output so far: [n, P·D], one masked row added per observed dimension
    const Wd = direct ? tf.tidy(() => tf.keep(tf.mul(direct, directMasks[member]!) as tf.Tensor2D)) : undefined;
    let dstate: tf.Tensor2D | undefined = Wd ? tf.keep(tf.zeros([n, D * P]) as tf.Tensor2D) : undefined;
    return {
      paramsAt(d: number): Float32Array {
        const cols = Array.from({ length: P }, (_, p) => p * D + d);
        const t = tf.tidy(() => {
          const net = netAt();
          return dstate ? tf.add(net, tf.gather(dstate, cols, 1)) : net;
        });
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return v;

        function netAt(): tf.Tensor {
          if (L === 1) {
            // no hidden layer: the state is the output pre-activation itself
            return tf.gather(state, cols, 1);
          }
          let h: tf.Tensor = act(state, a);
          for (let l = 1; l < L - 1; l++) h = act(tf.add(tf.matMul(h as tf.Tensor2D, W[l]!), biases[l]!), a);
          const wd = tf.squeeze(tf.slice(outW, [d, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
          const bd = tf.slice(outB, [d, 0], [1, P]);
          return tf.add(tf.matMul(h as tf.Tensor2D, wd), bd);
        }
      },
      observe(d: number, values: Float32Array): void {
        const next = tf.tidy(() => {
          const enc = Float32Array.from(values, (v) => encodeValue(v, scale));
          const row = tf.slice(W[0]!, [d, 0], [1, -1]);
          return tf.keep(tf.add(state, tf.mul(tf.tensor2d(enc, [n, 1]), row)) as tf.Tensor2D);
        });
        state.dispose();
        state = next;
        if (dstate) {
          const nd = tf.tidy(() => {
            const enc = Float32Array.from(values, (v) => encodeValue(v, scale));
            return tf.keep(
              tf.add(dstate!, tf.mul(tf.tensor2d(enc, [n, 1]), tf.slice(Wd!, [d, 0], [1, -1]))) as tf.Tensor2D,
            );
          });
          dstate.dispose();
          dstate = nd;
        }
      },
      dispose(): void {
        state.dispose();
        dstate?.dispose();
        Wd?.dispose();
        outW.dispose();
        outB.dispose();
        W.forEach((w) => w.dispose());
      },
    };
  }

  const variables = [...weights, ...biases, ...(direct ? [direct] : []), ...(ctxW ? [ctxW] : [])];
  return {
    members,
    orders,
    agnostic,
    variables,
    params,
    fastSampler,
    disposeConstants: () => [...masks.flat(), ...directMasks].forEach((m) => m.dispose()),
  };
}
