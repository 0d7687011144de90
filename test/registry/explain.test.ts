// explain / explainJson on hand-built FlowIRs: the objective, each layer's formula and direction, and totals
// recomputed here by hand from the models' layer lists.
import { describe, expect, it } from 'vitest';
import { explain, explainJson } from '../../compiler/explain.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { logDetText } from '../../compiler/registry/index.js';
import * as I from './irs.js';

const denseP = (i: number, o: number) => i * o + o;
const convP = (k: number, i: number, o: number) => k * k * i * o + o;

describe('explain: RealNVP on two moons (W1)', () => {
  const ir = I.twoMoonsIR();
  const j = explainJson(ir);
  const text = explain(ir);
  it('states the change-of-variables objective', () => {
    expect(text).toContain('log p(x) = log p_Z(f(x)) + Σ_k log|det ∂f_k/∂h_{k−1}|');
    expect(text.split('\n')[0]).toBe('model TwoMoons · flow · data x: real[2] · prior N(0, I)');
  });
  it('lists 8 block-triangular couplings with the coupling log-det, closed both ways', () => {
    const rows = j.rows.filter((r) => r.section === 'flow');
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 8 }, (_, l) => `flow.${l}.coupling`));
    for (const r of rows) {
      expect(r.jacobian).toBe('block-triangular');
      expect(r.logDet).toContain('Σ_{i∉b} s_i(x_b)');
      expect([r.density, r.sample]).toEqual(['closed', 'closed']);
    }
  });
  it('totals 36,896 parameters and the hand-counted FLOPs', () => {
    const perLayer = denseP(2, 64) + denseP(64, 64) + denseP(64, 4);
    expect(j.totals.params).toBe(8 * perLayer);
    expect(j.totals.params).toBe(36896);
    expect(j.totals.flops).toBe(8 * (2 * 64 + 64 * 64 + 64 * 4 + 3 * 2));
    expect(text).toContain('36,896 parameters');
    expect(j.totals.logDet).toBe('8 × [Σ_{i∉b} s_i(x_b) (1 term)]');
  });
});

describe('explain: multi-scale layers with explicit H·W factors', () => {
  const j = explainJson(I.glowIR());
  const row = (kind: string) => j.rows.find((r) => r.kind === kind)!;
  it('writes dequantize, logit, actnorm, invconv and split terms for their shapes', () => {
    expect(row('dequantize').logDet).toBe('−16·log 256');
    expect(row('logit').logDet).toBe('Σ [log(1−2α) − log p − log(1−p)], α = 0.05');
    expect(row('squeeze')).toMatchObject({
      inShape: [1, 4, 4],
      outShape: [4, 2, 2],
      jacobian: 'permutation',
      logDet: '0',
    });
    expect(row('actnorm').logDet).toBe('2·2·Σ_c log|s_c|');
    expect(row('invconv1x1').logDet).toBe('2·2·Σ log|diag U|');
    expect(row('split')).toMatchObject({ outShape: [2, 2, 2], logDet: '0 (+ log p(z_out), 8 dims)' });
  });
  it('counts actnorm 2C and LU invconv 2C² + C', () => {
    expect(row('actnorm').params).toBe(2 * 4);
    expect(row('invconv1x1').params).toBe(2 * 16 + 4);
    expect(j.totals.params).toBe(8 + 36);
  });
  it('sums the non-zero log-det terms', () => {
    expect(j.totals.logDet).toBe(
      '−16·log 256 + Σ [log(1−2α) − log p − log(1−p)] + 2·2·Σ_c log|s_c| + 2·2·Σ log|diag U|',
    );
  });
});

describe('explain: autoregressive models', () => {
  it('PixelCNN (W4): the factorization, one row per masked conv, 47,873 parameters', () => {
    const ir = I.pixelCnnIR();
    const j = explainJson(ir);
    const text = explain(ir);
    expect(text).toContain('log p(x) = Σ_i log p(x_{o(i)} | x_{o(<i)})');
    expect(text).toContain('o = natural (x_0, x_1, …, x_783)');
    const rows = j.rows.filter((r) => r.section === 'conditional');
    expect(rows).toHaveLength(7);
    expect(rows[0]!.kind).toBe('conv 7×7 mask A + relu');
    expect(rows.slice(1, 6).every((r) => r.kind === 'conv 3×3 mask B + relu')).toBe(true);
    expect(rows[6]).toMatchObject({ kind: 'conv 1×1', inShape: [32, 28, 28], outShape: [1, 28, 28] });
    const byHand = convP(7, 1, 32) + 5 * convP(3, 32, 32) + convP(1, 32, 1);
    expect(j.totals.params).toBe(byHand);
    expect(j.totals.params).toBe(47873);
    expect(j.totals.flops).toBe(784 * (49 * 32 + 5 * 9 * 32 * 32 + 32));
  });
  it('MADE (W2): masked dense layers, the reverse order, 1,035,784 parameters', () => {
    const ir = I.madeIR();
    const j = explainJson(ir);
    expect(j.totals.params).toBe(denseP(784, 500) + denseP(500, 500) + denseP(500, 784));
    expect(j.totals.params).toBe(1035784);
    expect(explain(ir)).toContain('o = reverse (x_783, …, x_0)');
  });
});

