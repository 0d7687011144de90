// The PyTorch target against the tfjs runtime, for every spec in specs/ the target implements (at
// reduced sizes, as test/runtime/any-backend.test.ts shrinks them): the tfjs model with perturbed
// weights is written as a package (compile --target pytorch's code path), and torch — in float64 —
// must give the same log-probabilities (same dequantization noise), inverse(forward(x)) = x, and
// the same x from the same latent. Specs the target does not implement must be refused by name.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { emitTorch } from '../../compiler/targets/pytorch/emit.js';
import { build } from '../../runtime/build.js';
import { withConfig } from '../../runtime/config.js';
import type { FlowModel } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import type { VaeModel } from '../../runtime/vae/model.js';
import type { EnergyModel } from '../../runtime/energy/model.js';
import { energy } from '../../runtime/energy/targets.js';
import { contextOf } from '../../runtime/condition.js';
import { writeTorchPackage } from '../../cli/torch-package.js';
import { runPython, torchMissing } from '../support/torch.js';
import { batchFor } from '../support/batches.js';

const specFiles = readdirSync('specs')
  .filter((f) => f.endsWith('.flow'))
  .sort()
  .map((f) => `specs/${f}`);

/** small images, narrow nets, short stacks (every construct kept) */
export function shrink(src: string): string {
  return src
    .replace(/\[(1|3), 28, 28\]/g, '[$1, 8, 8]')
    .replace(/\[784\]/g, '[16]')
    .replace(/channels: (\d+)/g, (m, n: string) => (+n > 8 ? 'channels: 8' : m))
    .replace(/hidden: \[[\d, ]+\]/g, 'hidden: [16, 16]')
    .replace(/hidden: (\d+)/g, (m, n: string) => (+n > 16 ? 'hidden: 16' : m))
    .replace(/mlp\((\d+), (\d+)\)/g, 'mlp(16, 16)')
    .replace(/layers: (\d+)/g, (m, n: string) => (+n > 2 ? 'layers: 2' : m))
    .replace(/repeat (\d+)/g, (m, n: string) => (+n > 2 ? 'repeat 2' : m));
}

const silent = { out: () => {}, err: () => {} } as never;
let missing: string | undefined;
let dir: string;

