// Layer arguments are declared once (compiler/ir/layer-args.ts): the kinds are the registry's flow
// kinds, every spec's lowered IR satisfies them, and a model or checkpoint whose IR does not is
// refused when it is read — with the place and what is wrong, before anything is built.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { LAYER_ARGS, LAYER_KIND_NAMES, IR_PLANAR_ACTIVATIONS, flattenLayers } from '../../compiler/ir/layer-args.js';
import { validateFlowIR } from '../../compiler/ir/schema.js';
import { PLANAR_ACTIVATIONS, STRUCTURAL_FLOW_KINDS, kindsOf } from '../../compiler/registry/index.js';
import { build } from '../../runtime/build.js';
import { loadModel, saveModel } from '../../runtime/io.js';
import { FlowIRError } from '../../runtime/ir-check.js';

const specFiles = ['specs', 'bench/specs'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.flow'))
    .sort()
    .map((f) => `${dir}/${f}`),
);

const TWO_MOONS = readFileSync('specs/two_moons.flow', 'utf8');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FlowIR layer arguments', () => {
  it('cover exactly the registry flow kinds (structural ones such as level lower into these)', () => {
    const lowered = kindsOf('flow')
      .map((k) => k.name)
      .filter((n) => !STRUCTURAL_FLOW_KINDS.has(n));
    expect([...LAYER_KIND_NAMES].sort()).toEqual(lowered.sort());
    expect(Object.keys(LAYER_ARGS).sort()).toEqual([...LAYER_KIND_NAMES].sort());
    // the IR's planar activations are the registry's minus those the invertibility proof rejects
    expect(PLANAR_ACTIVATIONS.filter((a) => !(IR_PLANAR_ACTIVATIONS as readonly string[]).includes(a)).sort()).toEqual([
      'relu',
      'sin',
    ]);
  });

  it('are satisfied by every layer of every spec in the library', () => {
    let n = 0;
    for (const file of specFiles) {
      const { ir } = compileSource(readFileSync(file, 'utf8'), file);
      expect(ir, file).toBeDefined();
      expect(validateFlowIR(ir), file).toEqual([]); // the layer arguments included (LAYER_ARGS per kind)
      for (const l of [...flattenLayers(ir!.flow), ...flattenLayers(ir!.posterior?.flow)]) {
        n++;
        expect(LAYER_KIND_NAMES, `${file} ${l.id}`).toContain(l.kind);
      }
    }
    expect(n).toBeGreaterThan(50);
  });

  it('a wrong or unknown argument is a schema error at its path', () => {
    const ir = compileSource(TWO_MOONS, 'two_moons.flow').ir!;
    const bad = structuredClone(ir) as unknown as { flow: { args: Record<string, unknown> }[] };
    bad.flow[0]!.args.scale = 'cube';
    expect(validateFlowIR(bad).join('\n')).toMatch(/\/flow\/0\/args\/scale/);
    const extra = structuredClone(ir) as unknown as { flow: { args: Record<string, unknown> }[] };
    extra.flow[1]!.args.widht = 3;
    expect(validateFlowIR(extra).join('\n')).toMatch(/\/flow\/1\/args must NOT have additional properties/);
  });

  it('loadModel refuses a model.json whose IR does not match, naming the file and the mismatch', async () => {
    const ir = compileSource(TWO_MOONS, 'two_moons.flow').ir!;
    const dir = mkdtempSync(join(tmpdir(), 'flowc-ir-'));
    const model = build(ir);
    await saveModel(model, dir);
    model.dispose?.();
    const ok = loadModel(dir);
    ok.dispose?.();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.modelTopology.flow[0].args.mask = 'alternate';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    expect(() => loadModel(dir)).toThrow(FlowIRError);
    expect(() => loadModel(dir)).toThrow(/model\.json holds a model this flowc cannot build: \/flow\/0\/args\/mask/);
    json.modelTopology.version = 99;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    expect(() => loadModel(dir)).toThrow(/FlowIR of version 99; this flowc reads version 1/);
  });
});