describe('explain: planar layers in each direction', () => {
  it('VAE: the ELBO, posterior terms in the sample direction, encoder emitting the amortized flow parameters', () => {
    const ir = I.planarVaeIR();
    const j = explainJson(ir);
    expect(j.objective[0]).toContain(
      'ELBO(x) = E_{q_0(z_0|x)}[log p(x|z_K) + log p(z_K) − log q_0(z_0|x) + Σ_k log|det ∂f_k/∂z_{k−1}|]',
    );
    const post = j.rows.filter((r) => r.section === 'posterior');
    expect(post).toHaveLength(4);
    for (const r of post) expect(r.logDet).toBe('log|1 + uᵀψ(z)|, ψ(z) = h′(wᵀz + b)w');
    const enc = j.rows.find((r) => r.section === 'encoder')!;
    const perExample = 4 * (40 + 40 + 1); // u, w, b of 4 planar layers on R^40
    expect(enc.outShape).toEqual([2 * 40 + perExample]);
    expect(enc.params).toBe(denseP(784, 400) + denseP(400, 400) + denseP(400, 2 * 40 + perExample));
    const dec = j.rows.find((r) => r.section === 'decoder')!;
    expect(dec.params).toBe(denseP(40, 400) + denseP(400, 400) + denseP(400, 784));
    expect(j.totals.params).toBe(enc.params + dec.params);
  });
  it('energy fit (W5): reverse KL objective, 16 planar layers, 80 parameters', () => {
    const ir = I.planarEnergyIR();
    const text = explain(ir);
    expect(text).toContain('KL(q_K ‖ p) − log Z = E_{z_0∼q_0}[log q_0(z_0) − Σ_k log|det ∂f_k/∂z_{k−1}| + U(z_K)]');
    expect(text).toContain('p(z) ∝ exp(−U1(z))');
    expect(explainJson(ir).totals.params).toBe(16 * 5);
  });
  it('density flow: planar and IAF contribute the negated (inverse-direction) term', () => {
    const j = explainJson(I.planarDensityIR());
    expect(j.rows[0]!.logDet).toBe('−log|1 + uᵀψ(z)|, ψ(z) = h′(wᵀz + b)w');
    expect(j.rows[1]!.logDet).toBe('−Σ_i log σ_i');
    expect(j.rows[1]).toMatchObject({ density: 'sequential', sample: 'closed', jacobian: 'triangular' });
  });
});

describe('explain: robustness and the IR as source of truth', () => {
  it('derives the term for the direction of use, and falls back to the IR’s term for kinds the registry lacks', () => {
    const ir = I.planarDensityIR();
    ir.flow![0]!.logDet = 'log|1 + uᵀψ(z)|'; // a generic, direction-blind term from lowering
    expect(explainJson(ir).rows[0]!.logDet).toBe('−log|1 + uᵀψ(z)|, ψ(z) = h′(wᵀz + b)w');
    ir.flow![1] = { ...ir.flow![1]!, kind: 'futurelayer' as never, logDet: 'Σ log|f′(x_i)|' };
    expect(explainJson(ir).rows[1]!.logDet).toBe('Σ log|f′(x_i)|');
  });
  it('never throws on partial or unknown input, and its JSON round-trips', () => {
    const weird = {
      version: 1,
      model: 'W',
      family: 'flow',
      data: { name: 'x', domain: { kind: 'real' }, shape: [3] },
      flow: [
        {
          kind: 'mystery',
          id: 'flow.0.mystery',
          inShape: [3],
          outShape: [3],
          args: {},
          params: [],
          jacobian: '',
          logDet: '',
          directions: { density: 'closed', sample: 'closed' },
        },
      ],
      train: { batch: 1, seed: 0, optimizer: { kind: 'adam', lr: 1, beta1: 0, beta2: 0, eps: 1 } },
      totals: { params: 0, flops: 0, activationBytes: 0 },
    } as unknown as FlowIR;
    expect(() => explain(weird)).not.toThrow();
    expect(explainJson(weird).rows[0]!.logDet).toBe('?');
    const j = explainJson(I.glowIR());
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('logDetText', () => {
  it('makes H·W, D and K explicit and counts transformed dimensions', () => {
    expect(logDetText('actnorm', [3, 32, 32], {})).toBe('32·32·Σ_c log|s_c|');
    expect(logDetText('actnorm', [5], {})).toBe('Σ_c log|s_c|');
    expect(logDetText('invconv1x1', [12, 16, 16], { lu: false })).toBe('16·16·log|det W|');
    expect(logDetText('dequantize', [3, 32, 32], { type: 'variational', K: 256 })).toBe('−3072·log 256 − log q(u|x)');
    expect(logDetText('coupling', [4], { type: 'affine', mask: [1, 0, 0, 1] })).toBe('Σ_{i∉b} s_i(x_b) (2 terms)');
    expect(logDetText('coupling', [4], { type: 'additive', mask: [1, 0, 0, 1] })).toBe('0');
    expect(logDetText('radial', [40], {}, 'sample')).toBe('(40−1)·log(1 + βh(α,r)) + log(1 + βh(α,r) + βh′(α,r)r)');
  });
  it('negates for the other direction, with parentheses only around top-level sums', () => {
    expect(logDetText('radial', [2], {}, 'density')).toBe('−((2−1)·log(1 + βh(α,r)) + log(1 + βh(α,r) + βh′(α,r)r))');
    expect(logDetText('maf', [4], {}, 'sample')).toBe('Σ_i α_i');
    expect(logDetText('iaf', [4], {}, 'sample')).toBe('Σ_i log σ_i');
    expect(logDetText('squeeze', [4, 2, 2], {}, 'sample')).toBe('0');
    expect(logDetText('nonexistent', [4], {})).toBe('');
  });
});
