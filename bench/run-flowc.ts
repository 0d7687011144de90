// One workload on the current tfjs backend, in this process: compile the spec, build, train
// `warmup` untimed then `steps` timed steps (each step reads the loss back), optionally keep
// training to `trainSeconds` and evaluate the test NLL, and for W4 time fast vs naive sampling.
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { compileSource } from '../compiler/index.js';
import { initBackend, workHint, type BackendName } from '../runtime/backend.js';
import { build } from '../runtime/build.js';
import { createTrainer, evaluate } from '../runtime/train-step.js';
import { createMixedTrainer } from '../runtime/kernels/optim/mixed-adam.js';
import { activeWasmThreads } from '../runtime/kernels/threads/wasm-threads.js';
import type { FlowModel } from '../runtime/model.js';
import { BenchError } from './data.js';
import { WORKLOADS, type WorkloadId } from './workloads.js';
import { timeSampling, type SamplingResult } from './sampling.js';

export interface FlowcOptions {
  steps?: number;
  warmup?: number;
  trainSeconds?: number;
  testN?: number;
  /** W4: pixels to time per sampler (784 = whole images); 0 skips sampling */
  sampleSteps?: number;
  backend?: BackendName;
  /**
   * 'wall' (default), 'cpu' (this process's CPU time, user + system, for shared machines) or 'main' (main thread's CPU
   * time)
   */
  clock?: Clock;
  /**
   * 'stock' (runtime/train-step.ts, what `flowc train` runs) or 'fast' (every variable on the host:
   * runtime/kernels/optim/mixed-adam.ts with hostMax = Infinity)
   */
  trainer?: 'stock' | 'fast';
}

export type Clock = 'wall' | 'cpu' | 'main';

/** CPU seconds of this process's main thread (Linux schedstat, ns; NaN elsewhere) */
export function mainThreadCpu(): number {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return NaN;
  }
}

/**
 * seconds on the chosen clock: 'cpu' = the process's CPU time, all threads (total work);
 * 'main' = the main thread's CPU time only (with wasm threads, the critical path when the other
 * threads keep up: a lower bound of the wall time on an idle machine); 'wall' = performance.now().
 */
export function clockNow(clock: Clock = 'wall'): number {
  if (clock === 'cpu') {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  if (clock === 'main') return mainThreadCpu();
  return performance.now() / 1000;
}

export interface FlowcResult {
  engine: 'flowc';
  workload: WorkloadId;
  backend: string;
  batch: number;
  clock: Clock;
  trainer: 'stock' | 'fast';
  /** threads of the wasm XNNPACK pool (FLOWC_WASM_THREADS / --wasm-threads) */
  wasm_threads: number;
  /** model replicas per step (2 = data-parallel worker, FLOWC_WORKERS / --workers) */
  replicas: number;
  /** the timed steps on all three clocks, whichever one `seconds` uses */
  wall_seconds: number;
  cpu_seconds: number;
  main_cpu_seconds: number;
  steps: number;
  warmup: number;
  seconds: number;
  examples_per_sec: number;
  ms_per_step: number;
  final_loss: number;
  params: number;
  peak_rss_mb: number;
  num_tensors_start: number;
  num_tensors_end: number;
  num_bytes_end: number;
  train_seconds?: number;
  train_steps?: number;
  test_nll?: number;
  test_unit?: string;
  test_n?: number;
  sampling?: SamplingResult;
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function compileWorkload(id: WorkloadId) {
  const w = WORKLOADS[id];
  const text = fs.readFileSync(w.spec, 'utf8');
  const { ir, diagnostics } = compileSource(text, w.spec);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!ir || errors.length) {
    throw new BenchError(`${w.spec}: ${errors.map((d) => d.message).join('; ') || 'no IR'}`);
  }
  return ir;
}

export async function runFlowc(id: WorkloadId, opts: FlowcOptions = {}): Promise<FlowcResult> {
  const w = WORKLOADS[id];
  const ir = compileWorkload(id);
  const backend = await initBackend(opts.backend, workHint(ir, w.batch));
  const steps = opts.steps ?? w.steps;
  const warmup = opts.warmup ?? w.warmup;
  const host = w.data();
  const model: FlowModel = build(ir);
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const trainerKind = opts.trainer ?? 'stock';
  const trainer = trainerKind === 'fast' ? createMixedTrainer(model, adam, Infinity) : createTrainer(model, adam);
  const B = w.batch;
  const per = host.shape.reduce((a, b) => a * b, 1);
  // the batches are made once: the timed loop measures training, not host → tensor copies
  const nb = host.nTrain / B;
  if (!Number.isInteger(nb)) throw new Error(`${id}: ${host.nTrain} rows is not a multiple of batch ${B}`);
  const batches = Array.from({ length: nb }, (_, k) =>
    tf.tensor(host.train.subarray(k * B * per, (k + 1) * B * per), [B, ...host.shape], 'float32'),
  );
  let k = 0;
  const step = () => trainer.step(batches[k++ % nb]!);

  const clock = opts.clock ?? 'wall';
  const now = () => clockNow(clock);
  const tStart = now();
  for (let i = 0; i < warmup; i++) step();
  const numTensorsStart = tf.memory().numTensors;
  const t0 = now();
  const w0 = clockNow('wall'),
    c0 = clockNow('cpu'),
    m0 = clockNow('main');
  let loss = NaN;
  for (let i = 0; i < steps; i++) loss = step();
  const seconds = now() - t0;
  const wallSeconds = clockNow('wall') - w0,
    cpuSeconds = clockNow('cpu') - c0,
    mainSeconds = clockNow('main') - m0;
  const mem = tf.memory();
  const params = model.variables.reduce((a, v) => a + v.size, 0);
  const res: FlowcResult = {
    engine: 'flowc',
    workload: id,
    backend,
    batch: B,
    clock,
    trainer: trainerKind,
    wasm_threads: activeWasmThreads(),
    replicas: trainer.replicas ?? 1,
    wall_seconds: wallSeconds,
    cpu_seconds: cpuSeconds,
    main_cpu_seconds: mainSeconds,
    steps,
    warmup,
    seconds,
    examples_per_sec: (B * steps) / seconds,
    ms_per_step: (1000 * seconds) / steps,
    final_loss: loss,
    params,
    peak_rss_mb: 0,
    num_tensors_start: numTensorsStart,
    num_tensors_end: mem.numTensors,
    num_bytes_end: mem.numBytes,
  };

  if (opts.trainSeconds !== undefined && host.test) {
    let n = warmup + steps;
    while (now() - tStart < opts.trainSeconds) {
      step();
      n++;
    }
    res.train_seconds = now() - tStart;
    res.train_steps = n;
    const testN = Math.min(opts.testN ?? w.testN ?? host.nTest!, host.nTest!);
    const xt = tf.tensor(host.test.subarray(0, testN * per), [testN, ...host.shape], 'float32');
    const ev = evaluate(model, xt, id === 'W3' ? 64 : 500);
    xt.dispose();
    res.test_nll = host.testUnit === 'bits/dim' ? (ev.bitsPerDim ?? ev.nats / (per * Math.LN2)) : ev.nats;
    res.test_unit = host.testUnit;
    res.test_n = testN;
  }
  if (id === 'W4' && (opts.sampleSteps ?? 784) > 0) {
    res.sampling = timeSampling(model, opts.sampleSteps ?? 784, now);
  }
  batches.forEach((b) => b.dispose());
  trainer.dispose();
  model.dispose();
  res.peak_rss_mb = peakRssMb();
  return res;
}
