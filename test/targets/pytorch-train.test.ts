// The PyTorch package end to end: `flowc compile --target pytorch`, train.py on one process and
// under torchrun on two (the same loss curve: the global batch is split, the rows are the same),
// --resume continuing with the losses of an uninterrupted run, a train.py checkpoint scored by
// `flowc eval` as torch scores it, a flowc run exported with --target pytorch scored by torch as
// `flowc eval` scores it, a non-finite loss stopping with the layer named, unsupported models refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from '../cli/helpers.js';
import { PYTHON, runPython, torchMissing } from '../support/torch.js';
import { spawnSync } from 'node:child_process';

const SPEC = `model Moons {
  data x: real[2]
  prior normal
  flow {
    repeat 2 { coupling(affine, mask: alternate, flip: true, net: mlp(16, 16), scale: tanh) }
  }
  train { data: toy(moons, n: 512), batch: 32, steps: 20, optimizer: adam(lr: 1e-2) }
}
`;

let missing: string | undefined;
let dir: string;
let pkg: string;

beforeAll(async () => {
  missing = torchMissing();
  dir = tmp('torch-train');
  writeFileSync(join(dir, 'moons.flow'), SPEC);
  pkg = join(dir, 'pkg');
  const r = await flowc('compile', join(dir, 'moons.flow'), '--target', 'pytorch', '-o', pkg);
  expect(r.code, r.err).toBe(0);
  if (missing) return;
  // 64 points for evaluation, as a .npy file both engines read
  runPython(
    [
      '-c',
      'import numpy as np; np.save("eval.npy", (np.random.default_rng(1).normal(size=(64, 2)) * 0.7)' +
        '.astype(np.float32))',
    ],
    dir,
  );
}, 120_000);

const losses = (run: string): number[] =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).loss as number);

/** a TCP port nothing listens on now (torchrun's --standalone always takes 29400, which a parallel job may hold) */
function freePort(): number {
  const r = spawnSync(process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ]);
  return Number(String(r.stdout).trim());
}

