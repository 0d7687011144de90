// Training: a coupling model on two moons beats the prior's NLL; no tensor leaks over 100 steps;
// Adam matches a hand-computed update; optimizer state round-trips.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { createTrainer, evaluate } from '../../runtime/train-step.js';
import { alternate, coupling, flowIR, layer, mlp, moons } from './ir-fixtures.js';
import { multiScaleIR } from './cases.js';
import { randn } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function moonsIR(layers = 4, width = 32) {
  return flowIR({
    shape: [2],
    flow: Array.from({ length: layers }, (_, l) => coupling([2], alternate(2, l % 2), mlp(width, width))),
  });
}

describe('training', () => {
  it('a coupling model on two moons beats the prior NLL by a clear margin', () => {
    const data = moons(4096, 0.05, 7);
    const train = tf.tensor2d(data.subarray(0, 3072 * 2), [3072, 2]);
    const test = tf.tensor2d(data.subarray(3072 * 2), [1024, 2]);
    const model = build(moonsIR());
    const prior = evaluate(model, test, 512).nats; // zero-initialised couplings: the flow is the identity
    const trainer = createTrainer(model, { lr: 5e-3 });
    const B = 64;
    let last = 0;
    for (let k = 0; k < 150; k++) {
      const s = (k * B) % 3072;
      const xb = tf.slice(train, [s, 0], [B, 2]);
      last = trainer.step(xb);
      xb.dispose();
    }
    const nll = evaluate(model, test, 512).nats;
    expect(Number.isFinite(last)).toBe(true);
    expect(prior).toBeGreaterThan(2);
    expect(nll).toBeLessThan(prior - 0.6);
    trainer.dispose();
    model.dispose();
    tf.dispose([train, test]);
  });

  it('tf.memory().numTensors is unchanged after 100 training steps (coupling, actnorm, split)', () => {
    const model = build(
      flowIR({
        shape: [4],
        flow: [
          layer('actnorm', [4], { dataInit: true }),
          coupling([4], alternate(4), mlp(8)),
          layer('invconv1x1', [4], { lu: true }),
          layer('split', [4], { prior: 'conditional' }, [2]),
          coupling([2], [1, 0], mlp(8), 'affine', 'exp'),
        ],
      }),
    );
    const trainer = createTrainer(model, { lr: 1e-3, clip: 1 });
    const x = randn([32, 4], 3);
    trainer.step(x); // first step allocates the Adam moments
    const before = tf.memory().numTensors;
    for (let k = 0; k < 100; k++) trainer.step(x);
    expect(tf.memory().numTensors).toBe(before);
    // evaluation and sampling leave nothing behind but what they return
    evaluate(model, x, 8);
    const s = model.sample(5, { seed: 1, temperature: 0.7 });
    const lp = model.logProb(s);
    tf.dispose([s, lp]);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
    x.dispose();
  });

  it('a multi-scale image model trains without leaking and its loss goes down', () => {
    const model = build(multiScaleIR('conditional'));
    const trainer = createTrainer(model, { lr: 1e-3 });
    const x = tf.tidy(() => tf.add(tf.mul(randn([8, 1, 4, 4], 5), 0.5), 1));
    const first = trainer.step(x);
    const before = tf.memory().numTensors;
    let last = first;
    for (let k = 0; k < 30; k++) last = trainer.step(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
    trainer.dispose();
    model.dispose();
    x.dispose();
  });

  it('Adam update matches the formula (eps added to √v̂), with global-norm clipping', () => {
    // one scalar-ish model: actnorm without data init on [1]; loss = −log N((x+b)e^s) − s
    const model = build(flowIR({ shape: [1], flow: [layer('actnorm', [1], { dataInit: false })] }));
    const x = tf.tensor2d([[1.5], [-0.5]]);
    // gradients by hand: z = (x+b)e^s; loss_i = z²/2 + ½log2π − s
    // ∂/∂b = mean(z e^s) = mean(x+b) at b=s=0 → 0.5 ; ∂/∂s = mean(z²) − 1 = (2.25+0.25)/2 − 1 = 0.25
    const gb = 0.5,
      gs = 0.25;
    const clip = 0.3,
      norm = Math.hypot(gb, gs),
      f = Math.min(1, clip / norm);
    const trainer = createTrainer(model, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip });
    trainer.step(x);
    const byName = new Map(model.variables.map((v) => [v.name.replace(/#\d+$/, ''), v]));
    const step = (g: number) => {
      const m = ((1 - 0.9) * g) / (1 - 0.9),
        v = ((1 - 0.999) * g * g) / (1 - 0.999);
      return (-0.1 * m) / (Math.sqrt(v) + 1e-8);
    };
    const b = [...byName].find(([k]) => k.endsWith('.bias'))![1].dataSync()[0];
    const s = [...byName].find(([k]) => k.endsWith('.log_scale'))![1].dataSync()[0];
    expect(b).toBeCloseTo(step(gb * f), 5);
    expect(s).toBeCloseTo(step(gs * f), 5);
    const st = trainer.getState();
    expect(st.step).toBe(1);
    const t2 = createTrainer(model, { lr: 0.1 });
    t2.setState(st);
    expect(t2.getState()).toEqual(st);
    trainer.dispose();
    t2.dispose();
    model.dispose();
    x.dispose();
  });
});
