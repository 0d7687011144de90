// Gated PixelCNN (van den Oord et al. 2016, "Conditional Image Generation with PixelCNN
// Decoders"): a vertical stack ((c+1)×k convs seeing the rows above and the current row) and a
// horizontal stack (1×(c+1) convs seeing the current row up to the pixel), gated activations
// tanh(a₁)·σ(a₂), a 1×1 link from the vertical stack shifted down one row into the horizontal
// stack (so the vertical stack only brings rows above: no blind spot, no leak), and residual
// 1×1 convs on the horizontal stack. R→G→B groups mask the horizontal stack's centre taps and
// its 1×1 convs. Fast sampling caches the vertical stack's link inputs once per row and runs
// only the horizontal stack on the current row per step.
// p(x|y) (`condition y`): the paper's class-conditional term (eq. 4): per layer, V_v·h and V_h·h (h the
// one-hot label or real context, [N, k] → [N, 1, 1, 2p]) are added to the pre-activations of both stacks,
// inside the gate tanh(W_f∗x + V_f·h)·σ(W_g∗x + V_g·h), at every pixel.
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalIR } from '../../compiler/ir/types.js';
import {
  encode,
  encodeValue,
  inputScale,
  makeVariable,
  splitLast,
  uniformFanIn,
  type ArConditional,
  type BuildContext,
  type FastSampler,
} from './common.js';
import { channelGroups, convMask, gatedGroups, nhwcToParams, toNhwc } from './convmask.js';

type GatedIR = Extract<ConditionalIR, { kind: 'gated_pixelcnn' }>;
type Pad = [[number, number], [number, number], [number, number], [number, number]];

interface Conv {
  W: tf.Variable;
  b: tf.Variable;
  M?: tf.Tensor4D;
  pad: Pad | 'valid';
}

