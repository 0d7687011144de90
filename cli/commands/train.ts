// flowc train SPEC [--model NAME] [--data SRC] [--epochs N | --steps N] [--batch N] [--lr X]
//                  [--seed N] [--out DIR] [--resume]
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { FlowIR } from '../../compiler/ir/types.js';
import { checkData, declText, describeSource, loadRows, loadSplit, splitRows, parseSource, prod, sourceFromSpec, type DataSplit, type Dataset, type SourceSpec } from '../../runtime/data/index.js';
import type { TrainConfig } from '../../runtime/trainer.js';
import { makeDirs, UserError, type CliIO } from '../io.js';
import { formatDuration, plainProgress, ttyProgress } from '../progress.js';
import { startBackend } from '../run.js';
import { compileSpec } from '../spec.js';

export interface TrainFlags {
  model?: string;
  data?: string;
  epochs?: number;
  steps?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  out?: string;
  resume?: boolean;
  evalEvery?: number;
  checkpointEvery?: number;
  pictures?: boolean;
  /** tests: log every N steps */
  logEvery?: number;
}

/** The data source when neither --data nor the spec names one: picked from the data declaration. */
function defaultSource(ir: FlowIR): SourceSpec | undefined {
  const D = ir.data.shape.reduce((a, b) => a * b, 1);
  if (D === 2 && ir.data.domain.kind === 'real') return { kind: 'toy', name: 'moons', opts: {} };
  if (D === 784 && ir.data.domain.kind === 'binary') return { kind: 'mnist', binarized: true };
  if (D === 784 && ir.data.domain.kind !== 'binary') return { kind: 'mnist', binarized: false };
  return undefined;
}

function newestRun(model: string): string | undefined {
  if (!existsSync('runs')) return undefined;
  const dirs = readdirSync('runs')
    .filter((d) => d.startsWith(`${model}-`) && existsSync(join('runs', d, 'checkpoint.ckpt')))
    .map((d) => join('runs', d));
  dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return dirs[0];
}

