// PixelRNN (van den Oord, Kalchbrenner & Kavukcuoglu 2016), exactly the layer list documented in
// compiler/registry/conditionals.ts (so `flowc explain` counts these tensors), h = hidden:
// a 7×7 mask-A input conv C→2h; `layers` residual blocks on the 2h-channel map, each an LSTM
// layer (gates 4h, state h) whose output is brought back to 2h by a 1×1 mask-B conv and added
// (the paper's residual connections, Fig. 4); then ReLU → 1×1 2h→2h (mask B) → ReLU → 1×1
// 2h→C·P (mask B).
//  Row LSTM: input-to-state = 1×3 mask-B conv along the row (2h→4h, sees j−1 and j),
//    state-to-state = 1×3 conv on the previous row's hidden state (h→4h, no bias); rows are
//    processed one after the other.
//  Diagonal BiLSTM: per direction input-to-state 1×1 (2h→4h) and state-to-state 2×1 (h→4h, no
//    bias); the map is skewed (row i shifted right by i) so that each skewed column is one
//    diagonal; the state-to-state conv reads (i−1, j) and (i, j−1). The right-to-left direction
//    runs on the mirrored map and is shifted down one row before it is added to the left-to-right
//    output, so it only brings rows above; one 1×1 h→2h then feeds the residual.
// Variable names mirror the registry's parameter names: registry `layer0.is.W` ↔ `…/pixelrnn/layer0.is/W`.
// R→G→B groups mask the input conv, the input-to-state convs (left direction), the 1×1 up convs
// and the output 1×1s. The Row LSTM's fast sampler caches every layer's state of the previous row
// and recomputes only the current row per step; the Diagonal BiLSTM samples with full passes.
// p(x|y) (`condition y`): like the conditional PixelCNN of the same paper (van den Oord et al. 2016b, eq. 4),
// a learned projection V_l·y ([k, 4h] per layer and direction, `layerL.is/context`) is added to the
// input-to-state term of every LSTM layer, the same at every pixel (y is not part of x: no mask).
import * as tf from '@tensorflow/tfjs-core';
import type { ConditionalIR } from '../../compiler/ir/types.js';
import {
  encode,
  encodeValue,
  inputScale,
  makeVariable,
  rowsOf,
  shiftDown,
  splitLast,
  uniformFanIn,
  type ArConditional,
  type BuildContext,
  type FastSampler,
} from './common.js';
import { channelGroups, convMask, nhwcToParams, toNhwc } from './convmask.js';

type PixelRnnIR = Extract<ConditionalIR, { kind: 'pixelrnn' }>;
type Pad = [[number, number], [number, number], [number, number], [number, number]];
interface Conv {
  W: tf.Variable;
  b?: tf.Variable;
  M?: tf.Tensor4D;
}

const K0 = 7;
const C0 = 3;

