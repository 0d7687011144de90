// The seedable RNG (mulberry32) and backend selection.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../runtime/rng.js';
import { initBackend } from '../../runtime/backend.js';
import { setConfig, withConfig } from '../../runtime/config.js';

describe('Rng', () => {
  it('matches the published mulberry32 sequence', () => {
    // reference: the canonical mulberry32 (Tommy Ettinger) written out independently
    const ref = (a: number) => () => {
      a |= 0;
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const r = new Rng(20240601),
      f = ref(20240601);
    for (let i = 0; i < 100; i++) expect(r.uniform()).toBe(f());
  });

  it('normal draws have mean 0 and variance 1', () => {
    const v = new Rng(1).normalArray(200000);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(s2 - 1)).toBeLessThan(0.01);
  });

  it('getState/setState resumes the exact sequence (including a pending Box–Muller value)', () => {
    const r = new Rng(5);
    r.normal();
    const st = JSON.parse(JSON.stringify(r.getState()));
    const a = [r.normal(), r.normal(), r.uniform()];
    const q = new Rng(0);
    q.setState(st);
    expect([q.normal(), q.normal(), q.uniform()]).toEqual(a);
  });

  it('permutation is a permutation', () => {
    const p = new Rng(3).permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('initBackend', () => {
  it('the backend setting (FLOWC_BACKEND=cpu) overrides the preference', async () => {
    await withConfig({ backend: 'cpu' }, async () => {
      expect(await initBackend('wasm')).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
    });
  });

  it('falls back from tensorflow (absent here) to wasm or cpu', async () => {
    const prev = setConfig({ backend: 'auto' });
    try {
      const name = await initBackend('tensorflow');
      expect(['tensorflow', 'wasm', 'cpu']).toContain(name);
      expect(tf.getBackend()).toBe(name);
    } finally {
      setConfig(prev);
      await tf.setBackend('cpu');
    }
  });
});
