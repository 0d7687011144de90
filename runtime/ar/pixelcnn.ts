// PixelCNN (van den Oord et al. 2016): a stack of masked k×k convolutions (mask A first, then B),
// R→G→B channel groups for colour images, optional residual connections. The last IR layer is
// the output layer when it has C·P channels (linear); otherwise a 1×1 mask-B output conv is added.
// Fast sampling caches every layer's activations on the host and, per step, computes only the
// one pixel that the next conditional needs, at every layer (fast PixelCNN++ generation style):
// a k²·Cin·Cout dot per layer instead of a full H×W pass. Its loops accumulate in the same order
// as the cpu backend's conv kernel, so on the cpu backend the parameters agree bit for bit.
// p(x|y) (`condition y`): the label as an extra bias per layer, b_l + V_l·y (V_l [k, cout], every layer, the
// output layer included), added to the conv's output before the activation, the same at every pixel.
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalIR } from '../../compiler/ir/types.js';
import {
  act,
  actHost,
  encode,
  encodeValue,
  inputScale,
  makeVariable,
  normAct,
  uniformFanIn,
  type ActName,
  type ArConditional,
  type BuildContext,
  type FastSampler,
} from './common.js';
import { channelGroups, convMaskArray, nhwcToParams, toNhwc, type MaskType } from './convmask.js';
import { disposeMaskedConv, makeMaskedConv, maskedConv2d, type MaskedConv, type MaskedConv2d } from './masked-conv.js';
import { implementationOf } from '../plan/planner.js';

type PixelCnnIR = Extract<ConditionalIR, { kind: 'pixelcnn' }>;

interface ConvLayer {
  k: number;
  cin: number;
  cout: number;
  mask: MaskType;
  act: ActName;
  residual: boolean;
  W: tf.Variable;
  b: tf.Variable;
  /** masks: full (plain path, sampler) and cropped to the rows a causal mask can reach */
  mc: MaskedConv;
  /** p(x|y): the context's bias weights [k, cout] */
  V?: tf.Variable;
  inGroups: number[];
  outGroups: number[];
}

