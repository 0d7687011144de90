// The PyTorch reference peer (../shared/bench/torch_ref.py with Debian's python3-torch), run in the
// same bench run when available. OpenBLAS comes from setup_openblas.sh (unpacked, not installed)
// through LD_LIBRARY_PATH; without it torch runs on its default BLAS (recorded as `blas`).
// torch_ref.py is run through a small wrapper that adds the process's peak RSS.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { refDir } from './data.js';
import type { WorkloadId } from './workloads.js';

export interface TorchOptions {
  threads: number;
  steps: number;
  warmup: number;
  trainSeconds?: number;
  testN?: number;
  sampleSteps?: number;
  timeoutS?: number;
  /** 'cpu': torch_ref.py's timer (time.perf_counter) is replaced by time.process_time */
  clock?: 'wall' | 'cpu';
}

export type TorchResult = Record<string, unknown> & {
  workload: string;
  examples_per_sec?: number;
  peak_rss_mb?: number;
};

export const PY = process.env.FLOWC_BENCH_PYTHON ?? '/usr/bin/python3';

let avail: { ok: boolean; why: string; ldPath?: string } | null = null;

/** whether torch_ref.py and an importable torch exist; finds OpenBLAS once */
export function torchAvailable(): { ok: boolean; why: string; ldPath?: string } {
  if (avail) return avail;
  const script = path.join(refDir(), 'torch_ref.py');
  if (!fs.existsSync(script)) return (avail = { ok: false, why: `${script} not found` });
  const probe = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0)
    return (avail = { ok: false, why: `${PY} cannot import torch (apt-get install python3-torch)` });
  let ldPath: string | undefined;
  const setup = path.join(refDir(), 'setup_openblas.sh');
  if (process.env.FLOWC_BENCH_NO_OPENBLAS !== '1' && fs.existsSync(setup)) {
    const r = spawnSync('bash', [setup], { encoding: 'utf8', timeout: 120_000 });
    const last = r.stdout.trim().split('\n').pop();
    if (r.status === 0 && last && fs.existsSync(last)) ldPath = last;
  }
  return (avail = { ok: true, why: ldPath ? 'openblas' : 'torch default BLAS (OpenBLAS setup failed)', ldPath });
}

/** runs a Python script (argv after -c WRAP) and prints its peak RSS as a last JSON line */
export const WRAP = `
import json, os, resource, runpy, sys, time
sys.argv = sys.argv[1:]
if os.environ.get("FLOWC_BENCH_CLOCK") == "cpu":
    time.perf_counter = time.process_time
runpy.run_path(sys.argv[0], run_name="__main__")
print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

export function runTorch(id: WorkloadId, o: TorchOptions): TorchResult | { error: string; workload: string } {
  const a = torchAvailable();
  if (!a.ok) return { workload: id, error: a.why };
  const args = [
    '-c',
    WRAP,
    path.join(refDir(), 'torch_ref.py'),
    '--workload',
    id,
    '--threads',
    String(o.threads),
    '--steps',
    String(o.steps),
    '--warmup',
    String(o.warmup),
  ];
  if (o.trainSeconds !== undefined) args.push('--train-seconds', String(o.trainSeconds));
  if (o.testN !== undefined) args.push('--test-n', String(o.testN));
  if (id === 'W4') args.push('--sample-steps', String(o.sampleSteps ?? 784));
  const env: NodeJS.ProcessEnv = { ...process.env, FLOWC_BENCH_CLOCK: o.clock ?? 'wall' };
  // more than one thread: OpenMP's and OpenBLAS's pools fight over the cores unless OpenMP's workers
  // sleep while waiting (FINDINGS.md: W2 3,312 → 8,412 ex/s on 2 threads)
  if (o.threads > 1 && env.OMP_WAIT_POLICY === undefined) env.OMP_WAIT_POLICY = 'PASSIVE';
  if (a.ldPath) env.LD_LIBRARY_PATH = [a.ldPath, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const r = spawnSync(PY, args, { encoding: 'utf8', env, timeout: (o.timeoutS ?? 900) * 1000, maxBuffer: 1 << 24 });
  const lines = (r.stdout ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  if (r.status !== 0 || lines.length < 2) {
    return {
      workload: id,
      error:
        `torch_ref.py exited ${r.status ?? r.signal}: ` +
        `${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
  const main = JSON.parse(lines[lines.length - 2]!) as TorchResult;
  const rss = JSON.parse(lines[lines.length - 1]!) as { peak_rss_mb: number };
  return {
    ...main,
    peak_rss_mb: rss.peak_rss_mb,
    backend: `torch-${main.blas ?? 'blas'}-${o.threads}t`,
    clock: o.clock ?? 'wall',
  };
}
