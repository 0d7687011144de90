// The PyTorch target's non-affine couplings (logistic_mixture, spline), the Flow++ conditioner on vectors and
// images, and the x-conditioned variational dequantization (net:, features:) on vectors, on small models no
// spec in specs/ covers: with the tfjs runtime's perturbed weights, torch (float64) gives the same
// log-probabilities (same dequantization noise), inverse(forward(x)) = x and the same x from the same latent;
// the log-dets torch reports equal log|det J| from autograd Jacobians (forward and inverse); and a flowc
// run of a spline flow exported with --target pytorch scores in torch as `flowc eval` scores it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
import { withConfig } from '../../runtime/config.js';
import { Rng } from '../../runtime/rng.js';
import type { FlowModel } from '../../runtime/model.js';
import { writeTorchPackage } from '../../cli/torch-package.js';
import { flowc } from '../cli/helpers.js';
import { MIXTURE_MIN_LOG_SCALE, SPLINE_MIN_BIN, SPLINE_MIN_DERIVATIVE } from '../../compiler/math/elementwise.js';
import { BISECTION_MAX_ITERS, BISECTION_TOL } from '../../runtime/bijectors/transforms/mixture.js';
import { runPython, torchMissing } from '../support/torch.js';

const model = (name: string, data: string, flow: string) =>
  `model ${name} {\n  data x: ${data}\n  prior normal\n  flow {\n${flow}\n  }\n}\n`;

const CASES: Record<string, string> = {
  spline_vector: model(
    'SplineVector',
    'real[4]',
    `coupling(spline, bins: 5, bound: 2, mask: [1, 0, 1, 0], net: mlp(16))
     coupling(spline, bins: 4, mask: [0, 1, 0, 1], net: mlp(16, 16))`,
  ),
  spline_image: model(
    'SplineImage',
    'real[2, 4, 4]',
    `coupling(spline, bins: 4, bound: 2.5, mask: checkerboard, net: resnet(blocks: 1, channels: 8))
     coupling(spline, bins: 3, mask: channel, flip: true, net: flowpp(blocks: 1, channels: 8, heads: 2))`,
  ),
  mixture_vector: model(
    'MixtureVector',
    'real[4]',
    `coupling(logistic_mixture, k: 3, mask: [1, 0, 1, 0], net: flowpp(blocks: 1, channels: 4, heads: 2))
     coupling(logistic_mixture, k: 2, mask: [0, 1, 0, 1], net: mlp(16), scale: exp)`,
  ),
  dequant_vector: model(
    'DequantVector',
    'discrete(16)[4]',
    `dequantize(variational, net: mlp(16), features: 3) {
       coupling(spline, bins: 4, mask: [1, 0, 1, 0], net: mlp(8))
       coupling(logistic_mixture, k: 2, mask: [0, 1, 0, 1], net: mlp(8))
       coupling(affine, mask: [1, 0, 1, 0], net: mlp(8))
     }
     coupling(logistic_mixture, k: 2, mask: [0, 1, 0, 1], net: mlp(8))`,
  ),
  maf_spline: model(
    'MafSpline',
    'real[2, 2, 2]',
    `maf([12], order: reverse, transform: spline(bins: 4, bound: 2.5))
     maf([12], transform: spline(bins: 3, bound: 2))`,
  ),
  categorical_mixture: model(
    'CatMixture',
    'categorical(5)[3]',
    `dequantize(categorical, dim: 2, k: 3)
     coupling(spline, bins: 4, mask: [1, 0, 1, 0, 1, 0], net: mlp(16))`,
  ),
  categorical_context: model(
    'CatContext',
    'categorical(5)[3]',
    `dequantize(categorical, dim: 2, context: true)
     coupling(affine, mask: [0, 1, 0, 1, 0, 1], net: mlp(16))`,
  ),
  categorical_image: model(
    'CatImage',
    'categorical(4)[1, 4, 4]',
    `dequantize(categorical, dim: 2, k: 2, context: true)
     coupling(affine, mask: checkerboard, net: resnet(blocks: 1, channels: 8))`,
  ),
};

const MOONS = `model SplineMoons {
  data x: real[2]
  prior normal
  flow {
    coupling(spline, bins: 5, bound: 3, mask: [1, 0], net: mlp(16))
    coupling(spline, bins: 5, bound: 3, mask: [0, 1], net: mlp(16))
  }
  train { data: toy(moons, n: 256), batch: 32, steps: 10, optimizer: adam(lr: 1e-2) }
}
`;

