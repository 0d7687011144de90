// Base densities on the flattened latent z [batch, D]. Temperature T scales every prior's spread
// when sampling (std, scale, and each mixture component's scale are multiplied by T).
import * as tf from '@tensorflow/tfjs-core';
import type { PriorIR } from '../compiler/ir/types.js';
import type { ParamStore } from './nets/params.js';
import type { Rng } from './rng.js';

export interface Prior {
  logProb(z: tf.Tensor2D): tf.Tensor1D;
  sample(n: number, rng: Rng, temperature?: number): tf.Tensor2D;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function sum1(t: tf.Tensor): tf.Tensor1D {
  return tf.sum(t, 1) as tf.Tensor1D;
}

class Normal implements Prior {
  private readonly mean: tf.Tensor | number;
  private readonly logStd: tf.Tensor | number;
  constructor(
    readonly D: number,
    mean: number,
    std: number,
    learned: boolean,
    store: ParamStore,
  ) {
    if (learned) {
      this.mean = store.create('prior.mean', [D], `const(${mean})`);
      this.logStd = store.create('prior.logstd', [D], `const(${Math.log(std)})`);
    } else {
      this.mean = mean;
      this.logStd = Math.log(std);
    }
  }
  logProb(z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const e = tf.mul(tf.sub(z, this.mean), tf.exp(tf.neg(this.logStd)));
      return sum1(tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(e)), this.logStd), HALF_LOG_2PI)));
    });
  }
  sample(n: number, rng: Rng, T = 1): tf.Tensor2D {
    return tf.tidy(
      () => tf.add(tf.mul(rng.normalTensor([n, this.D]), tf.mul(tf.exp(this.logStd), T)), this.mean) as tf.Tensor2D,
    );
  }
}

class Logistic implements Prior {
  constructor(
    readonly D: number,
    readonly loc: number,
    readonly scale: number,
  ) {}
  logProb(z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const e = tf.div(tf.sub(z, this.loc), this.scale);
      return sum1(tf.sub(tf.neg(tf.add(e, tf.mul(2, tf.softplus(tf.neg(e))))), Math.log(this.scale)));
    });
  }
  sample(n: number, rng: Rng, T = 1): tf.Tensor2D {
    const u = rng.uniformArray(n * this.D);
    const out = new Float32Array(u.length);
    for (let i = 0; i < u.length; i++) {
      const v = Math.min(Math.max(u[i], 1e-7), 1 - 1e-7);
      out[i] = this.loc + T * this.scale * Math.log(v / (1 - v));
    }
    return tf.tensor2d(out, [n, this.D]);
  }
}

class Laplace implements Prior {
  constructor(
    readonly D: number,
    readonly loc: number,
    readonly scale: number,
  ) {}
  logProb(z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() =>
      sum1(tf.sub(tf.neg(tf.div(tf.abs(tf.sub(z, this.loc)), this.scale)), Math.log(2 * this.scale))),
    );
  }
  sample(n: number, rng: Rng, T = 1): tf.Tensor2D {
    const out = new Float32Array(n * this.D);
    for (let i = 0; i < out.length; i++) {
      const u = rng.uniform() - 0.5;
      out[i] = this.loc - T * this.scale * Math.sign(u) * Math.log(Math.max(1 - 2 * Math.abs(u), 1e-12));
    }
    return tf.tensor2d(out, [n, this.D]);
  }
}

/** per-dimension mixture of k normal or logistic components, all parameters learned */
class Mixture implements Prior {
  private readonly logits: tf.Variable;
  private readonly means: tf.Variable;
  private readonly logScales: tf.Variable;
  constructor(
    readonly D: number,
    readonly k: number,
    readonly component: 'normal' | 'logistic',
    store: ParamStore,
  ) {
    const means = new Float32Array(D * k);
    for (let d = 0; d < D; d++) for (let j = 0; j < k; j++) means[d * k + j] = k === 1 ? 0 : -1 + (2 * j) / (k - 1);
    this.logits = store.create('prior.logits', [D, k], 'zeros');
    this.means = store.create('prior.means', [D, k], 'zeros', { values: means });
    this.logScales = store.create('prior.logscales', [D, k], 'zeros');
  }
  logProb(z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const e = tf.mul(tf.sub(tf.expandDims(z, 2), this.means), tf.exp(tf.neg(this.logScales))); // [N, D, k]
      const comp =
        this.component === 'normal'
          ? tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(e)), this.logScales), HALF_LOG_2PI))
          : tf.sub(tf.neg(tf.add(e, tf.mul(2, tf.softplus(tf.neg(e))))), this.logScales);
      const logw = tf.logSoftmax(this.logits, 1);
      return sum1(tf.logSumExp(tf.add(comp, logw), 2));
    });
  }
  sample(n: number, rng: Rng, T = 1): tf.Tensor2D {
    const w = tf.tidy(() => tf.softmax(this.logits, 1)).dataSync() as Float32Array;
    const mu = this.means.dataSync(),
      ls = this.logScales.dataSync();
    const out = new Float32Array(n * this.D);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < this.D; d++) {
        let u = rng.uniform(),
          j = 0;
        for (; j < this.k - 1; j++) {
          u -= w[d * this.k + j];
          if (u < 0) break;
        }
        const s = T * Math.exp(ls[d * this.k + j]);
        let e: number;
        if (this.component === 'normal') e = rng.normal();
        else {
          const v = Math.min(Math.max(rng.uniform(), 1e-7), 1 - 1e-7);
          e = Math.log(v / (1 - v));
        }
        out[i * this.D + d] = mu[d * this.k + j] + s * e;
      }
    return tf.tensor2d(out, [n, this.D]);
  }
}

export function buildPrior(ir: PriorIR | undefined, D: number, store: ParamStore): Prior {
  const p = ir ?? { kind: 'normal', mean: 0, std: 1, learned: false };
  switch (p.kind) {
    case 'normal':
      return new Normal(D, p.mean ?? 0, p.std ?? 1, !!p.learned, store);
    case 'logistic':
      return new Logistic(D, p.loc ?? 0, p.scale ?? 1);
    case 'laplace':
      return new Laplace(D, p.loc ?? 0, p.scale ?? 1);
    case 'mixture':
      return new Mixture(D, p.k, p.component ?? 'normal', store);
    default:
      throw new Error(`unknown prior kind '${(p as { kind: string }).kind}'`);
  }
}
