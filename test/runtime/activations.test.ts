// The activations and coupling scales are defined once (compiler/math): the tfjs forms equal the
// scalar forms, every derivative equals autodiff (tfjs) and finite differences (scalar), and the
// derivative-from-output forms agree with the derivative.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../runtime/gradients.js';
import { ACTIVATIONS, ACTIVATION_NAMES, tanhFast } from '../../compiler/math/activations.js';
import { SCALE_KINDS, logScaleGrad, logScaleOf } from '../../compiler/math/coupling-scale.js';
import { activate, activateGrad } from '../../runtime/nets/activations.js';
import { logScale } from '../../runtime/bijectors/coupling.js';
import { normAct, actHost } from '../../runtime/ar/common.js';

const xs = [-7, -2.5, -1, -0.3, -1e-3, 1e-3, 0.4, 1.1, 2.9, 6];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThan(tol * (1 + Math.abs(b)));

describe('activations (compiler/math/activations.ts ↔ runtime/nets/activations.ts)', () => {
  for (const name of ACTIVATION_NAMES) {
    it(`${name}: tfjs value and derivative equal the scalar forms; derivatives equal autodiff and differences`, () => {
      const a = ACTIVATIONS[name];
      const x = tf.tensor1d(xs);
      const y = activate(x, name).dataSync();
      const dy = activateGrad(x, name).dataSync();
      const auto = tf
        .grad((v: tf.Tensor) => tf.sum(activate(v, name)))(x)
        .dataSync();
      xs.forEach((v, i) => {
        close(y[i]!, a.f(v), 1e-5);
        close(dy[i]!, a.df(v), 1e-4);
        close(auto[i]!, a.df(v), 1e-4);
        const h = 1e-5;
        close((a.f(v + h) - a.f(v - h)) / (2 * h), a.df(v), 1e-5);
        close((a.df(v + h) - a.df(v - h)) / (2 * h), a.d2f(v), 1e-3);
        if (a.dfOfOutput) close(a.dfOfOutput(a.f(v)), a.df(v), 1e-12);
        const out = new Float64Array(3);
        a.all(v, out);
        [a.f(v), a.df(v), a.d2f(v)].forEach((y, k) => close(out[k]!, y, 1e-12));
      });
      x.dispose();
    });
  }

  it('the autoregressive layers use the same definitions (no private slopes or approximations)', () => {
    for (const v of xs) {
      close(actHost(normAct('leaky_relu'))(v), ACTIVATIONS.leaky_relu.f(v), 1e-15);
      close(actHost(normAct('gelu'))(v), ACTIVATIONS.gelu.f(v), 1e-15);
      expect(actHost(normAct(undefined))(v)).toBe(v);
    }
  });

  it('tanhFast equals Math.tanh to float32 precision', () => {
    for (let v = -30; v <= 30; v += 0.37) close(Math.fround(tanhFast(v)), Math.fround(Math.tanh(v)), 1e-6);
  });
});

describe('coupling scales (compiler/math/coupling-scale.ts ↔ runtime/bijectors/coupling.ts)', () => {
  for (const kind of SCALE_KINDS) {
    it(`${kind}: host value and derivative equal the tfjs form and its autodiff`, () => {
      const x = tf.tensor1d(xs);
      const y = logScale(x, kind).dataSync();
      const auto = tf
        .grad((v: tf.Tensor) => tf.sum(logScale(v, kind)))(x)
        .dataSync();
      xs.forEach((v, i) => {
        const s = logScaleOf(kind, v);
        close(y[i]!, s, 1e-5);
        close(auto[i]!, logScaleGrad(kind, v, s), 1e-4);
      });
      x.dispose();
    });
  }
});
