// PixelCNN++ in the PyTorch target beyond the spec library (test/targets/pytorch-equivalence.test.ts
// compares specs/pixelcnnpp_*.flow, the RGB logistic mixture, with tfjs, sampling included):
//   - a per-channel likelihood over whole pixels (categorical, Bernoulli): the same log p and
//     conditionals as tfjs with the same weights;
//   - a checkpoint written from torch (flowc_torch.package.tf_variables) loads into tfjs by name and gives
//     the same log p there;
//   - every whole-pixel sampler against its own exact conditionals: for random parameters of one pixel
//     the probabilities of all K^C values (from log_prob) sum to 1, and 20,000 draws fit them (chi-square).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTorchPackage } from '../../cli/torch-package.js';
import { compileSource } from '../../compiler/index.js';
import { build } from '../../runtime/build.js';
import { loadCheckpoint, restoreVariables } from '../../runtime/checkpoint.js';
import { Rng } from '../../runtime/rng.js';
import { batchFor } from '../support/batches.js';
import { runPython, torchMissing } from '../support/torch.js';

const spec = (data: string, lik: string) => `model PixelPP {
  data x: ${data}
  order raster(channels: joint)
  conditional pixelcnnpp(filters: 4, resnets: 1, scales: 2, dropout: 0.5)
  likelihood ${lik}
}`;

let missing: string | undefined;
let dir: string;
beforeAll(async () => {
  missing = torchMissing();
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'flowc-torch-pp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const close = (a: number[], b: number[]) => {
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
};

describe('PixelCNN++ in the PyTorch target', () => {
  for (const [name, data, lik] of [
    ['categorical', 'discrete(4)[2, 4, 4]', 'categorical'],
    ['bernoulli', 'binary[3, 4, 4]', 'bernoulli'],
  ] as const) {
    it(`a per-channel ${name} likelihood over whole pixels equals tfjs`, async (ctx) => {
      if (missing) ctx.skip();
      const r = compileSource(spec(data, lik), 'pp.flow');
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const ir = r.ir!;
      const model = build(ir);
      try {
        const noise = new Rng(3);
        for (const v of model.variables) v.assign(tf.add(v, tf.tensor(noise.normalArray(v.size, 0, 0.1), v.shape)));
        const pkg = join(dir, name);
        await writeTorchPackage({ out: () => {}, err: () => {} } as never, ir, 'pp.flow', pkg, model);
        const x = batchFor(ir, 3, 7);
        const lp = tf.tidy(() => model.logProb(x)).arraySync() as number[];
        const cond = (model as unknown as { conditional: { params(x: tf.Tensor2D, t: boolean): tf.Tensor } })
          .conditional;
        const params = tf.tidy(() => cond.params(tf.reshape(x, [3, -1]) as tf.Tensor2D, false)).arraySync();
        const req = JSON.stringify({ dir: pkg, x: x.arraySync() });
        const out = JSON.parse(runPython([join(import.meta.dirname, 'torch_check.py')], pkg, req)) as {
          log_prob: number[];
          params: unknown[];
          sample_shape: number[];
          sample_values: number[];
        };
        close(lp, out.log_prob);
        // torch_check.py gives one parameter array per ensemble member (one here)
        close((params as number[][][]).flat(2), out.params.flat(Infinity) as number[]);
        expect(out.sample_shape).toEqual([2, ...ir.data.shape]);
        const K = name === 'categorical' ? 4 : 2;
        for (const v of out.sample_values) expect(Number.isInteger(v) && v >= 0 && v < K).toBe(true);
        x.dispose();
      } finally {
        model.dispose();
      }
    }, 120_000);
  }

  it('a checkpoint written by torch loads into tfjs by name with the same log p (RGB mixture)', async (ctx) => {
    if (missing) ctx.skip();
    const r = compileSource(spec('discrete(256)[3, 4, 4]', 'logistic_mixture(k: 2)'), 'pp.flow');
    const ir = r.ir!;
    const pkg = join(dir, 'rgb');
    const model = build(ir);
    try {
      await writeTorchPackage({ out: () => {}, err: () => {} } as never, ir, 'pp.flow', pkg, model);
      const x = batchFor(ir, 3, 9);
      const code = [
        'import json, sys, torch',
        'import model',
        'from flowc_torch import ckpt, package',
        'torch.manual_seed(0)',
        'm = model.load().double()',
        'with torch.no_grad():',
        '    for p in m.parameters(): p.add_(0.05 * torch.randn_like(p))',
        'ckpt.write(sys.argv[1], package.tf_variables(m), model.IR)',
        'x = torch.tensor(json.load(sys.stdin), dtype=torch.float64)',
        'print(json.dumps(m.log_prob(x).tolist()))',
      ].join('\n');
      const lpTorch = JSON.parse(runPython(['-c', code, pkg], pkg, JSON.stringify(x.arraySync()))) as number[];
      const ck = loadCheckpoint(pkg);
      const fresh = build(ir);
      try {
        // tfjs suffixes ~k to a name registered again in one process
        const own = fresh.variables.map((v) => v.name.replace(/[~#]\d+$/, ''));
        expect(ck.variables.map((v) => v.name).sort()).toEqual(own.sort());
        restoreVariables(fresh, ck);
        close(lpTorch, tf.tidy(() => fresh.logProb(x)).arraySync() as number[]);
      } finally {
        fresh.dispose();
        x.dispose();
      }
    } finally {
      model.dispose();
    }
  }, 120_000);

  it('draws whole pixels from the exact conditionals its log_prob gives (chi-square, all K^C values)', (ctx) => {
    if (missing) ctx.skip();
    const cases = [
      { kind: 'logistic_mixture', args: { k: 3, K: 4 }, C: 3, K: 4 },
      { kind: 'logistic_mixture', args: { k: 2, K: 6 }, C: 1, K: 6 },
      { kind: 'categorical', args: { K: 4 }, C: 2, K: 4 },
      { kind: 'bernoulli', C: 3, K: 2 },
    ];
    const req = JSON.stringify({ support: join(process.cwd(), 'targets', 'pytorch'), draws: 20_000, cases });
    const out = JSON.parse(runPython([join(import.meta.dirname, 'pixel_likelihood_check.py')], dir, req)) as {
      total: number;
      chi2: number;
      dof: number;
    }[];
    expect(out).toHaveLength(cases.length);
    for (const r of out) {
      expect(Math.abs(r.total - 1)).toBeLessThan(1e-5);
      expect(r.dof).toBeGreaterThan(0);
      // mean dof, sd √(2·dof): six sd above is a p-value far below 1e-4
      expect(r.chi2).toBeLessThan(r.dof + 6 * Math.sqrt(2 * r.dof));
    }
  }, 120_000);
});
