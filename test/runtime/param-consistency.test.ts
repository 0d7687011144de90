import { readFileSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
it('measure', async () => {
  await tf.setBackend('cpu');
  for (const dir of ['specs', 'bench/specs']) for (const f of readdirSync(dir).filter((x) => x.endsWith('.flow'))) {
    const p = `${dir}/${f}`;
    const t0 = Date.now();
    const { ir, diagnostics } = compileSource(readFileSync(p, 'utf8'), p);
    if (!ir) { console.log(p, 'NO IR', diagnostics.map((d) => d.message ?? d.code)); continue; }
    const m = build(ir);
    const s = m.variables.reduce((a, v) => a + v.size, 0);
    console.log(p, ir.family, ir.totals.params, s, ir.totals.params === s ? 'ok' : 'MISMATCH', Date.now() - t0, 'ms');
    if (ir.totals.params !== s) console.log(m.variables.map((v) => `${v.name}:${v.shape}`).join('\n'));
    m.dispose?.();
  }
}, 300000);