/** Flow++'s pieces together, at 8×8: trained by train.py (dropout on, gradients through the bisection) */
const FLOWPP = `model FppSmall {
  data x: discrete(256)[1, 8, 8]
  prior normal
  flow {
    dequantize(variational, net: resnet(blocks: 1, channels: 8), features: 4) {
      coupling(logistic_mixture, k: 2, mask: checkerboard, net: resnet(blocks: 1, channels: 8))
    }
    logit(alpha: 0.05)
    actnorm
    coupling(spline, bins: 4, mask: checkerboard, net: flowpp(blocks: 1, channels: 8, heads: 2, dropout: 0.1))
  }
  train { batch: 16, steps: 3, optimizer: adam(lr: 1e-3) }
}
`;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const silent = { out: () => {}, err: () => {} } as never;
let missing: string | undefined;
let dir: string;

beforeAll(async () => {
  missing = torchMissing();
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'flowc-torch-tr-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** every trainable weight moved off its initialisation (zero-initialised last layers would hide the nets) */
function perturb(m: FlowModel, seed: number, std: number): void {
  const r = new Rng(seed);
  for (const v of m.variables) {
    const noise = tf.tensor(r.normalArray(v.size, 0, std), v.shape);
    v.assign(tf.add(v, noise));
    noise.dispose();
  }
}

/** data: real values N(0, 1.5²) (some beyond a spline's bound), or categories */
function data(shape: number[], K: number | null, n: number): tf.Tensor {
  const r = new Rng(5);
  const size = n * shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: size }, () => (K ? Math.floor(r.uniform() * K) : 1.5 * r.normal()));
  return tf.tensor(v, [n, ...shape]);
}

const close = (a: number[], b: number[], tol: number) => {
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(tol * Math.max(1, Math.abs(v))));
};

/** tfjs and torch on one model: log-probabilities, round trip, sampling, log-dets against autograd */
async function compare(name: string, src: string): Promise<void> {
  const r = compileSource(src, `${name}.flow`);
  expect(r.ir, JSON.stringify(r.diagnostics)).toBeDefined();
  const ir = r.ir!;
  const m = build(ir);
  try {
    perturb(m, 7, 0.15); // stronger makes slopes of 1e-7 whose inverse loses digits
    const pkg = join(dir, name);
    await writeTorchPackage(silent, ir, `${name}.flow`, pkg, m);
    const d = ir.data.domain;
    const x = data(ir.data.shape, d.kind === 'real' ? null : (d as { K: number }).K, 4);
    const rng = (m as unknown as { rng: Rng }).rng;
    const first = ir.flow![0]!;
    const cat = m as unknown as {
      bound?(x: tf.Tensor): tf.Tensor;
      iwLogProb?(x: tf.Tensor, k: number): tf.Tensor;
    };
    // the dequantization noise the model draws first: ε (variational) or u [N·E, d] (categorical)
    const draw = (n: number) =>
      first.kind !== 'dequantize'
        ? null
        : first.args.type === 'categorical'
          ? tf.tidy(() => rng.uniformTensor([n * size(ir.data.shape), first.args.dim!], 1e-6, 1 - 1e-6).arraySync())
          : tf.tidy(() => rng.normalTensor([n, ...x.shape.slice(1)]).arraySync());
    let state = rng.getState();
    const noise = draw(4);
    rng.setState(state);
    const one = (t: tf.Tensor) => (cat.bound ? cat.bound(t) : m.logProb(t));
    const lp = withConfig({ fuse: false }, () => tf.tidy(() => one(x)).arraySync() as number[]);
    // a categorical flow: the importance-weighted estimate over k = 3 draws as well
    state = rng.getState();
    const iwNoise = cat.iwLogProb ? draw(12) : null;
    rng.setState(state);
    const iw = cat.iwLogProb ? (tf.tidy(() => cat.iwLogProb!(x, 3)).arraySync() as number[]) : null;
    const sizes = m as unknown as { latentSize?: number; D: number };
    const zt = tf.tidy(() => tf.mul(tf.randomNormal([2, sizes.latentSize ?? sizes.D], 0, 1, 'float32', 3), 0.7));
    const xs = withConfig({ fuse: false }, () => tf.tidy(() => m.inverse!(zt).x).arraySync());
    const req = JSON.stringify({ dir: pkg, x: x.arraySync(), noise, z: zt.arraySync(), k: 3, iw_noise: iwNoise });
    const out = JSON.parse(runPython([join(import.meta.dirname, 'torch_check.py')], pkg, req)) as {
      log_prob: number[];
      roundtrip_err: number;
      inverse: unknown[];
      iw?: number[];
    };
    close(lp, out.log_prob, 1e-4);
    if (iw) close(iw, out.iw!, 1e-4);
    expect(out.roundtrip_err).toBeLessThan(1e-8);
    close((xs as number[]).flat(4) as number[], out.inverse.flat(4) as number[], 1e-3);
    // the reported log-dets against autograd's Jacobians, in both directions
    const jac = JSON.parse(runPython([join(import.meta.dirname, 'torch_jacobian.py')], pkg, req)) as Record<
      string,
      number[]
    >;
    close(jac.autograd!, jac.reported!, 1e-6);
    close(jac.inv_autograd!, jac.inv_reported!, 1e-6);
    tf.dispose([x, zt]);
  } finally {
    m.dispose();
  }
}