export function buildPixelCnn(ir: PixelCnnIR, ctx: BuildContext): ArConditional {
  const [C, H, W] = ctx.ir.data.shape as [number, number, number];
  const { P, rng } = ctx;
  const domain = ctx.ir.data.domain;
  const specs = ir.layers.map((l) => ({ ...l }));
  const last = specs[specs.length - 1];
  const lastIsOutput = last !== undefined && last.channels === C * P;
  if (!lastIsOutput) specs.push({ mask: 'B', kernel: 1, channels: C * P, activation: 'none', residual: false });
  const layers: ConvLayer[] = [];
  const kctx = ir.context ?? 0;
  const needCtx = (c: tf.Tensor | undefined): tf.Tensor2D | undefined => {
    if (kctx === 0) return undefined;
    if (!c || c.shape[1] !== kctx) {
      throw new Error(`pixelcnn: the model is conditioned on ${kctx} context entries; got ${c ? c.shape[1] : 'none'}`);
    }
    return c as tf.Tensor2D;
  };
  let cin = C;
  let inGroups = channelGroups(C, C);
  specs.forEach((s, l) => {
    const isOut = l === specs.length - 1;
    const k = s.kernel;
    const outGroups = channelGroups(s.channels, C);
    const fanIn = cin * k * k;
    layers.push({
      k,
      cin,
      cout: s.channels,
      mask: s.mask,
      act: isOut ? 'none' : normAct(s.activation),
      residual: s.residual && cin === s.channels && !isOut,
      W: makeVariable(`${ctx.prefix}/pixelcnn/${l}/W`, uniformFanIn(rng, [k, k, cin, s.channels], fanIn)),
      b: makeVariable(`${ctx.prefix}/pixelcnn/${l}/b`, uniformFanIn(rng, [s.channels], fanIn)),
      mc: makeMaskedConv(k, inGroups, outGroups, s.mask),
      ...(kctx > 0
        ? { V: makeVariable(`${ctx.prefix}/pixelcnn/${l}/context`, uniformFanIn(rng, [kctx, s.channels], kctx)) }
        : {}),
      inGroups,
      outGroups,
    });
    cin = s.channels;
    inGroups = outGroups;
  });

  /** the masked conv: the plain one or a kernel's (the planner's choice for this conditional) */
  const conv = implementationOf<MaskedConv2d>(
    { id: 'conditional', kind: 'pixelcnn', ir: ctx.ir, contextShape: null },
    maskedConv2d,
  );

  function params(x: tf.Tensor2D, _member = 0, context?: tf.Tensor): tf.Tensor3D {
    const yc = needCtx(context);
    return tf.tidy(() => {
      let h: tf.Tensor4D = toNhwc(encode(x, domain), C, H, W);
      layers.forEach((L, l) => {
        // the first layer's input is the data: no input gradient
        const opts = { inputGrad: l > 0 };
        const a =
          yc && L.V
            ? (act(
                tf.add(
                  conv(h, L.W as tf.Tensor4D, L.b as tf.Tensor1D, L.mc, 'none', opts),
                  tf.reshape(tf.matMul(yc, L.V as tf.Tensor2D), [yc.shape[0], 1, 1, L.cout]),
                ),
                L.act,
              ) as tf.Tensor4D)
            : conv(h, L.W as tf.Tensor4D, L.b as tf.Tensor1D, L.mc, L.act, opts);
        h = L.residual ? (tf.add(h, a) as tf.Tensor4D) : a;
      });
      return nhwcToParams(h, C, P);
    });
  }

  function fastSampler(n: number, _member = 0, context?: tf.Tensor): FastSampler {
    const yc = needCtx(context);
    const scale = inputScale(domain);
    const HW = H * W;
    const host = layers.map((L) => {
      const w = tf.tidy(() => ((L.mc.M ? tf.mul(L.W, L.mc.M) : L.W).dataSync() as Float32Array).slice());
      const bias = (L.b.dataSync() as Float32Array).slice();
      // p(x|y): each example's extra bias V·y [n, cout] (the same values as the full pass's matMul)
      const cb =
        yc && L.V ? tf.tidy(() => (tf.matMul(yc, L.V as tf.Tensor2D).dataSync() as Float32Array).slice()) : undefined;
      const cy = Math.floor((L.k - 1) / 2);
      const live = convMaskArray(L.k, L.k, cy, cy, L.inGroups, L.outGroups, L.mask);
      // taps with at least one connection (the others add exact zeros in the full pass)
      const taps: [number, number][] = [];
      for (let r = 0; r < L.k; r++) {
        for (let c = 0; c < L.k; c++) {
          const off = (r * L.k + c) * L.cin * L.cout;
          if (live.subarray(off, off + L.cin * L.cout).some((v) => v !== 0)) taps.push([r, c]);
        }
      }
      return { L, w, bias, cb, cy, taps, f: actHost(L.act) };
    });
    // acts[0] = encoded input, acts[l+1] = output of layer l; NHWC per example
    const acts = [new Float32Array(n * HW * C), ...layers.map((L) => new Float32Array(n * HW * L.cout))];
    const acc = new Float32Array(Math.max(...layers.map((L) => L.cout)));
    let computed = -1; // pixel whose activations reflect every observed value

    function computePixel(i: number, j: number): void {
      host.forEach(({ L, w, bias, cb, cy, taps, f }, l) => {
        const inp = acts[l]!;
        const out = acts[l + 1]!;
        const { cin, cout } = L;
        for (let s = 0; s < n; s++) {
          acc.fill(0, 0, cout);
          for (const [r, c] of taps) {
            const xr = i + r - cy;
            const xc = j + c - cy;
            if (xr < 0 || xr >= H || xc < 0 || xc >= W) continue;
            const base = ((s * H + xr) * W + xc) * cin;
            const wo = (r * L.k + c) * cin * cout;
            for (let d1 = 0; d1 < cin; d1++) {
              const xv = inp[base + d1]!;
              const wr = wo + d1 * cout;
              for (let d2 = 0; d2 < cout; d2++) acc[d2] += xv * w[wr + d2]!;
            }
          }
          const ob = ((s * H + i) * W + j) * cout;
          const ib = ((s * H + i) * W + j) * cin;
          for (let d2 = 0; d2 < cout; d2++) {
            const pre = Math.fround(acc[d2]! + bias[d2]!);
            const y = f(cb ? Math.fround(pre + cb[s * cout + d2]!) : pre);
            out[ob + d2] = L.residual ? inp[ib + d2]! + Math.fround(y) : y;
          }
        }
      });
    }

    return {
      paramsAt(d: number): Float32Array {
        const c = Math.floor(d / HW);
        const pix = d % HW;
        const i = Math.floor(pix / W);
        const j = pix % W;
        if (computed !== d) {
          computePixel(i, j);
          computed = d;
        }
        const out = acts[acts.length - 1]!;
        const res = new Float32Array(n * P);
        for (let s = 0; s < n; s++) {
          const ob = ((s * H + i) * W + j) * C * P + c * P;
          for (let p = 0; p < P; p++) res[s * P + p] = out[ob + p]!;
        }
        return res;
      },
      observe(d: number, values: Float32Array): void {
        const c = Math.floor(d / HW);
        const pix = d % HW;
        const inp = acts[0]!;
        for (let s = 0; s < n; s++) inp[(s * HW + pix) * C + c] = encodeValue(values[s]!, scale);
        computed = -1;
      },
      dispose(): void {
        acts.length = 0;
      },
    };
  }

  return {
    members: 1,
    variables: layers.flatMap((L) => [L.W, L.b, ...(L.V ? [L.V] : [])]),
    params,
    fastSampler,
    disposeConstants: () => layers.forEach((L) => disposeMaskedConv(L.mc)),
  };
}
