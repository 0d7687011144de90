// End-to-end CLI runs on tiny budgets (in-process): train → checkpoint → resume → eval → sample
// for a flow, a MADE and a PixelCNN; and the errors users meet.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../runtime/data/idx.js';
import { encodeNpy, parseNpy } from '../../runtime/data/npy.js';
import { mulberry32 } from '../../runtime/data/random.js';
import { fixture, flowc, noTrace, tmp } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

beforeAll(() => {
  setConfig({ backend: 'cpu' });
});

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
const losses = (dir: string) => lines(join(dir, 'metrics.jsonl')).map((l) => (JSON.parse(l) as { loss: number }).loss);
const steps = (dir: string) => lines(join(dir, 'metrics.jsonl')).map((l) => (JSON.parse(l) as { step: number }).step);

function randomBits(n: number, d: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  // a learnable structure: bit j copies bit 0 with probability 0.9
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const b0 = r() < 0.5 ? 1 : 0;
    for (let j = 0; j < d; j++) x[i * d + j] = j === 0 ? b0 : r() < 0.9 ? b0 : 1 - b0;
  }
  return x;
}

const logSumExp = (a: Float32Array) => {
  const m = Math.max(...a);
  let s = 0;
  for (const v of a) s += Math.exp(v - m);
  return m + Math.log(s);
};

describe('flow on toy data', () => {
  it('train, resume, eval (per example, in input order), sample', async () => {
    const dir = tmp('flow');
    const t1 = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '4', '--log-every', '1');
    expect(t1.err).toBe('');
    expect(t1.code).toBe(0);
    expect(t1.out.split('\n')[0]).toMatch(/^backend cpu \| model TinyFlow/);
    expect(t1.out).toMatch(/step 4\/4 {2}loss \d/);
    for (const f of ['checkpoint.ckpt', 'metrics.jsonl', 'loss.svg', 'density.png', 'run.json', 'model.ir.json'])
      expect(existsSync(join(dir, f))).toBe(true);
    expect(steps(dir)).toEqual([1, 2, 3, 4]);

    const again = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '4');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds a run: continue it with --resume/);
    const t2 = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--resume', '--steps', '7');
    expect(t2.code).toBe(0);
    expect(t2.out).toMatch(/resuming at step 4/);
    expect(steps(dir)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // the same losses as one uninterrupted run of 7 steps
    const straight = tmp('flow-straight');
    expect(
      (await flowc('train', fixture('flow2d.flow'), '--out', straight, '--steps', '7', '--no-pictures')).code,
    ).toBe(0);
    expect(losses(dir)).toEqual(losses(straight));

    const csv = join(dir, 'pts.csv');
    writeFileSync(csv, 'x,y\n0,0\n1,0.5\n-1,0.25\n5,5\n');
    const per = join(dir, 'per.csv');
    const e = await flowc('eval', dir, '--data', csv, '--per-example', per);
    expect(e.code).toBe(0);
    const lp = lines(per).map(Number);
    expect(lp.length).toBe(4);
    const nll = Number(/NLL (-?[\d.]+) nats\/example/.exec(e.out)![1]);
    expect(nll).toBeCloseTo(-(lp.reduce((a, b) => a + b, 0) / 4), 3);
    expect(e.out).not.toMatch(/bits\/dim/); // real data: nats only
    // input order: the same rows reversed give the same values reversed
    writeFileSync(csv, 'x,y\n5,5\n-1,0.25\n1,0.5\n0,0\n');
    await flowc('eval', dir, '--data', csv, '--per-example', per);
    expect(lines(per).map(Number)).toEqual([...lp].reverse());

    const npy = join(dir, 's.npy');
    const s = await flowc('sample', dir, '-n', '10', '-o', npy, '--seed', '3');
    expect(s.code).toBe(0);
    const back = parseNpy(readFileSync(npy), 's.npy');
    expect(back.n).toBe(10);
    expect(back.shape).toEqual([2]);
    expect(back.x.every(Number.isFinite)).toBe(true);
    expect((await flowc('sample', dir, '-n', '50', '-o', join(dir, 's.png'))).code).toBe(0);
    expect(PNG.sync.read(readFileSync(join(dir, 's.png'))).width).toBeGreaterThan(0);
  });
});

