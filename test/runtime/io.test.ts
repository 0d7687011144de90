// Save / load round trip (model.json + weights.bin in tfjs's IO format), and build() dispatch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../runtime/build.js';
import { loadModel, saveModel } from '../../runtime/io.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Rng } from '../../runtime/rng.js';
import { channelMask, checkerboard, coupling, flowIR, layer, resnet } from './ir-fixtures.js';
import { multiScaleIR } from './cases.js';
import { perturb, randn } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-io-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('save / load', () => {
  it('round-trips logProb of a trained multi-scale model (actnorm data init included)', async () => {
    const ir = multiScaleIR('conditional', 4);
    ir.flow!.splice(4, 1, layer('actnorm', [4, 2, 2], { dataInit: true }, undefined, 'flow.ms.actnorm'));
    const model = build(ir);
    perturb(model, 0.05);
    const x = tf.tidy(() => tf.add(randn([6, 1, 4, 4], 2), 1));
    const t = createTrainer(model, { lr: 1e-3 });
    for (let k = 0; k < 3; k++) t.step(x);
    const want = model.logProb(x).dataSync().slice();
    const out = join(dir, 'ms');
    await saveModel(model, out);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.modelTopology.flow.length).toBe(ir.flow!.length);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    model.dispose();
    t.dispose();
    const loaded = loadModel(out);
    const got = loaded.logProb(x).dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    loaded.dispose();
    x.dispose();
  });

  it('a saved dequantized model keeps its discrete bound', async () => {
    const ir = flowIR({
      shape: [1, 2, 2],
      domain: { kind: 'discrete', K: 16 },
      flow: [
        layer('dequantize', [1, 2, 2], { type: 'uniform', K: 16 }),
        layer('logit', [1, 2, 2], { alpha: 0.05 }),
        coupling([1, 2, 2], checkerboard(1, 2, 2), resnet(1, 4)),
      ],
    });
    const model = build(ir);
    perturb(model, 0.1);
    const x = tf.tensor(
      new Rng(3).uniformArray(8).map((v) => Math.floor(v * 16)),
      [2, 1, 2, 2],
    );
    model.rng!.setState({ s: 5, spare: null });
    const want = model.logProb(x).dataSync().slice();
    await saveModel(model, join(dir, 'dq'));
    model.dispose();
    const loaded = loadModel(join(dir, 'dq'));
    loaded.rng!.setState({ s: 5, spare: null });
    const got = loaded.logProb(x).dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    loaded.dispose();
    x.dispose();
  });

  it('loading a folder without a flowc model.json is an error, not a crash', () => {
    expect(() => loadModel(join(dir, 'nothing-here'))).toThrow();
  });
});

describe('build', () => {
  it('names variables LayerIR.id + parameter', () => {
    const ir = flowIR({ shape: [4, 2, 2], flow: [coupling([4, 2, 2], channelMask(4, 2, 2), resnet(1, 4))] });
    const id = ir.flow![0].id;
    const model = build(ir);
    const names = model.variables.map((v) => v.name);
    expect(names).toContain(`${id}.net.in.W`);
    expect(names).toContain(`${id}.net.out.b`);
    expect(names.every((n) => n.startsWith(`${id}.`))).toBe(true);
    model.dispose();
  });

  it('rejects unknown families and layer kinds with a clear error', () => {
    const ir = { ...flowIR({ shape: [2], flow: [] }), family: 'bogus' as unknown as 'flow' };
    expect(() => build(ir)).toThrow(/bogus/);
    expect(() => build(flowIR({ shape: [2], flow: [layer('wobble', [2])] }))).toThrow(/wobble/);
  });
});

describe('trace', () => {
  it('returns every layer in order, and its log-dets add up to forward()', () => {
    const model = build(multiScaleIR('fixed', 2));
    perturb(model, 0.1);
    const x = randn([3, 1, 4, 4], 1);
    const tr = model.trace!(x);
    expect(tr.map((t) => t.id)).toEqual(model.ir.flow!.map((l) => l.id));
    const sum = tf.addN(tr.map((t) => t.logDet));
    const { z, logDet } = model.forward!(x);
    for (let i = 0; i < 3; i++) expect(sum.dataSync()[i]).toBeCloseTo(logDet.dataSync()[i], 4);
    tf.dispose([sum, z, logDet, x, ...tr.flatMap((t) => [t.output, t.logDet])]);
    model.dispose();
  });
});
