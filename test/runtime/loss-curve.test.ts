// The loss curve of very short runs (a step or two, a flat loss): every tick and point lies inside
// the plot, tick labels are distinct, step ticks are whole steps, and the points are visible.
import { describe, expect, it } from 'vitest';
import { lossCurveSvg } from '../../runtime/pictures/loss-curve.js';

const PLOT = { top: 32, bottom: 320, left: 64, right: 624 }; // the frame the SVG draws
const gridYs = (svg: string) => [...svg.matchAll(/<line x1="\d+" x2="\d+" y1="([-\d.]+)"/g)].map((m) => Number(m[1]));
const yLabels = (svg: string) => [...svg.matchAll(/<text x="58" y="[-\d.]+" text-anchor="end">([^<]+)</g)].map((m) => m[1]!);
const xLabels = (svg: string) => [...svg.matchAll(/<text x="[-\d.]+" y="336" text-anchor="middle">([^<]+)</g)].map((m) => m[1]!);
const circles = (svg: string) => [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);

describe('loss curve of short runs', () => {
  const cases: Record<string, { step: number; loss?: number; test_nll?: number }[]> = {
    'one step with a held-out value': [{ step: 1, loss: 4.3379, test_nll: 4.1582 }],
    'two steps': [{ step: 1, loss: 565.27, test_nll: 564.38 }, { step: 2, loss: 563.09, test_nll: 562.59 }],
    'a flat loss': Array.from({ length: 5 }, (_, i) => ({ step: i + 1, loss: 2.5 })),
    'a flat loss at zero': Array.from({ length: 3 }, (_, i) => ({ step: i + 1, loss: 0 })),
  };
  for (const [name, pts] of Object.entries(cases)) {
    it(name, () => {
      const svg = lossCurveSvg(pts);
      const ys = gridYs(svg);
      expect(ys.length).toBeGreaterThan(0);
      for (const y of ys) expect(y).toBeGreaterThanOrEqual(PLOT.top - 1e-9), expect(y).toBeLessThanOrEqual(PLOT.bottom + 1e-9);
      const labels = yLabels(svg);
      expect(new Set(labels).size).toBe(labels.length);
      for (const l of xLabels(svg).filter((t) => t !== 'step')) expect(Number.isInteger(Number(l))).toBe(true);
      // every measured value is drawn as a visible mark inside the frame
      const marks = circles(svg);
      const expected = pts.filter((p) => p.test_nll !== undefined).length + (pts.length < 3 ? pts.filter((p) => p.loss !== undefined).length : 0);
      expect(marks.length).toBe(expected);
      for (const [x, y] of marks) {
        expect(x).toBeGreaterThanOrEqual(PLOT.left);
        expect(x).toBeLessThanOrEqual(PLOT.right);
        expect(y).toBeGreaterThanOrEqual(PLOT.top);
        expect(y).toBeLessThanOrEqual(PLOT.bottom);
      }
    });
  }
  it('a short run shows its highest value unclipped (above the lowest)', () => {
    const svg = lossCurveSvg([{ step: 1, loss: 4.3379, test_nll: 4.1582 }]);
    const [train, test] = circles(svg).sort((a, b) => a[1]! - b[1]!);
    expect(train![1]).toBeLessThan(test![1]!); // higher loss → smaller y
  });
});
