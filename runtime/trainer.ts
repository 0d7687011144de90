// The training loop: deterministic batches (batch k = rows [(k·B) mod N, +B), wrapping), progress
// reports, a metrics JSONL file, periodic held-out evaluation, atomic checkpoints, exact resume,
// a clean stop on SIGINT and on a non-finite loss (naming the first non-finite layer).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// gradients are registered separately in tfjs-core (the runtime may also import this; it is idempotent)
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import type { FlowIR } from '../compiler/ir/types.js';
import { prod, type DataSplit, type Dataset } from './data/dataset.js';
import { isDiscrete } from './data/validate.js';
import { saveCheckpoint, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';
import { firstNonFiniteLayer } from './diagnose.js';
import type { FlowModel } from './model.js';
import { createTrainer, evaluate } from './train-step.js';

export interface TrainConfig {
  batch: number;
  /** total optimizer steps (including those of a resumed run) */
  steps: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  clip?: number;
  seed: number;
  evalEvery: number;
  checkpointEvery: number;
  /** held-out rows used by the periodic evaluation */
  evalRows: number;
}

export interface Progress {
  start(total: number, startStep: number): void;
  update(step: number, fields: { loss: number; bitsPerDim?: number; examplesPerSec: number }): void;
  log(line: string): void;
  stop(): void;
}

export interface TrainResult {
  step: number;
  status: 'done' | 'interrupted' | 'non-finite';
  message?: string;
  losses: number[];
  lastLoss?: number;
  test?: { nats: number; bitsPerDim?: number };
}

export interface TrainOptions {
  model: FlowModel;
  ir: FlowIR;
  data: DataSplit;
  config: TrainConfig;
  runDir: string;
  progress: Progress;
  /** set `requested` (e.g. on SIGINT) to save and stop after the current step */
  stop: { requested: boolean };
  resume?: LoadedCheckpoint;
  meta?: Record<string, unknown>;
}

export const METRICS_FILE = 'metrics.jsonl';

/** Rows of batch k, with wrap-around: (k·B + j) mod N. */
export function batchRows(ds: Dataset, k: number, B: number): Float32Array {
  const d = prod(ds.shape);
  const out = new Float32Array(B * d);
  const start = (k * B) % ds.n;
  for (let j = 0; j < B; j++) {
    const r = (start + j) % ds.n;
    out.set(ds.x.subarray(r * d, (r + 1) * d), j * d);
  }
  return out;
}

const toTensor = (ir: FlowIR, rows: Float32Array, n: number): tf.Tensor => tf.tensor(rows, [n, ...ir.data.shape], 'float32');

/**
 * Evaluation (forward only, inside one tf.tidy per batch) keeps every intermediate of a batch alive,
 * so a batch of 256 big images can outgrow the wasm heap (Gated PixelCNN: ~18 MB of activations per
 * 28×28 example by the compiler's estimate, ×256 ≈ 4.6 GB → "memory access out of bounds").
 * This caps the batch so that batch × the IR's per-example activation estimate stays within
 * `budgetBytes`; at least 1, at most `wanted`.
 */
export const EVAL_ACTIVATION_BUDGET = 256 * 2 ** 20;
export function evalBatchFor(ir: Pick<FlowIR, 'totals'>, wanted: number, budgetBytes = EVAL_ACTIVATION_BUDGET): number {
  const per = ir.totals?.activationBytes ?? 0;
  if (!(per > 0) || !Number.isFinite(per)) return wanted;
  return Math.max(1, Math.min(wanted, Math.floor(budgetBytes / per)));
}

/** Mean NLL over the first `rows` examples of ds (nats/example, and bits/dim for discrete data). */
export function evaluateOn(model: FlowModel, ir: FlowIR, ds: Dataset, rows: number, batch: number): { nats: number; bitsPerDim?: number } {
  const n = Math.min(rows, ds.n);
  const d = prod(ds.shape);
  const x = toTensor(ir, ds.x.subarray(0, n * d), n);
  const rng = model.rng?.getState();
  try {
    const r = evaluate(model, x, batch);
    const bpd = isDiscrete(ir.data) ? r.nats / (prod(ir.data.shape) * Math.LN2) : undefined;
    return { nats: r.nats, bitsPerDim: r.bitsPerDim ?? bpd };
  } finally {
    x.dispose();
    if (rng !== undefined) model.rng!.setState(rng); // evaluation must not shift the training noise
  }
}

/** Drops metric lines past `step` (a resumed run rewrites what came after its checkpoint). */
function truncateMetrics(file: string, step: number): void {
  if (!existsSync(file)) return;
  const keep = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => {
      if (!l.trim()) return false;
      try {
        return (JSON.parse(l) as { step?: number }).step! <= step;
      } catch {
        return false;
      }
    });
  writeFileSync(file, keep.map((l) => l + '\n').join(''));
}

