// Check = run (issue 14 item 6): every spec that `flowc check` accepts builds, takes one training step,
// samples and evaluates. Specs are generated from the registry tables (test/property/spec-gen.ts: every
// kind of every slot with random arguments inside their declared ranges, every data domain, vector and
// image shapes, at tiny sizes), with a fixed seed and a bounded number of cases; a spec the checker
// refuses is fine (that is a diagnostic), one it accepts must run without an exception and give finite
// numbers. A failure prints the spec.
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { build } from '../../runtime/build.js';
import { createTrainer } from '../../runtime/train-step.js';
import { contextOf, sampleContext } from '../../runtime/condition.js';
import { kindsOf } from '../../compiler/registry/index.js';
import { arSpec, energySpec, flowSpec, vaeSpec, type GenSpec } from './spec-gen.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** a batch of valid data for the IR's domain (energy fits: latent-shaped points; only the batch size is used) */
function batchFor(ir: FlowIR, n: number): tf.Tensor {
  const shape = ir.family === 'energy' ? (ir.latent?.shape ?? [2]) : ir.data.shape;
  const size = shape.reduce((a, b) => a * b, 1) * n;
  const d = ir.data.domain;
  const K = d.kind === 'binary' ? 2 : d.kind === 'discrete' || d.kind === 'categorical' ? d.K : 0;
  const v = Float32Array.from({ length: size }, (_, i) => (K ? (i * 7 + 3) % K : 0.5 + 0.4 * Math.sin(i * 1.7)));
  return tf.tensor(v, [n, ...shape]);
}

/** build + one training step + sample + eval; returns what went wrong, or undefined */
function runOnce(g: GenSpec): string | undefined {
  const r = compileSource(g.text, 'gen.flow');
  if (r.diagnostics.some((d) => d.severity === 'error') || !r.ir) return undefined; // refused: a diagnostic
  const ir = r.ir;
  const before = tf.memory().numTensors;
  let model: ReturnType<typeof build> | undefined;
  let ctx: tf.Tensor | undefined;
  try {
    model = build(ir);
    const x = batchFor(ir, 4);
    // a conditional model p(x | y): labels / condition rows for the batch, and the classes in turn for samples
    const per = ir.condition?.domain.kind === 'categorical' ? 1 : (ir.condition?.size ?? 1);
    ctx = ir.condition
      ? contextOf(
          ir,
          Array.from({ length: 4 * per }, (_, i) => i % 3),
          4,
        )
      : undefined;
    const trainer = createTrainer(model, { lr: 1e-3 });
    const loss = trainer.step(x, ctx);
    trainer.dispose();
    if (!Number.isFinite(loss)) return `training loss ${loss}`;
    const sctx = sampleContext(ir, 2);
    const s = model.sample(2, { seed: 1, ...(sctx ? { context: sctx } : {}) });
    sctx?.dispose();
    const sv = s.dataSync();
    if (!sv.every(Number.isFinite)) {
      s.dispose();
      return 'non-finite sample';
    }
    // an energy fit's density is evaluated where it puts its mass (its own samples); others on data
    const lp = model.logProb(ir.family === 'energy' ? s : x, ctx);
    s.dispose();
    const lv = lp.dataSync();
    tf.dispose([lp, x]);
    if (!lv.every(Number.isFinite)) return `non-finite log-probability ${Array.from(lv).join(', ')}`;
    return undefined;
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  } finally {
    ctx?.dispose();
    model?.dispose();
    void before;
  }
}

const families: [string, fc.Arbitrary<GenSpec>, number][] = [
  ['flow', flowSpec, 140],
  ['autoregressive', arSpec, 40],
  ['vae', vaeSpec, 30],
  ['energy', energySpec, 20],
];

const accepted = (g: GenSpec): boolean =>
  compileSource(g.text, 'gen.flow').diagnostics.every((d) => d.severity !== 'error');

/** the texts of every spec that ran, for the coverage check at the end */
const ran: string[] = [];

describe('check = run: accepted generated specs build, train a step, sample and evaluate', () => {
  for (const [family, arb, runs] of families) {
    it(
      family,
      () => {
        // only what the checker accepts reaches the runtime (what it refuses is a diagnostic, which is fine)
        let seen = 0;
        fc.assert(
          fc.property(arb.filter(accepted), (g) => {
            seen++;
            ran.push(g.text);
            const why = runOnce(g);
            if (why) throw new Error(`${why}\n--- spec ---\n${g.text}`);
          }),
          { seed: 14, numRuns: runs, endOnFailure: true },
        );
        expect(seen).toBe(runs);
      },
      120_000,
    );
  }
});

describe('check = run: coverage of the registry', () => {
  it('every flow layer, conditional, posterior, net, likelihood, prior and target kind ran at least once', () => {
    expect(ran.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const cat of ['flow', 'conditional', 'posterior', 'net', 'likelihood', 'prior', 'target'] as const) {
      for (const k of kindsOf(cat)) {
        if (k.name === 'level') continue; // a multi-scale block, not a layer (generated inside no spec here)
        if (!ran.some((t) => new RegExp(`\\b${k.name}\\b`).test(t))) missing.push(`${cat}:${k.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