export function buildPixelRnn(ir: PixelRnnIR, ctx: BuildContext): ArConditional {
  const [C, H, W] = ctx.ir.data.shape as [number, number, number];
  const { P, rng } = ctx;
  const domain = ctx.ir.data.domain;
  const hd = ir.hidden;
  const row = ir.cell === 'row_lstm';
  const vars: tf.Variable[] = [];
  const consts: tf.Tensor[] = [];
  const conv = (
    name: string,
    kh: number,
    kw: number,
    cin: number,
    cout: number,
    mask?: tf.Tensor4D,
    bias = true,
  ): Conv => {
    const fan = kh * kw * cin;
    const Wv = makeVariable(`${ctx.prefix}/pixelrnn/${name}/W`, uniformFanIn(rng, [kh, kw, cin, cout], fan));
    vars.push(Wv);
    let b: tf.Variable | undefined;
    if (bias) {
      b = makeVariable(`${ctx.prefix}/pixelrnn/${name}/b`, uniformFanIn(rng, [cout], fan));
      vars.push(b);
    }
    if (mask) consts.push(tf.keep(mask));
    return { W: Wv, b, M: mask };
  };
  const h2 = 2 * hd; // channels of the residual map
  const hG = channelGroups(hd, C); // LSTM state
  const rG = channelGroups(h2, C); // residual map
  const g4 = [...hG, ...hG, ...hG, ...hG];
  const input = conv('input', K0, K0, C, h2, convMask(K0, K0, C0, C0, channelGroups(C, C), rG, 'A'));
  const kctx = ir.context ?? 0;
  /** p(x|y): the context weight [k, 4h] of one input-to-state conv (none without a condition) */
  const ctxW = (name: string): tf.Variable | undefined => {
    if (kctx === 0) return undefined;
    const v = makeVariable(`${ctx.prefix}/pixelrnn/${name}/context`, uniformFanIn(rng, [kctx, 4 * hd], kctx));
    vars.push(v);
    return v;
  };
  const layers = Array.from({ length: Math.max(1, ir.layers) }, (_, l) => {
    const L = `layer${l}`;
    const dirs = row
      ? {
          is: conv(`${L}.is`, 1, 3, h2, 4 * hd, convMask(1, 3, 0, 1, rG, g4, 'B')),
          ss: conv(`${L}.ss`, 1, 3, hd, 4 * hd, undefined, false),
          V: ctxW(`${L}.is`),
        }
      : {
          is: conv(`${L}.left.is`, 1, 1, h2, 4 * hd, convMask(1, 1, 0, 0, rG, g4, 'B')),
          ss: conv(`${L}.left.ss`, 2, 1, hd, 4 * hd, undefined, false),
          V: ctxW(`${L}.left.is`),
          isR: conv(`${L}.right.is`, 1, 1, h2, 4 * hd),
          ssR: conv(`${L}.right.ss`, 2, 1, hd, 4 * hd, undefined, false),
          VR: ctxW(`${L}.right.is`),
        };
    return { ...dirs, up: conv(`${L}.up`, 1, 1, hd, h2, convMask(1, 1, 0, 0, hG, rG, 'B')) };
  });
  const head1 = conv('head0', 1, 1, h2, h2, convMask(1, 1, 0, 0, rG, rG, 'B'));
  const head2 = conv('head1', 1, 1, h2, C * P, convMask(1, 1, 0, 0, rG, channelGroups(C * P, C), 'B'));

  const needCtx = (c: tf.Tensor | undefined): tf.Tensor2D | undefined => {
    if (kctx === 0) return undefined;
    if (!c || c.shape[1] !== kctx) {
      throw new Error(`pixelrnn: the model is conditioned on ${kctx} context entries; got ${c ? c.shape[1] : 'none'}`);
    }
    return c as tf.Tensor2D;
  };
  /** the input-to-state map plus V·y ([N, 1, 1, 4h], the same at every pixel) under a condition */
  const withCtx = (is: tf.Tensor4D, V: tf.Variable | undefined, y: tf.Tensor2D | undefined): tf.Tensor4D =>
    V && y ? (tf.add(is, tf.reshape(tf.matMul(y, V as tf.Tensor2D), [y.shape[0], 1, 1, -1])) as tf.Tensor4D) : is;
  const apply = (cv: Conv, x: tf.Tensor4D, pad: Pad | 'valid' = 'valid'): tf.Tensor4D => {
    const y = tf.conv2d(x, (cv.M ? tf.mul(cv.W, cv.M) : cv.W) as tf.Tensor4D, 1, pad) as tf.Tensor4D;
    return cv.b ? (tf.add(y, cv.b) as tf.Tensor4D) : y;
  };
  const cell = (g: tf.Tensor4D, cPrev: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] => {
    const [i, f, o, u] = splitLast(g, 4);
    const c = tf.add(tf.mul(tf.sigmoid(f!), cPrev), tf.mul(tf.sigmoid(i!), tf.tanh(u!))) as tf.Tensor4D;
    return [tf.mul(tf.sigmoid(o!), tf.tanh(c)) as tf.Tensor4D, c];
  };
  const head = (h: tf.Tensor4D): tf.Tensor4D => apply(head2, tf.relu(apply(head1, tf.relu(h))) as tf.Tensor4D);
  const padIn = (top: number): Pad => [
    [0, 0],
    [top, C0],
    [C0, C0],
    [0, 0],
  ];
  const padRow: Pad = [
    [0, 0],
    [0, 0],
    [1, 1],
    [0, 0],
  ];

  /** one Row LSTM layer on one row, given the previous row's (h, c) */
  const rowStep = (Ly: (typeof layers)[number], isRow: tf.Tensor4D, prev: [tf.Tensor4D, tf.Tensor4D]) =>
    cell(tf.add(isRow, apply(Ly.ss, prev[0], padRow)) as tf.Tensor4D, prev[1]);

  function rowLstmParams(x4: tf.Tensor4D, y?: tf.Tensor2D): tf.Tensor4D {
    const n = x4.shape[0];
    let h = apply(input, x4, padIn(C0));
    for (const Ly of layers) {
      const hIn = h;
      h = tf.tidy(() => {
        const isRows = rowsOf(withCtx(apply(Ly.is, hIn, padRow), Ly.V, y));
        let prev: [tf.Tensor4D, tf.Tensor4D] = [tf.zeros([n, 1, W, hd]), tf.zeros([n, 1, W, hd])];
        const rows: tf.Tensor4D[] = [];
        for (let i = 0; i < H; i++) {
          const st = prev;
          prev = tf.tidy(() => rowStep(Ly, isRows[i]!, st));
          rows.push(prev[0]);
        }
        return tf.add(hIn, apply(Ly.up, tf.concat(rows, 1) as tf.Tensor4D)) as tf.Tensor4D;
      });
    }
    return head(h);
  }

  /** skew: row i shifted right by i → [N, H, W+H−1, F] */
  const skew = (x: tf.Tensor4D): tf.Tensor4D =>
    tf.concat(
      rowsOf(x).map((r, i) =>
        tf.pad(r, [
          [0, 0],
          [0, 0],
          [i, H - 1 - i],
          [0, 0],
        ]),
      ),
      1,
    ) as tf.Tensor4D;
  const unskew = (x: tf.Tensor4D): tf.Tensor4D =>
    tf.concat(
      rowsOf(x).map((r, i) => tf.slice(r, [0, 0, i, 0], [-1, 1, W, -1])),
      1,
    ) as tf.Tensor4D;
  /** the columns of an NHWC map, each [N, H, 1, F] */
  const colsOf = (x: tf.Tensor4D): tf.Tensor4D[] => {
    const [N, Hh, , F] = x.shape;
    const cols = tf.getBackend() === 'cpu' ? tf.unstack(tf.transpose(x, [2, 0, 1, 3])) : tf.unstack(x, 2);
    return cols.map((c) => tf.reshape(c, [N, Hh, 1, F]) as tf.Tensor4D);
  };

  /** one diagonal LSTM over a skewed input-to-state map [N, H, T, 4hd] */
  function diagonal(isSk: tf.Tensor4D, ss: Conv): tf.Tensor4D {
    const n = isSk.shape[0];
    const isCols = colsOf(isSk);
    let hCol: tf.Tensor4D = tf.zeros([n, H, 1, hd]);
    let cCol: tf.Tensor4D = tf.zeros([n, H, 1, hd]);
    const cols: tf.Tensor4D[] = [];
    for (const isCol of isCols) {
      // 2×1 conv over (i−1, i) of the previous column: top padding 1 gives row −1 = 0; one tidy
      // per column frees the gate intermediates autodiff does not need
      const [hPrev, cPrev] = [hCol, cCol];
      [hCol, cCol] = tf.tidy(() =>
        cell(
          tf.add(
            isCol,
            apply(ss, hPrev, [
              [0, 0],
              [1, 0],
              [0, 0],
              [0, 0],
            ]),
          ) as tf.Tensor4D,
          cPrev,
        ),
      );
      cols.push(hCol);
    }
    return unskew(tf.concat(cols, 2) as tf.Tensor4D);
  }

  function diagParams(x4: tf.Tensor4D, y?: tf.Tensor2D): tf.Tensor4D {
    let h = apply(input, x4, padIn(C0));
    for (const Ly of layers) {
      const L = Ly as (typeof layers)[number] & { isR: Conv; ssR: Conv; VR?: tf.Variable };
      const hIn = h;
      // one tidy per layer: the skewed maps and per-column tensors go when the layer is done
      h = tf.tidy(() => {
        const fwd = diagonal(skew(withCtx(apply(L.is, hIn), L.V, y)), L.ss);
        const mir = tf.reverse(hIn, 2) as tf.Tensor4D;
        const bwd = tf.reverse(diagonal(skew(withCtx(apply(L.isR, mir), L.VR, y)), L.ssR), 2) as tf.Tensor4D;
        return tf.add(hIn, apply(L.up, tf.add(fwd, shiftDown(bwd)) as tf.Tensor4D)) as tf.Tensor4D;
      });
    }
    return head(h);
  }

  function params(x: tf.Tensor2D, _member = 0, context?: tf.Tensor): tf.Tensor3D {
    const y = needCtx(context);
    return tf.tidy(() => {
      const x4 = toNhwc(encode(x, domain), C, H, W);
      return nhwcToParams(row ? rowLstmParams(x4, y) : diagParams(x4, y), C, P);
    });
  }

  /** Row LSTM: states of row i−1 cached per layer; each step recomputes row i only */
  function fastSampler(n: number, _member = 0, context?: tf.Tensor): FastSampler {
    const y = needCtx(context);
    const scale = inputScale(domain);
    const HW = H * W;
    const xs = new Float32Array(n * HW * C);
    let states: [tf.Tensor4D, tf.Tensor4D][] = tf.tidy(() =>
      layers.map(
        () => [tf.keep(tf.zeros([n, 1, W, hd])), tf.keep(tf.zeros([n, 1, W, hd]))] as [tf.Tensor4D, tf.Tensor4D],
      ),
    );
    let done = 0; // rows whose states are in `states` (rows < done are final)
    let cached: { d: number; out: Float32Array } | null = null;

    /** row r with the cached states of row r−1: new states and the head output [n, 1, W, C·P] */
    function rowForward(r: number): { next: [tf.Tensor4D, tf.Tensor4D][]; out: tf.Tensor4D } {
      const lo = Math.max(0, r - C0);
      const win = new Float32Array(n * (r - lo + 1) * W * C);
      for (let s = 0; s < n; s++)
        win.set(xs.subarray((s * H + lo) * W * C, (s * H + r + 1) * W * C), s * (r - lo + 1) * W * C);
      let h = apply(input, tf.tensor4d(win, [n, r - lo + 1, W, C]), padIn(C0 - (r - lo)));
      const next = layers.map((Ly, l) => {
        const st = rowStep(Ly, withCtx(apply(Ly.is, h, padRow), Ly.V, y), states[l]!);
        h = tf.add(h, apply(Ly.up, st[0])) as tf.Tensor4D;
        return st;
      });
      return { next, out: head(h) };
    }

    return {
      paramsAt(d: number): Float32Array {
        const ch = Math.floor(d / HW);
        const i = Math.floor((d % HW) / W);
        const j = d % W;
        while (done < i) {
          const r = done;
          const next = tf.tidy(() =>
            rowForward(r).next.map(([a, b]) => [tf.keep(a), tf.keep(b)] as [tf.Tensor4D, tf.Tensor4D]),
          );
          states.forEach(([a, b]) => {
            a.dispose();
            b.dispose();
          });
          states = next;
          done++;
        }
        if (!cached || cached.d !== d) {
          const t = tf.tidy(() => tf.slice(rowForward(i).out, [0, 0, j, ch * P], [-1, 1, 1, P]));
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
        states.forEach(([a, b]) => {
          a.dispose();
          b.dispose();
        });
        states = [];
      },
    };
  }

  return {
    members: 1,
    variables: vars,
    params,
    fastSampler: row ? fastSampler : undefined,
    disposeConstants: () => consts.forEach((t) => t.dispose()),
  };
}
