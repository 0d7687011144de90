// Kernel profile of one workload's training step (where the time goes):
//   node dist/bench/profile.js W2 [steps=5]
// Runs 2 warm-up steps, then `steps` steps under tf.profile, and prints per kernel name the
// calls per step and kernel milliseconds per step, plus the wall time per step outside the
// profiler (tf.profile's own overhead inflates the total).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, workHint } from '../runtime/backend.js';
import { build } from '../runtime/build.js';
import { createTrainer } from '../runtime/train-step.js';
import { activeWasmThreads } from '../runtime/kernels/threads/wasm-threads.js';
import { compileWorkload } from './run-flowc.js';
import { WORKLOADS, type WorkloadId } from './workloads.js';

async function main(): Promise<void> {
  const id = (process.argv[2] ?? 'W1') as WorkloadId;
  const steps = Number(process.argv[3] ?? 5);
  const w = WORKLOADS[id];
  if (!w) throw new Error(`unknown workload ${id}`);
  const ir = compileWorkload(id);
  const backend = await initBackend(undefined, workHint(ir, w.batch));
  const model = build(ir);
  const trainer = createTrainer(model, { lr: 1e-3 });
  const host = w.data();
  const per = host.shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(host.train.subarray(0, w.batch * per), [w.batch, ...host.shape], 'float32');
  for (let i = 0; i < 2; i++) trainer.step(x);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step(x);
  const wallMs = (performance.now() - t0) / steps;
  const info = await tf.profile(() => {
    for (let i = 0; i < steps; i++) trainer.step(x);
  });
  const by = new Map<string, { n: number; ms: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += k.kernelTimeMs as number;
    by.set(k.name, e);
  }
  const rows = [...by].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((a, [, e]) => a + e.ms, 0);
  console.log(
    `${id} on ${backend} (${activeWasmThreads()} thread(s)): ${wallMs.toFixed(2)} ` +
      `ms/step unprofiled; ${info.kernels.length / steps} kernels/step, ` +
      `${(total / steps).toFixed(2)} kernel-ms/step`,
  );
  for (const [name, e] of rows) {
    console.log(
      `${name.padEnd(28)} ${(e.n / steps).toFixed(0).padStart(6)} calls ` +
        `${(e.ms / steps).toFixed(3).padStart(9)} ms  ` +
        `${((100 * e.ms) / total).toFixed(1).padStart(5)}%`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
