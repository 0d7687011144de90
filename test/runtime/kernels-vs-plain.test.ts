// Every kernel the planner can choose (runtime/plan/, runtime/kernels/catalog.ts) against the plain path:
// for each registered kernel a small model where the plan chooses it, the same model with that kernel
// turned off (the kernelsOff setting), and: the plan says which; the values, the parameter gradients
// and the ops run (the fast path is really taken) are compared; and a model trained two steps with the
// kernel, saved, loads with the kernel off and scores the same. A kernel registered without a case here
// fails the last test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR, NetIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import { withConfig } from '../../runtime/config.js';
import { loadModel, saveModel } from '../../runtime/io.js';
import type { FlowModel } from '../../runtime/model.js';
import { allKernels } from '../../runtime/plan/registry.js';
import { planModel } from '../../runtime/plan/planner.js';
import { Rng } from '../../runtime/rng.js';
import { createTrainer } from '../../runtime/train-step.js';
import { channelMask, checkerboard, coupling, flowIR, layer, mlp, resnet } from './ir-fixtures.js';
import { maxAbsDiff, perturb, useWasmBackend } from './helpers.js';

useWasmBackend();

const spec = (text: string): FlowIR => {
  const r = compileSource(text.replace(/ {2}/g, '\n'), 'k.flow');
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
};
const gelu: NetIR = { kind: 'mlp', hidden: [6], activation: 'gelu', zeroInitLast: true };
const vec = (net = mlp(6)) =>
  flowIR({ shape: [4], flow: [coupling([4], [1, 0, 1, 0], net), coupling([4], [0, 1, 0, 1], net)] });
const made = (act: string) =>
  spec(`model M { data x: binary[6]  order natural
  conditional made(hidden: [10], connectivity: sequential, activation: ${act})  likelihood bernoulli
  train { batch: 4, optimizer: adam(lr: 1e-2) } }`);
const nade = spec(`model N { data x: binary[6]  order natural  conditional nade(hidden: 5)  likelihood bernoulli
  train { batch: 4, optimizer: adam(lr: 1e-2) } }`);
const pixelcnn = spec(`model P { data x: binary[1, 4, 4]  order raster(channels: sequential)
  conditional pixelcnn { conv(mask: A, kernel: 3, channels: 3)  conv(mask: B, kernel: 3, channels: 3, activation: relu)
    conv(mask: B, kernel: 1, channels: 1) }
  likelihood bernoulli  train { batch: 4, optimizer: adam(lr: 1e-2) } }`);
const energy = (kind: string) =>
  spec(`model E { latent z: real[2]  prior normal  flow { repeat 3 { ${kind} } }
  target energy(u2)  train { batch: 8, optimizer: adam(lr: 1e-2) } }`);

interface Case {
  kernel: string;
  backend: 'cpu' | 'wasm';
  ir: () => FlowIR;
  /** kernels off in both models (so that this one decides) */
  off?: string[];
  /** the fast and the plain path run the same tfjs kernels (the difference is inside a host op) */
  sameOps?: boolean;
}

const CASES: Case[] = [
  { kernel: 'coupling:fused-mlp', backend: 'cpu', ir: () => vec() },
  { kernel: 'coupling:fused-elementwise', backend: 'wasm', ir: () => vec(gelu) },
  {
    kernel: 'coupling:fused-image-mask',
    backend: 'cpu',
    ir: () => flowIR({ shape: [2, 2, 2], flow: [coupling([2, 2, 2], checkerboard(2, 2, 2, 0), resnet(1, 3))] }),
  },
  {
    kernel: 'coupling:fused-channel-split',
    backend: 'wasm',
    ir: () => flowIR({ shape: [2, 2, 2], flow: [coupling([2, 2, 2], channelMask(2, 2, 2), resnet(1, 3))] }),
  },
  {
    kernel: 'split:fused-split',
    backend: 'cpu',
    ir: () => flowIR({ shape: [4, 2, 2], flow: [layer('split', [4, 2, 2], { prior: 'conditional' }, [2, 2, 2])] }),
  },
  { kernel: 'mlp:fused-dense', backend: 'cpu', ir: () => vec(), off: ['coupling:fused-mlp'] },
  {
    kernel: 'resnet:cropped-conv',
    backend: 'cpu',
    off: ['coupling:fused-image-mask'],
    ir: () => flowIR({ shape: [2, 2, 2], flow: [coupling([2, 2, 2], checkerboard(2, 2, 2, 1), resnet(1, 3))] }),
  },
  { kernel: 'made:fused-masked-dense', backend: 'cpu', ir: () => made('relu') },
  { kernel: 'made:staircase', backend: 'wasm', ir: () => made('relu'), sameOps: true },
  { kernel: 'nade:fused', backend: 'cpu', ir: () => nade },
  { kernel: 'nade:simd', backend: 'wasm', ir: () => nade, sameOps: true },
  { kernel: 'likelihood:fused-bernoulli', backend: 'wasm', ir: () => made('tanh') },
  { kernel: 'pixelcnn:cropped-conv', backend: 'cpu', ir: () => pixelcnn },
  { kernel: 'energy:fused-target', backend: 'cpu', ir: () => energy('planar'), off: ['planar:fused-chain'] },
  { kernel: 'planar:fused-chain', backend: 'cpu', ir: () => energy('planar'), off: ['energy:fused-target'] },
  { kernel: 'radial:fused-chain', backend: 'wasm', ir: () => energy('radial'), off: ['energy:fused-target'] },
];

