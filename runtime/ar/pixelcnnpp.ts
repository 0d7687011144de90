// The PixelCNN++ network (Salimans et al. 2017): executes the plan of compiler/math/pixelcnnpp.ts
// (the one the compiler's causality proof reads) on NHWC tensors. Choices the paper leaves open
// follow the released code (github.com/openai/pixel-cnn, pixel_cnn_pp/nn.py): inputs scaled to
// [−1, 1] with a channel of ones appended (so the convs can tell the image from its zero padding);
// down-shifted convs pad kh−1 rows on top and (kw−1)/2 columns each side, down-right-shifted
// convs kh−1 on top and kw−1 on the left; stride-2 transposed convs are cropped like the released
// deconvs; gated blocks x + a·σ(b) with [a, b] = conv(dropout(concat_elu(conv(concat_elu(x)) +
// nin(concat_elu(aux))))); the second conv of a block starts at 0.1× its initial scale
// (init_scale=0.1). Weight normalization and its data-dependent init are left out (plain
// U(±1/√fan-in) weights, zero biases).
// p(x|y) (`condition y`): as the released code's conditional generation, every gated block adds
// V·y ([k, 2F], drawn from N(0, 0.05²) like its `hw`) to the second conv's output before the gate, the same
// at every pixel (y is not part of x, so causality is untouched).
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalIR, Domain } from '../../compiler/ir/types.js';
import {
  convPad,
  deconvCropLeft,
  pixelcnnppPlan,
  type ConvGeom,
  type PlanNode,
} from '../../compiler/math/pixelcnnpp.js';
import { makeVariable, uniformFanIn, type BuildContext } from './common.js';

type PPIR = Extract<ConditionalIR, { kind: 'pixelcnnpp' }>;

/** A network that predicts the parameters of every pixel at once, each from earlier pixels only. */
export interface PixelConditional {
  readonly variables: tf.Variable[];
  /** raw x [N, D] (channels-first) → parameters [N, H·W, P]; `training` turns dropout on; ctx [N, k] for p(x|y) */
  params(x: tf.Tensor2D, training: boolean, ctx?: tf.Tensor): tf.Tensor3D;
  /** the plan the network executes (for tests and explain) */
  readonly plan: PlanNode[];
}

interface Conv {
  W: tf.Variable;
  b: tf.Variable;
}

/** x scaled to [−1, 1] like the released code: discrete v ↦ 2v/(K−1) − 1, binary 2v − 1, real as is */
function toUnit(x: tf.Tensor, domain: Domain): tf.Tensor {
  if (domain.kind === 'real') return x;
  const K = domain.kind === 'binary' ? 2 : domain.K;
  return tf.sub(tf.mul(x, 2 / Math.max(K - 1, 1)), 1);
}

const concatElu = (x: tf.Tensor4D): tf.Tensor4D => tf.elu(tf.concat([x, tf.neg(x)], 3)) as tf.Tensor4D;

