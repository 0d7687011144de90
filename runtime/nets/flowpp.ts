// The Flow++ conditioner (compiler/registry/flowpp-net.ts documents the architecture and names the
// parameters this builds): position embedding, gated residual convs with concat-ELU, layer norm, multi-head
// self-attention over all positions of the grid. Images [N, H, W, C] (NHWC); vectors [N, n] run as an n×1
// grid with one channel, kernel 1, and a dense output over the flattened features. One plain forward.
// weight_norm: the hidden convs use w = g·v/‖v‖ (norm per output channel over kh·kw·cin); while the
// non-trainable `wn_initialized` flag is 0 the next apply() is the data-dependent init: each such conv's
// pre-activations t = Conv(x; v/‖v‖) on that batch set g = 1/√(Var t + 1e-8), b = −E[t]·g per channel (in the
// order the forward meets them, so each sees the already-initialised layers before it), then the flag is 1.
// The couplings report needsInit() so FlowModel.initialize runs that pass on the first batch outside the tape.
import * as tf from '@tensorflow/tfjs-core';
import type { NetIR } from '../../compiler/ir/types.js';
import type { ParamStore } from './params.js';
import type { Net } from './mlp.js';
import { dropout } from './dropout.js';

type Flowpp = Extract<NetIR, { kind: 'flowpp' }>;
interface Conv {
  /** W, or with weight norm the direction v */
  w: tf.Variable;
  b: tf.Variable;
  /** weight norm: the per-output-channel scale */
  g?: tf.Variable;
}

/** w = g·v/‖v‖, the norm per output channel (the last axis) */
export function weightNormed(v: tf.Tensor, g: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: v.rank - 1 }, (_, i) => i);
  return tf.mul(v, tf.div(g, tf.sqrt(tf.sum(tf.square(v), axes))));
}
type Norm = [tf.Variable, tf.Variable];
interface Block {
  conv: Conv;
  gate: Conv;
  ln1: Norm;
  qkv: Conv;
  attn: Conv;
  ln2: Norm;
}

const concatElu = (x: tf.Tensor): tf.Tensor => tf.elu(tf.concat([x, tf.neg(x)], x.rank - 1));
const gate = (c: tf.Tensor): tf.Tensor => {
  const [a, b] = tf.split(c, 2, c.rank - 1);
  return tf.mul(a!, tf.sigmoid(b!));
};