const RNG_STATE = new Rng(42).getState();

/** the model's per-example objective on x (energy models: the reverse-KL loss on fixed base draws) */
function value(m: FlowModel, x: tf.Tensor): tf.Tensor1D {
  if (m.ir.family === 'energy') {
    m.rng!.setState(RNG_STATE);
    return m.loss!(x);
  }
  return tf.neg(m.logProb(x)) as tf.Tensor1D;
}

function batch(ir: FlowIR, n: number): tf.Tensor {
  const shape = ir.family === 'energy' ? [2] : ir.data.shape;
  const r = new Rng(3),
    size = n * shape.reduce((a, b) => a * b, 1);
  const binary = ir.data.domain.kind === 'binary';
  const v = Float32Array.from({ length: size }, () => (binary ? (r.uniform() < 0.5 ? 1 : 0) : r.normal()));
  return tf.tensor(v, [n, ...shape]);
}

function run(m: FlowModel, x: tf.Tensor): { v: Float32Array; g: Float32Array[] } {
  const vars = m.variables.filter((v) => v.trainable);
  return tf.tidy(() => {
    const v = value(m, x).dataSync().slice() as Float32Array;
    const { grads } = tf.variableGrads(() => tf.sum(value(m, x)) as tf.Scalar, vars);
    return { v, g: vars.map((w) => grads[w.name].dataSync().slice() as Float32Array) };
  });
}

async function ops(m: FlowModel, x: tf.Tensor): Promise<string[]> {
  const p = await tf.profile(() => {
    tf.tidy(() => {
      value(m, x);
    });
  });
  return p.kernels.map((k) => k.name);
}

const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, b) / Math.max(1e-3, ...Array.from(b, Math.abs));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('every registered kernel = the plain path', () => {
  for (const c of CASES) {
    it(`${c.kernel} on ${c.backend}`, async () => {
      await tf.setBackend(c.backend);
      try {
        const ir = c.ir();
        const fastCfg = { kernelsOff: c.off ?? [] },
          plainCfg = { kernelsOff: [...(c.off ?? []), c.kernel] };
        // the plan chooses the kernel, and names why not when it is off
        const kind = c.kernel.split(':')[0];
        const chosen = withConfig(fastCfg, () => planModel(ir)).entries.filter((e) => e.kernels.includes(c.kernel));
        expect(chosen.length, `plan: ${JSON.stringify(withConfig(fastCfg, () => planModel(ir)))}`).toBeGreaterThan(0);
        const offPlan = withConfig(plainCfg, () => planModel(ir)).entries.filter((e) => e.kind === kind);
        const off = { kernel: c.kernel, why: 'turned off (kernelsOff)' };
        for (const e of offPlan) expect(e.rejected).toContainEqual(off);

        const mk = (cfg: typeof fastCfg) =>
          withConfig(cfg, () => {
            const m = build(ir);
            perturb(m, 0.3, 5);
            return m;
          });
        const fast = mk(fastCfg),
          plain = mk(plainCfg);
        const x = batch(ir, 3);
        const a = withConfig(fastCfg, () => run(fast, x)),
          b = withConfig(plainCfg, () => run(plain, x));
        expect(a.v.length).toBe(3);
        expect(a.v.every(Number.isFinite)).toBe(true);
        expect(rel(a.v, b.v)).toBeLessThan(1e-5);
        expect(a.g.length).toBe(b.g.length);
        a.g.forEach((g, i) => expect(rel(g, b.g[i]!), `gradient ${i}`).toBeLessThan(1e-4));
        expect(b.g.some((g) => g.some((v) => v !== 0))).toBe(true);
        if (!c.sameOps) {
          const fo = await withConfig(fastCfg, () => ops(fast, x));
          const po = await withConfig(plainCfg, () => ops(plain, x));
          expect(fo).not.toEqual(po);
        }
        // resume: trained with the kernel, saved, loaded and scored without it
        const trainer = withConfig(fastCfg, () => createTrainer(fast, { lr: 1e-2 }));
        withConfig(fastCfg, () => {
          trainer.step(x);
          trainer.step(x);
        });
        trainer.dispose();
        const dir = mkdtempSync(join(tmpdir(), 'flowc-kernels-'));
        dirs.push(dir);
        await saveModel(fast, dir);
        const trained = withConfig(fastCfg, () => Array.from(tf.tidy(() => value(fast, x)).dataSync()));
        const loaded = withConfig(plainCfg, () => loadModel(dir));
        const again = withConfig(plainCfg, () => Array.from(tf.tidy(() => value(loaded, x)).dataSync()));
        expect(maxAbsDiff(trained, a.v)).toBeGreaterThan(0); // training moved it
        expect(rel(again, trained)).toBeLessThan(1e-5);
        tf.dispose(x);
        fast.dispose();
        plain.dispose();
        loaded.dispose();
      } finally {
        await tf.setBackend('cpu');
      }
    }, 30_000);
  }

  it('every registered kernel has a case here', () => {
    const names = allKernels()
      .map((k) => `${k.kind}:${k.name}`)
      .sort();
    expect(CASES.map((c) => c.kernel).sort()).toEqual(names);
  });
});
