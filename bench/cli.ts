// The bench harness (npm run bench): argument parsing, one child process per workload (so each
// peak RSS is its own), the PyTorch reference beside it, the table / JSON lines, saved results.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError } from './data.js';
import { runInfo, saveResults } from './results.js';
import { runTorch, torchAvailable, type TorchResult } from './torch-ref.js';
import { resultLine, tableHead, tableRows, type Failure } from './table.js';
import { runTorchTarget } from './torch-target.js';
import { WORKLOADS, parseWorkloads, type WorkloadId } from './workloads.js';
import type { FlowcOptions, FlowcResult } from './run-flowc.js';

const USAGE = `usage: npm run bench -- [--workload W1,W2,...] [--steps N] [--warmup N] [--json]
  [--train-seconds T] [--test-n N] [--sample-steps K] [--backend wasm|cpu|tensorflow]
  [--no-torch] [--torch-threads N] [--no-save] [--in-process] [--clock wall|cpu|main] [--trainer stock|fast]
  [--wasm-threads N] [--workers 0|1] [--torch-target]`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new BenchError(`--${name} expects a non-negative number, got '${v}'`);
  return n;
}

/** the flags of `npm run bench` (a BenchError for a bad value) */
export function parseBenchArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workload: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
      'train-seconds': { type: 'string' },
      'test-n': { type: 'string' },
      'sample-steps': { type: 'string' },
      backend: { type: 'string' },
      'no-torch': { type: 'boolean' },
      'torch-threads': { type: 'string' },
      'no-save': { type: 'boolean' },
      'in-process': { type: 'boolean' },
      clock: { type: 'string' },
      trainer: { type: 'string' },
      'wasm-threads': { type: 'string' },
      workers: { type: 'string' },
      'torch-target': { type: 'boolean' },
      child: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const wl = parseWorkloads(values.child ?? values.workload);
  if (typeof wl === 'string') throw new BenchError(wl);
  const backend = values.backend;
  if (backend !== undefined && !['wasm', 'cpu', 'tensorflow'].includes(backend))
    throw new BenchError(`--backend: unknown '${backend}'`);
  const clock = values.clock ?? 'wall';
  if (clock !== 'wall' && clock !== 'cpu' && clock !== 'main')
    throw new BenchError(`--clock: expected wall, cpu or main, got '${clock}'`);
  const wt = values['wasm-threads'];
  if (wt !== undefined) {
    if (!/^[1-8]$/.test(wt)) throw new BenchError(`--wasm-threads: expected 1..8, got '${wt}'`);
    process.env.FLOWC_WASM_THREADS = wt; // read by runtime/backend.ts, here and in the child processes
  }
  const wk = values.workers;
  if (wk !== undefined) {
    if (wk !== '0' && wk !== '1')
      throw new BenchError(`--workers: expected 0 (no data-parallel worker) or 1, got '${wk}'`);
    process.env.FLOWC_WORKERS = wk; // read by runtime/backend.ts in the child processes
  }
  const trainer = values.trainer ?? 'stock';
  if (trainer !== 'stock' && trainer !== 'fast')
    throw new BenchError(`--trainer: expected stock or fast, got '${trainer}'`);
  const opts: FlowcOptions = {
    clock,
    trainer,
    steps: num(values.steps, 'steps'),
    warmup: num(values.warmup, 'warmup'),
    trainSeconds: num(values['train-seconds'], 'train-seconds'),
    testN: num(values['test-n'], 'test-n'),
    sampleSteps: num(values['sample-steps'], 'sample-steps'),
    backend: backend as FlowcOptions['backend'],
  };
  return { values, workloads: wl, opts };
}

const MARK = '@@flowc-bench ';

async function child(id: WorkloadId, opts: FlowcOptions): Promise<void> {
  const { runFlowc } = await import('./run-flowc.js');
  const r = await runFlowc(id, opts);
  process.stdout.write(MARK + JSON.stringify(r) + '\n');
}

