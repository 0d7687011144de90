// A conditional VAE with an encoder context h through the PyTorch package end to end: train.py --labels trains
// −ELBO of p(x | y), its checkpoint loads in `flowc eval --labels` (the same variable names and shapes, the IAF
// MADEs' first layers widened by h) and scores near torch's importance-weighted estimate (different noise).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from '../cli/helpers.js';
import { runPython, torchMissing, trainPy } from '../support/torch.js';

const SPEC = `model CondVae {
  data x: binary[6]
  condition y: categorical(3)
  latent z: real[2]
  prior normal
  encoder mlp(12)
  posterior flow(amortized: true, context: 4) {
    iaf(hidden: [8])
    permute(reverse)
    iaf(hidden: [8])
  }
  decoder mlp(12)
  likelihood bernoulli
  train { batch: 16, steps: 30, optimizer: adam(lr: 1e-2) }
}
`;

let missing: string | undefined;
let dir: string;
let pkg: string;

beforeAll(async () => {
  missing = torchMissing();
  dir = tmp('torch-cvae');
  writeFileSync(join(dir, 'cvae.flow'), SPEC);
  pkg = join(dir, 'pkg');
  const r = await flowc('compile', join(dir, 'cvae.flow'), '--target', 'pytorch', '-o', pkg);
  expect(r.code, r.err).toBe(0);
  if (missing) return;
  // 96 rows whose bits depend on the label (label k: bits ≥ 2k mostly on), labels as CSV
  runPython(
    [
      '-c',
      `import numpy as np
g = np.random.default_rng(3); y = g.integers(0, 3, 96)
x = ((np.arange(6)[None, :] >= 2 * y[:, None]) ^ (g.random((96, 6)) < 0.1)).astype(np.float32)
np.save("x.npy", x); np.savetxt("y.csv", y, fmt="%d")`,
    ],
    dir,
  );
}, 120_000);

const train = (args: string[]) => trainPy(pkg, args);

describe('a conditional VAE trains in torch and round-trips to flowc eval', () => {
  it('model.py builds the IAF steps with h and both nets with y', () => {
    const py = readFileSync(join(pkg, 'model.py'), 'utf8');
    expect(py).toMatch(/Iaf\(\[2\], net=N\.made\([^\n]*\), context=4\)/);
    expect(py).toContain('condition=IR["condition"]');
  });

  it('train.py --labels lowers −ELBO; flowc eval --labels scores its checkpoint near torch', async (ctx) => {
    if (missing) ctx.skip();
    const run = join(dir, 'run');
    const a = train(['--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.csv'), '--out', run]);
    expect(a.status, a.out).toBe(0);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
    const losses = lines.map((l) => JSON.parse(l).loss as number);
    expect(losses).toHaveLength(30);
    const mean = (v: number[]) => v.reduce((s, u) => s + u, 0) / v.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    const ev = await flowc('eval', run, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.csv'));
    expect(ev.code, ev.err).toBe(0);
    const nll = Number(/NLL \(−log p\(x \| y\)\) ([-\d.]+) nats/.exec(ev.out)?.[1]);
    const code = `import sys, numpy as np, torch; sys.path.insert(0, "."); import model
torch.manual_seed(0); m = model.load(${JSON.stringify(run)}).double()
x = torch.from_numpy(np.load("${join(dir, 'x.npy')}")); y = np.loadtxt("${join(dir, 'y.csv')}")
with torch.no_grad(): print(float(-m.log_prob(x, y, k=100).mean()))
s = m.sample(6, generator=torch.Generator().manual_seed(1), y=2); print(s.shape[0], int(((s == 0) | (s == 1)).all()))`;
    const [score, shape] = runPython(['-c', code], pkg).trim().split('\n');
    expect(Number.isFinite(nll), ev.out).toBe(true);
    expect(Math.abs(nll - Number(score))).toBeLessThan(0.05 * Math.max(1, Math.abs(nll)));
    expect(shape).toBe('6 1');
  }, 240_000);

  it('missing labels stop train.py with a message', (ctx) => {
    if (missing) ctx.skip();
    const none = train(['--data', join(dir, 'x.npy'), '--out', join(dir, 'none')]);
    expect(none.status).toBe(1);
    expect(none.out).toMatch(/conditioned on `y`: pass --labels FILE/);
    expect(noTrace(none.out)).toBe(true);
  }, 120_000);
});