function train(args: string[], procs = 1): { status: number | null; out: string } {
  const cmd =
    procs === 1
      ? ['train.py', ...args]
      : // --redirects/--tee: Debian's torch 1.13 under Python 3.11 cannot parse their default "0"
        [
          '-m',
          'torch.distributed.run',
          '--nnodes',
          '1',
          '--rdzv_backend',
          'c10d',
          '--rdzv_endpoint',
          `localhost:${freePort()}`,
          '--nproc_per_node',
          String(procs),
          '--redirects',
          '1',
          '--tee',
          '1',
          'train.py',
          ...args,
        ];
  const r = spawnSync(PYTHON, cmd, {
    cwd: pkg,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** torch's mean NLL of eval.npy under a run's (or the package's) weights */
function torchNll(weights?: string, at = pkg): number {
  const code = `import sys, numpy as np, torch; sys.path.insert(0, "."); import model
m = model.load(${weights ? JSON.stringify(weights) : 'None'})
x = torch.from_numpy(np.load(${JSON.stringify(join(dir, 'eval.npy'))}))
print(float(-m.log_prob(x).double().mean()))`;
  return Number(runPython(['-c', code], at).trim());
}

describe('the PyTorch package trains and round-trips', () => {
  it('train.py on 2 processes follows the curve of 1; resume continues it; flowc eval reads its run', async (ctx) => {
    if (missing) ctx.skip();
    const one = join(dir, 'one'),
      two = join(dir, 'two'),
      half = join(dir, 'half');
    const a = train(['--out', one, '--threads', '1']);
    expect(a.status, a.out).toBe(0);
    const b = train(['--out', two, '--threads', '1'], 2);
    expect(b.status, b.out).toBe(0);
    expect(b.out).toContain('2 processes, gloo on cpu');
    const la = losses(one),
      lb = losses(two);
    expect(la).toHaveLength(20);
    expect(lb).toHaveLength(20);
    lb.forEach((v, i) => expect(Math.abs(v - la[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(la[i]!))));
    expect(la[19]!).toBeLessThan(la[0]!); // it learns
    // the schema of flowc train's metrics.jsonl
    const last = JSON.parse(readFileSync(join(one, 'metrics.jsonl'), 'utf8').trim().split('\n').pop()!);
    expect(Object.keys(last).sort()).toEqual(['examples_per_sec', 'loss', 'step', 'test_nll', 'test_rows', 'time']);
    // interrupted at step 8, resumed: the same losses as the run that went through
    expect(train(['--out', half, '--threads', '1', '--steps', '8']).status).toBe(0);
    const c = train(['--out', half, '--threads', '1', '--resume']);
    expect(c.status, c.out).toBe(0);
    expect(c.out).toContain('resuming at step 8');
    const lc = losses(half);
    expect(lc).toHaveLength(20);
    lc.forEach((v, i) => expect(Math.abs(v - la[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(la[i]!))));
    // flowc eval scores the train.py checkpoint as torch does
    const ev = await flowc('eval', one, '--data', join(dir, 'eval.npy'));
    expect(ev.code, ev.err).toBe(0);
    const nll = Number(/NLL ([-\d.]+) nats/.exec(ev.out)![1]);
    expect(Math.abs(nll - torchNll(one))).toBeLessThan(1e-3);
    expect(Math.abs(torchNll(one) - torchNll())).toBeGreaterThan(1e-3); // training moved the weights
  }, 300_000);

  it('a flowc run exported with --target pytorch scores in torch as flowc eval scores it', async (ctx) => {
    if (missing) ctx.skip();
    const run = join(dir, 'run');
    const t = await flowc('train', join(dir, 'moons.flow'), '--steps', '15', '--out', run);
    expect(t.code, t.err).toBe(0);
    const out = join(dir, 'exported');
    const e = await flowc('export', run, '--target', 'pytorch', '-o', out);
    expect(e.code, e.err).toBe(0);
    const ev = await flowc('eval', run, '--data', join(dir, 'eval.npy'));
    const nll = Number(/NLL ([-\d.]+) nats/.exec(ev.out)![1]);
    expect(Math.abs(torchNll(undefined, out) - nll)).toBeLessThan(1e-3);
  }, 300_000);

  it('a non-finite loss stops train.py, naming the layer and keeping no bad checkpoint', (ctx) => {
    if (missing) ctx.skip();
    const r = train(['--out', join(dir, 'nan'), '--threads', '1', '--lr', '1e6']);
    expect(r.status).toBe(3);
    expect(r.out).toMatch(/loss is not finite .*layer (flow\.\d+\.coupling|prior)/);
    expect(noTrace(r.out)).toBe(true);
  }, 120_000);

  it('bad data gets a clear error', (ctx) => {
    if (missing) ctx.skip();
    writeFileSync(join(dir, 'three.csv'), '1,2,3\n4,5,6\n');
    const r = train(['--out', join(dir, 'bad'), '--data', join(dir, 'three.csv')]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("rows of 3 values; the model's data is [2]");
    expect(noTrace(r.out)).toBe(true);
  }, 120_000);

  it('compile --target pytorch refuses what the target does not implement, by name', async () => {
    const out = join(dir, 'cond');
    writeFileSync(
      join(dir, 'cond.flow'),
      SPEC.replace('data x: real[2]', 'data x: real[2]\n  condition y: categorical(2)').replace(
        '  flow {\n',
        '  flow {\n    maf(hidden: [8])\n',
      ),
    );
    const r = await flowc('compile', join(dir, 'cond.flow'), '--target', 'pytorch', '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not implement condition on maf .*in model Moons/);
    expect(r.err).toContain('no PyTorch package written');
    const u = await flowc('compile', 'specs/two_moons.flow', '--target', 'onnx', '-o', out);
    expect(u.code).toBe(2);
    expect(u.err).toContain('unknown target');
  });
});