describe('MADE on CSV bits', () => {
  it('trains from a CSV, resumes, and its eval sums to one over all 2^16 images', async () => {
    const dir = tmp('made');
    const csv = join(tmp('made-data'), 'bits.csv'); // --out must be a new or empty folder
    const x = randomBits(64, 16, 5);
    writeFileSync(
      csv,
      Array.from({ length: 64 }, (_, i) => Array.from(x.subarray(i * 16, i * 16 + 16)).join(',')).join('\n'),
    );
    const t1 = await flowc('train', fixture('made.flow'), '--data', csv, '--out', dir, '--steps', '3');
    expect(t1.err).toBe('');
    expect(t1.code).toBe(0);
    expect(t1.out).toMatch(/bits\/dim/);
    const t2 = await flowc('train', fixture('made.flow'), '--out', dir, '--resume', '--steps', '6');
    expect(t2.code).toBe(0);
    expect(steps(dir)).toEqual([1, 2, 3, 4, 5, 6]);

    // every binary image of 16 pixels: the probabilities must sum to 1
    const all = new Float32Array(65536 * 16);
    for (let i = 0; i < 65536; i++) for (let j = 0; j < 16; j++) all[i * 16 + j] = (i >> j) & 1;
    writeFileSync(join(dir, 'all.npy'), encodeNpy(all, [65536, 16]));
    const per = join(dir, 'all-lp.npy');
    const e = await flowc('eval', dir, '--data', join(dir, 'all.npy'), '--per-example', per, '--batch', '8192');
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/bits\/dim/);
    const lp = parseNpy(readFileSync(per), 'all-lp.npy').x;
    expect(lp.length).toBe(65536);
    expect(logSumExp(lp)).toBeCloseTo(0, 3);

    // the same rows as an IDX file (uint8, 64 × 4 × 4) evaluate to the same log-probabilities as the CSV
    writeFileSync(join(dir, 'bits-idx3-ubyte'), encodeIdx(Array.from(x), [64, 4, 4]));
    const p1 = join(dir, 'p1.csv');
    const p2 = join(dir, 'p2.csv');
    expect((await flowc('eval', dir, '--data', csv, '--per-example', p1)).code).toBe(0);
    expect((await flowc('eval', dir, '--data', join(dir, 'bits-idx3-ubyte'), '--per-example', p2)).code).toBe(0);
    expect(lines(p2)).toEqual(lines(p1));
    expect(lines(p1).length).toBe(64);

    const out = join(dir, 's.csv');
    expect((await flowc('sample', dir, '-n', '5', '-o', out)).code).toBe(0);
    const rows = lines(out).map((l) => l.split(',').map(Number));
    expect(rows.length).toBe(5);
    expect(rows.every((r) => r.length === 16 && r.every((v) => v === 0 || v === 1))).toBe(true);
  });
});

describe('PixelCNN on .npy images', () => {
  it('trains on [N, 1, 6, 6] bits, resumes, evaluates and samples a PNG grid', async () => {
    const dir = tmp('pcnn');
    const npy = join(tmp('pcnn-data'), 'img.npy'); // --out must be a new or empty folder
    writeFileSync(npy, encodeNpy(randomBits(40, 36, 9), [40, 1, 6, 6]));
    const t1 = await flowc('train', fixture('pixelcnn.flow'), '--data', npy, '--out', dir, '--steps', '2');
    expect(t1.err).toMatch(/warning.*blind spot/); // the compiler's warning, printed, not fatal
    expect(t1.err).not.toMatch(/error/);
    expect(t1.code).toBe(0);
    expect(existsSync(join(dir, 'samples.png'))).toBe(true);
    const t2 = await flowc('train', fixture('pixelcnn.flow'), '--out', dir, '--resume', '--steps', '4');
    expect(t2.code).toBe(0);
    const e = await flowc('eval', dir, '--data', npy);
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/NLL [\d.]+ nats\/example = [\d.]+ bits\/dim over 40 examples/);
    const png = join(dir, 's.png');
    expect((await flowc('sample', dir, '-n', '4', '-o', png)).code).toBe(0);
    const img = PNG.sync.read(readFileSync(png));
    expect(img.width).toBe(1 + 2 * (6 * 3 + 1));
  });
});

