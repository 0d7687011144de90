// Data-parallel training on two cores: the main thread and one worker (runtime/parallel/worker.ts),
// each with a single-threaded wasm backend and a replica of the model, split every batch in two.
// Step: the main thread writes the parameters and the worker's rows into shared memory and wakes
// the worker; both compute the mean loss and gradients of their rows at the same time; the main
// thread waits for the worker, combines g = (n₁g₁ + n₂g₂)/B (the gradient of the batch mean) and
// runs the one Adam of runtime/kernels/optim/mixed-adam.ts. Everything parallelises — convolutions,
// matrix products, elementwise kernels, weight packing — where XNNPACK's thread pool only splits
// the big kernels. Same objective as one replica to float32 rounding (summation order); the
// worker's random draws (dequantization noise) are seeded from the main rng every step, so a run
// is still a function of its checkpoint (resume repeats it exactly).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { FlowModel } from '../model.js';
import type { AdamOptions, Trainer } from '../train-step.js';
import { createMixedTrainer, localGrads, type GradsFn } from '../kernels/optim/mixed-adam.js';
import { float32View } from '../kernels/memory.js';
import type { WorkHint } from '../kernels/threads/wasm-threads.js';
import { CMD, DONE, ERR, READY, ROWS, SEED, allocLayout, readError, type WorkerInit } from './shared.js';
import { config, type FlowcConfig } from '../config.js';

/** the compiled worker script (dist/runtime/parallel/worker.js), also when this module runs from source */
export function workerScript(): string | null {
  const here = fileURLToPath(import.meta.url);
  const beside = path.join(path.dirname(here), 'worker.js');
  if (here.endsWith('.js') && fs.existsSync(beside)) return beside;
  const root = path.resolve(path.dirname(here), '..', '..');
  const dist = path.join(root, 'dist', 'runtime', 'parallel', 'worker.js');
  return fs.existsSync(dist) ? dist : null;
}

const WAIT_MS = 600_000;

/** forward work per step (FLOPs × batch) from which a second replica pays for its synchronisation */
export const DP_MIN_STEP_FLOPS = 5e6;
/** at most this many parameters per forward FLOP of a batch: they cross between the threads every step */
export const DP_MAX_PARAMS_PER_FLOP = 0.005;

/**
 * Whether training splits batches with a worker (decided once, by initBackend):
 * FLOWC_WORKERS=0 never, =1 always; otherwise (and unless FLOWC_WASM_THREADS names a thread
 * count) on two cores or more for a model whose forward work per step is ≥ DP_MIN_STEP_FLOPS
 * and whose parameters are few for it (≤ DP_MAX_PARAMS_PER_FLOP per FLOP): W1, W3, W4 yes;
 * W2's 10⁶ parameters for 10⁸ FLOPs no (it takes XNNPACK's two threads instead, see
 * wasm-threads.ts); energy models have no batch to split (the trainer declines).
 * Measured on the bench workloads: bench/README.md.
 */
export function dataParallelWanted(cfg: Pick<FlowcConfig, 'workers' | 'wasmThreads'>, hint?: WorkHint): boolean {
  if (cfg.workers === 'off') return false;
  if (cfg.workers === 'on') return workerScript() !== null;
  if (cfg.wasmThreads !== 'auto') return false;
  if (!hint || hint.training === false || os.cpus().length < 2 || hint.params === undefined) return false;
  const work = hint.flopsPerExample * hint.batch;
  return work >= DP_MIN_STEP_FLOPS && hint.params <= DP_MAX_PARAMS_PER_FLOP * work && workerScript() !== null;
}

let planned = false;
/** set by initBackend */
export function planDataParallel(on: boolean): void {
  planned = on;
}
export function dataParallelPlanned(): boolean {
  return planned;
}

/**
 * A Trainer that splits each batch with one worker, or null when it cannot (no compiled worker
 * script, the worker failed to start, a backend other than wasm/cpu).
 */
