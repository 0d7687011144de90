// The conditioning context of a `condition y` model from its values: a categorical label y ∈ 0..K−1 becomes
// the one-hot row e_y (K entries), a real vector is used as it is. [n, size] float32, the shape every
// conditioned model takes (couplings' conditioners, MADE's first layer).
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../compiler/ir/types.js';

/** the context tensor [n, size] of n condition values (labels, or n·size reals, row-major) */
export function contextOf(ir: FlowIR, values: ArrayLike<number>, n: number): tf.Tensor2D {
  const c = ir.condition;
  if (!c) throw new Error(`${ir.model} is not conditioned (no \`condition\` declaration)`);
  if (c.domain.kind === 'categorical') {
    if (values.length !== n) throw new Error(`${ir.model}: ${values.length} labels for ${n} examples`);
    const K = c.size;
    const a = new Float32Array(n * K);
    for (let i = 0; i < n; i++) {
      const y = values[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= K) {
        throw new Error(`${ir.model}: label ${y} of example ${i} is not a class 0..${K - 1} of \`${c.name}\``);
      }
      a[i * K + y] = 1;
    }
    return tf.tensor2d(a, [n, K]);
  }
  if (values.length !== n * c.size) {
    throw new Error(`${ir.model}: ${values.length} condition values for ${n}×${c.size}`);
  }
  return tf.tensor2d(Float32Array.from(values), [n, c.size]);
}

/**
 * Samples per class when n samples show every class of a categorical condition: ⌈n / K⌉, the columns of a
 * grid with one row per class (classGridColumns); undefined without a categorical condition.
 */
export function classGridColumns(ir: FlowIR, n: number): number | undefined {
  const c = ir.condition;
  return c?.domain.kind === 'categorical' ? Math.max(1, Math.ceil(n / c.size)) : undefined;
}

/**
 * The context for n samples: every sample of class `value` when given (or, for a real condition, every entry
 * = value), else the classes in blocks of ⌈n / K⌉ (sample i of class ⌊i / ⌈n/K⌉⌋: a grid with that many
 * columns has one row per class; a real condition: zeros).
 */
export function sampleContext(ir: FlowIR, n: number, value?: number): tf.Tensor2D | undefined {
  const c = ir.condition;
  if (!c) return undefined;
  if (c.domain.kind === 'categorical') {
    const per = classGridColumns(ir, n)!;
    return contextOf(
      ir,
      Array.from({ length: n }, (_, i) => value ?? Math.min(c.size - 1, Math.floor(i / per))),
      n,
    );
  }
  return contextOf(ir, new Array<number>(n * c.size).fill(value ?? 0), n);
}
