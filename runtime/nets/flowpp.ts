// The Flow++ conditioner (compiler/registry/flowpp-net.ts documents the architecture and names the
// parameters this builds): position embedding, gated residual convs with concat-ELU, layer norm, multi-head
// self-attention over all positions of the grid. Images [N, H, W, C] (NHWC); vectors [N, n] run as an n×1
// grid with one channel, kernel 1, and a dense output over the flattened features. One plain forward.
import * as tf from '@tensorflow/tfjs-core';
import type { NetIR } from '../../compiler/ir/types.js';
import type { ParamStore } from './params.js';
import type { Net } from './mlp.js';
import { dropout } from './dropout.js';

type Flowpp = Extract<NetIR, { kind: 'flowpp' }>;
interface Conv {
  w: tf.Variable;
  b: tf.Variable;
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
    const mk = (name: string, kk: number, ci: number, co: number, zero = false): Conv => {
      const init = zero ? 'zeros' : 'uniform-fan-in';
      const fanIn = kk * kk * ci;
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
    } else this.out = mk('out', k, ch, outShape[2]!, net.zeroInitLast);
  }

  private conv(x: tf.Tensor, c: Conv): tf.Tensor {
    return tf.add(tf.conv2d(x as tf.Tensor4D, c.w as tf.Tensor4D, 1, 'same'), c.b);
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
