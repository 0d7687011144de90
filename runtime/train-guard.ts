// What makes a checkpoint "good": finite weights and (after step 0) a finite held-out NLL. The
// training loop saves a checkpoint only when this holds, so the last checkpoint of a run that
// diverged is the last one that `eval` and `sample` can use.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowModel } from './model.js';

/** The name of the first model variable holding NaN or ±Infinity, if any. */
export function firstNonFiniteVariable(model: FlowModel): string | undefined {
  for (const v of model.variables) {
    const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(v))));
    const any = bad.dataSync()[0];
    bad.dispose();
    if (any) return v.name.replace(/#\d+$/, '');
  }
  return undefined;
}

/** How many of `n` rows of `x` (row-major, n rows) hold a non-finite value. */
export function nonFiniteRows(x: Float32Array, n: number): number {
  const d = n > 0 ? x.length / n : 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i * d; j < (i + 1) * d; j++) {
      if (!Number.isFinite(x[j]!)) {
        bad++;
        break;
      }
    }
  }
  return bad;
}
