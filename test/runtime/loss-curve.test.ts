// The loss curve of very short runs (a step or two, a flat loss): every tick and point lies inside
// the plot, tick labels are distinct, step ticks are whole steps, and the points are visible.
import { describe, expect, it } from 'vitest';
import { lossCurveSvg } from '../../runtime/pictures/loss-curve.js';

const PLOT = { top: 32, bottom: 320, left: 64, right: 624 }; // the frame the SVG draws
const gridYs = (svg: string) => [...svg.matchAll(/<line x1="\d+" x2="\d+" y1="([-\d.]+)"/g)].map((m) => Number(m[1]));
const yLabels = (svg: string) =>
  [...svg.matchAll(/<text x="58" y="[-\d.]+" text-anchor="end">([^<]+)</g)].map((m) => m[1]!);
const xLabels = (svg: string) =>
  [...svg.matchAll(/<text x="[-\d.]+" y="336" text-anchor="middle">([^<]+)</g)].map((m) => m[1]!);
const circles = (svg: string) =>
  [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);

describe('loss curve of short runs', () => {
  const cases: Record<string, { step: number; loss?: number; test_nll?: number }[]> = {
    'one step with a held-out value': [{ step: 1, loss: 4.3379, test_nll: 4.1582 }],
    'two steps': [
      { step: 1, loss: 565.27, test_nll: 564.38 },
      { step: 2, loss: 563.09, test_nll: 562.59 },
    ],
    'a flat loss': Array.from({ length: 5 }, (_, i) => ({ step: i + 1, loss: 2.5 })),
    'a flat loss at zero': Array.from({ length: 3 }, (_, i) => ({ step: i + 1, loss: 0 })),
  };
  for (const [name, pts] of Object.entries(cases)) {
    it(name, () => {
      const svg = lossCurveSvg(pts);
      const ys = gridYs(svg);
      expect(ys.length).toBeGreaterThan(0);
      for (const y of ys) {
        expect(y).toBeGreaterThanOrEqual(PLOT.top - 1e-9);
        expect(y).toBeLessThanOrEqual(PLOT.bottom + 1e-9);
      }
      const labels = yLabels(svg);
      expect(new Set(labels).size).toBe(labels.length);
      for (const l of xLabels(svg).filter((t) => t !== 'step')) expect(Number.isInteger(Number(l))).toBe(true);
      // every measured value is drawn as a visible mark inside the frame
      const marks = circles(svg);
      const expected =
        pts.filter((p) => p.test_nll !== undefined).length +
        (pts.length < 3 ? pts.filter((p) => p.loss !== undefined).length : 0);
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

describe('loss curve: full range or a marked clip, and its unit', () => {
  const topLabel = (svg: string) => Math.max(...yLabels(svg).map(Number));
  it('an early spike far above the rest is clipped, and the clip says so', () => {
    const pts = Array.from({ length: 200 }, (_, i) => ({ step: i + 1, loss: i < 2 ? 500 : 5 - i / 100 }));
    const svg = lossCurveSvg(pts);
    const m = /clipped: (\d+) values above ([\d.]+) \(max 500\)/.exec(svg)!;
    expect(m).not.toBeNull();
    expect(Number(m[1])).toBe(pts.filter((p) => p.loss > Number(m[2])).length);
    expect(Number(m[2])).toBeLessThan(5);
    expect(svg).toContain('stroke-dasharray');
    expect(topLabel(svg)).toBeLessThan(10);
  });
  it('a smooth curve of many steps keeps its full range (no clip)', () => {
    const pts = Array.from({ length: 200 }, (_, i) => ({ step: i + 1, loss: 6 - i / 50 }));
    const svg = lossCurveSvg(pts);
    expect(svg).not.toContain('clipped');
    // the first (highest) value is inside the plot: its point is at the top of the frame
    const first = /<path d="M([-\d.]+),([-\d.]+)/.exec(svg)!;
    expect(Number(first[2])).toBeCloseTo(PLOT.top, 0);
  });
  it('the y axis names its unit', () => {
    expect(lossCurveSvg([{ step: 1, loss: 0.2 }], 'M', 'bits/dim')).toMatch(/rotate\(-90[^>]*>bits\/dim</);
  });
});

describe('writeLossCurve', () => {
  it('plots bits/dim for discrete data (metrics with bits_per_dim) and nats/example otherwise', async () => {
    const { curveOf } = await import('../../runtime/pictures/model-pictures.js');
    const bits = curveOf([{ step: 1, loss: 543, bits_per_dim: 1, test_nll: 500, test_bits_per_dim: 0.92 }]);
    expect(bits.unit).toBe('bits/dim');
    expect(bits.points).toEqual([{ step: 1, loss: 1, test_nll: 0.92 }]);
    const nats = curveOf([{ step: 1, loss: 2.3 }]);
    expect(nats).toEqual({ unit: 'nats/example', points: [{ step: 1, loss: 2.3 }] });
  });
  it('writes loss.svg titled with the unit it plots', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { writeLossCurve } = await import('../../runtime/pictures/model-pictures.js');
    const dir = mkdtempSync(join(tmpdir(), 'flowc-curve-'));
    const lines = ['{"step":1,"loss":543.2,"bits_per_dim":0.9996}', '{"step":2,"loss":500,"bits_per_dim":0.92}'];
    writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
    const svg = readFileSync(writeLossCurve(dir, 'Made: training loss (nats/example)')!, 'utf8');
    expect(svg).toContain('>Made: training loss (bits/dim)<');
    expect(svg).not.toContain('nats');
  });
});