describe('the PyTorch target: mixture and spline couplings, Flow++ nets, x-conditioned dequantization', () => {
  for (const [name, src] of Object.entries(CASES)) {
    it(
      name,
      async (ctx) => {
        if (missing) ctx.skip();
        await compare(name, src);
      },
      120_000,
    );
  }

  it('a flowc run of a spline flow exported with --target pytorch scores in torch as flowc eval does', async (ctx) => {
    if (missing) ctx.skip();
    writeFileSync(join(dir, 'spline.flow'), MOONS);
    const run = join(dir, 'run'),
      out = join(dir, 'exported'),
      npy = join(dir, 'eval.npy');
    const t = await flowc('train', join(dir, 'spline.flow'), '--steps', '10', '--out', run);
    expect(t.code, t.err).toBe(0);
    const e = await flowc('export', run, '--target', 'pytorch', '-o', out);
    expect(e.code, e.err).toBe(0);
    const save = 'import numpy as np; np.save("eval.npy", (np.random.default_rng(1).normal(size=(64, 2)) * 1.5)';
    runPython(['-c', `${save}.astype(np.float32))`], dir);
    const ev = await flowc('eval', run, '--data', npy);
    expect(ev.code, ev.err).toBe(0);
    const nll = Number(/NLL ([-\d.]+) nats/.exec(ev.out)![1]);
    const code = `import sys, numpy as np, torch; sys.path.insert(0, "."); import model
x = torch.from_numpy(np.load(${JSON.stringify(npy)}))
print(float(-model.load().log_prob(x).double().mean()), float(-model.build().log_prob(x).double().mean()))`;
    const [trained, fresh] = runPython(['-c', code], out).trim().split(' ').map(Number);
    expect(Math.abs(trained! - nll)).toBeLessThan(1e-3);
    expect(Math.abs(fresh! - nll)).toBeGreaterThan(1e-3); // the exported weights are the run's, not an init
  }, 300_000);

  it('train.py trains a Flow++ model; flowc eval reads its checkpoint and scores as torch does', async (ctx) => {
    if (missing) ctx.skip();
    writeFileSync(join(dir, 'fpp.flow'), FLOWPP);
    const pkg = join(dir, 'fpp'),
      npy = join(dir, 'digits.npy'),
      run = join(pkg, 'runs', 'a');
    const c = await flowc('compile', join(dir, 'fpp.flow'), '--target', 'pytorch', '-o', pkg);
    expect(c.code, c.err).toBe(0);
    const save = 'import numpy as np; np.save("digits.npy", np.random.default_rng(0).integers(0, 256, (64, 1, 8, 8))';
    runPython(['-c', `${save}.astype(np.float32))`], dir);
    const t = runPython(['train.py', '--data', npy, '--out', run, '--threads', '1'], pkg);
    expect(t).toContain('step 3/3');
    const ev = await flowc('eval', run, '--data', npy);
    expect(ev.code, ev.err).toBe(0);
    const nll = Number(/NLL ([-\d.]+) nats/.exec(ev.out)![1]);
    const code = `import sys, numpy as np, torch; sys.path.insert(0, "."); import model
torch.manual_seed(0)
m, x = model.load(${JSON.stringify(run)}), torch.from_numpy(np.load(${JSON.stringify(npy)}))
with torch.no_grad(): print(float(-m.log_prob(x).mean()))`;
    // each engine draws its own dequantization noise: the bounds agree to that noise (≈ 0.2 nats here)
    expect(Math.abs(Number(runPython(['-c', code], pkg)) - nll)).toBeLessThan(1);
  }, 300_000);

  it("the Python transforms' constants are compiler/math's and the tfjs runtime's", () => {
    const py = readFileSync('targets/pytorch/flowc_torch/transforms.py', 'utf8');
    const value = (name: string) => Number(new RegExp(`^${name} = (\\S+)`, 'm').exec(py)?.[1]);
    expect(value('MIXTURE_MIN_LOG_SCALE')).toBe(MIXTURE_MIN_LOG_SCALE);
    expect(value('SPLINE_MIN_BIN')).toBe(SPLINE_MIN_BIN);
    expect(value('SPLINE_MIN_DERIVATIVE')).toBe(SPLINE_MIN_DERIVATIVE);
    expect(value('BISECTION_TOL')).toBe(BISECTION_TOL);
    expect(value('BISECTION_MAX_ITERS')).toBe(BISECTION_MAX_ITERS);
  });
});
