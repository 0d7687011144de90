import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
import { initBackend } from '../../runtime/backend.js';
import { createTrainer } from '../../runtime/train-step.js';
it('specs', async () => {
  await initBackend('wasm');
  for (const f of ['maf_mnist.flow']) {
    const r = compileSource(readFileSync(`specs/${f}`, 'utf8'), f);
    const ir = r.ir!;
    console.log(JSON.stringify(ir.flow!.map((l) => [l.kind, l.inShape, Object.keys(l.args)])));
    const m = build(ir);
    const x = tf.floor(tf.mul(tf.randomUniform([4, ...ir.data.shape]), 256));
    console.log(f, Array.from(m.logProb(x).dataSync()).map((v) => v.toFixed(1)));
    const tr = createTrainer(m, { lr: 1e-3 });
    console.log('loss', tr.step(x), tr.step(x), 'params', ir.totals.params, m.variables.reduce((a, v) => a + (v.trainable ? v.size : 0), 0));
    m.dispose();
  }
}, 600000);
