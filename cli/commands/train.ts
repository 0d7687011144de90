// flowc train SPEC [--model NAME] [--data SRC] [--epochs N | --steps N] [--batch N] [--lr X]
//                  [--seed N] [--out DIR] [--resume]
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FlowIR } from '../../compiler/ir/types.js';
import { checkData, declText, loadTraining, prod, type DataSplit, type Dataset } from '../../runtime/data/index.js';
import { recordSource, trainingSources } from '../data.js';
import type { TrainConfig } from '../../runtime/trainer.js';
import { makeDirs, UserError, type CliIO } from '../io.js';
import { formatDuration, plainProgress, ttyProgress } from '../progress.js';
import { newRunDir, safeModelName, startBackend } from '../run.js';
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

function newestRun(model: string): string | undefined {
  if (!existsSync('runs')) return undefined;
  const dirs = readdirSync('runs')
    .filter((d) => d.startsWith(`${safeModelName(model)}-`) && existsSync(join('runs', d, 'checkpoint.ckpt')))
    .map((d) => join('runs', d));
  dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return dirs[0];
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
  runDir ??= newRunDir(ir.model, stamp());

  // data sources, checked before TensorFlow.js starts (a resumed run's come from its checkpoint, below)
  let sources = energy || f.resume ? undefined : trainingSources(ir, specPath, f.data, undefined);
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
  // data: --data, then the resumed run's, then the spec's (its test: set replaces the hold-out), then a default
  if (resume && !energy) sources = trainingSources(ir, specPath, f.data, resume.meta);
  if (!energy && !sources) {
    throw new UserError(`no training data for ${declText(ir.data)}: pass --data SRC or write train { data: ... } in the spec (see flowc train --help)`);
  }
  const seed = f.seed ?? prevCfg?.seed ?? ir.train.seed ?? 0;
  let data: DataSplit;
  if (!sources) {
    // a reverse-KL fit draws fresh base samples each step: the batches only carry the batch size
    const B = f.batch ?? prevCfg?.batch ?? ir.train.batch ?? 64;
    const zeros: Dataset = { name: `energy ${ir.target?.name ?? ''} (fresh base samples every step)`, n: B, shape: ir.data.shape, x: new Float32Array(B * prod(ir.data.shape)) };
    data = { train: zeros, test: zeros };
  } else data = loadTraining(sources.train, sources.test, seed, (ds) => checkData(ds, ir.data));
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
  const srcText = sources ? recordSource(sources.train) : `energy:${ir.target?.name ?? ''}`;
  const testText = sources?.test ? recordSource(sources.test) : undefined;
  const params = model.variables.reduce((a, v) => a + (v.trainable ? v.size : 0), 0);
  if (!resume) {
    writeFileSync(join(runDir, 'model.ir.json'), JSON.stringify(ir, null, 2) + '\n');
    writeFileSync(
      join(runDir, 'run.json'),
      JSON.stringify({ spec: resolve(specPath), model: ir.model, data: srcText, test: testText, backend, started: new Date().toISOString(), config }, null, 2) + '\n',
    );
  }
  const { activeWasmThreads } = await import('../../runtime/kernels/threads/wasm-threads.js');
  const { dataParallelPlanned } = await import('../../runtime/parallel/data-parallel.js');
  const threads = activeWasmThreads();
  const par = dataParallelPlanned() ? ' (data-parallel: 2 replicas)' : threads > 1 ? ` (${threads} threads)` : '';
  io.out(
    `backend ${backend}${par} | model ${ir.model} (${ir.family}, ${params.toLocaleString('en-US')} parameters) | data ${data.train.name}, ` +
      `${data.train.n} train / ${data.test.n} ${sources?.test ? `test (${data.test.name})` : 'held out'} | ${steps} steps of batch ${batch}, lr ${config.lr} | run ${runDir}\n`,
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
    result = await trainLoop({ model, ir, data, config, runDir, progress, stop, resume, meta: { source: srcText, test: testText, spec: resolve(specPath) } });
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
