// flowc interpolate: latent interpolation between real examples with a trained flow. Images: a
// grid (one row per pair, one column per step) whose end columns reconstruct the real examples;
// 2-D data: the paths over the prior and the model density; other families: a clear error.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { interpolate } from '../../cli/commands/interpolate.js';
import { setConfig } from '../../runtime/config.js';
import { encodeNpy } from '../../runtime/data/npy.js';
import { findText } from '../support/find-text.js';
import { fixture, flowc, noTrace, tmp } from './helpers.js';

beforeAll(() => {
  setConfig({ backend: 'cpu' });
});

const norm = (v: Float32Array) => Math.hypot(...v);

describe('interpolate (the path)', () => {
  const a = new Float32Array([3, 0, 0]);
  const b = new Float32Array([0, 3, 0]);
  it('linear: the ends are the endpoints, the middle is their mean', () => {
    expect(Array.from(interpolate(a, b, 0))).toEqual([3, 0, 0]);
    expect(Array.from(interpolate(a, b, 1))).toEqual([0, 3, 0]);
    expect(Array.from(interpolate(a, b, 0.5))).toEqual([1.5, 1.5, 0]);
  });
  it('spherical: same ends, and the norm stays that of the endpoints', () => {
    expect(Array.from(interpolate(a, b, 0, true)).map((v) => Number(v.toFixed(5)))).toEqual([3, 0, 0]);
    expect(Array.from(interpolate(a, b, 1, true)).map((v) => Number(v.toFixed(5)))).toEqual([0, 3, 0]);
    for (const t of [0.25, 0.5, 0.75]) expect(norm(interpolate(a, b, t, true))).toBeCloseTo(3, 5);
    expect(norm(interpolate(a, b, 0.5))).toBeCloseTo(3 / Math.SQRT2, 5); // linear shrinks it
    expect(Array.from(interpolate(a, a, 0.3, true))).toEqual([3, 0, 0]); // parallel: no division by 0
  });
});

describe('flowc interpolate', () => {
  it('images: one row per pair, one column per step, ends reconstructing the real examples', async () => {
    const dir = tmp('interp-img');
    // two constant images, dark (10) and light (240), repeated: pairs are one of each or the same
    const rows = 24;
    const x = new Float32Array(rows * 16).map((_, i) => (Math.floor(i / 16) % 2 === 0 ? 10 : 240));
    const data = join(dir, 'imgs.npy');
    writeFileSync(data, encodeNpy(x, [rows, 1, 4, 4]));
    const run = join(dir, 'run');
    const t = await flowc(
      'train',
      fixture('image-flow.flow'),
      '--data',
      data,
      '--out',
      run,
      '--steps',
      '2',
      '--no-pictures',
    );
    expect(t.code, t.err).toBe(0);
    const out = join(dir, 'grid.png');
    const r = await flowc('interpolate', run, '--data', data, '--pairs', '3', '--steps', '5', '-o', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote 3 linear latent interpolations of 5 steps between rows of imgs\.npy to .*grid\.png/);
    const png = PNG.sync.read(await import('node:fs').then((f) => f.readFileSync(out)));
    const cell = 4 * 3 + 1; // 4 pixels at scale 3, and a 1-pixel gap
    expect(png.width).toBe(5 * cell + 1);
    expect(png.height).toBe(3 * cell + 1);
    const grey = (row: number, col: number) => png.data[((1 + row * cell + 6) * png.width + 1 + col * cell + 6) * 4]!;
    for (let p = 0; p < 3; p++) {
      // both ends are real examples (10 or 240), up to the dequantization noise (< 1 level)
      for (const col of [0, 4]) expect([10, 11, 240, 241]).toContain(grey(p, col));
    }
    const s = await flowc(
      'interpolate',
      run,
      '--data',
      data,
      '--pairs',
      '3',
      '--steps',
      '5',
      '--slerp',
      '-o',
      join(dir, 'slerp.png'),
    );
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/spherical/);
  }, 120_000);

  it('2-D data: the paths over the prior and over the model density', async () => {
    const dir = tmp('interp-2d');
    const run = join(dir, 'run');
    expect((await flowc('train', fixture('flow2d.flow'), '--out', run, '--steps', '3', '--no-pictures')).code).toBe(0);
    const out = join(dir, 'paths.png');
    const r = await flowc('interpolate', run, '--data', 'toy:moons?n=64', '--pairs', '2', '--steps', '6', '-o', out);
    expect(r.code, r.err).toBe(0);
    const png = PNG.sync.read(await import('node:fs').then((f) => f.readFileSync(out)));
    expect(findText(png, 'latent z: prior density', 2).length).toBe(1);
    expect(findText(png, 'data x: model density', 2).length).toBe(1);
    // the first pair's colour (white) is drawn in both panels
    const white = [0, 0];
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const i = (y * png.width + x) * 4;
        const isWhite = png.data[i] === 255 && png.data[i + 1] === 255 && png.data[i + 2] === 255;
        if (isWhite && y > 30 && y < png.height - 30) {
          // inside a plot area: not the white background around the panels
          const below = png.data[((y + 1) * png.width + x) * 4 + 2]!;
          if (below !== 255 || png.data[((y - 1) * png.width + x) * 4 + 2] !== 255) white[x < png.width / 2 ? 0 : 1]++;
        }
      }
    }
    expect(white[0]).toBeGreaterThan(10);
    expect(white[1]).toBeGreaterThan(10);
  }, 120_000);

  it('refuses models without an invertible map, naming why; bad output names and too few rows', async () => {
    const dir = tmp('interp-err');
    const csv = join(dir, 'bits.csv');
    const rows = Array.from({ length: 32 }, (_, i) => Array.from({ length: 16 }, (_, j) => (i + j) % 2).join(','));
    writeFileSync(csv, rows.join('\n') + '\n');
    const run = join(dir, 'made');
    const made = await flowc(
      'train',
      fixture('made.flow'),
      '--data',
      csv,
      '--out',
      run,
      '--steps',
      '1',
      '--no-pictures',
    );
    expect(made.code).toBe(0);
    const r = await flowc('interpolate', run, '--data', csv, '-o', join(dir, 'g.png'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/flowc: error: flowc interpolate needs a flow model .*TinyMade is an autoregressive model/);
    expect(r.err).toMatch(/an autoregressive model has no latent space/);
    expect(noTrace(r.err)).toBe(true);
    const u = await flowc('interpolate', run, '--data', csv, '-o', join(dir, 'g.npy'));
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/-o .*g\.npy: the output must be a \.png/);
    const flow = join(dir, 'flow');
    expect((await flowc('train', fixture('flow2d.flow'), '--out', flow, '--steps', '1', '--no-pictures')).code).toBe(0);
    const few = await flowc('interpolate', flow, '--data', 'toy:moons?n=8', '--pairs', '5', '-o', join(dir, 'p.png'));
    expect(few.code).toBe(1);
    expect(few.err).toMatch(/--pairs 5 needs 10 rows; .* has 8/);
  }, 120_000);
});
