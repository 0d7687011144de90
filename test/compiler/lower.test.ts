// Lowering to FlowIR: checked against the bench's published parameter counts (WORKLOADS.md),
// the IR schema, and an independent composition of the MADE masks.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { lowerModel, explicitLogDet } from '../../compiler/lower.js';
import { validateFlowIR } from '../../compiler/ir/schema.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { explainJson } from '../../compiler/explain.js';
import { checkText, errors } from './helpers.js';
import { argsOf, flattenLayers } from '../../compiler/ir/layer-args.js';

function lowerText(text: string, file = 'test.flow'): FlowIR {
  const { models, diagnostics } = checkText(text, file);
  expect(errors(diagnostics)).toEqual([]);
  return lowerModel(models[0]!, { source: text });
}
const lowerSpec = (name: string): FlowIR => lowerText(readFileSync(`specs/${name}`, 'utf8'), `specs/${name}`);

/** reach[d][j]: output row d depends on input j, by multiplying the masks (independent of compiler/proofs) */
function dependency(masks: number[][][], D: number): boolean[][] {
  let reach: boolean[][] = Array.from({ length: D }, (_, j) => Array.from({ length: D }, (_, k) => j === k));
  for (const M of masks)
    reach = M.map((row) => Array.from({ length: D }, (_, j) => row.some((w, v) => w !== 0 && reach[v]![j]!)));
  return reach;
}

