// A `condition y` model through the PyTorch package end to end: `flowc data export --labels` writes MNIST's
// digits beside its rows; train.py trains an order-agnostic MADE ensemble on log p(x | y) with --labels (one
// member per step), refuses missing or out-of-range labels with a message, and its checkpoint scores under
// `flowc eval --labels` as torch scores it (the log mean over the ensemble's members).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from '../cli/helpers.js';
import { runPython, torchMissing, trainPy } from '../support/torch.js';

const SPEC = `model CondMade {
  data x: binary[6]
  condition y: categorical(3)
  conditional made(hidden: [12], orders: 2, ensemble: 2)
  likelihood bernoulli
  train { batch: 16, steps: 25, optimizer: adam(lr: 1e-2) }
}
`;

let missing: string | undefined;
let dir: string;
let pkg: string;

beforeAll(async () => {
  missing = torchMissing();
  dir = tmp('torch-cond');
  writeFileSync(join(dir, 'cond.flow'), SPEC);
  pkg = join(dir, 'pkg');
  const r = await flowc('compile', join(dir, 'cond.flow'), '--target', 'pytorch', '-o', pkg);
  expect(r.code, r.err).toBe(0);
  if (missing) return;
  // 96 rows whose bits depend on the label (label k: bits ≥ 2k mostly on), labels as CSV
  runPython(
    [
      '-c',
      `import numpy as np
g = np.random.default_rng(3); y = g.integers(0, 3, 96)
x = ((np.arange(6)[None, :] >= 2 * y[:, None]) ^ (g.random((96, 6)) < 0.1)).astype(np.float32)
np.save("x.npy", x); np.savetxt("y.csv", y, fmt="%d"); np.savetxt("bad.csv", np.where(y == 2, 5, y), fmt="%d")`,
    ],
    dir,
  );
}, 120_000);

const train = (args: string[]) => trainPy(pkg, args);

describe('a conditioned model trains in torch and round-trips to flowc eval', () => {
  it('flowc data export --labels writes the digits of the rows it writes', async () => {
    const r = await flowc(
      'data',
      'export',
      'mnist:binarized',
      '-o',
      join(dir, 'm.npy'),
      '--labels',
      join(dir, 'l.npy'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('the label of each row');
    const l = readFileSync(join(dir, 'l.npy'));
    // header: shape (8000,) float32; the digits are classes 0..9
    expect(l.toString('latin1', 0, 128)).toMatch(/'shape': \((\d+),\)/);
    const n = Number(/'shape': \((\d+),\)/.exec(l.toString('latin1', 0, 128))![1]);
    const off = l.length - 4 * n;
    const digits = Array.from({ length: n }, (_, i) => l.readFloatLE(off + 4 * i));
    expect(new Set(digits)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const t = await flowc('data', 'export', 'toy:moons', '-o', join(dir, 't.npy'), '--labels', join(dir, 't-l.npy'));
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/has no labels/);
  });

  it('train.py --labels trains log p(x | y); flowc eval --labels scores its checkpoint as torch does', async (ctx) => {
    if (missing) ctx.skip();
    const run = join(dir, 'run');
    const a = train(['--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.csv'), '--out', run]);
    expect(a.status, a.out).toBe(0);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
    const losses = lines.map((l) => JSON.parse(l).loss as number);
    expect(losses).toHaveLength(25);
    expect(losses[24]!).toBeLessThan(losses[0]!);
    expect(JSON.parse(lines[24]!).test_nll).toBeGreaterThan(0);
    const ev = await flowc('eval', run, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.csv'));
    expect(ev.code, ev.err).toBe(0);
    const nll = Number(/NLL \(−log p\(x \| y\)\) ([-\d.]+) nats/.exec(ev.out)![1]);
    const code = `import sys, numpy as np, torch; sys.path.insert(0, "."); import model
m = model.load(${JSON.stringify(run)}).double()
x = torch.from_numpy(np.load("${join(dir, 'x.npy')}")); y = np.loadtxt("${join(dir, 'y.csv')}")
print(float(-m.log_prob(x, y).mean()), float(-model.load().double().log_prob(x, y).mean()))
s = m.sample(6, generator=torch.Generator().manual_seed(1), y=2); print(s.shape[0], int(((s == 0) | (s == 1)).all()))`;
    const [scores, shape] = runPython(['-c', code], pkg).trim().split('\n');
    const [t, f] = scores!.split(' ').map(Number);
    expect(Math.abs(nll - t!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(t!)));
    expect(Math.abs(t! - f!)).toBeGreaterThan(1e-3); // training moved the weights
    expect(shape).toBe('6 1');
  }, 240_000);

  it('missing or out-of-range labels stop train.py with a message', (ctx) => {
    if (missing) ctx.skip();
    const none = train(['--data', join(dir, 'x.npy'), '--out', join(dir, 'none')]);
    expect(none.status).toBe(1);
    expect(none.out).toMatch(/conditioned on `y`: pass --labels FILE/);
    const bad = train(['--data', join(dir, 'x.npy'), '--labels', join(dir, 'bad.csv'), '--out', join(dir, 'bad')]);
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/row \d+ has label 5, not a class 0\.\.2 of `y`/);
    const short = join(dir, 'short.csv');
    writeFileSync(short, '0\n1\n');
    const s = train(['--data', join(dir, 'x.npy'), '--labels', short, '--out', join(dir, 'short')]);
    expect(s.out).toMatch(/2 rows of labels, but the data has 96 examples/);
    for (const r of [none, bad, s]) expect(noTrace(r.out)).toBe(true);
  }, 120_000);
});
