// The code flowc emits for PyTorch (compile --target pytorch) as a column of `npm run bench -- --torch-target`:
// each workload's spec is emitted as a package in a temporary folder and timed by bench/torch_target.py
// with the step protocol of the hand-written reference (torch_ref.py), the same threads, clock and BLAS.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './data.js';
import { PY, WRAP, torchAvailable, type TorchOptions, type TorchResult } from './torch-ref.js';
import { WORKLOADS, type WorkloadId } from './workloads.js';

type Failure = { workload: string; error: string };

/** writes the workload's PyTorch package into a new temporary folder; returns it */
async function emitPackage(id: WorkloadId): Promise<string> {
  const { compileSource } = await import('../compiler/index.js');
  const { writeTorchPackage } = await import('../cli/torch-package.js');
  const spec = WORKLOADS[id].spec;
  const r = compileSource(fs.readFileSync(spec, 'utf8'), spec);
  if (!r.ir) throw new Error(`${spec} does not compile`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flowc-bench-${id}-`));
  const silent = { out: () => {}, err: () => {}, isTTY: false, color: false };
  await writeTorchPackage(silent as never, r.ir, spec, path.join(dir, 'pkg'));
  return dir;
}

/** times the emitted package of workload `id` (same steps, warm-up, threads and clock as the reference) */
export async function runTorchTarget(id: WorkloadId, o: TorchOptions): Promise<TorchResult | Failure> {
  const probe = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return { workload: id, error: `${PY} cannot import torch (apt-get install python3-torch)` };
  let dir: string | undefined;
  try {
    dir = await emitPackage(id);
    const script = path.join(repoRoot(), 'bench', 'torch_target.py');
    const args = ['-c', WRAP, script, path.join(dir, 'pkg'), '--batch', String(WORKLOADS[id].batch)];
    args.push('--threads', String(o.threads), '--steps', String(o.steps), '--warmup', String(o.warmup));
    const env: NodeJS.ProcessEnv = { ...process.env, FLOWC_BENCH_CLOCK: o.clock ?? 'wall' };
    if (o.threads > 1 && env.OMP_WAIT_POLICY === undefined) env.OMP_WAIT_POLICY = 'PASSIVE';
    const ld = torchAvailable().ldPath;
    if (ld) env.LD_LIBRARY_PATH = [ld, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    const r = spawnSync(PY, args, { encoding: 'utf8', env, timeout: (o.timeoutS ?? 900) * 1000, maxBuffer: 1 << 24 });
    const lines = (r.stdout ?? '')
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    if (r.status !== 0 || lines.length < 2) {
      const err = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
      return { workload: id, error: `torch_target.py exited ${r.status ?? r.signal}: ${err}` };
    }
    const main = JSON.parse(lines[lines.length - 2]!) as TorchResult;
    const rss = JSON.parse(lines[lines.length - 1]!) as { peak_rss_mb: number };
    return {
      ...main,
      workload: id,
      peak_rss_mb: rss.peak_rss_mb,
      backend: `torch-target-${ld ? 'openblas' : 'blas'}-${o.threads}t`,
      clock: o.clock ?? 'wall',
    };
  } catch (e) {
    return { workload: id, error: `emitting the PyTorch package: ${(e as Error).message}` };
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
