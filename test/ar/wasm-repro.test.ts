import { it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../runtime/gradients.js';
import { initBackend } from '../../runtime/backend.js';
import { build } from './helpers.js';

it('repro', async () => {
  process.env.FLOWC_BACKEND = 'wasm';
  console.log(await initBackend('wasm'));
  const H = Number(process.env.HH ?? 28), L = Number(process.env.LL ?? 7), hid = Number(process.env.HID ?? 16);
  const m = build({ domain: { kind: 'binary' }, shape: [1, H, H], likelihood: { kind: 'bernoulli' }, conditional: { kind: 'pixelrnn', cell: (process.env.CELL ?? 'diagonal_bilstm') as 'diagonal_bilstm', layers: L, hidden: hid } });
  const x = tf.tensor(Array.from({ length: 2 * m.D }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [2, 1, H, H]);
  const stage = process.env.STAGE ?? 'both';
  try {
    const lp = m.logProb(x).dataSync();
    console.log('logprob ok', lp);
    if (stage === 'both') {
      const { value } = tf.variableGrads(() => tf.sum(m.loss(x)) as tf.Scalar, m.variables);
      console.log('grad ok', value.dataSync());
    }
  } catch (e) { console.log('FAIL', (e as Error).message, (e as Error).stack?.split('\n').slice(0, 30).join('\n')); }
  m.dispose();
}, 300000);