/** A spec's data entry; file paths are relative to the spec file. */
function fromSpec(d: { source: string; args: Record<string, unknown> }, specPath: string): SourceSpec {
  const s = sourceFromSpec(d);
  if (s.kind === 'file' && !isAbsolute(s.path)) return { ...s, path: join(dirname(specPath), s.path) };
  return s;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export async function runTrain(io: CliIO, specPath: string, f: TrainFlags): Promise<number> {
  let ir = await compileSpec(io, specPath, f.model);
  const energy = ir.family === 'energy';
  if (energy && f.data) throw new UserError(`model ${ir.model} fits the energy target ${ir.target?.name ?? ''} and takes no --data`);

  // run directory and (for --resume) its checkpoint, before anything heavy
  let runDir = f.out;
  if (f.resume && !runDir) {
    runDir = newestRun(ir.model);
    if (!runDir) throw new UserError(`--resume: no earlier run of ${ir.model} under runs/; pass --out DIR`);
  }
  if (f.resume && !existsSync(join(runDir!, 'checkpoint.ckpt')) && !existsSync(join(runDir!, 'checkpoint.prev.ckpt'))) {
    throw new UserError(`--resume: ${runDir} holds no checkpoint`);
  }
  if (!f.resume && runDir && existsSync(join(runDir, 'checkpoint.ckpt'))) {
    throw new UserError(`${runDir} already holds a run: continue it with --resume, or pick another --out`);
  }
  runDir ??= join('runs', `${ir.model}-${stamp()}`);

  const backend = await startBackend(ir, f.batch);
  const { loadCheckpoint, restoreVariables, CheckpointError } = await import('../../runtime/checkpoint.js');
  let resume: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
  if (f.resume) {
    try {
      resume = loadCheckpoint(runDir);
    } catch (e) {
      if (e instanceof CheckpointError) throw new UserError(e.message);
      throw e;
    }
    if (resume.warning) io.err(`flowc: warning: ${resume.warning}\n`);
    ir = resume.ir; // continue the model that was trained, even if the spec changed since
  }
  const prevCfg = (resume?.meta.config ?? undefined) as TrainConfig | undefined;
  const prevSource = resume?.meta.source as string | undefined;

  // data: flag, then the checkpoint's, then the spec's, then a default for the declared shape
  let source: SourceSpec | undefined;
  if (energy) source = { kind: 'toy', name: 'moons', opts: {} }; // unused
  else if (f.data) source = parseSource(f.data);
  else if (prevSource) source = parseSource(prevSource);
  else if (ir.train.data) source = fromSpec(ir.train.data, specPath);
  else source = defaultSource(ir);
  if (!source) {
    throw new UserError(`no training data for ${declText(ir.data)}: pass --data SRC or write train { data: ... } in the spec (see flowc train --help)`);
  }
  const seed = f.seed ?? prevCfg?.seed ?? ir.train.seed ?? 0;
  let data: DataSplit;
  if (energy) {
    // a reverse-KL fit draws fresh base samples each step: the batches only carry the batch size
    const B = f.batch ?? prevCfg?.batch ?? ir.train.batch ?? 64;
    const zeros: Dataset = { name: `energy ${ir.target?.name ?? ''} (fresh base samples every step)`, n: B, shape: ir.data.shape, x: new Float32Array(B * prod(ir.data.shape)) };
    data = { train: zeros, test: zeros };
  } else if (source.kind === 'file') {
    // check the whole file first, so that messages name rows in the file's own order
    const all = loadRows(source);
    checkData(all, ir.data);
    data = splitRows(all, seed);
  } else data = loadSplit(source, seed);
  const testDecl = (ir.train as { test?: { source: string; args: Record<string, unknown> } }).test;
  if (testDecl && !f.data) data.test = loadRows(fromSpec(testDecl, specPath));
  checkData(data.train, ir.data);
  checkData(data.test, ir.data);

  const batch = f.batch ?? prevCfg?.batch ?? ir.train.batch ?? 64;
  if (prevCfg && batch !== prevCfg.batch) throw new UserError(`--resume: the run used --batch ${prevCfg.batch}; it cannot change`);
  const perEpoch = Math.ceil(data.train.n / batch);
  const steps =
    f.steps ?? (f.epochs ? f.epochs * perEpoch : undefined) ?? prevCfg?.steps ?? ir.train.steps ?? (ir.train.epochs ? ir.train.epochs * perEpoch : 1000);
  const opt = ir.train.optimizer ?? { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const config: TrainConfig = {
    batch,
    steps,
    lr: f.lr ?? prevCfg?.lr ?? opt.lr,
    beta1: opt.beta1,
    beta2: opt.beta2,
    eps: opt.eps,
    clip: ir.train.clip,
    seed,
    evalEvery: f.evalEvery ?? ir.train.evalEvery ?? Math.max(1, Math.round(steps / 10)),
    checkpointEvery: f.checkpointEvery ?? ir.train.checkpointEvery ?? Math.max(1, Math.min(500, Math.round(steps / 10))),
    // held-out rows per evaluation: all of a small test set, the first 256 images otherwise (as W3)
    evalRows: energy ? 0 : prod(ir.data.shape) > 64 ? 256 : 2000,
  };
  if (resume && resume.step >= steps) {
    throw new UserError(`--resume: ${runDir} is already at step ${resume.step} of ${steps}; pass a larger --steps`);
  }
  ir = { ...ir, train: { ...ir.train, batch, seed, steps, optimizer: { ...opt, lr: config.lr } } };

  makeDirs('--out', runDir);
  const { build } = await import('../../runtime/build.js');
  const model = build(ir);
  if (resume) {
    try {
      restoreVariables(model, resume);
    } catch (e) {
      model.dispose();
      if (e instanceof CheckpointError) throw new UserError(e.message);
      throw e;
    }
  }
  const srcText = energy ? `energy:${ir.target?.name ?? ''}` : describeSource(source);
  const params = model.variables.reduce((a, v) => a + (v.trainable ? v.size : 0), 0);
  if (!resume) {
    writeFileSync(join(runDir, 'model.ir.json'), JSON.stringify(ir, null, 2) + '\n');
    writeFileSync(
      join(runDir, 'run.json'),
      JSON.stringify({ spec: resolve(specPath), model: ir.model, data: srcText, backend, started: new Date().toISOString(), config }, null, 2) + '\n',
    );
  }
  const { activeWasmThreads } = await import('../../runtime/kernels/threads/wasm-threads.js');
  const { dataParallelPlanned } = await import('../../runtime/parallel/data-parallel.js');
  const threads = activeWasmThreads();
  const par = dataParallelPlanned() ? ' (data-parallel: 2 replicas)' : threads > 1 ? ` (${threads} threads)` : '';
  io.out(
    `backend ${backend}${par} | model ${ir.model} (${ir.family}, ${params.toLocaleString('en-US')} parameters) | data ${data.train.name}, ` +
      `${data.train.n} train / ${data.test.n} held out | ${steps} steps of batch ${batch}, lr ${config.lr} | run ${runDir}\n`,
  );
  if (resume) io.out(`resuming at step ${resume.step}\n`);

  const progress = io.isTTY ? ttyProgress(io) : plainProgress(io, f.logEvery);
  const stop = { requested: false };
  const onSigint = () => {
    if (stop.requested) process.exit(130);
    stop.requested = true;
    io.err('\nflowc: interrupted; saving a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const { trainLoop } = await import('../../runtime/trainer.js');
  const t0 = Date.now();
  let result;
  try {
    result = await trainLoop({ model, ir, data, config, runDir, progress, stop, resume, meta: { source: srcText, spec: resolve(specPath) } });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { writeLossCurve, writeModelPictures } = await import('../../runtime/pictures/model-pictures.js');
  const pics: string[] = [];
  const curve = writeLossCurve(runDir, `${ir.model}: training loss (nats/example)`);
  if (curve) pics.push(curve);
  if (f.pictures !== false && result.status === 'done') {
    if (ir.family === 'autoregressive' && prod(ir.data.shape) > 64) {
      io.out(`drawing samples for samples.png (${prod(ir.data.shape)} sequential network passes; --no-pictures skips this)\n`);
    }
    pics.push(...writeModelPictures(model, ir, data.train, runDir));
  }
  model.dispose();
  const secs = (Date.now() - t0) / 1000;
  if (result.status === 'non-finite') {
    io.err(`flowc: error: ${result.message}\n`);
    return 1;
  }
  const test = result.test
    ? ` | held-out NLL ${result.test.nats.toFixed(4)} nats${result.test.bitsPerDim !== undefined ? ` (${result.test.bitsPerDim.toFixed(4)} bits/dim)` : ''}`
    : '';
  if (result.status === 'interrupted') {
    io.err(`flowc: stopped at step ${result.step}; checkpoint saved. Continue with: flowc train ${specPath} --out ${runDir} --resume\n`);
    return 130;
  }
  io.out(`done: step ${result.step} in ${formatDuration(secs)}${result.lastLoss !== undefined ? ` | loss ${result.lastLoss.toFixed(4)}` : ''}${test}\n`);
  io.out(`wrote ${[join(runDir, 'checkpoint.ckpt'), join(runDir, 'metrics.jsonl'), ...pics].join(', ')}\n`);
  return 0;
}