beforeAll(async () => {
  missing = torchMissing();
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'flowc-torch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** every weight moved off its initialisation (zero-initialised last layers would hide the nets) */
function perturb(model: FlowModel, seed: number): void {
  const r = new Rng(seed);
  for (const v of model.variables) {
    if (!v.trainable) {
      v.assign(tf.onesLike(v));
      continue;
    } // actnorm: initialised
    const n = v.size;
    const noise = tf.tensor(r.normalArray(n, 0, 0.05), v.shape);
    v.assign(tf.add(v, noise));
    noise.dispose();
  }
}

const nested = (t: tf.Tensor): unknown => t.arraySync();

/** the dequantization noise the tfjs model draws first in logProb, channels-first */
function noiseFor(model: FlowModel, ir: FlowIR, x: tf.Tensor): unknown {
  if (ir.flow?.[0]?.kind !== 'dequantize') return null;
  const rng = (model as unknown as { rng: Rng }).rng;
  const args = ir.flow[0].args as { type: string; dim?: number };
  if (args.type === 'categorical') {
    const E = ir.data.shape.reduce((a, b) => a * b, 1);
    return tf.tidy(() => rng.uniformTensor([x.shape[0] * E, args.dim ?? 4], 1e-6, 1 - 1e-6).arraySync());
  }
  const variational = args.type === 'variational';
  const draw = variational ? rng.normalTensor.bind(rng) : rng.uniformTensor.bind(rng);
  const u = draw(ir.data.shape.length === 3 ? [x.shape[0], ...ir.data.shape.slice(1), ir.data.shape[0]] : x.shape);
  const out = ir.data.shape.length === 3 ? tf.transpose(u, [0, 3, 1, 2]) : u;
  const a = out.arraySync();
  tf.dispose([u, out]);
  return a;
}

/**
 * autoregressive: the same log-probabilities (a MADE ensemble's log mean over its members) and the same
 * conditionals (parameters of every dimension, for every member); a `condition y` model given labels y
 */
function compareAr(model: FlowModel, ir: FlowIR, x: tf.Tensor, pkg: string): void {
  const n = x.shape[0];
  const labels = ir.condition ? labelsFor(ir, n) : undefined;
  const ctx = labels ? contextOf(ir, labels, n) : undefined;
  const lp = withConfig({ fuse: false }, () => tf.tidy(() => model.logProb(x, ctx)).arraySync() as number[]);
  type Cond = { members?: number; params(x: tf.Tensor2D, m: number, c?: tf.Tensor): tf.Tensor3D };
  const ar = model as unknown as { conditional: Cond };
  const members = Array.from({ length: ar.conditional.members ?? 1 }, (_, m) => m);
  const params = members.map(
    (m) =>
      withConfig({ fuse: false, nadeFused: false, madeFused: false }, () =>
        tf.tidy(() => ar.conditional.params(tf.reshape(x, [n, -1]) as tf.Tensor2D, m, ctx)).arraySync(),
      ) as number[][][],
  );
  ctx?.dispose();
  const fed = ir.channels === 'joint' && ir.likelihood?.kind === 'logistic_mixture' ? jointUniforms(ir) : undefined;
  const req = JSON.stringify({ dir: pkg, x: nested(x), y: labels, members: members.length, uniforms: fed?.uniforms });
  const out = JSON.parse(runPython([join(import.meta.dirname, 'torch_check.py')], pkg, req)) as {
    log_prob: number[];
    params: number[][][][];
    sample_shape: number[];
    sample_values: number[];
    sample_fed?: number[];
  };
  // PixelCNN++: the same pixels from the same uniforms (torch fed the tfjs sampler's stream)
  if (fed) {
    const s = model.sample(2, { seed: fed.seed });
    expect(out.sample_fed).toEqual(Array.from(s.dataSync()));
    s.dispose();
  }
  lp.forEach((v, i) => expect(Math.abs(out.log_prob[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
  const a = params.flat(3),
    b = out.params.flat(3);
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
  expect(out.sample_shape).toEqual([2, ...ir.data.shape]);
  const d = ir.data.domain;
  const K = d.kind === 'binary' ? 2 : d.kind === 'real' ? Infinity : d.K;
  if (d.kind !== 'real') for (const v of out.sample_values) expect(Number.isInteger(v) && v >= 0 && v < K).toBe(true);
  x.dispose();
}

/** the uniforms the tfjs whole-pixel sampler draws for 2 examples: per pixel, per example 1 + C */
function jointUniforms(ir: FlowIR): { seed: number; uniforms: number[][][] } {
  const [C, H, W] = ir.data.shape as [number, number, number];
  const seed = 5;
  const rng = new Rng(seed);
  const uniforms = Array.from({ length: H * W }, () =>
    Array.from({ length: 2 }, () => Array.from({ length: 1 + C }, () => rng.uniform())),
  );
  return { seed, uniforms };
}

/** labels (or condition values) for n examples of a conditioned model: the classes in turn, or reals */
function labelsFor(ir: FlowIR, n: number): number[] {
  const c = ir.condition!;
  if (c.domain.kind === 'categorical') return Array.from({ length: n }, (_, i) => (3 * i + 1) % c.size);
  return Array.from({ length: n * c.size }, (_, i) => Math.sin(i + 1));
}

const close = (a: number[], b: number[], tol = 1e-4) => {
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(tol * Math.max(1, Math.abs(v))));
};

/**
 * VAE: the same single-sample ELBO and importance-weighted log p(x) from the same ε, the same decoder; a conditional
 * VAE with labels y for x and zy for the latents (bounds on log p(x | y), decoder p(x | z, y))
 */
function compareVae(model: FlowModel, x: tf.Tensor, pkg: string): void {
  const vae = model as unknown as VaeModel;
  const N = x.shape[0];
  const k = 4;
  const cond = vae.ir.condition;
  const y = cond ? labelsFor(vae.ir, N) : undefined;
  const zy = cond ? labelsFor(vae.ir, 2).reverse() : undefined;
  const ctx = y && contextOf(vae.ir, y, N);
  const zctx = zy && contextOf(vae.ir, zy, 2);
  const state = vae.rng.getState();
  const eps = tf.tidy(() => vae.rng.normalTensor([N, vae.Dz]).arraySync());
  vae.rng.setState(state);
  const elbo = tf.tidy(() => vae.elbo(x, 1, ctx)).arraySync();
  const iwState = vae.rng.getState();
  const iwEps = tf.tidy(() => vae.rng.normalTensor([k * N, vae.Dz]).arraySync());
  vae.rng.setState(iwState);
  const lp = tf.tidy(() => vae.iwLogProb(x, k, ctx)).arraySync();
  const z = tf.tidy(() => tf.mul(tf.randomNormal([2, vae.Dz], 0, 1, 'float32', 3), 0.7));
  const dec = tf.tidy(() => vae.decode(z, zctx)).arraySync();
  const sampleY = cond ? (cond.domain.kind === 'categorical' ? 1 : 0.5) : undefined;
  const req = { dir: pkg, x: nested(x), eps, k, iw_eps: iwEps, z: z.arraySync(), y, zy, sample_y: sampleY };
  const out = JSON.parse(runPython([join(import.meta.dirname, 'torch_check.py')], pkg, JSON.stringify(req))) as {
    elbo: number[];
    log_prob: number[];
    decode: number[][][];
    sample_shape: number[];
    sample_default_shape?: number[];
    missing_y?: string;
  };
  close(elbo, out.elbo);
  close(lp, out.log_prob);
  close(dec.flat(2), out.decode.flat(2));
  expect(out.sample_shape).toEqual([2, ...vae.ir.data.shape]);
  if (cond) {
    expect(out.sample_default_shape).toEqual([3, ...vae.ir.data.shape]);
    expect(out.missing_y).toContain(`conditioned on \`${cond.name}\``);
  }
  tf.dispose([x, z, ...(ctx ? [ctx] : []), ...(zctx ? [zctx] : [])]);
}

describe('the PyTorch target equals the tfjs runtime', () => {
  for (const file of specFiles) {
    it(`${file}`, async (ctx) => {
      if (missing) ctx.skip();
      const r = compileSource(shrink(readFileSync(file, 'utf8')), file);
      expect(r.ir).toBeDefined();
      const ir = r.ir!;
      const emitted = emitTorch(ir, file);
      // what the target implements today: these must never fall back to a refusal
      const implemented = [
        'two_moons',
        'flowpp_dequant',
        'flowpp_mnist',
        'planar_energy',
        'radial_energy',
        'realnvp_mnist',
        'glow_mnist',
        'maf_mnist',
        'made_mnist',
        'conditional_made_mnist',
        'conditional_gated_pixelcnn',
        'nade_mnist',
        'pixelcnn_mnist',
        'gated_pixelcnn',
        'planar_vae',
        'iaf_vae',
        'cvae_mnist',
        'pixelrnn_row_lstm',
        'pixelrnn_diagonal_bilstm',
        'pixelcnnpp_mnist',
        'pixelcnnpp_rgb',
        'words_cnf',
        'permutations_cnf',
      ];
      expect('unsupported' in emitted).toBe(!implemented.some((n) => file === `specs/${n}.flow`));
      if ('unsupported' in emitted) {
        // refused by name: the construct and, for a layer, its id
        expect(emitted.unsupported.length).toBeGreaterThan(0);
        for (const u of emitted.unsupported) expect(u.construct).toMatch(/\w/);
        expect(ir.family !== 'flow' || emitted.unsupported.some((u) => u.id)).toBe(true);
        return;
      }
      const pkg = join(dir, ir.model);
      const model = build(ir);
      try {
        perturb(model, 11);
        await writeTorchPackage(silent, ir, file, pkg, model);
        const x = batchFor(ir, 3, 5);
        if (ir.family === 'autoregressive') return compareAr(model, ir, x, pkg);
        if (ir.family === 'vae') return compareVae(model, x, pkg);
        const rng = (model as unknown as { rng: Rng }).rng;
        const state = rng.getState();
        // a categorical encoding: the one-draw bound, then the importance-weighted estimate with k draws
        type Categorical = { bound?(x: tf.Tensor): tf.Tensor; iwLogProb?(x: tf.Tensor, k: number): tf.Tensor };
        const cat = model as unknown as Categorical;
        const one = (t: tf.Tensor) => (cat.bound ? cat.bound(t) : model.logProb(t));
        const lp = withConfig({ fuse: false }, () => tf.tidy(() => one(x)).arraySync() as number[]);
        rng.setState(state);
        const noise = noiseFor(model, ir, x);
        const k = 4;
        const xk = tf.tile(x, [k, ...x.shape.slice(1).map(() => 1)]);
        const iwState = rng.getState();
        const iwNoise = cat.iwLogProb ? noiseFor(model, ir, xk) : null;
        rng.setState(iwState);
        const iw = cat.iwLogProb ? (tf.tidy(() => cat.iwLogProb!(x, k)).arraySync() as number[]) : null;
        xk.dispose();
        const sizes = model as unknown as { latentSize?: number; D: number };
        const latent = sizes.latentSize ?? sizes.D;
        const zt = tf.tidy(() => tf.mul(tf.randomNormal([2, latent], 0, 1, 'float32', 3), 0.7));
        const xs = withConfig({ fuse: false }, () => tf.tidy(() => model.inverse!(zt).x).arraySync());
        const req = { dir: pkg, x: nested(x), noise, z: nested(zt), k, iw_noise: iwNoise };
        const out = JSON.parse(runPython([join(import.meta.dirname, 'torch_check.py')], pkg, JSON.stringify(req))) as {
          log_prob: number[];
          roundtrip_err: number;
          inverse: unknown;
          energy?: number[];
          iw?: number[];
        };
        if (iw) close(iw, out.iw!);
        if (ir.family === 'energy') {
          // the plain energy (the model's own may be the fused kernel's)
          const u = tf
            .tidy(() => energy((model as EnergyModel).target, tf.reshape(x, [x.shape[0], 2]) as tf.Tensor2D))
            .arraySync() as number[];
          u.forEach((v, i) => expect(Math.abs(out.energy![i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
        }
        lp.forEach((v, i) => expect(Math.abs(out.log_prob[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
        expect(out.roundtrip_err).toBeLessThan(1e-8);
        const a = (xs as number[]).flat(4) as number[],
          b = (out.inverse as number[]).flat(4) as number[];
        expect(b.length).toBe(a.length);
        a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(1e-3 * Math.max(1, Math.abs(v))));
        tf.dispose([x, zt]);
      } finally {
        model.dispose();
      }
    }, 120_000);
  }
});

/** a tiny VAE whose amortized posterior's steps read the encoder context h (3 entries) */
const contextVae = (cond: string, steps: string) => `model HVae {
  data x: binary[5]
  ${cond}
  latent z: real[3]
  prior normal
  encoder mlp(8)
  posterior flow(amortized: true, context: 3) { ${steps} }
  decoder mlp(8)
  likelihood bernoulli
}`;

describe('the PyTorch target equals the tfjs runtime on VAEs with an encoder context h', () => {
  const cases: Record<string, string> = {
    'an unconditioned VAE, amortized IAF steps with h': contextVae(
      '',
      'iaf(hidden: [6]); permute(reverse); iaf(hidden: [6])',
    ),
    'planar, iaf, spline maf and affine coupling steps with h': contextVae(
      '',
      'planar; iaf(hidden: [6]); maf(hidden: [6], transform: spline(bins: 4, bound: 3)); ' +
        'coupling(affine, mask: alternate, net: mlp(6))',
    ),
    'a real-vector condition and h': contextVae('condition y: real[2]', 'iaf(hidden: [6]); radial'),
  };
  for (const [name, text] of Object.entries(cases)) {
    it(
      name,
      async (ctx) => {
        if (missing) ctx.skip();
        const r = compileSource(text, 'hvae.flow');
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const ir = r.ir!;
        expect(ir.posterior!.context).toBe(3);
        const emitted = emitTorch(ir, 'hvae.flow');
        expect('unsupported' in emitted ? emitted.unsupported : []).toEqual([]);
        const pkg = join(dir, `hvae-${Object.keys(cases).indexOf(name)}`);
        const model = build(ir);
        try {
          perturb(model, 13);
          await writeTorchPackage(silent, ir, 'hvae.flow', pkg, model);
          compareVae(model, batchFor(ir, 3, 5), pkg);
        } finally {
          model.dispose();
        }
      },
      120_000,
    );
  }
});
