// The autoregressive property, checked numerically: changing input x_j changes only the
// conditionals of dimensions after j in the order, never those at or before j.
import { beforeAll, describe, expect, it } from 'vitest';
import { allCases } from './cases.js';
import { build, paramsHost, useCpu } from './helpers.js';
import { Rng } from '../../runtime/rng.js';

beforeAll(useCpu);

describe('perturbing x_j changes only later conditionals', () => {
  for (const c of allCases()) {
    it(c.name, () => {
      const m = build(c.spec);
      const D = m.D;
      const P = m.likelihood.P;
      const rng = new Rng(17);
      const n = 6;
      const x = Float32Array.from({ length: n * D }, () => Math.floor(rng.uniform() * c.K));
      const base = paramsHost(m, x);
      const pos = new Array<number>(D);
      m.order.forEach((d, t) => {
        pos[d] = t;
      });
      const isMade = c.spec.conditional.kind === 'made';
      let live = 0;
      for (const j of m.order) {
        const y = x.slice();
        for (let s = 0; s < n; s++) y[s * D + j] = (x[s * D + j]! + 1) % c.K;
        const pj = paramsHost(m, y);
        let later = 0;
        for (let d = 0; d < D; d++) {
          let diff = 0;
          for (let s = 0; s < n; s++)
            for (let p = 0; p < P; p++) {
              const i = (s * D + d) * P + p;
              diff = Math.max(diff, Math.abs(pj[i]! - base[i]!));
            }
          if (pos[d]! <= pos[j]!) expect(diff, `x[${j}] reaches p(x[${d}])`).toBe(0);
          else later += diff;
        }
        if (pos[j]! < D - 1 && later > 0) live++;
        // MADE with random connectivity may leave a dimension unconnected; the others may not
        if (pos[j]! < D - 1 && !isMade) expect(later, `x[${j}] reaches no later conditional`).toBeGreaterThan(0);
      }
      expect(live).toBeGreaterThanOrEqual(isMade ? Math.ceil((D - 1) / 2) : D - 1);
      m.dispose();
    });
  }
});

describe('receptive field', () => {
  // a 3×4 image: pixel (1, 3) is one row up and two columns right of the target (2, 1): a
  // plain stack of 3×3 masked convs only moves right by going up (its blind spot, at any depth),
  // Gated PixelCNN's vertical stack covers it
  const shape = [1, 3, 4];
  const upRight = 1 * 4 + 3;
  const target = 2 * 4 + 1;
  function reach(kind: 'pixelcnn' | 'gated'): number {
    const m = build({
      domain: { kind: 'binary' },
      shape,
      likelihood: { kind: 'bernoulli' },
      conditional:
        kind === 'gated'
          ? { kind: 'gated_pixelcnn', layers: 3, channels: 4, kernel: 3 }
          : {
              kind: 'pixelcnn',
              layers: [
                { mask: 'A', kernel: 3, channels: 4, activation: 'relu', residual: false },
                { mask: 'B', kernel: 3, channels: 4, activation: 'relu', residual: false },
                { mask: 'B', kernel: 3, channels: 4, activation: 'relu', residual: false },
                { mask: 'B', kernel: 1, channels: 1, activation: 'none', residual: false },
              ],
            },
    });
    const x = new Float32Array(12);
    const a = paramsHost(m, x)[target]!;
    x[upRight] = 1;
    const b = paramsHost(m, x)[target]!;
    m.dispose();
    return Math.abs(a - b);
  }
  it('plain PixelCNN has a blind spot up-right', () => expect(reach('pixelcnn')).toBe(0));
  it('Gated PixelCNN sees it (no blind spot)', () => expect(reach('gated')).toBeGreaterThan(0));
});
