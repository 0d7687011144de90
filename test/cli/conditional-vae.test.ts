// The command line for the conditional VAE (issue 14 item 5): a VAE with an amortized IAF posterior trained on a
// CSV with --labels, evaluated as −ELBO and the importance-weighted estimate of −log p(x | y) (per example with
// --per-example), sampled with --condition (the class's pattern appears) and as a per-class picture grid.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from './helpers.js';

/** 300 rows of 16 bits (a 4×4 picture): bit j is likely on iff j mod 3 = y (the label) */
function writeData(dir: string): void {
  const xs: string[] = [];
  const ys: string[] = [];
  let s = 11;
  const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 300; i++) {
    const y = i % 3;
    xs.push(Array.from({ length: 16 }, (_, j) => (u() < (j % 3 === y ? 0.95 : 0.05) ? 1 : 0)).join(','));
    ys.push(String(y));
  }
  writeFileSync(join(dir, 'x.csv'), xs.join('\n') + '\n');
  writeFileSync(join(dir, 'y.csv'), ys.join('\n') + '\n');
}

const SPEC = (data: string) => `model CVae {
  data x: ${data}
  condition y: categorical(3)
  latent z: real[2]
  prior normal
  encoder mlp(16)
  posterior flow(amortized: true, context: 4) { iaf(hidden: [8]); permute(reverse); iaf(hidden: [8]) }
  decoder mlp(16)
  likelihood bernoulli
  train { batch: 50, steps: 300, optimizer: adam(lr: 1e-2) }
}\n`;

describe('flowc with a conditional VAE', () => {
  it('trains with --labels, evaluates −ELBO and −log p(x|y), samples a class with --condition', async () => {
    const dir = tmp('cvae');
    writeData(dir);
    const spec = join(dir, 'c.flow');
    writeFileSync(spec, SPEC('binary[16]'));
    const run = join(dir, 'run');
    const data = ['--data', join(dir, 'x.csv'), '--labels', join(dir, 'y.csv')];
    const t = await flowc('train', spec, ...data, '--out', run, '--no-pictures');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const per = join(dir, 'per.csv');
    const e = await flowc('eval', run, '--iw-samples', '50', '--per-example', per);
    expect(e.code).toBe(0);
    const nll = Number(/NLL \(−log p\(x \| y\)\) ([\d.]+) nats/.exec(e.out)?.[1]);
    const negElbo = Number(/-ELBO ([\d.]+) nats/.exec(e.out)?.[1]);
    // 16 independent bits at 0.95/0.05 given y: entropy 16·H(0.05) ≈ 3.18 nats; uniform would be 11.09
    expect(nll).toBeLessThan(5.5);
    expect(negElbo).toBeGreaterThanOrEqual(nll - 0.05);
    const rows = readFileSync(per, 'utf8').trim().split('\n');
    // the run's held-out rows, one line each
    expect(rows.length).toBe(Number(/over (\d+) examples/.exec(e.out)?.[1]));
    expect(rows.length).toBeGreaterThan(10);
    // ELBO ≤ IW estimate on average (each row: ELBO, IW)
    const pairs = rows.map((r) => r.split(',').map(Number));
    expect(pairs.every((p) => p.length === 2 && p.every(Number.isFinite))).toBe(true);
    expect(pairs.reduce((a, p) => a + p[1]! - p[0]!, 0) / pairs.length).toBeGreaterThan(-0.05);
    const out = join(dir, 's.csv');
    const s = await flowc('sample', run, '-n', '60', '--condition', '1', '-o', out);
    expect(s.code).toBe(0);
    const xs = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((r) => r.split(',').map(Number));
    // class 1 turns on bits 1, 4, 7, 10, 13 and (mostly) nothing else
    const on = Array.from({ length: 16 }, (_, j) => xs.reduce((a, r) => a + r[j]!, 0) / xs.length);
    const mean = (js: number[]) => js.reduce((a, j) => a + on[j]!, 0) / js.length;
    const cls = [1, 4, 7, 10, 13];
    expect(mean(cls)).toBeGreaterThan(0.7);
    expect(mean(on.map((_, j) => j).filter((j) => !cls.includes(j)))).toBeLessThan(0.3);
    for (const [args, msg] of [
      [['sample', run, '-n', '2', '--condition', '3', '-o', out], /--condition 3: `y` is a class 0..2/],
      [['eval', run, '--data', join(dir, 'x.csv')], /conditioned on `y`; .* has no labels \(pass --labels FILE/],
    ] as const) {
      const r = await flowc(...args);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(msg);
      expect(noTrace(r.err)).toBe(true);
    }
  }, 180_000);

  it('an image conditional VAE samples a picture grid with one row per class', async () => {
    const dir = tmp('cvae-img');
    writeData(dir);
    const spec = join(dir, 'c.flow');
    writeFileSync(spec, SPEC('binary[1, 4, 4]').replace('steps: 300', 'steps: 20'));
    const run = join(dir, 'run');
    const data = ['--data', join(dir, 'x.csv'), '--labels', join(dir, 'y.csv')];
    const t = await flowc('train', spec, ...data, '--out', run, '--no-pictures');
    expect(t.code).toBe(0);
    const png = join(dir, 'grid.png');
    const s = await flowc('sample', run, '-n', '6', '-o', png);
    expect(s.err).toBe('');
    expect(s.code).toBe(0);
    expect(existsSync(png)).toBe(true);
    // the PNG's size: 3 rows (one per class) × 2 columns of 4×4 pictures
    const b = readFileSync(png);
    const w = b.readUInt32BE(16);
    const h = b.readUInt32BE(20);
    expect(h / w).toBeCloseTo(3 / 2, 1);
  }, 120_000);
});