/** `plan` replaces the network's own (tests build broken variants to see the oracles fail) */
export function buildPixelCnnPP(ir: PPIR, ctx: BuildContext, plan: PlanNode[] = pixelcnnppPlan(ir)): PixelConditional {
  const [C, H, W] = ctx.ir.data.shape as [number, number, number];
  const F = ir.filters;
  const vars: tf.Variable[] = [];
  const make = (name: string, kh: number, kw: number, cin: number, cout: number, scale = 1): Conv => {
    const fan = kh * kw * cin;
    const init = uniformFanIn(ctx.rng, [kh, kw, cin, cout], fan);
    const Wt = scale === 1 ? init : tf.tidy(() => tf.mul(init, scale));
    if (scale !== 1) init.dispose();
    const c = {
      W: makeVariable(`${ctx.prefix}/pixelcnnpp/${name}/W`, Wt),
      b: makeVariable(`${ctx.prefix}/pixelcnnpp/${name}/b`, tf.zeros([cout])),
    };
    vars.push(c.W, c.b);
    return c;
  };
  const kctx = ir.context ?? 0;
  const ctxWeight = (name: string): tf.Variable => {
    const v = makeVariable(`${ctx.prefix}/pixelcnnpp/${name}`, ctx.rng.normalTensor([kctx, 2 * F], 0, 0.05));
    vars.push(v);
    return v;
  };
  const weights: { main?: Conv; c1?: Conv; nin?: Conv; c2?: Conv; V?: tf.Variable }[] = plan.map((n, i) => {
    switch (n.op) {
      case 'conv':
        return { main: make(`n${i}`, n.g.kh, n.g.kw, n.src === 0 ? C + 1 : F, F) };
      case 'deconv':
        return { main: make(`n${i}`, n.g.kh, n.g.kw, F, F) };
      case 'gated':
        return {
          c1: make(`n${i}/c1`, n.g.kh, n.g.kw, 2 * F, F),
          ...(n.aux.length ? { nin: make(`n${i}/nin`, 1, 1, 2 * F * n.aux.length, F) } : {}),
          c2: make(`n${i}/c2`, n.g.kh, n.g.kw, 2 * F, 2 * F, 0.1),
          ...(kctx > 0 ? { V: ctxWeight(`n${i}/context`) } : {}),
        };
      case 'out':
        return { main: make(`n${i}`, 1, 1, F, ir.outputs) };
      default:
        return {};
    }
  });
  let dropSeed = Math.floor(ctx.rng.uniform() * 2 ** 31);

  const conv = (x: tf.Tensor4D, g: ConvGeom, w: Conv, stride: 1 | 2 = 1): tf.Tensor4D => {
    const p = convPad(g);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [p.top, 0],
      [p.left, p.right],
      [0, 0],
    ];
    return tf.add(tf.conv2d(x, w.W as tf.Tensor4D, stride, pad), w.b) as tf.Tensor4D;
  };
  const nin = (x: tf.Tensor4D, w: Conv): tf.Tensor4D =>
    tf.add(tf.conv2d(x, w.W as tf.Tensor4D, 1, 'valid'), w.b) as tf.Tensor4D;
  const shift = (x: tf.Tensor4D, dir: 'down' | 'right'): tf.Tensor4D => {
    const [N, h, w, c] = x.shape;
    return dir === 'down'
      ? tf.slice(
          tf.pad(x, [
            [0, 0],
            [1, 0],
            [0, 0],
            [0, 0],
          ]),
          [0, 0, 0, 0],
          [N, h, w, c],
        )
      : tf.slice(
          tf.pad(x, [
            [0, 0],
            [0, 0],
            [1, 0],
            [0, 0],
          ]),
          [0, 0, 0, 0],
          [N, h, w, c],
        );
  };
  const deconv = (x: tf.Tensor4D, g: ConvGeom, w: Conv, like: tf.Tensor4D): tf.Tensor4D => {
    const [N, h, wd] = x.shape;
    const out = [N, (h - 1) * 2 + g.kh, (wd - 1) * 2 + g.kw, F] as [number, number, number, number];
    const y = tf.conv2dTranspose(x, w.W as tf.Tensor4D, out, 2, 'valid');
    const cropped = tf.slice(y, [0, 0, deconvCropLeft(g), 0], [N, like.shape[1], like.shape[2], F]);
    return tf.add(cropped, w.b) as tf.Tensor4D;
  };

  function params(x: tf.Tensor2D, training: boolean, context?: tf.Tensor): tf.Tensor3D {
    if (kctx > 0 && (!context || context.shape[1] !== kctx)) {
      const got = context ? context.shape[1] : 'none';
      throw new Error(`pixelcnnpp: the model is conditioned on ${kctx} context entries; got ${got}`);
    }
    return tf.tidy(() => {
      const N = x.shape[0];
      /** V·y as [N, 1, 1, 2F] under a condition */
      const yTerm = (V: tf.Variable | undefined): tf.Tensor4D | undefined =>
        V && context
          ? (tf.reshape(tf.matMul(context as tf.Tensor2D, V as tf.Tensor2D), [N, 1, 1, -1]) as tf.Tensor4D)
          : undefined;
      const xin = tf.transpose(tf.reshape(toUnit(x, ctx.ir.data.domain), [N, C, H, W]), [0, 2, 3, 1]);
      const vals: tf.Tensor4D[] = [];
      plan.forEach((n, i) => {
        const w = weights[i]!;
        let v: tf.Tensor4D;
        switch (n.op) {
          case 'input':
            v = tf.concat([xin, tf.ones([N, H, W, 1])], 3) as tf.Tensor4D;
            break;
          case 'conv': {
            v = conv(vals[n.src]!, n.g, w.main!, n.stride);
            if (n.shift) v = shift(v, n.shift);
            break;
          }
          case 'deconv':
            v = deconv(vals[n.src]!, n.g, w.main!, vals[n.like]!);
            break;
          case 'add':
            v = tf.add(vals[n.a]!, vals[n.b]!) as tf.Tensor4D;
            break;
          case 'gated': {
            const xv = vals[n.x]!;
            let c1 = conv(concatElu(xv), n.g, w.c1!);
            if (w.nin) {
              const aux =
                n.aux.length === 1
                  ? vals[n.aux[0]!]!
                  : (tf.concat(
                      n.aux.map((a) => vals[a]!),
                      3,
                    ) as tf.Tensor4D);
              c1 = tf.add(c1, nin(concatElu(aux), w.nin)) as tf.Tensor4D;
            }
            let h = concatElu(c1);
            if (training && ir.dropout > 0) h = tf.dropout(h, ir.dropout, undefined, dropSeed++) as tf.Tensor4D;
            let c2 = conv(h, n.g, w.c2!);
            const yc = yTerm(w.V);
            if (yc) c2 = tf.add(c2, yc) as tf.Tensor4D;
            const [a, b] = tf.split(c2, 2, 3);
            v = tf.add(xv, tf.mul(a!, tf.sigmoid(b!))) as tf.Tensor4D;
            break;
          }
          case 'out':
            v = nin(tf.elu(vals[n.src]!) as tf.Tensor4D, w.main!);
            break;
        }
        vals.push(v);
      });
      return tf.reshape(vals[vals.length - 1]!, [N, H * W, ir.outputs]) as tf.Tensor3D;
    });
  }

  return { variables: vars, params, plan };
}
