import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeToy, TOY_NAMES } from '../../runtime/data/toy.js';
import { loadMnist, mnistBytes } from '../../runtime/data/mnist.js';

const BENCH = '/work/shared/bench/data';

describe('toy data', () => {
  it('moons with the defaults reproduces the W1 benchmark file', () => {
    const ds = makeToy('moons');
    expect(ds.n).toBe(8192);
    expect(ds.shape).toEqual([2]);
    const file = `${BENCH}/moons_8192_f32.bin`;
    const hash = createHash('sha256').update(Buffer.from(ds.x.buffer)).digest('hex');
    expect(hash).toBe('274bba7eb5f12af76c0f21973ccc06d90fbdf14ba93bc4e4bfabcd2f41e1618a');
    if (existsSync(file)) expect(Buffer.compare(readFileSync(file), Buffer.from(ds.x.buffer))).toBe(0);
  });

  it('moons without noise lie exactly on the two half circles', () => {
    const ds = makeToy('moons', { n: 200, noise: 0 });
    for (let i = 0; i < ds.n; i++) {
      const x = ds.x[2 * i]!;
      const y = ds.x[2 * i + 1]!;
      const upper = Math.abs(Math.hypot(x, y) - 1) < 1e-5 && y >= -1e-6;
      const lower = Math.abs(Math.hypot(x - 1, y - 0.5) - 1) < 1e-5 && y <= 0.5 + 1e-6;
      expect(upper || lower).toBe(true);
    }
  });

  it('every toy set is deterministic per seed, finite, and differs across seeds', () => {
    for (const name of TOY_NAMES) {
      const a = makeToy(name, { n: 500, seed: 3 });
      const b = makeToy(name, { n: 500, seed: 3 });
      const c = makeToy(name, { n: 500, seed: 4 });
      expect(a.x).toEqual(b.x);
      expect(a.x).not.toEqual(c.x);
      expect(a.x.every(Number.isFinite)).toBe(true);
      expect(a.x.length).toBe(1000);
    }
  });

  it('checkerboard points fall only on the dark squares', () => {
    const ds = makeToy('checkerboard', { n: 2000 });
    for (let i = 0; i < ds.n; i++) {
      const cx = Math.floor(ds.x[2 * i]! / 2);
      const cy = Math.floor(ds.x[2 * i + 1]! / 2);
      expect((((cx + cy) % 2) + 2) % 2).toBe(0);
    }
  });

  it('circles: half the points on radius 1, half on radius 0.5 when noise is 0', () => {
    const ds = makeToy('circles', { n: 100, noise: 0 });
    const radii = [...Array(ds.n).keys()].map((i) => Math.hypot(ds.x[2 * i]!, ds.x[2 * i + 1]!));
    expect(radii.filter((r) => Math.abs(r - 1) < 1e-5).length).toBe(50);
    expect(radii.filter((r) => Math.abs(r - 0.5) < 1e-5).length).toBe(50);
  });
});

describe('mnist', () => {
  it('reproduces the shared benchmark bytes (mulberry32(20240601) Fisher–Yates shuffle)', () => {
    const { bytes, labels } = mnistBytes();
    expect(bytes.length).toBe(10000 * 784);
    const file = `${BENCH}/mnist10k_u8.bin`;
    if (existsSync(file)) {
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(
        createHash('sha256').update(readFileSync(file)).digest('hex'),
      );
    }
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      '220f2ba9dba304cc90fc10f1eaa3b6b42fe1ec41e82ef855100e0e7b3c342a44',
    );
    // class counts of the split, as published in WORKLOADS.md
    const count = (from: number, to: number) => {
      const c = new Array(10).fill(0);
      for (let i = from; i < to; i++) c[labels[i]!]++;
      return c;
    };
    expect(count(0, 8000)).toEqual([819, 908, 792, 832, 760, 683, 810, 856, 756, 784]);
    expect(count(8000, 10000)).toEqual([182, 219, 199, 200, 220, 180, 204, 214, 188, 194]);
  });

  it('binarized = byte ≥ 128, 8000 train and 2000 test rows of shape [1, 28, 28]', () => {
    const { bytes } = mnistBytes();
    const bin = loadMnist(true);
    const raw = loadMnist(false);
    expect(bin.train.n).toBe(8000);
    expect(bin.test.n).toBe(2000);
    expect(bin.train.shape).toEqual([1, 28, 28]);
    for (let i = 0; i < 784 * 20; i++) {
      expect(bin.train.x[i]).toBe(bytes[i]! >= 128 ? 1 : 0);
      expect(raw.train.x[i]).toBe(bytes[i]);
    }
    expect(raw.test.x[0]).toBe(bytes[8000 * 784]);
  });
});
