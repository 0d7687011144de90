// Per-step CPU cost of specs/flowpp_mnist.flow (bench/flowpp/README.md, "What the budget means here"):
//   npm run build && node dist/bench/flowpp/step-cost.js [steps=3] [batch=32]
// Alternates the mixture couplings' parameter slicing between rank 5 (as before) and rank 2 (now), twice, in
// one process on one model (the optimizer moves the weights between rows; that does not change the cost).
// In-process CPU time (process.cpuUsage, user + system, this process: one replica, as no work hint plans a
// data-parallel worker) per training step, and of the x-conditioned dequantization layer's forward alone (and
// the host bisection of its mixture couplings' inverse inside them), on MNIST-like digits (a fixed synthetic
// batch: strokes on a zero background; the cost does not depend on which digits).
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { compileSource } from '../../compiler/index.js';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { createTrainer } from '../../runtime/train-step.js';
import type { Bijector } from '../../runtime/bijectors/types.js';
import { bisectionStats } from '../../runtime/bijectors/transforms/mixture.js';
import { flatSlices } from '../../runtime/bijectors/transforms/types.js';

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function digits(n: number): tf.Tensor {
  const v = new Float32Array(n * 784);
  for (let i = 0; i < n; i++)
    for (let r = 4; r < 24; r++)
      for (let c = 4; c < 24; c++) {
        const on = Math.abs(r - 14) + Math.abs(c - 14 + ((i * 3) % 7) - 3) < 6 + (i % 4);
        v[i * 784 + r * 28 + c] = on ? 255 - ((r * c + i) % 60) : 0;
      }
  return tf.tensor(v, [n, 1, 28, 28]);
}

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 3);
  const batch = Number(process.argv[3] ?? 32);
  const file = 'specs/flowpp_mnist.flow';
  const r = compileSource(readFileSync(file, 'utf8'), file);
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const backend = await initBackend('wasm');
  const model = build(r.ir);
  const trainer = createTrainer(model, { lr: 1e-3 });
  const x = digits(batch);
  const nhwc = tf.transpose(x, [0, 2, 3, 1]); // the bijectors' internal layout
  const deq = (model as unknown as { bijectors: Bijector[] }).bijectors[0]!;
  trainer.step(x); // warm-up (and the data-dependent init)
  // the same model and batch, the parameter slices of the mixture couplings taken at rank 5 (before) and 2 (after)
  for (const flat of [false, true, false, true]) {
    flatSlices.on = flat;
    bisectionStats.seconds = 0;
    let t = cpu();
    for (let i = 0; i < steps; i++) trainer.step(x);
    const step = (cpu() - t) / steps;
    const hostInStep = bisectionStats.seconds / steps;
    t = cpu();
    for (let i = 0; i < steps; i++) tf.tidy(() => deq.forward(nhwc).logDet.dataSync());
    const dq = (cpu() - t) / steps;
    console.log(
      `${file}, batch ${batch}, ${backend}, slices at rank ${flat ? 2 : 5}: ${step.toFixed(2)} s CPU per training ` +
        `step (host bisection ${hostInStep.toFixed(2)} s wall of it); the dequantization layer's forward alone ` +
        `${dq.toFixed(2)} s CPU`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