export async function trainLoop(o: TrainOptions): Promise<TrainResult> {
  const { model, ir, data, config: c, progress } = o;
  const metrics = join(o.runDir, METRICS_FILE);
  const D = prod(ir.data.shape);
  const discrete = isDiscrete(ir.data);
  const trainer = createTrainer(model, { lr: c.lr, beta1: c.beta1, beta2: c.beta2, eps: c.eps, clip: c.clip });
  let step = 0;
  if (o.resume) {
    step = o.resume.step;
    if (o.resume.optimizer !== undefined) trainer.setState(o.resume.optimizer as never);
    if (o.resume.rng !== undefined) model.rng?.setState(o.resume.rng);
    truncateMetrics(metrics, step);
  } else {
    writeFileSync(metrics, '');
    const init = (model as unknown as { initialize?: (x: tf.Tensor) => void }).initialize;
    if (init) {
      const x0 = toTensor(ir, batchRows(data.train, 0, c.batch), c.batch);
      init.call(model, x0);
      x0.dispose();
    }
  }
  const state = (): CheckpointState => ({
    step,
    cursor: (step * c.batch) % data.train.n,
    rng: model.rng?.getState(),
    optimizer: trainer.getState(),
    meta: { ...(o.meta ?? {}), config: c },
    ir,
  });
  const checkpoint = () => saveCheckpoint(o.runDir, model, state());
  if (!o.resume) checkpoint(); // a loadable checkpoint exists from the very start

  const losses: number[] = [];
  let lastLoss: number | undefined;
  let test: TrainResult['test'];
  progress.start(c.steps, step);
  const t0 = Date.now();
  const startStep = step;
  let status: TrainResult['status'] = 'done';
  let message: string | undefined;
  while (step < c.steps) {
    if (o.stop.requested) {
      status = 'interrupted';
      break;
    }
    const x = toTensor(ir, batchRows(data.train, step, c.batch), c.batch);
    // the weights before this step (clones share storage until a variable is reassigned, so this
    // costs no copy): a non-finite step is diagnosed on the weights that produced it
    const before = model.variables.map((v) => tf.clone(v));
    let loss: number;
    try {
      loss = trainer.step(x);
    } catch (e) {
      x.dispose();
      tf.dispose(before);
      throw e;
    }
    if (!Number.isFinite(loss)) {
      model.variables.forEach((v, i) => v.assign(before[i]!));
      tf.dispose(before);
      const culprit = firstNonFiniteLayer(model, x);
      x.dispose();
      status = 'non-finite';
      message =
        `loss became ${loss} at step ${step + 1}` +
        (culprit
          ? `: ${culprit}`
          : (ir.flow ?? []).length > 0
            ? ' (every flow layer is finite on this batch: the prior or likelihood overflowed)'
            : ` (in the ${ir.conditional?.kind ?? ir.family} model's output or its likelihood)`) +
        `; the last good checkpoint is kept (try a lower --lr)`;
      break;
    }
    x.dispose();
    tf.dispose(before);
    step++;
    losses.push(loss);
    lastLoss = loss;
    const secs = Math.max(1e-3, (Date.now() - t0) / 1000);
    const eps = ((step - startStep) * c.batch) / secs;
    const bpd = discrete ? loss / (D * Math.LN2) : undefined;
    const line: Record<string, unknown> = { step, loss, examples_per_sec: Math.round(eps), time: Number(secs.toFixed(3)) };
    if (bpd !== undefined) line.bits_per_dim = bpd;
    if (c.evalRows > 0 && (step % c.evalEvery === 0 || step === c.steps)) {
      test = evaluateOn(model, ir, data.test, c.evalRows, evalBatchFor(ir, Math.max(c.batch, 256)));
      line.test_nll = test.nats;
      if (test.bitsPerDim !== undefined) line.test_bits_per_dim = test.bitsPerDim;
      progress.log(`step ${step}: held-out NLL ${test.nats.toFixed(4)} nats${test.bitsPerDim !== undefined ? ` (${test.bitsPerDim.toFixed(4)} bits/dim)` : ''}`);
    }
    appendFileSync(metrics, JSON.stringify(line) + '\n');
    progress.update(step, { loss, bitsPerDim: bpd, examplesPerSec: eps });
    if (step % c.checkpointEvery === 0 || step === c.steps) checkpoint();
    // let signals (SIGINT) and timers run between steps
    await new Promise((r) => setImmediate(r));
  }
  if (status === 'interrupted') checkpoint();
  trainer.dispose();
  progress.stop();
  return { step, status, message, losses, lastLoss, test };
}
