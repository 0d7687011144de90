// `condition y` flows in the PyTorch target against the tfjs runtime: a RealNVP-style vector flow with a class
// label (affine, additive, spline and logistic-mixture couplings), an image flow with a real condition vector
// (checkerboard and channel couplings around squeeze/split), and uniformly and variationally dequantized image
// flows with a label. With the same weights (and dequantization noise), torch (float64) gives tfjs's
// log p(x | y), inverse(forward(x, y), y) = x, and the same x from the same latent and y; a bad or missing y
// is refused with a message, and MAF or a categorical encoding under `condition y` stay refused by name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { emitTorch } from '../../compiler/targets/pytorch/emit.js';
import { build } from '../../runtime/build.js';
import { contextOf } from '../../runtime/condition.js';
import { withConfig } from '../../runtime/config.js';
import type { FlowModelImpl as FlowModel } from '../../runtime/flow-model.js';
import { Rng } from '../../runtime/rng.js';
import { writeTorchPackage } from '../../cli/torch-package.js';
import { runPython, torchMissing } from '../support/torch.js';
import { batchFor } from '../support/batches.js';

const silent = { out: () => {}, err: () => {} } as never;
let missing: string | undefined;
let dir: string;

beforeAll(async () => {
  missing = torchMissing();
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'flowc-torch-cflow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRAIN = 'train { batch: 4, steps: 1, optimizer: adam(lr: 1e-3) }';
const cases: Record<string, string> = {
  vector_label: `model CondRealNvp {
  data x: real[4]
  condition y: categorical(3)
  prior normal
  flow {
    actnorm
    repeat 2 {
      coupling(affine, mask: alternate, flip: true, net: mlp(8, 8), scale: tanh)
      coupling(additive, mask: alternate, net: mlp(8))
    }
    coupling(spline, bins: 4, mask: alternate, net: mlp(8))
    permute(reverse)
    coupling(logistic_mixture, k: 2, mask: alternate, net: mlp(8))
  }
  ${TRAIN}
}
`,
  image_real: `model CondGlow {
  data x: real[1, 4, 4]
  condition y: real[2]
  prior normal
  flow {
    coupling(affine, mask: checkerboard, net: resnet(blocks: 1, channels: 4))
    coupling(logistic_mixture, k: 2, mask: checkerboard, flip: true, net: resnet(blocks: 1, channels: 4))
    squeeze
    actnorm
    invconv1x1
    coupling(affine, mask: channel, flip: true, net: resnet(blocks: 1, channels: 4), scale: sigmoid)
    split
    coupling(additive, mask: checkerboard, net: resnet(blocks: 1, channels: 4))
  }
  ${TRAIN}
}
`,
  image_label_dequantized: `model CondDigits {
  data x: discrete(4)[1, 4, 4]
  condition y: categorical(3)
  prior normal
  flow {
    dequantize(uniform)
    logit(alpha: 0.05)
    repeat 2 { coupling(affine, mask: checkerboard, flip: true, net: resnet(blocks: 1, channels: 4)) }
    squeeze
    coupling(spline, bins: 4, mask: channel, net: resnet(blocks: 1, channels: 4))
  }
  ${TRAIN}
}
`,
  image_label_variational: `model CondFlowpp {
  data x: discrete(4)[1, 4, 4]
  condition y: categorical(2)
  prior normal
  flow {
    dequantize(variational, net: resnet(blocks: 1, channels: 4), features: 2) {
      coupling(affine, mask: checkerboard, net: resnet(blocks: 1, channels: 4))
    }
    logit(alpha: 0.05)
    repeat 2 { coupling(logistic_mixture, k: 2, mask: checkerboard, flip: true, net: resnet(blocks: 1, channels: 4)) }
  }
  ${TRAIN}
}
`,
};

/** every weight moved off its initialisation (zero-initialised last layers would hide the context) */
function perturb(model: FlowModel, seed: number): void {
  const r = new Rng(seed);
  for (const v of model.variables) {
    if (!v.trainable)
      v.assign(tf.onesLike(v)); // actnorm: initialised
    else v.assign(tf.add(v, tf.tensor(r.normalArray(v.size, 0, 0.1), v.shape)));
  }
}

/** n condition values: labels, or n·size reals */
function conditionFor(ir: FlowIR, n: number, seed: number): number[] {
  const c = ir.condition!;
  if (c.domain.kind === 'categorical') return Array.from({ length: n }, (_, i) => (2 * i + seed) % c.size);
  return Array.from({ length: n * c.size }, (_, i) => Math.cos(3 * i + seed));
}

const close = (a: number[], b: number[], tol: number) => {
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(tol * Math.max(1, Math.abs(v))));
};

describe('PyTorch target: conditioned flows equal tfjs', () => {
  for (const [name, src] of Object.entries(cases)) {
    it(
      name,
      async (ctx) => {
        if (missing) ctx.skip();
        const r = compileSource(src, `${name}.flow`);
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const ir = r.ir!;
        const emitted = emitTorch(ir, name);
        expect('unsupported' in emitted ? emitted.unsupported : []).toEqual([]);
        const model = build(ir) as FlowModel;
        const pkg = join(dir, name);
        try {
          perturb(model, 5);
          await writeTorchPackage(silent, ir, `${name}.flow`, pkg, model);
          const n = 4;
          const x = batchFor(ir, n, 9);
          const y = conditionFor(ir, n, 1);
          const c = contextOf(ir, y, n);
          const rng = (model as unknown as { rng: Rng }).rng;
          const state = rng.getState();
          const lp = withConfig({ fuse: false }, () => tf.tidy(() => model.logProb(x, c)).arraySync() as number[]);
          rng.setState(state);
          // a dequantization's noise (u, or ε when variational): the draw logProb made, channels-first for torch
          const [C, H, W] = ir.data.shape;
          const deq = ir.flow![0]!.kind === 'dequantize' ? (ir.flow![0]!.args as { type: string }).type : null;
          const draw = deq === 'variational' ? rng.normalTensor.bind(rng) : rng.uniformTensor.bind(rng);
          const noise = deq ? tf.tidy(() => tf.transpose(draw([n, H!, W!, C!]), [0, 3, 1, 2]).arraySync()) : null;
          const zy = conditionFor(ir, 2, 2);
          const zc = contextOf(ir, zy, 2);
          const z = tf.tidy(() => tf.mul(tf.randomNormal([2, model.latentSize], 0, 1, 'float32', 3), 0.7));
          const xs = withConfig({ fuse: false }, () => tf.tidy(() => model.inverse(z, zc).x).dataSync());
          const categorical = ir.condition!.domain.kind === 'categorical';
          const req = {
            dir: pkg,
            x: x.arraySync(),
            noise,
            y,
            z: z.arraySync(),
            z_y: zy,
            sample_y: 1,
            other_y: conditionFor(ir, n, 2),
            bad_y: categorical ? 7 : [1, 2, 3],
          };
          const out = JSON.parse(
            runPython([join(import.meta.dirname, 'torch_cond_flow.py')], pkg, JSON.stringify(req)),
          ) as Record<string, number[] | number | string>;
          close(lp, out.log_prob as number[], 1e-4);
          expect(out.roundtrip_err).toBeLessThan(1e-8);
          expect(out.layers_roundtrip_err).toBeLessThan(1e-8);
          expect(out.logdet_err).toBeLessThan(1e-8);
          close(Array.from(xs), out.inverse as number[], 1e-4);
          expect(out.sample_shape).toEqual([3, ...ir.data.shape]);
          // y is read: another condition, another density
          const other = out.log_prob_other as number[];
          expect(Math.max(...lp.map((v, i) => Math.abs(v - other[i]!)))).toBeGreaterThan(1e-3);
          const bad = categorical
            ? `label 7 of example 0 is not a class 0..${ir.condition!.size - 1} of \`y\``
            : 'for 4×2';
          expect(out.bad_y).toContain(bad);
          expect(out.no_y).toMatch(/conditioned on `y`: pass y/);
          tf.dispose([x, c, z, zc]);
        } finally {
          model.dispose();
        }
      },
      60_000,
    );
  }

  it('refuses MAF and a categorical encoding under `condition y`, naming each', () => {
    const src = `model CondMaf {
  data x: discrete(4)[2]
  condition y: categorical(3)
  prior normal
  flow {
    dequantize(categorical)
    coupling(affine, mask: alternate, net: mlp(8))
    maf(hidden: [8])
  }
  ${TRAIN}
}
`;
    const r = compileSource(src, 'cond_maf.flow');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const e = emitTorch(r.ir!, 'cond_maf.flow');
    const refused = 'unsupported' in e ? e.unsupported : [];
    expect(refused.map((u) => u.construct)).toEqual(['condition on dequantize(categorical)', 'condition on maf']);
    expect(refused[1]).toEqual(expect.objectContaining({ at: 'cond_maf.flow:8:5' }));
  });
});