function runChild(id: WorkloadId, argv: string[]): FlowcResult | { workload: WorkloadId; error: string } {
  const self = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
  const rest = argv.filter(
    (a, i) => !(a === '--workload' || argv[i - 1] === '--workload' || a.startsWith('--workload=')),
  );
  const r = spawnSync(process.execPath, [self, '--child', id, ...rest], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(MARK));
  if (!line) {
    const err = (r.stderr ?? '').trim().split('\n').filter(Boolean).slice(-4).join(' | ');
    return { workload: id, error: `flowc child exited ${r.status ?? r.signal}: ${err}` };
  }
  return JSON.parse(line.slice(MARK.length)) as FlowcResult;
}

/** runs the harness; returns the exit code (2 for a bad flag or missing data: no stack trace) */
export async function runBench(
  argv: string[],
  write: (s: string) => void = (s) => {
    process.stdout.write(s);
  },
): Promise<number> {
  try {
    return await bench(argv, write);
  } catch (e) {
    if (e instanceof BenchError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`flowc bench: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

async function bench(argv: string[], write: (s: string) => void): Promise<number> {
  const { values, workloads, opts } = parseBenchArgs(argv);
  if (values.help) {
    write(USAGE + '\n');
    return 0;
  }
  if (values.child) {
    await child(workloads[0]!, opts);
    return 0;
  }
  const info = runInfo();
  const wantTorch = !values['no-torch'];
  const torch = wantTorch ? torchAvailable() : { ok: false, why: '--no-torch' };
  if (!values.json)
    write(
      `flowc bench · ${info.cpu} · nproc ${info.nproc} · ${info.date} · commit ` +
        `${info.commit.slice(0, 10)}${info.dirty ? '+dirty' : ''}\nPyTorch reference: ` +
        `${torch.ok ? torch.why : `not run (${torch.why})`}\n`,
    );
  const saved: object[] = [];
  const rows: string[][] = [];
  for (const id of workloads) {
    const w = WORKLOADS[id];
    let fr: FlowcResult | Failure;
    if (values['in-process']) {
      const { runFlowc } = await import('./run-flowc.js');
      try {
        fr = await runFlowc(id, opts);
      } catch (e) {
        if (e instanceof BenchError) throw e;
        fr = { workload: id, error: (e as Error).message };
      }
    } else fr = runChild(id, argv);
    const torchOpts = {
      threads: Number(values['torch-threads'] ?? 1),
      steps: opts.steps ?? w.steps,
      warmup: opts.warmup ?? w.warmup,
      // PyTorch runs one thread: its process CPU time is its main thread's
      clock: opts.clock === 'main' ? ('cpu' as const) : opts.clock,
    };
    let tr: TorchResult | Failure | null = null;
    if (torch.ok) {
      tr = runTorch(id, {
        ...torchOpts,
        trainSeconds: opts.trainSeconds,
        testN: opts.testN,
        sampleSteps: opts.sampleSteps,
      });
    }
    // --torch-target: the code `compile --target pytorch` emits, with the reference's step protocol
    const tt = values['torch-target'] ? await runTorchTarget(id, torchOpts) : undefined;
    const line = resultLine(fr, tr, tt);
    const out = [line, ...(tr ? [{ engine: 'torch', ...tr }] : []), ...(tt ? [{ ...tt, engine: 'torch-target' }] : [])];
    saved.push(...out);
    if (values.json) for (const o of out) write(JSON.stringify(o) + '\n');
    else if ('error' in fr) rows.push([id, w.name, `error: ${fr.error}`]);
    else rows.push(...tableRows(w, fr, line, tr, tt));
  }
  if (!values.json) for (const r of [tableHead(values['torch-target'] === true), ...rows]) write(r.join('\t') + '\n');
  if (!values['no-save'] && saved.length) {
    const file = saveResults(saved, info);
    if (!values.json) write(`saved to ${file}\n`);
  }
  return saved.some((s) => 'error' in s && (s as { engine?: string }).engine !== 'torch') ? 1 : 0;
}