describe('energy fit (no data)', () => {
  it('trains a planar flow against U1, writes the density picture, samples', async () => {
    const dir = tmp('energy');
    const t = await flowc('train', fixture('energy.flow'), '--out', dir);
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    expect(steps(dir)).toEqual([1, 2, 3]);
    expect(existsSync(join(dir, 'density.png'))).toBe(true);
    const s = await flowc('sample', dir, '-n', '7', '-o', join(dir, 's.npy'));
    expect(s.code).toBe(0);
    expect(parseNpy(readFileSync(join(dir, 's.npy')), 's.npy').n).toBe(7);
    const d = await flowc('train', fixture('energy.flow'), '--data', 'toy:moons', '--out', tmp('energy2'));
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/takes no --data/);
  });
});

describe('errors users meet: one line, non-zero exit, no stack trace', () => {
  it('a spec with errors', async () => {
    const r = await flowc('train', fixture('broken.flow'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.flow:\d+:\d+/);
    expect(r.err).toMatch(/^flowc: error: .*broken\.flow has \d+ errors?; nothing was built$/m);
    expect(noTrace(r.err)).toBe(true);
    const c = await flowc('check', fixture('broken.flow'));
    expect(c.code).toBe(1);
  });
  it('a missing file and an unknown option are usage errors (exit 2)', async () => {
    const r = await flowc('train', fixture('nope.flow'));
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/^flowc: error: .*nope\.flow: no such file$/);
    expect((await flowc('check', fixture('nope.flow'))).code).toBe(2);
    const u = await flowc('check', '--frobnicate', fixture('flow2d.flow'));
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/unknown option '--frobnicate'/);
    expect((await flowc('eval')).code).toBe(2); // RUN missing (--data is optional: the run's own test set)
  });
  it('data of the wrong shape, with NaN, or outside the domain', async () => {
    const dir = tmp('bad');
    const three = join(dir, 'three.csv');
    writeFileSync(three, '1,2,3\n4,5,6\n');
    const a = await flowc('train', fixture('flow2d.flow'), '--data', three, '--out', join(dir, 'r1'));
    expect(a.code).toBe(1);
    expect(a.err.trim()).toBe('flowc: error: three.csv: data has 3 columns, spec declares real[2]');
    const b = await flowc('eval', join(dir, 'r1'), '--data', three);
    expect(b.code).toBe(1);
    expect(b.err.trim()).toMatch(/^flowc: error: .*r1: no such run directory or checkpoint file$/);
    const c = await flowc('train', fixture('made.flow'), '--data', 'mnist', '--out', join(dir, 'r2'));
    expect(c.code).toBe(1);
    expect(c.err.trim()).toMatch(
      /^flowc: error: .*data has examples of shape \[1, 28, 28\], spec declares binary\[16\]$/,
    );
    for (const r of [a, b, c]) expect(noTrace(r.err)).toBe(true);
  });
  it('NaN rows are named', async () => {
    const dir = tmp('nan');
    const nan = join(dir, 'nan.csv');
    writeFileSync(nan, '1,2\n3,4\n' + '0,0\n'.repeat(20) + '3,nan\n');
    const r = await flowc('train', fixture('flow2d.flow'), '--data', nan, '--out', join(dir, 'r'), '--seed', '1');
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('flowc: error: nan.csv: row 23 has NaN (column 2)');
  });
  it('a truncated checkpoint', async () => {
    const dir = tmp('trunc');
    expect((await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '2', '--no-pictures')).code).toBe(0);
    const ck = join(dir, 'checkpoint.ckpt');
    const bytes = readFileSync(ck);
    writeFileSync(ck, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await flowc('sample', ck, '-n', '2', '-o', join(dir, 's.csv'));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(
      /^flowc: error: .*checkpoint\.ckpt: checkpoint is truncated or corrupt \(checksum mismatch\)$/,
    );
  });
});
