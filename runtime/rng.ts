// A seedable, serializable RNG: mulberry32 (32-bit state), uniform in [0,1), normal by Box–Muller.
// Every run-time random draw (init, dequantization noise, sampling) goes through one of these so
// that a resumed run is bit-identical.
import * as tf from '@tensorflow/tfjs-core';
import { MULBERRY32_INC, mulberry32Mix } from '../compiler/math/rng.js';

export interface RngState {
  s: number;
  spare: number | null;
}

export class Rng {
  private s: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.s = seed >>> 0;
  }

  /** next uint32 */
  nextU32(): number {
    this.s = (this.s + MULBERRY32_INC) >>> 0;
    return mulberry32Mix(this.s);
  }

  /** uniform in [0, 1) */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** standard normal (Box–Muller; the second value of each pair is kept for the next call) */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u1 = this.uniform();
    while (u1 <= 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.uniform();
    return a;
  }

  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = mean + std * this.normal();
    return a;
  }

  uniformTensor(shape: number[], lo = 0, hi = 1): tf.Tensor {
    return tf.tensor(
      this.uniformArray(
        shape.reduce((a, b) => a * b, 1),
        lo,
        hi,
      ),
      shape,
      'float32',
    );
  }

  normalTensor(shape: number[], mean = 0, std = 1): tf.Tensor {
    return tf.tensor(
      this.normalArray(
        shape.reduce((a, b) => a * b, 1),
        mean,
        std,
      ),
      shape,
      'float32',
    );
  }

  /** Fisher–Yates permutation of 0..n-1 */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  getState(): RngState {
    return { s: this.s, spare: this.spare };
  }

  setState(st: RngState): void {
    this.s = st.s >>> 0;
    this.spare = st.spare;
  }
}
