// W4 sampling benchmark: 16 images in raster order, the incremental sampler (runtime/ar `sample`)
// against the naive loop (one full network pass per pixel, `sampleNaive`), same seed; the two
// must give identical pixels. `steps` < 784 times only the first `steps` pixels of each and
// scales to 784 (every naive step costs the same; flagged as extrapolated).
import type { FlowModel } from '../runtime/model.js';
import { ArModel } from '../runtime/ar/index.js';
import { runSampling } from '../runtime/ar/sampling.js';

export interface SamplingResult {
  sample_images: number;
  sample_steps: number;
  fast_seconds: number;
  naive_seconds: number;
  fast_seconds_784: number;
  naive_seconds_784: number;
  sample_784_extrapolated: boolean;
  speedup: number;
  identical: boolean;
  /** pixels set to 1 in the compared samples (a sanity figure: not all zero) */
  ones: number;
}

export function timeSampling(
  model: FlowModel,
  steps: number,
  now: () => number = () => performance.now() / 1000,
  n = 16,
  seed = 1234,
): SamplingResult {
  if (!(model instanceof ArModel)) throw new Error('sampling benchmark: not an autoregressive model');
  const K = Math.max(1, Math.min(steps, model.D));
  const job = { n, D: model.D, order: model.order.slice(0, K), temperature: 1, seed };
  const t0 = now();
  const fast = runSampling(model.conditional, model.likelihood, job, 'fast');
  const t1 = now();
  const naive = runSampling(model.conditional, model.likelihood, job, 'naive');
  const t2 = now();
  let identical = fast.length === naive.length;
  let ones = 0;
  for (let i = 0; identical && i < fast.length; i++) {
    if (fast[i] !== naive[i]) identical = false;
    if (fast[i] === 1) ones++;
  }
  const fs = t1 - t0,
    ns = t2 - t1,
    scale = model.D / K;
  return {
    sample_images: n,
    sample_steps: K,
    fast_seconds: fs,
    naive_seconds: ns,
    fast_seconds_784: fs * scale,
    naive_seconds_784: ns * scale,
    sample_784_extrapolated: K !== model.D,
    speedup: ns / fs,
    identical,
    ones,
  };
}
