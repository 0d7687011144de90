import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync, readdirSync } from 'node:fs';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
import { createTrainer } from '../../runtime/train-step.js';
it('specs', async () => {
  await tf.setBackend('cpu');
  for (const f of readdirSync('specs')) {
    const text = readFileSync(`specs/${f}`, 'utf8');
    const r = compileSource(text, f);
    if (!r.ir) { console.log(f, 'no IR', r.diagnostics.map((d) => d.code + ' ' + d.message).slice(0, 3)); continue; }
    if (r.ir.family !== 'flow') { console.log(f, r.ir.family); continue; }
    try {
      const t0 = Date.now();
      const m = build(r.ir);
      const shape = [2, ...r.ir.data.shape];
      const dom = r.ir.data.domain;
      const x = dom.kind === 'real' ? tf.randomNormal(shape) : tf.floor(tf.mul(tf.randomUniform(shape), 'K' in dom ? dom.K : 2));
      const lp = m.logProb(x).dataSync();
      const tr = createTrainer(m, { lr: 1e-3 });
      const loss = tr.step(x);
      const s = m.sample(2, { seed: 1 });
      console.log(f, 'ok', Array.from(lp).map((v) => v.toFixed(1)), loss.toFixed(1), s.shape, m.variables.length, 'vars', r.ir.totals.params, 'params(ir)', m.variables.reduce((a, v) => a + (v.trainable ? v.size : 0), 0), 'params(rt)', Date.now() - t0, 'ms');
      m.dispose();
    } catch (e) { console.log(f, 'ERROR', (e as Error).message, (e as Error).stack?.split('\n').slice(1, 4).join(' | ')); }
  }
}, 600000);
