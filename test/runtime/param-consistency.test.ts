// The compiler's parameter counts (registry `params` rules → LayerIR.params, FlowIR.totals.params,
// shown by `flowc explain`) must describe exactly the tensors the runtime builds (model.variables),
// for every shipped spec. Models are only built, never run.
//  - totals: ir.totals.params === Σ sizes of the trainable variables. The only non-trainable
//    variables allowed are ActNorm's data-init flags (`<id>.initialized`, a scalar buffer per
//    actnorm(data_init: true), carried so checkpoints remember the init) and flowpp(weight_norm: true)'s
//    `<net>.wn_initialized` — state, not parameters. Specs: specs/, bench/specs/, bench/flowpp/.
//  - flow layers (flow, VAE posterior; nested dequantization flows too): the variables named
//    `<layer.id>.<param name>` are exactly LayerIR.params, name by name and shape by shape.
//  - autoregressive conditionals: the registry's conditionalParamSpecs shapes (as a multiset) are the
//    runtime's; for pixelrnn also the names (`…/pixelrnn/<registry name with the last '.' → '/'>`).
import { readFileSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR, LayerIR } from '../../compiler/ir/types.js';
import { conditionalOf, conditionalParamSpecs } from '../../compiler/registry/conditionals.js';
import { likelihoodOutputs } from '../../compiler/registry/likelihoods.js';
import { build } from '../../runtime/build.js';
import { flattenLayers } from '../../compiler/ir/layer-args.js';

/** every flow layer of the IR, nested dequantization flows included */
const flowLayers = (ir: FlowIR): LayerIR[] => [...flattenLayers(ir.flow), ...flattenLayers(ir.posterior?.flow)];

const specFiles = ['specs', 'bench/specs', 'bench/flowpp'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.flow') || f.endsWith('.flow.yaml'))
    .sort()
    .map((f) => `${dir}/${f}`),
);

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
/** ParamStore / makeVariable suffix a name already registered (#k, ~k): strip it */
const stable = (name: string): string => name.replace(/(#|~)\d+$/, '');

function compile(file: string): FlowIR {
  const r = compileSource(readFileSync(file, 'utf8'), file);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.ir).toBeDefined();
  return r.ir!;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('compiler parameter counts = runtime variables', () => {
  it('finds the specs', () => {
    expect(specFiles.length).toBeGreaterThanOrEqual(20);
    for (const f of [
      'specs/pixelrnn_row_lstm.flow',
      'specs/pixelrnn_diagonal_bilstm.flow',
      'specs/glow_mnist.flow',
      'specs/flowpp_dequant.flow',
      'specs/maf_mnist.flow',
    ]) {
      expect(specFiles).toContain(f);
    }
  });

  for (const file of specFiles) {
    it(
      file,
      () => {
        const ir = compile(file);
        const model = build(ir);
        try {
          const vars = model.variables.map((v) => ({
            name: stable(v.name),
            shape: [...v.shape],
            trainable: v.trainable,
          }));
          // names are unique, so the per-layer matching below is well defined
          expect(new Set(vars.map((v) => v.name)).size).toBe(vars.length);

          const buffers = vars.filter((v) => !v.trainable);
          const actnormFlags = flowLayers(ir)
            .filter((l) => l.kind === 'actnorm' && (l.args as { dataInit?: boolean }).dataInit !== false)
            .map((l) => `${l.id}.initialized`);
          // flowpp(…, weight_norm: true) nets carry their data-init flag the same way
          const wnFlags = flowLayers(ir).flatMap((l) => {
            const net = (l.args as { net?: { kind?: string; weightNorm?: boolean } }).net;
            if (net?.kind !== 'flowpp' || !net.weightNorm) return [];
            return [`${l.id}.${l.kind === 'dequantize' ? 'q.cond' : 'net'}.wn_initialized`];
          });
          expect(buffers.map((v) => v.name).sort()).toEqual([...actnormFlags, ...wnFlags].sort());
          for (const b of buffers) expect(b.shape).toEqual([]);

          const trainable = vars.filter((v) => v.trainable);
          expect(trainable.reduce((a, v) => a + size(v.shape), 0)).toBe(ir.totals.params);

          // per flow layer: the variables under `<id>.` (not under a nested layer's id) are LayerIR.params
          const layers = flowLayers(ir);
          const owner = (name: string): LayerIR | undefined =>
            layers.filter((l) => name.startsWith(`${l.id}.`)).sort((a, b) => b.id.length - a.id.length)[0];
          // an amortized posterior's planar/radial parameters are encoder outputs (not counted, no
          // variables); its other layers (coupling, IAF) keep their own variables (compiler/lower.ts)
          const amortized = new Set(
            ir.posterior?.amortized
              ? flowLayers({ ...ir, flow: [] })
                  .filter((l) => l.kind === 'planar' || l.kind === 'radial')
                  .map((l) => l.id)
              : [],
          );
          for (const l of layers) {
            const want = amortized.has(l.id) ? {} : Object.fromEntries(l.params.map((p) => [p.name, p.shape]));
            const got = Object.fromEntries(
              trainable.filter((v) => owner(v.name) === l).map((v) => [v.name.slice(l.id.length + 1), v.shape]),
            );
            expect({ layer: l.id, params: got }).toEqual({ layer: l.id, params: want });
          }

          if (ir.family === 'autoregressive' && ir.conditional) {
            const cond = conditionalOf(ir.conditional)!;
            const o = likelihoodOutputs(ir.likelihood, (ir.data.domain as { K?: number }).K);
            const specs = conditionalParamSpecs(cond, ir.data.shape, o);
            const key = (s: readonly number[]): string => s.join('×');
            const likelihoodVars = trainable.length - specs.length; // e.g. learned likelihood scales, if any
            expect(likelihoodVars).toBeGreaterThanOrEqual(0);
            const condShapes = specs.map((p) => key(p.shape)).sort();
            const varShapes = trainable.map((v) => key(v.shape)).sort();
            for (const s of new Set(condShapes)) {
              expect({ shape: s, n: varShapes.filter((x) => x === s).length }).toEqual({
                shape: s,
                n: condShapes.filter((x) => x === s).length,
              });
            }
            if (cond.name === 'pixelrnn') {
              const names = trainable.map((v) => v.name.replace(/^.*\/pixelrnn\//, '').replace(/\/(W|b)$/, '.$1'));
              expect(Object.fromEntries(trainable.map((v, i) => [names[i], v.shape]))).toEqual(
                Object.fromEntries(specs.map((p) => [p.name, p.shape])),
              );
            }
          }
        } finally {
          model.dispose();
        }
      },
      60_000,
    );
  }
});
