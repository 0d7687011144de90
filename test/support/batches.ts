// A small batch in a model's data domain, shared by the spec-library tests that score every spec
// (test/runtime/any-backend.test.ts, test/targets/pytorch-equivalence.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../../compiler/ir/types.js';
import { Rng } from '../../runtime/rng.js';

/** a small batch in the model's data domain (real data in (0.2, 0.8) for dequantized/logit flows' sake) */
export function batchFor(ir: FlowIR, n: number, seed: number): tf.Tensor {
  const r = new Rng(seed);
  const per = ir.data.shape.reduce((a, b) => a * b, 1);
  const d = ir.data.domain;
  const v = Float32Array.from({ length: n * per }, () =>
    d.kind === 'real'
      ? 0.2 + 0.6 * r.uniform()
      : d.kind === 'binary'
        ? r.uniform() < 0.5
          ? 1
          : 0
        : Math.floor(r.uniform() * d.K),
  );
  return tf.tensor(v, [n, ...ir.data.shape]);
}
