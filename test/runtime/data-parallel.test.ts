// Data-parallel training (runtime/parallel/): a worker thread with its own backend and model
// replica computes half of every batch. Against the one-replica trainer on the same batches:
// the same losses and parameters to float32 rounding, for a Glow-style model with actnorm (its
// data-dependent init and non-trainable flag must reach the replica) and dequantization noise
// (the replica's draws are seeded from the main rng); a run resumed from (parameters, Adam state,
// rng state) repeats the uninterrupted one bit for bit; nothing leaks; the worker stops.
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { compileSource } from '../../compiler/index.js';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { HOST_ADAM_MAX, createTrainer, type AdamState, type Trainer } from '../../runtime/train-step.js';
import { createDataParallelTrainer, dataParallelWanted, workerScript } from '../../runtime/parallel/data-parallel.js';
import { configFromEnv as env } from '../../runtime/config.js';
import type { FlowModel } from '../../runtime/model.js';
import type { RngState } from '../../runtime/rng.js';
import { useFreshDist } from '../support/dist.js';

const SPEC = `
model Tiny {
  data x: discrete(256)[1, 8, 8]
  prior normal
  flow {
    dequantize(uniform)
    logit(alpha: 0.05)
    squeeze
    repeat 2 {
      actnorm
      coupling(affine, mask: channel, net: resnet(blocks: 1, channels: 8), scale: sigmoid)
    }
  }
  train { batch: 13 }
}`;
const irNoisy = compileSource(SPEC, 'tiny.flow').ir!;
// the same flow on real data: no random draws, so one replica and two must agree to rounding
const irExact = compileSource(
  SPEC.replace('discrete(256)[1, 8, 8]', 'real[1, 8, 8]').replace(/dequantize\(uniform\)\s*logit\(alpha: 0.05\)/, ''),
  'tiny.flow',
).ir!;
expect(irExact.flow!.some((l) => l.kind === 'dequantize')).toBe(false);
const B = 13; // odd: the halves (7 and 6 rows) weigh differently
const batches = [0, 1, 2, 3].map((k) => Float32Array.from({ length: B * 64 }, (_, i) => (i * 37 + k * 101) % 256));
// rows of the worker's half (7..12) on another scale: a wrong weighting of the halves shows
const realBatches = batches.map((b) => b.map((v, i) => ((v - 128) / 64) * (i >= 7 * 64 ? 3 : 1)));

interface Run {
  losses: number[];
  params: Float32Array[];
  state: AdamState;
  rng: RngState;
}

function train(
  make: (m: FlowModel) => Trainer,
  steps: number[],
  from?: Run & { snapshot: Float32Array[] },
  exact = false,
): Run & { snapshot: Float32Array[] } {
  const model = build(exact ? irExact : irNoisy);
  const tr = make(model);
  if (from) {
    tf.tidy(() => model.variables.forEach((v, i) => v.assign(tf.tensor(from.snapshot[i]!, v.shape))));
    tr.setState(from.state);
    model.rng!.setState(from.rng);
  }
  const losses = steps.map((k) =>
    tf.tidy(() => {
      const x = tf.tensor((exact ? realBatches : batches)[k]!, [B, 1, 8, 8]);
      return tr.step(x);
    }),
  );
  const params = model.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const out = { losses, params, state: tr.getState(), rng: model.rng!.getState() as RngState, snapshot: params };
  tr.dispose();
  model.dispose();
  return out;
}

const prev = tf.getBackend();
useFreshDist(join('dist', 'runtime', 'parallel', 'worker.js'), ['runtime']); // the worker runs dist/
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  if (prev) await tf.setBackend(prev);
});

describe('data-parallel training (one worker)', () => {
  it('has a compiled worker script', () => {
    expect(workerScript()).toMatch(/dist[\\/]runtime[\\/]parallel[\\/]worker\.js$/);
  });

  it('decides by the work hint and FLOWC_WORKERS', () => {
    const heavy = { flopsPerExample: 141e6, batch: 64, params: 384_962 };
    const made = { flopsPerExample: 1.03e6, batch: 100, params: 1_035_784 };
    const two = os.cpus().length >= 2;
    expect(dataParallelWanted(env({}), heavy)).toBe(two);
    expect(dataParallelWanted(env({}), made)).toBe(false); // many parameters for its work: threads instead
    expect(dataParallelWanted(env({}), { flopsPerExample: 35_888, batch: 512, params: 36_896 })).toBe(two); // W1
    // too little work
    expect(dataParallelWanted(env({}), { flopsPerExample: 35_888, batch: 64, params: 36_896 })).toBe(false);
    expect(dataParallelWanted(env({}), { flopsPerExample: 128, batch: 500, params: 80 })).toBe(false); // W5
    expect(dataParallelWanted(env({ FLOWC_WORKERS: '0' }), heavy)).toBe(false);
    expect(dataParallelWanted(env({ FLOWC_WASM_THREADS: '2' }), heavy)).toBe(false);
    expect(dataParallelWanted(env({ FLOWC_WORKERS: '1' }))).toBe(true);
    expect(dataParallelWanted(env({}), { ...heavy, training: false })).toBe(false); // sample/eval: no worker
  });

  it('trains like one replica (losses, parameters) and resumes exactly; no leaks', () => {
    const before = tf.memory().numTensors;
    const dp = (m: FlowModel) => {
      const t = createDataParallelTrainer(m, { lr: 1e-3 }, HOST_ADAM_MAX);
      expect(t?.replicas).toBe(2);
      return t!;
    };
    const single = train((m) => createTrainer(m, { lr: 1e-3 }), [0, 1, 2, 3], undefined, true);
    const par = train(dp, [0, 1, 2, 3], undefined, true);
    par.losses.forEach((l, i) =>
      expect(Math.abs(l - single.losses[i]!) / Math.abs(single.losses[i]!)).toBeLessThan(1e-4),
    );
    expect(new Set(single.losses).size).toBe(4); // it trains
    let maxd = 0;
    par.params.forEach((p, i) =>
      p.forEach((v, k) => {
        maxd = Math.max(maxd, Math.abs(v - single.params[i]![k]!));
      }),
    );
    // Adam moves a parameter by ~lr whatever its gradient's size, so parameters whose gradient is
    // at rounding level may differ by up to lr per step; all others agree closely
    expect(maxd).toBeLessThan(4 * 1e-3);
    const diffs = par.params
      .flatMap((p, i) => Array.from(p, (v, k) => Math.abs(v - single.params[i]![k]!)))
      .sort((a, b) => a - b);
    expect(diffs[Math.floor(diffs.length * 0.9)]!).toBeLessThan(1e-5);
    // resume: 2 steps, then a fresh model + trainer from (params, Adam state, rng), 2 more
    // (with dequantization noise: the replica's draws come from the main rng)
    const full = train(dp, [0, 1, 2, 3]);
    const half = train(dp, [0, 1]);
    const resumed = train(dp, [2, 3], half);
    expect(resumed.losses).toEqual(full.losses.slice(2));
    resumed.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(full.params[i]!)));
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
