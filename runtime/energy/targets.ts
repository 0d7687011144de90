// The four 2-D test energies of Rezende & Mohamed 2015, Table 1; p(z) ∝ exp(−U(z)):
//   U1(z) = ½((‖z‖ − 2)/0.4)² − ln(e^{−½((z₁−2)/0.6)²} + e^{−½((z₁+2)/0.6)²})
//   U2(z) = ½((z₂ − w₁(z))/0.4)²
//   U3(z) = −ln(e^{−½((z₂ − w₁(z))/0.35)²} + e^{−½((z₂ − w₁(z) + w₂(z))/0.35)²})
//   U4(z) = −ln(e^{−½((z₂ − w₁(z))/0.4)²} + e^{−½((z₂ − w₁(z) + w₃(z))/0.35)²})
// with w₁(z) = sin(2πz₁/4), w₂(z) = 3·e^{−½((z₁−1)/0.6)²}, w₃(z) = 3·σ((z₁−1)/0.3), σ(x) = 1/(1 + e^{−x}).
// The −ln(e^a + e^b) terms are evaluated as −logsumexp(a, b).
import * as tf from '@tensorflow/tfjs-core';

export const ENERGY_NAMES = ['u1', 'u2', 'u3', 'u4'] as const;
export type EnergyName = (typeof ENERGY_NAMES)[number];

export function isEnergyName(s: string): s is EnergyName {
  return (ENERGY_NAMES as readonly string[]).includes(s);
}

/** −logsumexp(a, b) elementwise */
function negLse(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.neg(tf.logSumExp(tf.stack([a, b], 1), 1));
}

/** U(z) per row of z [N, 2] → [N] (a pure tensor map; callers run it inside tf.tidy) */
export function energy(name: EnergyName, z: tf.Tensor2D): tf.Tensor1D {
  const N = z.shape[0];
  const z1 = tf.reshape(tf.slice(z, [0, 0], [N, 1]), [N]);
  const z2 = tf.reshape(tf.slice(z, [0, 1], [N, 1]), [N]);
  const g = (v: tf.Tensor, s: number) => tf.mul(-0.5, tf.square(tf.div(v, s))); // −½(v/s)²
  const w1 = tf.sin(tf.mul(z1, (2 * Math.PI) / 4));
  switch (name) {
    case 'u1': {
      const r = tf.sqrt(tf.add(tf.square(z1), tf.square(z2)));
      return tf.add(
        tf.mul(0.5, tf.square(tf.div(tf.sub(r, 2), 0.4))),
        negLse(g(tf.sub(z1, 2), 0.6), g(tf.add(z1, 2), 0.6)),
      ) as tf.Tensor1D;
    }
    case 'u2':
      return tf.mul(0.5, tf.square(tf.div(tf.sub(z2, w1), 0.4))) as tf.Tensor1D;
    case 'u3': {
      const w2 = tf.mul(3, tf.exp(g(tf.sub(z1, 1), 0.6)));
      const d = tf.sub(z2, w1);
      return negLse(g(d, 0.35), g(tf.add(d, w2), 0.35)) as tf.Tensor1D;
    }
    case 'u4': {
      const w3 = tf.mul(3, tf.sigmoid(tf.div(tf.sub(z1, 1), 0.3)));
      const d = tf.sub(z2, w1);
      return negLse(g(d, 0.4), g(tf.add(d, w3), 0.35)) as tf.Tensor1D;
    }
  }
}

/** U(z) in float64 on the host, for pictures and quadrature */
export function energyJs(name: EnergyName, z1: number, z2: number): number {
  const g = (v: number, s: number) => -0.5 * (v / s) * (v / s);
  const nlse = (a: number, b: number) => {
    const m = Math.max(a, b);
    return -(m + Math.log(Math.exp(a - m) + Math.exp(b - m)));
  };
  const w1 = Math.sin((2 * Math.PI * z1) / 4);
  switch (name) {
    case 'u1': {
      const r = Math.hypot(z1, z2);
      return 0.5 * ((r - 2) / 0.4) ** 2 + nlse(g(z1 - 2, 0.6), g(z1 + 2, 0.6));
    }
    case 'u2':
      return 0.5 * ((z2 - w1) / 0.4) ** 2;
    case 'u3': {
      const w2 = 3 * Math.exp(g(z1 - 1, 0.6));
      return nlse(g(z2 - w1, 0.35), g(z2 - w1 + w2, 0.35));
    }
    case 'u4': {
      const w3 = 3 / (1 + Math.exp(-(z1 - 1) / 0.3));
      return nlse(g(z2 - w1, 0.4), g(z2 - w1 + w3, 0.35));
    }
  }
}

/** log Z = log ∫ exp(−U) over [−L, L]² by the midpoint rule on a G×G grid (float64) */
export function logPartition(name: EnergyName, L = 6, G = 600): number {
  const h = (2 * L) / G;
  let m = -Infinity;
  const vals = new Float64Array(G * G);
  for (let i = 0; i < G; i++)
    for (let j = 0; j < G; j++) {
      const v = -energyJs(name, -L + (i + 0.5) * h, -L + (j + 0.5) * h);
      vals[i * G + j] = v;
      if (v > m) m = v;
    }
  let s = 0;
  for (const v of vals) s += Math.exp(v - m);
  return m + Math.log(s * h * h);
}
