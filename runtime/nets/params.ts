// Parameter creation for the runtime: every variable is named `${owner}.${param}` and initialised
// from the model's Rng (so a seeded build is reproducible), using FlowIR's init strings.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

export class ParamStore {
  /** stable name → variable */
  readonly byName = new Map<string, tf.Variable>();

  constructor(readonly rng: Rng) {}

  /**
   * init: 'zeros' | 'ones' | 'uniform-fan-in' (U(±1/√fanIn)) | 'normal(σ)' | 'const(c)';
   * values: explicit initial values (overrides init).
   */
  create(
    name: string,
    shape: number[],
    init: string,
    opts: { fanIn?: number; values?: Float32Array; trainable?: boolean } = {},
  ): tf.Variable {
    if (this.byName.has(name)) throw new Error(`duplicate parameter name ${name}`);
    const n = shape.reduce((a, b) => a * b, 1);
    let vals: Float32Array;
    if (opts.values) vals = opts.values;
    else
      vals = initValues(
        init,
        n,
        this.rng,
        opts.fanIn ?? (shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : n),
      );
    let regName = name;
    for (let k = 1; tf.engine().registeredVariables[regName] != null; k++) regName = `${name}#${k}`;
    const v = tf.tidy(() => tf.variable(tf.tensor(vals, shape, 'float32'), opts.trainable ?? true, regName));
    this.byName.set(name, v);
    return v;
  }

  get variables(): tf.Variable[] {
    return [...this.byName.values()];
  }

  dispose(): void {
    for (const v of this.byName.values()) v.dispose();
    this.byName.clear();
  }
}

export function initValues(init: string, n: number, rng: Rng, fanIn: number): Float32Array {
  const m = /^(\w[\w-]*)(?:\(([-\d.e+]+)\))?$/.exec(init.trim());
  const kind = m?.[1] ?? init;
  const arg = m?.[2] !== undefined ? Number(m[2]) : undefined;
  switch (kind) {
    case 'zeros':
      return new Float32Array(n);
    case 'ones':
      return new Float32Array(n).fill(1);
    case 'const':
      return new Float32Array(n).fill(arg ?? 0);
    case 'normal':
      return rng.normalArray(n, 0, arg ?? 0.01);
    case 'uniform':
      return rng.uniformArray(n, -(arg ?? 1), arg ?? 1);
    case 'uniform-fan-in':
    default: {
      const b = 1 / Math.sqrt(Math.max(1, fanIn));
      return rng.uniformArray(n, -b, b);
    }
  }
}