export function buildGatedPixelCnn(ir: GatedIR, ctx: BuildContext): ArConditional {
  const [C, H, W] = ctx.ir.data.shape as [number, number, number];
  const { P, rng } = ctx;
  const domain = ctx.ir.data.domain;
  const p = ir.channels;
  const k = ir.kernel;
  const c = Math.floor((k - 1) / 2);
  const L = Math.max(1, ir.layers);
  const vars: tf.Variable[] = [];
  const consts: tf.Tensor[] = [];
  const conv = (
    name: string,
    kh: number,
    kw: number,
    cin: number,
    cout: number,
    pad: Conv['pad'],
    mask?: tf.Tensor4D,
  ): Conv => {
    const fan = kh * kw * cin;
    const Wv = makeVariable(`${ctx.prefix}/gated/${name}/W`, uniformFanIn(rng, [kh, kw, cin, cout], fan));
    const b = makeVariable(`${ctx.prefix}/gated/${name}/b`, uniformFanIn(rng, [cout], fan));
    vars.push(Wv, b);
    if (mask) consts.push(tf.keep(mask));
    return { W: Wv, b, M: mask, pad };
  };
  const kctx = ir.context ?? 0;
  /** a [k, 2p] context weight (no bias: the convs have one) */
  const dense = (name: string, kin: number, out: number): tf.Variable => {
    const v = makeVariable(`${ctx.prefix}/gated/${name}`, uniformFanIn(rng, [kin, out], kin));
    vars.push(v);
    return v;
  };
  const needCtx = (c: tf.Tensor | undefined): tf.Tensor2D | undefined => {
    if (kctx === 0) return undefined;
    if (!c || c.shape[1] !== kctx) {
      const got = c ? c.shape[1] : 'none';
      throw new Error(`gated_pixelcnn: the model is conditioned on ${kctx} context entries; got ${got}`);
    }
    return c as tf.Tensor2D;
  };
  /** V·h as [N, 1, 1, 2p], broadcast over every pixel */
  const condTerm = (V: tf.Variable, c: tf.Tensor2D): tf.Tensor4D =>
    tf.reshape(tf.matMul(c, V as tf.Tensor2D), [c.shape[0], 1, 1, -1]) as tf.Tensor4D;
  const pG = channelGroups(p, C);
  const p2G = gatedGroups(p, C);
  const layers = Array.from({ length: L }, (_, l) => {
    const cin = l === 0 ? C : p;
    const inG = l === 0 ? channelGroups(C, C) : pG;
    return {
      v: conv(`${l}/v`, c + 1, k, cin, 2 * p, [
        [0, 0],
        [c, 0],
        [c, c],
        [0, 0],
      ]),
      h: conv(
        `${l}/h`,
        1,
        c + 1,
        cin,
        2 * p,
        [
          [0, 0],
          [0, 0],
          [c, 0],
          [0, 0],
        ],
        convMask(1, c + 1, 0, c, inG, p2G, l === 0 ? 'A' : 'B'),
      ),
      link: conv(`${l}/link`, 1, 1, 2 * p, 2 * p, 'valid'),
      res: conv(`${l}/res`, 1, 1, p, p, 'valid', convMask(1, 1, 0, 0, pG, pG, 'B')),
      ...(kctx > 0 ? { cv: dense(`${l}/cond_v`, kctx, 2 * p), ch: dense(`${l}/cond_h`, kctx, 2 * p) } : {}),
    };
  });
  const outG = channelGroups(C * P, C);
  const head1 = conv('out/0', 1, 1, p, p, 'valid', convMask(1, 1, 0, 0, pG, pG, 'B'));
  const head2 = conv('out/1', 1, 1, p, C * P, 'valid', convMask(1, 1, 0, 0, pG, outG, 'B'));

  // conv + bias as one fused op: no separate pre-bias tensor (nor its gradient) per conv
  const apply = (cv: Conv, x: tf.Tensor4D, pad: Conv['pad'] = cv.pad): tf.Tensor4D =>
    tf.fused.conv2d({ x, filter: (cv.M ? tf.mul(cv.W, cv.M) : cv.W) as tf.Tensor4D, strides: 1, pad, bias: cv.b });
  /** the 1×1 link on the map shifted down one row: one zero row of padding on top, bottom row dropped */
  const linkOf = (cv: Conv, vPre: tf.Tensor4D): tf.Tensor4D =>
    tf.slice(
      apply(cv, vPre, [
        [0, 0],
        [1, 0],
        [0, 0],
        [0, 0],
      ]),
      [0, 0, 0, 0],
      [-1, vPre.shape[1], -1, -1],
    );
  const gate = (a: tf.Tensor4D): tf.Tensor4D => {
    const [t, s] = splitLast(a, 2);
    return tf.mul(tf.tanh(t!), tf.sigmoid(s!)) as tf.Tensor4D;
  };

  /** per layer, the link term 1×1(shift_down(v_pre)) for every row: [N, H, W, 2p] */
  function verticalLinks(x4: tf.Tensor4D, c?: tf.Tensor2D): tf.Tensor4D[] {
    const links: tf.Tensor4D[] = [];
    let v = x4;
    for (const Ly of layers) {
      // one tidy per layer: only the link, the next input and what autodiff saved stay alive
      const [link, next] = tf.tidy(() => {
        const vc = apply(Ly.v, v);
        const vPre = c && Ly.cv ? (tf.add(vc, condTerm(Ly.cv, c)) as tf.Tensor4D) : vc;
        return [linkOf(Ly.link, vPre), gate(vPre)];
      });
      links.push(link!);
      v = next!;
    }
    return links;
  }

  /** horizontal stack and output head on rows of x4 given the matching rows of the links */
  function horizontal(x4: tf.Tensor4D, links: tf.Tensor4D[], c?: tf.Tensor2D): tf.Tensor4D {
    let h = x4;
    layers.forEach((Ly, l) => {
      h = tf.tidy(() => {
        const sum = tf.add(apply(Ly.h, h), links[l]!) as tf.Tensor4D;
        const hPre = c && Ly.ch ? (tf.add(sum, condTerm(Ly.ch, c)) as tf.Tensor4D) : sum;
        const out = apply(Ly.res, gate(hPre));
        return l === 0 ? out : (tf.add(h, out) as tf.Tensor4D);
      });
    });
    return apply(head2, tf.relu(apply(head1, tf.relu(h))) as tf.Tensor4D);
  }

  function params(x: tf.Tensor2D, _member = 0, context?: tf.Tensor): tf.Tensor3D {
    const c = needCtx(context);
    return tf.tidy(() => {
      const x4 = toNhwc(encode(x, domain), C, H, W);
      return nhwcToParams(horizontal(x4, verticalLinks(x4, c), c), C, P);
    });
  }

  function fastSampler(n: number, _member = 0, context?: tf.Tensor): FastSampler {
    const c = needCtx(context);
    const scale = inputScale(domain);
    const HW = H * W;
    const xs = new Float32Array(n * HW * C); // encoded NHWC
    let row = -1;
    let links: tf.Tensor4D[] = [];
    let cached: { d: number; out: Float32Array } | null = null;
    return {
      paramsAt(d: number): Float32Array {
        const ch = Math.floor(d / HW);
        const i = Math.floor((d % HW) / W);
        const j = d % W;
        if (i !== row) {
          // rows < i are final: their vertical stack gives row i's links
          links.forEach((t) => t.dispose());
          links = tf.tidy(() => {
            const all = verticalLinks(tf.tensor4d(xs, [n, H, W, C]), c);
            return all.map((t) => tf.keep(tf.slice(t, [0, i, 0, 0], [-1, 1, -1, -1])));
          });
          row = i;
        }
        if (!cached || cached.d !== d) {
          const t = tf.tidy(() => {
            const rows = tf.tensor4d(rowOf(xs, n, i, W, C, H), [n, 1, W, C]);
            return tf.slice(horizontal(rows, links, c), [0, 0, j, ch * P], [-1, 1, 1, P]);
          });
          cached = { d, out: Float32Array.from(t.dataSync()) };
          t.dispose();
        }
        return cached.out;
      },
      observe(d: number, values: Float32Array): void {
        const ch = Math.floor(d / HW);
        const pix = d % HW;
        for (let s = 0; s < n; s++) xs[(s * HW + pix) * C + ch] = encodeValue(values[s]!, scale);
        cached = null;
      },
      dispose(): void {
        links.forEach((t) => t.dispose());
        links = [];
      },
    };
  }

  return {
    members: 1,
    variables: vars,
    params,
    fastSampler,
    disposeConstants: () => consts.forEach((t) => t.dispose()),
  };
}

/** row i of every example of an NHWC buffer: [n, 1, W, C] */
function rowOf(xs: Float32Array, n: number, i: number, W: number, C: number, H: number): Float32Array {
  const out = new Float32Array(n * W * C);
  for (let s = 0; s < n; s++) out.set(xs.subarray((s * H + i) * W * C, (s * H + i + 1) * W * C), s * W * C);
  return out;
}