function layerNorm(x: tf.Tensor, [g, b]: [tf.Variable, tf.Variable]): tf.Tensor {
  const ax = x.rank - 1;
  const { mean, variance } = tf.moments(x, ax, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

export class FlowppNet implements Net {
  private readonly pos: tf.Variable;
  private readonly inConv: Conv;
  private readonly blocks: Block[] = [];
  private readonly out: Conv;
  private readonly vector: boolean;
  private readonly H: number;
  private readonly W: number;
  private readonly wnFlag: tf.Variable | null = null;
  private wnDone = true;
  private initializing = false;

  constructor(
    private readonly store: ParamStore,
    prefix: string,
    private readonly net: Flowpp,
    inShape: number[],
    outShape: number[],
  ) {
    this.vector = inShape.length === 1;
    const [H, W, cin] = this.vector ? [inShape[0]!, 1, 1] : (inShape as [number, number, number]);
    this.H = H;
    this.W = W;
    const k = this.vector ? 1 : 3;
    const ch = net.channels;
    if (ch % net.heads !== 0) {
      throw new Error(`${prefix}: flowpp channels ${ch} is not a multiple of heads ${net.heads}`);
    }
    const wn = net.weightNorm === true;
    const mk = (name: string, kk: number, ci: number, co: number, zero = false): Conv => {
      const init = zero ? 'zeros' : 'uniform-fan-in';
      const fanIn = kk * kk * ci;
      if (wn && !zero) {
        return {
          w: store.create(`${prefix}.${name}.v`, [kk, kk, ci, co], 'normal(0.05)'),
          g: store.create(`${prefix}.${name}.g`, [co], 'ones'),
          b: store.create(`${prefix}.${name}.b`, [co], 'zeros'),
        };
      }
      return {
        w: store.create(`${prefix}.${name}.W`, [kk, kk, ci, co], init, { fanIn }),
        b: store.create(`${prefix}.${name}.b`, [co], init, { fanIn }),
      };
    };
    const ln = (name: string): [tf.Variable, tf.Variable] => [
      store.create(`${prefix}.${name}.g`, [ch], 'ones'),
      store.create(`${prefix}.${name}.b`, [ch], 'zeros'),
    ];
    this.pos = store.create(`${prefix}.pos`, [H, W, ch], 'normal(0.01)');
    this.inConv = mk('in', k, cin, ch);
    for (let i = 0; i < net.blocks; i++) {
      const p = `block${i}`;
      this.blocks.push({
        conv: mk(`${p}.conv`, k, 2 * ch, ch),
        gate: mk(`${p}.gate`, 1, 2 * ch, 2 * ch),
        ln1: ln(`${p}.ln1`),
        qkv: mk(`${p}.qkv`, 1, ch, 3 * ch),
        attn: mk(`${p}.attn`, 1, ch, 2 * ch),
        ln2: ln(`${p}.ln2`),
      });
    }
    if (this.vector) {
      const cout = outShape[0]!;
      const init = net.zeroInitLast ? 'zeros' : 'uniform-fan-in';
      this.out = {
        w: store.create(`${prefix}.out.W`, [H * ch, cout], init, { fanIn: H * ch }),
        b: store.create(`${prefix}.out.b`, [cout], init, { fanIn: H * ch }),
      };
    } else this.out = plainOut(store, `${prefix}.out`, k, ch, outShape[2]!, net.zeroInitLast);
    if (wn) {
      this.wnFlag = store.create(`${prefix}.wn_initialized`, [], 'zeros', { trainable: false });
      this.wnDone = false;
    }
  }

  /** true while the weight-norm data-dependent init has not run (read from the saved flag once) */
  needsInit(): boolean {
    if (this.wnDone) return false;
    this.wnDone = this.wnFlag!.dataSync()[0]! > 0;
    return !this.wnDone;
  }

  private conv(x: tf.Tensor, c: Conv): tf.Tensor {
    if (!c.g) return tf.add(tf.conv2d(x as tf.Tensor4D, c.w as tf.Tensor4D, 1, 'same'), c.b);
    if (this.initializing) {
      const t = tf.conv2d(x as tf.Tensor4D, weightNormed(c.w, tf.onesLike(c.g)) as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      const scale = tf.rsqrt(tf.add(variance, 1e-8));
      c.g.assign(scale);
      c.b.assign(tf.neg(tf.mul(mean, scale)));
    }
    return tf.add(tf.conv2d(x as tf.Tensor4D, weightNormed(c.w, c.g) as tf.Tensor4D, 1, 'same'), c.b);
  }

  /** multi-head self-attention over the H·W positions: [N, H, W, ch] → [N, H, W, ch] */
  private attention(x: tf.Tensor, qkv: Conv): tf.Tensor {
    const [N, H, W, ch] = x.shape as [number, number, number, number];
    const heads = this.net.heads,
      d = ch / heads,
      T = H * W;
    const c = tf.reshape(this.conv(tf.add(x, this.pos), qkv), [N, T, 3, heads, d]);
    const [q, k, v] = tf
      .unstack(tf.transpose(c, [2, 0, 3, 1, 4]))
      .map((t) => tf.reshape(t, [N * heads, T, d])) as tf.Tensor3D[];
    const w = tf.softmax(tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(d)));
    const a = tf.reshape(tf.matMul(w, v!), [N, heads, T, d]);
    return tf.reshape(tf.transpose(a, [0, 2, 1, 3]), [N, H, W, ch]);
  }

  apply(x: tf.Tensor): tf.Tensor {
    if (!this.needsInit()) return this.run(x);
    this.initializing = true;
    try {
      tf.tidy(() => {
        this.run(x);
      });
      this.wnFlag!.assign(tf.scalar(1));
    } finally {
      this.initializing = false;
    }
    this.wnDone = true;
    return this.run(x);
  }

  private run(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const N = x.shape[0]!;
      const rng = this.store.rng,
        rate = this.net.dropout;
      let h = this.vector ? tf.reshape(x, [N, this.H, 1, 1]) : x;
      h = tf.add(this.conv(h, this.inConv), this.pos);
      for (const b of this.blocks) {
        const c1 = dropout(concatElu(this.conv(concatElu(h), b.conv)), rate, rng);
        h = layerNorm(tf.add(h, gate(this.conv(c1, b.gate))), b.ln1);
        const a = dropout(this.attention(h, b.qkv), rate, rng);
        h = layerNorm(tf.add(h, gate(this.conv(a, b.attn))), b.ln2);
      }
      if (!this.vector) return this.conv(h, this.out);
      return tf.add(tf.matMul(tf.reshape(h, [N, this.H * this.net.channels]), this.out.w as tf.Tensor2D), this.out.b);
    });
  }
}

function plainOut(store: ParamStore, name: string, k: number, ci: number, co: number, zero: boolean): Conv {
  const init = zero ? 'zeros' : 'uniform-fan-in';
  const fanIn = k * k * ci;
  return {
    w: store.create(`${name}.W`, [k, k, ci, co], init, { fanIn }),
    b: store.create(`${name}.b`, [co], init, { fanIn }),
  };
}