export function createDataParallelTrainer(model: FlowModel, opts: AdamOptions, hostMax: number): Trainer | null {
  const script = workerScript();
  const backend = tf.getBackend();
  if (!script || (backend !== 'wasm' && backend !== 'cpu') || model.ir.family === 'energy') return null;
  // every variable travels (actnorm's non-trainable "initialized" flag too); gradients of the trainable ones
  const vars = model.variables;
  const trainable = vars.filter((v) => v.trainable).length;
  const names = vars.map((v) => v.name),
    sizes = vars.map((v) => v.size);
  const offsets: number[] = [];
  const total = sizes.reduce((o, s) => (offsets.push(o), o + s), 0);
  const exampleShape = model.ir.data.shape.slice();
  const per = exampleShape.reduce((a, b) => a * b, 1);
  const capacity = Math.ceil((model.ir.train?.batch ?? 64) / 2);
  const mem = allocLayout(total, capacity, per);
  const ctrl = new Int32Array(mem.ctrl);
  // the replica runs one thread, no worker of its own, otherwise this process's configuration
  const settings: FlowcConfig = { ...config(), workers: 'off', wasmThreads: 1 };
  const init: WorkerInit = { ir: model.ir, backend, names, sizes, exampleShape, capacity, mem, config: settings };
  const worker = new Worker(script, { workerData: init });
  worker.unref();
  // wait for the replica (building it takes a moment; the main thread has nothing else to do)
  const deadline = Date.now() + WAIT_MS;
  while (Atomics.load(ctrl, READY) === 0 && Date.now() < deadline) Atomics.wait(ctrl, READY, 0, 1000);
  if (Atomics.load(ctrl, READY) !== 1) {
    const why = Atomics.load(ctrl, READY) === 2 ? readError(mem) : 'timed out';
    void worker.terminate();
    process.stderr.write(`flowc: data-parallel worker did not start (${why}); training on one thread\n`);
    return null;
  }
  const params = new Float32Array(mem.params),
    grads = new Float32Array(mem.grads);
  const xs = new Float32Array(mem.x),
    loss = new Float64Array(mem.loss);
  const local = localGrads(model);
  const rng = model.rng as { nextU32?: () => number } | undefined;
  let seq = 0;

  const gradsFn: GradsFn = (x, list) => {
    const B = x.shape[0]!;
    const n2 = Math.floor(B / 2),
      n1 = B - n2;
    if (n2 === 0 || n2 > capacity || list.length !== trainable) return local(x, list);
    vars.forEach((v, i) => params.set(float32View(v) ?? (v.dataSync() as Float32Array), offsets[i]!));
    const xv = float32View(x) ?? (x.dataSync() as Float32Array);
    xs.set(xv.subarray(n1 * per, B * per));
    Atomics.store(ctrl, ROWS, n2);
    Atomics.store(ctrl, SEED, rng?.nextU32 ? rng.nextU32() | 0 : 0);
    seq += 1;
    Atomics.store(ctrl, CMD, seq);
    Atomics.notify(ctrl, CMD);
    const mine = local(tf.slice(x, 0, n1), list);
    const until = Date.now() + WAIT_MS;
    while (Atomics.load(ctrl, DONE) !== seq) {
      if (Date.now() > until) throw new Error('data-parallel worker: no answer in 10 minutes');
      Atomics.wait(ctrl, DONE, seq - 1, 1000);
    }
    if (Atomics.load(ctrl, ERR) !== 0) {
      Atomics.store(ctrl, ERR, 0);
      throw new Error(`data-parallel worker: ${readError(mem)}`);
    }
    const a = n1 / B,
      b = n2 / B;
    const out: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      if (!v.trainable) return;
      const g1 = mine.grads[v.name];
      const g2 = grads.subarray(offsets[i]!, offsets[i]! + sizes[i]!);
      const gv = g1 ? (float32View(g1) ?? (g1.dataSync() as Float32Array)) : null;
      const c = new Float32Array(sizes[i]!);
      for (let k = 0; k < c.length; k++) c[k] = (gv ? a * gv[k]! : 0) + b * g2[k]!;
      out[v.name] = tf.tensor(c, v.shape, 'float32');
    });
    const value = tf.scalar(a * mine.value.dataSync()[0]! + b * loss[0]!);
    return { value, grads: out };
  };

  const inner = createMixedTrainer(model, opts, hostMax, gradsFn);
  return {
    get steps() {
      return inner.steps;
    },
    replicas: 2,
    step: (x) => inner.step(x),
    getState: () => inner.getState(),
    setState: (s) => inner.setState(s),
    dispose(): void {
      Atomics.store(ctrl, CMD, -1);
      Atomics.notify(ctrl, CMD);
      void worker.terminate();
      inner.dispose();
    },
  };
}
