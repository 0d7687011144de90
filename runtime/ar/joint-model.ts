// The autoregressive model over whole pixels (order raster(channels: joint)): log p(x) = Σ over
// pixels in raster order of log p(x_pixel | earlier pixels), each pixel's channels under one
// PixelLikelihood. Sampling and completion run one network pass per pixel (not per channel) and
// draw all C channels of the pixel from that pass.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../../compiler/ir/types.js';
import type { FlowModel, SampleOptions } from '../model.js';
import { Rng } from '../rng.js';
import type { PixelLikelihood } from './pixel-likelihood.js';
import type { PixelConditional } from './pixelcnnpp.js';

export class JointPixelModel implements FlowModel {
  readonly D: number;
  readonly C: number;
  readonly HW: number;
  private disposed = false;

  constructor(
    readonly ir: FlowIR,
    readonly conditional: PixelConditional,
    readonly likelihood: PixelLikelihood,
  ) {
    const [C, H, W] = ir.data.shape as [number, number, number];
    this.C = C;
    this.HW = H * W;
    this.D = C * H * W;
  }

  get variables(): tf.Variable[] {
    return this.conditional.variables;
  }

  /** log p of each pixel given the earlier ones, [N, H·W] (nats) */
  logProbPerPixel(x: tf.Tensor, training = false, ctx?: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const N = x.shape[0];
      const x2 = tf.reshape(x, [N, this.D]) as tf.Tensor2D;
      const params = this.conditional.params(x2, training, ctx);
      return this.likelihood.logProb(params, tf.reshape(x2, [N, this.C, this.HW]) as tf.Tensor3D);
    });
  }

  /** log p(x), or log p(x | y) with the context ctx [N, k] of a conditioned model */
  logProb(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.sum(this.logProbPerPixel(x, false, ctx), 1) as tf.Tensor1D);
  }

  /** the training objective: −log p with dropout on */
  loss(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.neg(tf.sum(this.logProbPerPixel(x, true, ctx), 1)) as tf.Tensor1D);
  }

  bitsPerDim(x: tf.Tensor, ctx?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.div(tf.neg(this.logProb(x, ctx)), this.D * Math.LN2) as tf.Tensor1D);
  }

  /** the parameters of pixel p for the current values (n·P floats, example-major) */
  private pixelParams(xs: Float32Array, n: number, p: number, ctx?: tf.Tensor): Float32Array {
    const P = this.likelihood.P;
    const t = tf.tidy(() => {
      const all = this.conditional.params(tf.tensor2d(xs, [n, this.D]), false, ctx);
      return tf.slice(all, [0, p, 0], [n, 1, P]);
    });
    const out = Float32Array.from(t.dataSync());
    t.dispose();
    return out;
  }

  private run(
    n: number,
    opts: SampleOptions | undefined,
    given?: { values: Float32Array; known: Uint8Array },
  ): tf.Tensor {
    const { C, HW, D } = this;
    const rng = new Rng(opts?.seed ?? this.ir.train?.seed ?? 0);
    const T = opts?.temperature && opts.temperature > 0 ? opts.temperature : 1;
    const xs = new Float32Array(n * D);
    const pix = new Float32Array(n * C);
    for (let p = 0; p < HW; p++) {
      const allKnown = given !== undefined && isKnown(given.known, n, C, HW, D, p);
      if (!allKnown) this.likelihood.sample(this.pixelParams(xs, n, p, opts?.context), n, rng, T, pix);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < C; c++) {
          const d = i * D + c * HW + p;
          xs[d] = given && given.known[d] ? given.values[d]! : pix[i * C + c]!;
        }
      }
    }
    return tf.tensor(xs, [n, ...this.ir.data.shape], 'float32');
  }

  /** n samples: one network pass per pixel, all its channels drawn from it */
  sample(n: number, opts?: SampleOptions): tf.Tensor {
    return this.run(n, opts);
  }

  /** the same loop (there is no cheaper incremental path for this network) */
  sampleNaive(n: number, opts?: SampleOptions): tf.Tensor {
    return this.run(n, opts);
  }

  /** completes x where knownMask is 0 (knownMask: x's shape or the data shape) */
  complete(x: tf.Tensor, knownMask: tf.Tensor, opts?: SampleOptions): tf.Tensor {
    const n = x.shape[0];
    const values = Float32Array.from(x.dataSync());
    const km = knownMask.dataSync();
    const shared = km.length === this.D;
    if (!shared && km.length !== n * this.D) {
      throw new Error(`complete: knownMask has ${km.length} entries, expected ${this.D} or ${n * this.D}`);
    }
    const known = new Uint8Array(n * this.D);
    for (let i = 0; i < n * this.D; i++) known[i] = km[shared ? i % this.D : i] ? 1 : 0;
    return this.run(n, opts, { values, known });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.conditional.variables.forEach((v) => v.dispose());
  }
}

function isKnown(known: Uint8Array, n: number, C: number, HW: number, D: number, p: number): boolean {
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) if (!known[i * D + c * HW + p]) return false;
  return true;
}
