import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { makeToy } from '../../runtime/data/toy.js';
import { boundsOf, densityPicture, gridPoints, scatterPicture } from '../../runtime/pictures/density.js';
import { imageGrid } from '../../runtime/pictures/grid.js';
import { lossCurveSvg } from '../../runtime/pictures/loss-curve.js';
import { viridis } from '../../runtime/pictures/canvas.js';
import { layoutOf } from '../../runtime/pictures/figure.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-pics-'));
const px = (png: PNG, x: number, y: number) =>
  Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4));

describe('image grid', () => {
  it('tiles n images with a gap, scaled, and maps the value range to black..white', () => {
    // 4 images of 1×2×2; image k has pixel (0,0) = 1 and the rest 0 for k even, all 1 for k odd
    const x = new Float32Array(16);
    for (let k = 0; k < 4; k++) for (let p = 0; p < 4; p++) x[k * 4 + p] = k % 2 === 1 || p === 0 ? 1 : 0;
    const png = PNG.sync.read(imageGrid(x, 4, [1, 2, 2], { range: [0, 1], scale: 3 }));
    // 2 columns of (2·3 + 1) plus the leading gap
    expect(png.width).toBe(1 + 2 * 7);
    expect(png.height).toBe(1 + 2 * 7);
    expect(px(png, 0, 0)).toEqual([128, 128, 128, 255]); // gap
    expect(px(png, 1, 1)).toEqual([255, 255, 255, 255]); // image 0, pixel (0,0)
    expect(px(png, 1 + 3, 1)).toEqual([0, 0, 0, 255]); // image 0, pixel (0,1)
    expect(px(png, 8 + 3, 1 + 3)).toEqual([255, 255, 255, 255]); // image 1, pixel (1,1)
    writeFileSync(join(dir, 'grid.png'), imageGrid(x, 4, [1, 2, 2], { range: [0, 1] }));
  });
});

describe('2-D density picture', () => {
  it('puts the density peak where log p is largest and the data scatter on the right', () => {
    const data = makeToy('moons', { n: 2000 });
    const b = boundsOf(data.x);
    const G = 40;
    const pts = gridPoints(b, G);
    // an isotropic Gaussian bump centred on the first moon's top (0, 1)
    const lp = new Float32Array(G * G);
    for (let i = 0; i < G * G; i++) lp[i] = -((pts[2 * i]! - 0) ** 2 + (pts[2 * i + 1]! - 1) ** 2) / 0.1;
    const png = PNG.sync.read(densityPicture(lp, G, data.x, b, 3));
    const L = layoutOf([{ colourBar: { max: 1, label: '' } } as never, {} as never], G * 3);
    expect(png.width).toBe(L.width);
    expect(png.height).toBe(L.height);
    const [o0, o1] = L.origins as [{ x: number; y: number }, { x: number; y: number }];
    // the grid cell nearest (0, 1)
    let best = 0;
    for (let i = 1; i < G * G; i++) if (lp[i]! > lp[best]!) best = i;
    const r = Math.floor(best / G);
    const c = best % G;
    expect(px(png, o0.x + c * 3 + 1, o0.y + r * 3 + 1).slice(0, 3)).toEqual(viridis(1));
    // bottom-left corner: far from the bump
    expect(px(png, o0.x + 1, o0.y + G * 3 - 2).slice(0, 3)).toEqual(viridis(0));
    // the scatter panel has some non-white pixels
    let inked = 0;
    for (let y = o1.y; y < o1.y + G * 3; y++) {
      for (let x = o1.x; x < o1.x + G * 3; x++) if (px(png, x, y)[0]! < 250) inked++;
    }
    expect(inked).toBeGreaterThan(100);
    writeFileSync(join(dir, 'density.png'), densityPicture(lp, G, data.x, b, 3));
    writeFileSync(join(dir, 'scatter.png'), scatterPicture(data.x));
  });
});

describe('loss curve', () => {
  it('draws one path per series with one point per step', () => {
    const pts = Array.from({ length: 50 }, (_, i) => ({
      step: i + 1,
      loss: 3 / (i + 1),
      ...(i % 10 === 9 ? { test_nll: 3.1 / (i + 1) } : {}),
    }));
    const svg = lossCurveSvg(pts);
    expect(svg.startsWith('<svg')).toBe(true);
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!);
    expect(paths.length).toBe(3); // raw loss, its moving average, held-out NLL
    expect(paths[0]!.split(/[ML]/).filter(Boolean).length).toBe(50);
    expect(paths[1]!.split(/[ML]/).filter(Boolean).length).toBe(50);
    expect(paths[2]!.split(/[ML]/).filter(Boolean).length).toBe(5);
    // x positions increase with the step; the first raw point is the highest loss (smallest y)
    const xy = paths[0]!
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => p.split(',').map(Number));
    expect(xy.every((p, i) => i === 0 || p[0]! > xy[i - 1]![0]!)).toBe(true);
    expect(Math.min(...xy.map((p) => p[1]!))).toBe(xy[0]![1]);
    expect(svg).toContain('held-out NLL');
    writeFileSync(join(dir, 'loss.svg'), svg);
  });
});
