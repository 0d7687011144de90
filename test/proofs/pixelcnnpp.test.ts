// The PixelCNN++ causality proof (exact dependency propagation through the network's plan) and
// the checker's rules for joint channels, through the real front end.
import { describe, expect, it } from 'vitest';
import { checkText as checkTextBare, codes, errors } from '../compiler/helpers.js';
import { compileSource } from '../../compiler/index.js';
import { DOWN, pixelcnnppPlan, type PlanNode } from '../../compiler/math/pixelcnnpp.js';
import { describePlanViolation, planDependencies, provePlan } from '../../compiler/proofs/pixelcnnpp.js';

const checkText = (text: string) => checkTextBare(text, 'test.flow', { proofs: true });

const spec = (shape: string, order: string, cond: string, lik = 'logistic_mixture(k: 2)') => `model M {
  data x: discrete(256)${shape}
  ${order}
  conditional ${cond}
  likelihood ${lik}
}`;

/** brute force on the plan's own semantics is the runtime's job (test/ar/pixelcnnpp.test.ts); here: raster causality */
function causalPairs(dep: Uint8Array, HW: number): boolean {
  for (let p = 0; p < HW; p++) for (let q = p; q < HW; q++) if (dep[p * HW + q]) return false;
  return true;
}

describe('PixelCNN++ plan proof', () => {
  it('the released layout is causal at several sizes, odd ones included', () => {
    for (const [H, W, scales, resnets] of [
      [28, 28, 3, 2],
      [1, 2, 2, 1],
      [5, 7, 3, 1],
      [8, 8, 4, 1],
    ] as const) {
      const plan = pixelcnnppPlan({ filters: 1, resnets, scales });
      expect(provePlan(plan, H, W).ok, `${H}×${W}`).toBe(true);
      expect(causalPairs(planDependencies(plan, H, W), H * W)).toBe(true);
    }
  });
  it('the last pixel sees every earlier pixel of a 6×6 image (no blind spot)', () => {
    const dep = planDependencies(pixelcnnppPlan({ filters: 1, resnets: 2, scales: 2 }), 6, 6);
    const last = 35;
    for (let q = 0; q < last; q++) expect(dep[last * 36 + q], `pixel ${q}`).toBe(1);
  });
  it('a first conv without its shift: the witness names the pixel and the layer', () => {
    const plan = pixelcnnppPlan({ filters: 1, resnets: 1, scales: 2 });
    delete (plan[1] as Extract<PlanNode, { op: 'conv' }>).shift;
    const p = provePlan(plan, 4, 4);
    expect(p.ok).toBe(false);
    expect(describePlanViolation(p.violation!)).toBe(
      'pixel (0,0) reaches its own prediction through the first u conv (2×3, shifted down)',
    );
  });
  it("a ul block with the u stream's centred kernel reads its right neighbour, which has seen the pixel", () => {
    const plan = pixelcnnppPlan({ filters: 1, resnets: 1, scales: 1 });
    const i = plan.findIndex((n) => n.op === 'gated' && n.label.includes('ul stream'));
    (plan[i] as Extract<PlanNode, { op: 'gated' }>).g = DOWN;
    const p = provePlan(plan, 3, 3);
    expect(p.ok).toBe(false);
    expect(p.violation!.node).toBe(i);
    expect(describePlanViolation(p.violation!)).toBe(
      'pixel (0,0) reaches its own prediction through up pass, scale 0, block 1 (ul stream)',
    );
  });
});

describe('joint channels in the checker', () => {
  it('pixelcnnpp on RGB with raster(channels: joint) checks clean and lowers to joint channels', () => {
    const text = spec('[3, 8, 8]', 'order raster(channels: joint)', 'pixelcnnpp(filters: 8, resnets: 1, scales: 2)');
    expect(errors(checkText(text).diagnostics)).toEqual([]);
    const r = compileSource(text, 'test.flow');
    const ir = r.ir!;
    expect(ir.channels).toBe('joint');
    // the released code's 10 parameters per component for RGB
    expect(ir.conditional).toMatchObject({ kind: 'pixelcnnpp', filters: 8, resnets: 1, scales: 2, outputs: 20 });
  });
  it('pixelcnnpp on RGB with sequential channels is refused (FC607)', () => {
    const text = spec('[3, 8, 8]', 'order raster(channels: sequential)', 'pixelcnnpp(filters: 8)');
    const { diagnostics } = checkText(text);
    expect(codes(errors(diagnostics))).toEqual(['FC607']);
    expect(errors(diagnostics)[0]!.message).toContain('raster(channels: joint)');
  });
  it('a masked-conv pixelcnn on RGB with joint channels is refused (FC607): its masks order R, G, B', () => {
    const { diagnostics } = checkText(
      spec(
        '[3, 8, 8]',
        'order raster(channels: joint)',
        'pixelcnn { conv(mask: A, kernel: 3, channels: 6) }',
        'categorical',
      ),
    );
    expect(codes(errors(diagnostics))).toEqual(['FC607']);
  });
  it('one grey channel: joint and sequential are the same order, both accepted', () => {
    for (const ch of ['joint', 'sequential']) {
      const text = spec('[1, 8, 8]', `order raster(channels: ${ch})`, 'pixelcnnpp(filters: 8)');
      expect(errors(checkText(text).diagnostics)).toEqual([]);
    }
  });
});
