// flowc train SPEC [--model NAME] [--data SRC] [--epochs N | --steps N] [--batch N] [--lr X]
//                  [--seed N] [--out DIR [--force]] [--resume]
// SIGINT, SIGTERM and SIGHUP finish the step, save a checkpoint and print the resume command.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkData,
  checkLabels,
  declText,
  loadTraining,
  prod,
  type DataSplit,
  type Dataset,
} from '../../runtime/data/index.js';
import { dataWithLabels, recordSource, trainingSources } from '../data.js';
import type { TrainConfig } from '../../runtime/trainer.js';
import { makeDirs, UserError, type CliIO } from '../io.js';
import { formatDuration, plainProgress, ttyProgress } from '../progress.js';
import { newRunDir, safeModelName, startBackend } from '../run.js';
import { compileSpec } from '../spec.js';
import {
  checkNewRunDir,
  historyUpTo,
  modelDiff,
  modelHash,
  readRunRecord,
  writeRunRecord,
  type RunRecord,
  type RunSegment,
} from '../run-record.js';
import { dataSourceForms } from '../../compiler/reference/links.js';

export interface TrainFlags {
  model?: string;
  data?: string;
  /** labels (or condition rows) of a --data file, for a model with `condition y` */
  labels?: string;
  /** --label-column COL: the labels are column COL of the --data CSV (0-based index or header name) */
  labelColumn?: string;
  epochs?: number;
  steps?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  out?: string;
  resume?: boolean;
  /** write a new run into a non-empty folder */
  force?: boolean;
  evalEvery?: number;
  /** evaluate at most every M seconds (with --eval-every: whichever is rarer) */
  evalSeconds?: number;
  /** held-out rows of the evaluation at the end (default: all) */
  finalEvalRows?: number;
  checkpointEvery?: number;
  /** also checkpoint every M minutes of wall-clock time */
  checkpointMinutes?: number;
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

/** exit status of a process stopped by a signal: 128 + its number */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

type Stop = { requested: boolean; signal?: string };

/** SIGINT, SIGTERM and SIGHUP ask the loop to stop after the current step; a second one quits at once. */
function catchSignals(io: CliIO, stop: Stop): () => void {
  const on = (sig: NodeJS.Signals) => {
    if (stop.requested) process.exit(SIGNAL_EXIT[sig] ?? 1);
    stop.requested = true;
    stop.signal = sig;
    const again = sig === 'SIGINT' ? 'Ctrl-C again' : `${sig} again`;
    const what = sig === 'SIGINT' ? 'interrupted' : `received ${sig}`;
    io.err(`\nflowc: ${what}; finishing the step and saving a checkpoint (${again} to quit at once)\n`);
  };
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of sigs) process.on(s, on);
  return () => sigs.forEach((s) => process.off(s, on));
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export async function runTrain(io: CliIO, specPath: string, f: TrainFlags): Promise<number> {
  // from the start: a signal during set-up stops before the first step (with a step-0 checkpoint)
  const stop: Stop = { requested: false };
  const release = catchSignals(io, stop);
  try {
    return await train(io, specPath, f, stop);
  } finally {
    release();
  }
}

async function train(io: CliIO, specPath: string, f0: TrainFlags, stop: Stop): Promise<number> {
  const f = { ...f0, data: dataWithLabels(f0.data, f0.labels, f0.labelColumn) };
  let ir = await compileSpec(io, specPath, f.model);
  const specIr = ir;
  const energy = ir.family === 'energy';
  if (energy && f.data)
    throw new UserError(`model ${ir.model} fits the energy target ${ir.target?.name ?? ''} and takes no --data`);

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
  if (!f.resume && runDir) checkNewRunDir(runDir, f.force === true);
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
    // the spec must still describe the model that was trained
    if (modelHash(resume.ir) !== modelHash(specIr)) {
      const diff = modelDiff(resume.ir, specIr)
        .map((l) => `\n  ${l}`)
        .join('');
      throw new UserError(
        `--resume: ${specPath} does not describe the model trained in ${runDir} (${resume.ir.model}):${diff}\n` +
          'Train it into a new --out, or resume with the spec the run started from ' +
          `(its text is in ${join(runDir!, 'run.json')})`,
      );
    }
    ir = resume.ir; // the spec's layout and train { } may have changed: the run's settings carry on
  }
  const prevCfg = (resume?.meta.config ?? undefined) as TrainConfig | undefined;
  // data: --data, then the resumed run's, then the spec's (its test: set replaces the hold-out), then a default
  if (resume && !energy) sources = trainingSources(ir, specPath, f.data, resume.meta);
  if (!energy && !sources) {
    const forms = dataSourceForms().replace(/`/g, '');
    throw new UserError(
      `no training data for ${declText(ir.data)}: pass --data SRC, or write train { data: SRC } ` +
        `in the spec with SRC one of ${forms} (see flowc train --help)`,
    );
  }
  const seed = f.seed ?? prevCfg?.seed ?? ir.train.seed ?? 0;
  if (prevCfg && seed !== prevCfg.seed) {
    throw new UserError(
      `--resume: the run used --seed ${prevCfg.seed} (it fixes the held-out split and the noise); it cannot change`,
    );
  }
  let data: DataSplit;
  if (!sources) {
    // a reverse-KL fit draws fresh base samples each step: the batches only carry the batch size
    const B = f.batch ?? prevCfg?.batch ?? ir.train.batch ?? 64;
    const zeros: Dataset = {
      name: `energy ${ir.target?.name ?? ''} (fresh base samples every step)`,
      n: B,
      shape: ir.data.shape,
      x: new Float32Array(B * prod(ir.data.shape)),
    };
    data = { train: zeros, test: zeros };
  } else {
    data = loadTraining(sources.train, sources.test, seed, (ds) => {
      checkData(ds, ir.data);
      checkLabels(ds, ir);
    });
  }
  checkData(data.train, ir.data);
  checkData(data.test, ir.data);

  const batch = f.batch ?? prevCfg?.batch ?? ir.train.batch ?? 64;
  if (prevCfg && batch !== prevCfg.batch)
    throw new UserError(`--resume: the run used --batch ${prevCfg.batch}; it cannot change`);
  const perEpoch = Math.ceil(data.train.n / batch);
  const steps =
    f.steps ??
    (f.epochs ? f.epochs * perEpoch : undefined) ??
    prevCfg?.steps ??
    ir.train.steps ??
    (ir.train.epochs ? ir.train.epochs * perEpoch : 1000);
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
    evalSeconds: f.evalSeconds ?? (f.evalEvery !== undefined ? 0 : 30),
    checkpointEvery:
      f.checkpointEvery ?? ir.train.checkpointEvery ?? Math.max(1, Math.min(500, Math.round(steps / 10))),
    checkpointSeconds: (f.checkpointMinutes ?? 5) * 60,
    // the full held-out set at the end (with progress), unless --final-eval-rows bounds it
    finalEvalRows: f.finalEvalRows,
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
  // run.json: the spec's text, the model's hash and, per session, which steps ran with what
  const segment: RunSegment = {
    from: resume?.step ?? 0,
    to: resume?.step ?? 0,
    target: steps,
    lr: config.lr,
    batch,
    seed,
    data: srcText,
    started: new Date().toISOString(),
    status: 'running',
  };
  if (testText) segment.test = testText;
  let record: RunRecord;
  const changed: string[] = [];
  if (!resume) {
    writeFileSync(join(runDir, 'model.ir.json'), JSON.stringify(ir, null, 2) + '\n');
    record = {
      spec: resolve(specPath),
      model: ir.model,
      data: srcText,
      test: testText,
      backend,
      started: segment.started,
      config,
      specText: readFileSync(specPath, 'utf8'),
      modelHash: modelHash(ir),
      history: [segment],
    };
  } else {
    const prevSource = resume.meta.source as string | undefined;
    const old: RunRecord = readRunRecord(runDir) ?? {
      spec: resolve(specPath),
      model: ir.model,
      data: prevSource ?? srcText,
      backend,
      started: '',
      config: { ...prevCfg },
    };
    if (prevCfg && prevCfg.lr !== config.lr) changed.push(`lr ${prevCfg.lr} → ${config.lr}`);
    if (prevSource !== undefined && prevSource !== srcText) changed.push(`data ${prevSource} → ${srcText}`);
    const history = [...historyUpTo(old.history ?? [], resume.step), segment];
    const hash = old.modelHash ?? modelHash(resume.ir);
    record = { ...old, data: srcText, test: testText, backend, config, modelHash: hash, history };
  }
  writeRunRecord(runDir, record);
  const { activeWasmThreads } = await import('../../runtime/kernels/threads/wasm-threads.js');
  const { dataParallelPlanned } = await import('../../runtime/parallel/data-parallel.js');
  const threads = activeWasmThreads();
  const par = dataParallelPlanned() ? ' (data-parallel: 2 replicas)' : threads > 1 ? ` (${threads} threads)` : '';
  const { planModel } = await import('../../runtime/plan/planner.js');
  const { planSummary } = await import('../../runtime/plan/format.js');
  const plan = planSummary(planModel(ir)).replace(/^plan: [^ ]+ · /, 'plan: ');
  io.out(
    `backend ${backend}${par} | model ${ir.model} (${ir.family}, ${params.toLocaleString('en-US')} parameters) | ` +
      `data ${data.train.name}, ` +
      `${data.train.n} train / ${data.test.n} ${sources?.test ? `test (${data.test.name})` : 'held out'} | ` +
      `${steps} steps of batch ${batch}, lr ${config.lr} | run ${runDir} | ${plan}\n`,
  );
  if (resume) io.out(`resuming at step ${resume.step}\n`);
  if (changed.length) {
    io.out(`from step ${resume!.step}: ${changed.join(', ')} (recorded in ${join(runDir, 'run.json')})\n`);
  }
  if (resume) {
    // the spec's train { } block differs from the run's settings: say what the run keeps
    const t = specIr.train;
    const kept: string[] = [];
    if (f.lr === undefined && t.optimizer && t.optimizer.lr !== config.lr) {
      kept.push(`lr ${config.lr} (not ${t.optimizer.lr}; --lr changes it)`);
    }
    if (f.batch === undefined && t.batch !== undefined && t.batch !== batch) {
      kept.push(`batch ${batch} (not ${t.batch})`);
    }
    if (f.seed === undefined && t.seed !== undefined && t.seed !== seed) kept.push(`seed ${seed} (not ${t.seed})`);
    if (kept.length) {
      io.err(`flowc: note: ${specPath}'s train { } differs from the run's; the run keeps ${kept.join(', ')}\n`);
    }
  }

  const progress = io.isTTY ? ttyProgress(io) : plainProgress(io, f.logEvery);
  const { trainLoop } = await import('../../runtime/trainer.js');
  const t0 = Date.now();
  const onCheckpoint = (step: number) => {
    segment.to = step;
    writeRunRecord(runDir!, record);
  };
  const meta = { source: srcText, test: testText, spec: resolve(specPath) };
  const result = await trainLoop({ model, ir, data, config, runDir, progress, stop, resume, meta, onCheckpoint });
  segment.status = result.status === 'interrupted' ? `interrupted (${stop.signal ?? 'signal'})` : result.status;
  segment.ended = new Date().toISOString();
  writeRunRecord(runDir, record);
  const { writeLossCurve, writeModelPictures } = await import('../../runtime/pictures/model-pictures.js');
  const pics: string[] = [];
  const curve = writeLossCurve(runDir, `${ir.model}: training loss (nats/example)`);
  if (curve) pics.push(curve);
  if (f.pictures !== false && result.status === 'done') {
    if (ir.family === 'autoregressive' && prod(ir.data.shape) > 64) {
      // joint channels (PixelCNN++): one pass per pixel, not per channel
      const passes = ir.channels === 'joint' ? prod(ir.data.shape.slice(1)) : prod(ir.data.shape);
      io.out(`drawing samples for samples.png (${passes} sequential network passes; ` + `--no-pictures skips this)\n`);
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
    ? ` | held-out NLL ${result.test.nats.toFixed(4)} ` +
      `nats${result.test.bitsPerDim !== undefined ? ` (${result.test.bitsPerDim.toFixed(4)} bits/dim)` : ''}`
    : '';
  if (result.status === 'interrupted') {
    io.err(
      `flowc: stopped at step ${result.step}; checkpoint saved. Continue with: flowc train ` +
        `${specPath} --out ${runDir} --resume\n`,
    );
    return SIGNAL_EXIT[stop.signal ?? 'SIGINT'] ?? 130;
  }
  io.out(
    `done: step ${result.step} in ${formatDuration(secs)}` +
      `${result.lastLoss !== undefined ? ` | loss ${result.lastLoss.toFixed(4)}` : ''}${test}\n`,
  );
  io.out(`wrote ${[join(runDir, 'checkpoint.ckpt'), join(runDir, 'metrics.jsonl'), ...pics].join(', ')}\n`);
  return 0;
}
