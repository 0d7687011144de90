// The PyTorch target's `condition y` models and MADE ensembles against the tfjs runtime, on tiny specs that
// cover what specs/ does not: a real condition, NADE and PixelCNN with a label, MADE with direct connections,
// a connectivity-resampled ensemble (`ensemble: M`), an order/connectivity-agnostic one, several likelihood
// parameters per dimension. Torch (float64) must give tfjs's log p(x | y) and every member's conditionals,
// sample given a class, and refuse a bad label with a message; conditioned families it lacks are refused by name.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'flowc-torch-cond-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRAIN = 'train { batch: 4, steps: 1, optimizer: adam(lr: 1e-3) }';
const spec = (name: string, data: string, cond: string, body: string, lik = 'likelihood bernoulli') =>
  `model ${name} {\n  data x: ${data}\n  ${cond}\n  ${body}\n  ${lik}\n  ${TRAIN}\n}\n`;

const cases: Record<string, string> = {
  nade_label: spec('NadeLabel', 'binary[6]', 'condition y: categorical(3)', 'conditional nade(hidden: 8)'),
  made_real_direct_ensemble: spec(
    'MadeRealDirect',
    'discrete(4)[5]',
    'condition y: real[2]',
    'conditional made(hidden: [8, 8], direct: true, ensemble: 3)',
    'likelihood categorical',
  ),
  made_agnostic_label: spec(
    'MadeAgnostic',
    'binary[6]',
    'condition y: categorical(4)',
    'conditional made(hidden: [8], connectivity: random(seed: 2), orders: 2, connectivities: 2, ensemble: 3, ' +
      'direct: true)',
  ),
  made_ensemble_unconditioned: spec('MadeEnsemble', 'binary[6]', '', 'conditional made(hidden: [8, 8], ensemble: 2)'),
  pixelcnn_label: spec(
    'PixelCnnLabel',
    'binary[1, 4, 4]',
    'condition y: categorical(3)',
    'order raster(channels: sequential)\n  conditional pixelcnn {\n    conv(mask: A, kernel: 3, channels: 4, ' +
      'activation: relu)\n    conv(mask: B, kernel: 1, channels: 1)\n  }',
  ),
};

/** every weight moved off its initialisation */
function perturb(vars: tf.Variable[], seed: number): void {
  const r = new Rng(seed);
  for (const v of vars) v.assign(tf.add(v, tf.tensor(r.normalArray(v.size, 0, 0.1), v.shape)));
}

function labelsFor(ir: FlowIR, n: number): number[] {
  const c = ir.condition!;
  if (c.domain.kind === 'categorical') return Array.from({ length: n }, (_, i) => (2 * i + 1) % c.size);
  return Array.from({ length: n * c.size }, (_, i) => Math.cos(3 * i));
}

const close = (a: number[], b: number[]) => {
  expect(b.length).toBe(a.length);
  a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
};

describe('PyTorch target: conditioned autoregressive models and MADE ensembles equal tfjs', () => {
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
        const model = build(ir);
        const pkg = join(dir, name);
        try {
          perturb(model.variables, 5);
          await writeTorchPackage(silent, ir, `${name}.flow`, pkg, model);
          const n = 4;
          const x = batchFor(ir, n, 9);
          const labels = ir.condition ? labelsFor(ir, n) : undefined;
          const c = labels ? contextOf(ir, labels, n) : undefined;
          const lp = withConfig({ fuse: false }, () => tf.tidy(() => model.logProb(x, c)).arraySync() as number[]);
          type Cond = { members: number; params(x: tf.Tensor2D, m: number, c?: tf.Tensor): tf.Tensor3D };
          const cond = (model as unknown as { conditional: Cond }).conditional;
          const params = Array.from({ length: cond.members }, (_, m) =>
            withConfig({ fuse: false, nadeFused: false, madeFused: false }, () =>
              tf.tidy(() => cond.params(tf.reshape(x, [n, -1]) as tf.Tensor2D, m, c).arraySync()),
            ),
          ) as number[][][][];
          const req = { dir: pkg, x: x.arraySync(), y: labels, members: cond.members, sample_y: 1, bad_y: 7 };
          const out = JSON.parse(
            runPython([join(import.meta.dirname, 'torch_check.py')], pkg, JSON.stringify(req)),
          ) as {
            log_prob: number[];
            params: number[][][][];
            sample_shape: number[];
            bad_y?: string;
          };
          close(lp, out.log_prob);
          close(params.flat(3), out.params.flat(3));
          expect(out.sample_shape).toEqual([2, ...ir.data.shape]);
          if (ir.condition?.domain.kind === 'categorical')
            expect(out.bad_y).toMatch(/label 7 of example 0 is not a class/);
          tf.dispose([x, ...(c ? [c] : [])]);
        } finally {
          model.dispose();
        }
      },
      60_000,
    );
  }

  it('refuses a conditioned model whose family or conditional it lacks, naming the construct', () => {
    // a conditioned flow with a layer that would read y but has no torch context (conditioned-flow tests: the rest)
    const flow = `model CondFlow {
  data x: real[2]
  condition y: categorical(3)
  prior normal
  flow {
    coupling(affine, mask: alternate, net: mlp(8))
    maf(hidden: [8])
  }
  ${TRAIN}
}
`;
    const r = compileSource(flow, 'cond_flow.flow');
    expect(r.ir).toBeDefined();
    const emitted = emitTorch(r.ir!, 'cond_flow.flow');
    const refused = 'unsupported' in emitted ? emitted.unsupported : [];
    // the layer that would read y, with its id and place
    expect(refused).toContainEqual(
      expect.objectContaining({ construct: 'condition on maf', at: 'cond_flow.flow:7:5' }),
    );
    // conditionals the tfjs runtime may learn to condition later (PixelRNN, PixelCNN++) stay refused by name
    const condition = compileSource(cases.nade_label!, 'nade.flow').ir!.condition!;
    for (const [file, what] of [['specs/pixelrnn_row_lstm.flow', 'condition on pixelrnn (`condition y`)']] as const) {
      const ir = compileSource(readFileSync(file, 'utf8'), file).ir!;
      const e = emitTorch({ ...ir, condition }, file);
      expect('unsupported' in e && e.unsupported.map((u) => u.construct)).toContain(what);
    }
    // a conditional VAE is emitted (test/targets/pytorch-equivalence.test.ts compares it with tfjs)
    const vae = compileSource(readFileSync('specs/planar_vae.flow', 'utf8'), 'specs/planar_vae.flow').ir!;
    const e = emitTorch({ ...vae, condition }, 'specs/planar_vae.flow');
    expect('pkg' in e && e.pkg.files['model.py']).toContain('condition=IR["condition"]');
  });
});