describe('FlowIR lowering', () => {
  it('matches the bench parameter counts: W1 36,896, W2 1,035,784, W3 384,962', () => {
    expect(lowerSpec('two_moons.flow').totals.params).toBe(36_896);
    expect(lowerSpec('made_mnist.flow').totals.params).toBe(1_035_784);
    expect(lowerSpec('realnvp_mnist.flow').totals.params).toBe(384_962);
  });

  it('produces IR that validates, is plain JSON, and the validator rejects broken IR', () => {
    const ir = lowerSpec('realnvp_mnist.flow');
    expect(validateFlowIR(ir)).toEqual([]);
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
    const broken = structuredClone(ir) as unknown as { flow: { args: { mask: unknown } }[]; version: number };
    broken.flow[2]!.args.mask = [2, 0];
    broken.version = 99;
    const errs = validateFlowIR(broken);
    expect(errs.length).toBeGreaterThanOrEqual(2);
    expect(errs.join('\n')).toMatch(/version/);
  });

  it('lowers W1 couplings with alternating masks, shapes and locations', () => {
    const ir = lowerSpec('two_moons.flow');
    expect(ir.family).toBe('flow');
    expect(ir.flow!.map((l) => argsOf(l, 'coupling').mask)).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    const c = ir.flow![0]!;
    expect(c.args).toMatchObject({
      type: 'affine',
      maskKind: 'alternate',
      scale: 'tanh',
      net: { kind: 'mlp', hidden: [64, 64], activation: 'relu', zeroInitLast: true },
    });
    expect(c.at).toBe('specs/two_moons.flow:14:7');
    expect(ir.train).toMatchObject({
      batch: 256,
      steps: 1500,
      optimizer: { kind: 'adam', lr: 1e-3 },
      data: { source: 'toy', args: { name: 'moons', noise: 0.05 } },
    });
  });

  it('makes the H·W factor and D explicit in log-det terms', () => {
    expect(explicitLogDet('H·W·Σ_c log|s_c|', [4, 14, 14])).toBe('14·14·Σ_c log|s_c|');
    expect(explicitLogDet('H·W·Σ_c log|s_c|', [6])).toBe('Σ_c log|s_c|');
    const ir = lowerSpec('glow_mnist.flow');
    expect(ir.flow![0]!.logDet).toBe('−784·log 256');
    expect(ir.flow!.find((l) => l.kind === 'actnorm')!.logDet).toBe('14·14·Σ_c log|s_c|');
    expect(ir.flow!.find((l) => l.kind === 'split')).toMatchObject({
      inShape: [16, 7, 7],
      outShape: [8, 7, 7],
      args: { prior: 'fixed' },
    });
  });

  it('builds MADE masks that are autoregressive in the declared order (composed independently)', () => {
    const ir = lowerText(`model A {
  data x: binary[5]
  order [3, 1, 4, 0, 2]
  conditional made(hidden: [7, 6], connectivity: random(seed: 4))
  likelihood bernoulli
}`);
    expect(ir.order).toEqual([3, 1, 4, 0, 2]);
    const cond = ir.conditional as Extract<FlowIR['conditional'], { kind: 'made' }>;
    expect(cond.masks.map((m) => [m.length, m[0]!.length])).toEqual([
      [7, 5],
      [6, 7],
      [5, 6],
    ]);
    const dep = dependency(cond.masks, 5);
    const pos = [3, 1, 4, 0, 2].reduce((p, d, t) => {
      p[d] = t;
      return p;
    }, [] as number[]);
    for (let d = 0; d < 5; d++) for (let j = 0; j < 5; j++) if (dep[d]![j]) expect(pos[j]!).toBeLessThan(pos[d]!);
    // and it is not trivially empty: the last dimension in the order sees something
    expect(dep[2]!.some(Boolean)).toBe(true);
  });

  it('lowers MAF with an order, a MADE emitting (μ, α) per dimension, and permute as a permutation', () => {
    const ir = lowerText(`model F {
  data x: real[4]
  prior normal
  flow {
    maf(hidden: [8], order: reverse)
    permute(reverse)
  }
}`);
    const maf = ir.flow![0]!;
    expect(argsOf(maf, 'maf').order).toEqual([3, 2, 1, 0]);
    const net = argsOf(maf, 'maf').net;
    expect(net.kind).toBe('made');
    expect(net.masks.map((m) => [m.length, m[0]!.length])).toEqual([
      [8, 4],
      [8, 8],
    ]);
    expect(ir.flow![1]!.args).toEqual({ perm: [3, 2, 1, 0] });
    expect(validateFlowIR(ir)).toEqual([]);
  });

  it('lowers VAEs, energy models and variational dequantization with nested flows', () => {
    const vae = lowerSpec('planar_vae.flow');
    expect(vae.family).toBe('vae');
    expect(vae.latent).toEqual({ name: 'z', domain: { kind: 'real' }, shape: [40] });
    expect(vae.posterior!.amortized).toBe(true);
    expect(vae.posterior!.flow).toHaveLength(16);
    expect(vae.encoder).toMatchObject({ kind: 'mlp', hidden: [400, 400] });
    const energy = lowerSpec('planar_energy.flow');
    expect(energy.target).toEqual({ kind: 'energy', name: 'u1' });
    expect(energy.flow).toHaveLength(32);
    const fpp = lowerSpec('flowpp_dequant.flow');
    expect(fpp.flow![0]!.args).toMatchObject({ type: 'variational', K: 256 });
    expect(argsOf(fpp.flow![0]!, 'dequantize').flow!.length).toBe(4);
    for (const ir of [vae, energy, fpp]) expect(validateFlowIR(ir)).toEqual([]);
  });
});

describe('LayerIR.logDet agrees with explain (both from the registry logDetText)', () => {
  const specs = readdirSync('specs')
    .filter((f) => f.endsWith('.flow'))
    .sort();
  it.each(specs)('%s', (f) => {
    const ir = lowerSpec(f);
    const rows = new Map(explainJson(ir).rows.map((r) => [`${r.section}:${r.id}`, r.logDet]));
    const flow = flattenLayers(ir.flow ?? (ir.family === 'energy' ? ir.posterior?.flow : undefined));
    const post = ir.family === 'energy' ? [] : flattenLayers(ir.posterior?.flow);
    for (const l of flow) expect(l.logDet, l.id).toBe(rows.get(`flow:${l.id}`));
    for (const l of post) expect(l.logDet, l.id).toBe(rows.get(`posterior:${l.id}`));
  });

  it('counts the transformed terms of a coupling; a posterior planar keeps its sample-direction term', () => {
    const cpl = lowerSpec('two_moons.flow').flow!.find((l) => l.kind === 'coupling')!;
    expect(cpl.logDet).toBe('Σ_{i∉b} s_i(x_b) (1 term)');
    const vae = lowerSpec('planar_vae.flow');
    const planar = vae.posterior!.flow.find((l) => l.kind === 'planar')!;
    expect(planar.logDet).toMatch(/^log\|1 \+ uᵀψ/);
  });
});
