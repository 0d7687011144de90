// The checker and targets for conditional VAEs and amortized posteriors (issue 14 item 5): `condition y` on a
// VAE compiles (FC513 no more); `amortized: true` builds and trains for every posterior layer kind that takes
// the encoder's context h (iaf, maf affine and spline, coupling) or its parameters (planar, radial), with the
// compiler's parameter count equal to the runtime's; other layers with parameters get FC514; the PyTorch
// target refuses the conditional VAE and the context h by name.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import { buildVae } from '../../runtime/vae/index.js';
import { contextOf } from '../../runtime/condition.js';
import { unsupportedConstructs } from '../../compiler/targets/pytorch/supported.js';
import { perturb } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vae = (post: string, cond = 'condition y: categorical(3)') =>
  `model V {\n  data x: binary[4]\n  ${cond}\n  latent z: real[2]\n  prior normal\n  encoder mlp(8)\n` +
  `  posterior ${post}\n  decoder mlp(8)\n  likelihood bernoulli\n}`;

const compile = (text: string) => compileSource(text, 'v.flow');

describe('condition y on a VAE', () => {
  it('specs/iaf_vae.flow with a condition compiles: encoder and decoder take y, the prior does not', () => {
    const text = readFileSync('specs/iaf_vae.flow', 'utf8').replace(
      /(data x: [^\n]*\n)/,
      '$1  condition y: categorical(10)\n',
    );
    const r = compile(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ir!.encoder).toBeDefined();
    expect(r.ir!.condition).toMatchObject({ name: 'y', size: 10 });
    // amortized: false there: the IAF steps keep their own weights and take no h
    expect(r.ir!.posterior!.context).toBeUndefined();
  });

  const kinds: Record<string, string> = {
    iaf: 'iaf(hidden: [6])',
    maf: 'maf(hidden: [6])',
    'maf spline': 'maf(hidden: [6], transform: spline(bins: 4, bound: 3))',
    coupling: 'coupling(affine, mask: alternate, net: mlp(6))',
    planar: 'planar',
    radial: 'radial',
  };
  for (const [name, layer] of Object.entries(kinds)) {
    it(`amortized: true with ${name}: builds, the counts agree, and y and h change the loss`, () => {
      const r = compile(vae(`flow(amortized: true, context: 3) { ${layer}; permute(reverse); ${layer} }`));
      expect(r.diagnostics.filter((d) => d.severity === 'error' || d.code === 'FC514')).toEqual([]);
      const ir = r.ir!;
      const takesH = !['planar', 'radial'].includes(name);
      expect(ir.posterior!.context).toBe(takesH ? 3 : undefined);
      const model = buildVae(ir, { iwSamples: 4 });
      expect(ir.totals.params).toBe(model.variables.reduce((a, v) => a + v.size, 0));
      perturb(model.variables, 0.3, 5);
      const x = tf.tensor2d([1, 0, 1, 1, 0, 0, 1, 0], [2, 4]);
      const c0 = contextOf(ir, [0, 0], 2);
      const c1 = contextOf(ir, [2, 2], 2);
      const eps = tf.tensor2d([0.5, -0.2, 0.1, 0.9], [2, 2]);
      const zOf = (c: tf.Tensor2D) => tf.tidy(() => model.posterior(model.encode(x, c), eps).zK.arraySync());
      // the posterior draw from the same noise depends on y (through q0 and, for h-steps, the context h)
      expect(zOf(c0)).not.toEqual(zOf(c1));
      const loss = model.loss(x, c1);
      expect(Array.from(loss.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, c0, c1, eps, loss]);
      model.dispose();
    });
  }

  it('a real-vector condition: the vector joins both nets, and sampling takes it as the context', () => {
    const ir = compile(vae('flow(amortized: true, context: 2) { iaf(hidden: [6]) }', 'condition y: real[2]')).ir!;
    const model = buildVae(ir, { iwSamples: 8 });
    perturb(model.variables, 0.3, 9);
    expect(model.store.byName.get('encoder.0.W')!.shape).toEqual([4 + 2, 8]);
    const x = tf.tensor2d([1, 0, 1, 1], [1, 4]);
    const lp = (v: number[]) => tf.tidy(() => model.logProb(x, tf.tensor2d(v, [1, 2])).dataSync()[0]!);
    expect(Number.isFinite(lp([0.5, -1]))).toBe(true);
    // q(z | x, y): the encoder's output (deterministic) depends on the vector
    const enc = (v: number[]) => tf.tidy(() => Array.from(model.encode(x, tf.tensor2d(v, [1, 2])).dataSync()));
    expect(enc([0.5, -1])).not.toEqual(enc([-2, 3]));
    const means = (v: number) =>
      tf.tidy(() => Array.from(model.sampleMeans(3, { seed: 1, context: tf.fill([3, 2], v) }).dataSync()));
    expect(means(2)).not.toEqual(means(-2));
    x.dispose();
    model.dispose();
  });

  it('FC514: a layer with parameters that amortized: true does not reach is named; amortized: false is quiet', () => {
    const r = compile(vae('flow(amortized: true) { actnorm; iaf(hidden: [6]) }'));
    const w = r.diagnostics.filter((d) => d.code === 'FC514');
    expect(w.map((d) => d.severity)).toEqual(['warning']);
    expect(w[0]!.message).toMatch(/`actnorm` in an amortized posterior keeps its own parameters/);
    expect(w[0]!.hint).toMatch(/amortized: false/);
    const quiet = compile(vae('flow(amortized: false) { actnorm; iaf(hidden: [6]) }'));
    expect(quiet.diagnostics.filter((d) => d.code === 'FC514')).toEqual([]);
    // permute has no parameters: nothing to amortize
    const perm = compile(vae('flow { permute(reverse); planar }'));
    expect(perm.diagnostics.filter((d) => d.code === 'FC514')).toEqual([]);
  });

  it('the PyTorch target emits the conditional VAE and the context h, and still names what it lacks', () => {
    // both implemented in flowc_torch/vae.py (equivalence: test/targets/pytorch-equivalence.test.ts)
    const cond = compile(vae('flow(amortized: false) { iaf(hidden: [6]) }')).ir!;
    expect(unsupportedConstructs(cond)).toEqual([]);
    const h = compile(vae('flow(amortized: true) { iaf(hidden: [6]) }', '')).ir!;
    expect(unsupportedConstructs(h)).toEqual([]);
    const spline = compile(
      vae('flow(amortized: false) { iaf(hidden: [6], transform: spline(bins: 4, bound: 3)) }'),
    ).ir!;
    expect(unsupportedConstructs(spline).map((u) => u.construct)).toContain('iaf(transform: …)');
  });
});
