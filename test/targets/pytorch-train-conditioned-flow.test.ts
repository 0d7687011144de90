// A `condition y` flow through the PyTorch package end to end: train.py --labels trains a RealNVP-style flow on
// log p(x | y) (two classes, each its own blob), and `flowc eval --labels` scores its checkpoint as torch does;
// samples of one class land on that class's blob.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowc, tmp } from '../cli/helpers.js';
import { runPython, torchMissing, trainPy } from '../support/torch.js';

const SPEC = `model CondFlow {
  data x: real[2]
  condition y: categorical(2)
  prior normal
  flow {
    actnorm
    repeat 2 { coupling(affine, mask: alternate, flip: true, net: mlp(16), scale: tanh) }
  }
  train { batch: 32, steps: 60, optimizer: adam(lr: 1e-2) }
}
`;

let missing: string | undefined;
let dir: string;
let pkg: string;

beforeAll(async () => {
  missing = torchMissing();
  dir = tmp('torch-cond-flow');
  writeFileSync(join(dir, 'cond.flow'), SPEC);
  pkg = join(dir, 'pkg');
  const r = await flowc('compile', join(dir, 'cond.flow'), '--target', 'pytorch', '-o', pkg);
  expect(r.code, r.err).toBe(0);
  if (missing) return;
  // 128 rows: class 0 around (−2, −2), class 1 around (2, 2)
  runPython(
    [
      '-c',
      `import numpy as np
g = np.random.default_rng(3); y = g.integers(0, 2, 128)
x = (g.normal(size=(128, 2)) * 0.3 + (4 * y[:, None] - 2)).astype(np.float32)
np.save("x.npy", x); np.savetxt("y.csv", y, fmt="%d")`,
    ],
    dir,
  );
}, 120_000);

describe('a conditioned flow trains in torch and round-trips to flowc eval', () => {
  it('train.py --labels trains log p(x | y); flowc eval --labels scores its checkpoint as torch does', async (ctx) => {
    if (missing) ctx.skip();
    const run = join(dir, 'run');
    const a = trainPy(pkg, ['--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.csv'), '--out', run]);
    expect(a.status, a.out).toBe(0);
    const losses = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).loss as number);
    expect(losses).toHaveLength(60);
    expect(losses[59]!).toBeLessThan(losses[0]! - 0.5);
    const ev = await flowc('eval', run, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.csv'));
    expect(ev.code, ev.err).toBe(0);
    const nll = Number(/NLL \(−log p\(x \| y\)\) ([-\d.]+) nats/.exec(ev.out)![1]);
    const code = `import sys, numpy as np, torch; sys.path.insert(0, "."); import model
m = model.load(${JSON.stringify(run)}).double()
x = torch.from_numpy(np.load("${join(dir, 'x.npy')}")); y = np.loadtxt("${join(dir, 'y.csv')}")
print(float(-m.log_prob(x, y).mean()), float(-m.log_prob(x, 1 - y).mean()))
for c in (0, 1): print(*m.sample(200, generator=torch.Generator().manual_seed(1), y=c).mean(0).tolist())`;
    const [scores, s0, s1] = runPython(['-c', code], pkg).trim().split('\n');
    const [t, swapped] = scores!.split(' ').map(Number);
    expect(Math.abs(nll - t!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(t!)));
    expect(swapped! - t!).toBeGreaterThan(1); // the labels matter: the other class's density is far lower
    // each class's samples sit on its blob (means near ∓2)
    for (const v of s0!.split(' ').map(Number)) expect(v).toBeLessThan(-1);
    for (const v of s1!.split(' ').map(Number)) expect(v).toBeGreaterThan(1);
  }, 240_000);
});
