// Using flowc from TypeScript: compile a spec to FlowIR, build it on TensorFlow.js, train a few
// steps, then evaluate, sample and map data to the latent space and back.
//
//   npm run build && node dist/examples/api.js [steps]      (from the repository root)
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { compileSource, renderDiagnostics } from '../compiler/index.js';
import { initBackend } from '../runtime/backend.js';
import { build } from '../runtime/build.js';
import { createTrainer, evaluate } from '../runtime/train-step.js';
import { makeToy } from '../runtime/data/index.js';

export interface ApiExampleResult {
  backend: string;
  before: number;
  after: number;
  sampleShape: number[];
  roundTripError: number;
}

export async function runApiExample(steps = 200, file = 'specs/two_moons.flow'): Promise<ApiExampleResult> {
  const text = readFileSync(file, 'utf8');
  const { ir, diagnostics } = compileSource(text, file);
  if (!ir) throw new Error(renderDiagnostics(diagnostics, new Map([[file, text]])));

  const backend = await initBackend();
  const model = build(ir);
  const data = makeToy('moons', { n: 2048, noise: 0.05, seed: 1 });
  const x = tf.tensor2d(data.x, [data.n, 2]);

  const before = evaluate(model, x, 512).nats;
  const trainer = createTrainer(model, { lr: 1e-3 });
  for (let s = 0; s < steps; s++) {
    const start = (s * 256) % data.n;
    const batch = tf.slice(x, [start, 0], [256, 2]);
    trainer.step(batch);
    batch.dispose();
  }
  const after = evaluate(model, x, 512).nats;

  const samples = model.sample(16, { temperature: 0.8, seed: 3 });
  // forward (data → latent) then inverse (latent → data) gives the data back
  const head = tf.slice(x, [0, 0], [8, 2]);
  const { z } = model.forward!(head);
  const { x: back } = model.inverse!(z);
  const roundTripError = tf.max(tf.abs(tf.sub(back, head))).dataSync()[0]!;

  const result = { backend, before, after, sampleShape: samples.shape, roundTripError };
  tf.dispose([x, head, samples, z, back]);
  trainer.dispose();
  model.dispose();
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const steps = Number(process.argv[2] ?? 200);
  runApiExample(steps).then((r) => {
    console.log(`backend ${r.backend}: NLL ${r.before.toFixed(3)} → ${r.after.toFixed(3)} nats after ${steps} steps`);
    console.log(
      `samples ${JSON.stringify(r.sampleShape)}, |inverse(forward(x)) − x| ≤ ${r.roundTripError.toExponential(2)}`,
    );
  });
}
