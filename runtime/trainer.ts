// The training loop: deterministic batches (batch k = rows [(k·B) mod N, +B), wrapping), progress
// reports, a metrics JSONL file, held-out evaluation on a budget (every N steps and M seconds, on a
// bounded subset; the whole held-out set at the end), atomic checkpoints every N steps or M seconds
// that are only written when good (finite weights, finite held-out NLL), exact resume, a clean stop
// on a signal (SIGINT, SIGTERM, SIGHUP) and on a non-finite loss or held-out NLL.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// gradients are registered separately in tfjs-core (the runtime may also import this; it is idempotent)
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import type { FlowIR } from '../compiler/ir/types.js';
import { batchLabels, DataError, prod, type DataSplit, type Dataset } from './data/dataset.js';
import { contextOf } from './condition.js';
import { isDiscrete } from './data/validate.js';
import { saveCheckpoint, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';
import { firstNonFiniteLayer } from './diagnose.js';
import { firstNonFiniteVariable } from './train-guard.js';
import type { FlowModel } from './model.js';
import { createTrainer, evaluate } from './train-step.js';
import { heldOutAccuracy } from './categorical-flow.js';

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
  /** evaluate every N steps ... */
  evalEvery: number;
  /**
   * ... and at least this many seconds after the previous evaluation, whichever is rarer (default 0);
   * when set, also at least EVAL_GAP_FACTOR times as long as that evaluation took (evaluations then
   * take at most about a tenth of the time)
   */
  evalSeconds?: number;
  /** checkpoint every N steps ... */
  checkpointEvery: number;
  /** ... or when this many seconds passed since the last checkpoint (default: steps only) */
  checkpointSeconds?: number;
  /** held-out rows used by the periodic evaluation (0: no held-out evaluation) */
  evalRows: number;
  /** held-out rows of the evaluation at the last step (default: all of them, within finalEvalBudget) */
  finalEvalRows?: number;
  /**
   * without finalEvalRows: the rows beyond the first evalRows are evaluated at the end only if that
   * is estimated to take at most this many times the run's time so far (default: always)
   */
  finalEvalBudget?: number;
}

export const EVAL_GAP_FACTOR = 9;

/** held-out rows that vouch for a checkpoint written between evaluations */
export const GUARD_ROWS = 32;

export interface Progress {
  start(total: number, startStep: number): void;
  update(step: number, fields: { loss: number; bitsPerDim?: number; examplesPerSec: number }): void;
  log(line: string): void;
  /** a long evaluation: `done` of `total` held-out rows (optional) */
  evalProgress?(done: number, total: number): void;
  stop(): void;
}

export interface TrainResult {
  step: number;
  status: 'done' | 'interrupted' | 'non-finite';
  message?: string;
  losses: number[];
  lastLoss?: number;
  test?: { nats: number; bitsPerDim?: number };
  /** the step of the last checkpoint written (the one `--resume` continues from) */
  checkpointStep?: number;
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
  /** called after each checkpoint is written (run.json keeps the steps done) */
  onCheckpoint?(step: number): void;
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

const toTensor = (ir: FlowIR, rows: Float32Array, n: number): tf.Tensor =>
  tf.tensor(rows, [n, ...ir.data.shape], 'float32');

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
export function evaluateOn(
  model: FlowModel,
  ir: FlowIR,
  ds: Dataset,
  rows: number,
  batch: number,
): { nats: number; bitsPerDim?: number } {
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

const nllText = (t: { nats: number; bitsPerDim?: number }) =>
  `${t.nats.toFixed(4)} nats${t.bitsPerDim !== undefined ? ` (${t.bitsPerDim.toFixed(4)} bits/dim)` : ''}`;

export async function trainLoop(o: TrainOptions): Promise<TrainResult> {
  const { model, ir, data, config: c, progress } = o;
  // p(x | y): every batch carries its rows' condition values as the context
  if (ir.condition) {
    for (const ds of [data.train, data.test]) {
      if (!ds.y) {
        throw new DataError(
          `${ir.model} is conditioned on \`${ir.condition.name}\`, but ${ds.name} has no labels ` +
            '(mnist has them; for files pass --labels FILE, one label or condition row per example, or ' +
            '--label-column COL of a CSV)',
        );
      }
    }
  }
  const ctxOf = (ds: Dataset, rows: Float32Array | undefined, n: number): tf.Tensor2D | undefined =>
    ir.condition && rows ? contextOf(ir, rows, n) : undefined;
  const metrics = join(o.runDir, METRICS_FILE);
  const D = prod(ir.data.shape);
  const discrete = isDiscrete(ir.data);
  const trainer = createTrainer(model, { lr: c.lr, beta1: c.beta1, beta2: c.beta2, eps: c.eps, clip: c.clip });
  const evalBatch = evalBatchFor(ir, Math.max(c.batch, 256));
  let step = 0;
  let checkpointStep: number | undefined;
  if (o.resume) {
    step = checkpointStep = o.resume.step;
    if (o.resume.optimizer !== undefined) trainer.setState(o.resume.optimizer as never);
    if (o.resume.rng !== undefined) model.rng?.setState(o.resume.rng);
    truncateMetrics(metrics, step);
  } else {
    writeFileSync(metrics, '');
    const init = (model as unknown as { initialize?: (x: tf.Tensor) => void }).initialize;
    if (init) {
      const x0 = toTensor(ir, batchRows(data.train, 0, c.batch), c.batch);
      const c0 = ctxOf(data.train, batchLabels(data.train, 0, c.batch), c.batch);
      (init as (x: tf.Tensor, ctx?: tf.Tensor) => void).call(model, x0, c0);
      x0.dispose();
      c0?.dispose();
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
  let lastCheckpointAt = Date.now();
  const checkpoint = () => {
    saveCheckpoint(o.runDir, model, state());
    checkpointStep = step;
    lastCheckpointAt = Date.now();
    o.onCheckpoint?.(step);
  };
  /** the first non-finite layer on a few held-out rows, as " (layer ...)" */
  const culpritOnHeldOut = (): string => {
    const n = Math.min(data.test.n, 16);
    const x = toTensor(ir, data.test.x.subarray(0, n * D), n);
    try {
      const culprit = firstNonFiniteLayer(model, x);
      return culprit ? `: ${culprit}` : '';
    } finally {
      x.dispose();
    }
  };
  const heldOutBad = (nats: number) => `held-out NLL became ${nats} at step ${step}${culpritOnHeldOut()}`;
  /** why the current weights must not become the checkpoint, if they must not */
  const unfit = async (held?: { nats: number }): Promise<string | undefined> => {
    const w = firstNonFiniteVariable(model);
    if (w) return `weight ${w} became non-finite in the update of step ${step}`;
    if (step === 0 || c.evalRows <= 0) return undefined;
    const t = held ?? (await evalPart(0, Math.min(c.evalRows, GUARD_ROWS, data.test.n), false))!;
    return Number.isFinite(t.nats) ? undefined : heldOutBad(t.nats);
  };
  const stopped = (why: string) => {
    const kept =
      checkpointStep !== undefined
        ? `the last good checkpoint (step ${checkpointStep}) is kept`
        : 'no checkpoint was written';
    return `${why}; ${kept} (try a lower --lr)`;
  };

  // held-out rows [from, from + n), a batch at a time, timed (rows per second, for the final
  // evaluation's budget). Between batches signals get in: when `abortable`, a stop request ends the
  // evaluation (undefined), so that SIGTERM's grace period goes to the checkpoint, not to evaluating.
  let evalRate = 0;
  type Held = { nats: number; bitsPerDim?: number };
  const evalPart = async (
    from: number,
    n: number,
    abortable: boolean,
    onBatch?: (d: number) => void,
  ): Promise<Held | undefined> => {
    const t = Date.now();
    const rng = model.rng?.getState();
    let total = 0;
    let bits = discrete;
    try {
      for (let s = 0; s < n; s += evalBatch) {
        const b = Math.min(evalBatch, n - s);
        const x = toTensor(ir, data.test.x.subarray((from + s) * D, (from + s + b) * D), b);
        const ctx = ctxOf(
          data.test,
          data.test.y?.subarray((from + s) * (data.test.ySize ?? 1), (from + s + b) * (data.test.ySize ?? 1)),
          b,
        );
        try {
          const r = evaluate(model, x, b, ctx);
          total += r.nats * b;
          bits ||= r.bitsPerDim !== undefined;
        } finally {
          x.dispose();
          ctx?.dispose();
        }
        onBatch?.(s + b);
        if (!abortable) continue;
        await new Promise((r) => setImmediate(r));
        if (o.stop.requested) return undefined;
      }
    } finally {
      if (rng !== undefined) model.rng!.setState(rng); // evaluation must not shift the training noise
    }
    evalRate = n / Math.max(1e-3, (Date.now() - t) / 1000);
    const nats = total / n;
    return { nats, bitsPerDim: bits ? nats / (D * Math.LN2) : undefined };
  };
  const periodicEvaluation = async () => {
    const rows = Math.min(c.evalRows, data.test.n);
    const h = await evalPart(0, rows, true);
    return h && { held: h, rows, note: '' };
  };
  /** the last step's evaluation: the first evalRows rows, then the rest if asked or within budget */
  const finalEvaluation = async () => {
    const all = data.test.n;
    const want = Math.min(c.finalEvalRows ?? all, all);
    const first = Math.min(c.evalRows, want);
    const a = await evalPart(0, first, true);
    if (!a) return undefined;
    const rest = want - first;
    if (rest === 0) return { held: a, rows: want, note: '' };
    const estimate = rest / evalRate;
    const budget = c.finalEvalRows === undefined ? c.finalEvalBudget : undefined;
    if (budget !== undefined && estimate > budget * ((Date.now() - t0) / 1000)) {
      const note =
        `; the other ${rest} would take about ${Math.ceil(estimate)}s, too long for a run this short ` +
        `(--final-eval-rows ${all} evaluates them all)`;
      return { held: a, rows: first, note };
    }
    progress.log(`evaluating held-out rows ${first + 1}-${want} of ${all}`);
    progress.evalProgress?.(first, want);
    const b = await evalPart(first, rest, true, (d) => progress.evalProgress?.(first + d, want));
    if (!b) return { held: a, rows: first, note: '; stopped before the other rows' };
    const mix = (x: number, y: number) => (x * first + y * rest) / want;
    const bitsPerDim = a.bitsPerDim !== undefined ? mix(a.bitsPerDim, b.bitsPerDim!) : undefined;
    return { held: { nats: mix(a.nats, b.nats), bitsPerDim }, rows: want, note: '' };
  };

  let status: TrainResult['status'] = 'done';
  let message: string | undefined;
  if (!o.resume) {
    // a loadable checkpoint exists from the very start
    const why = await unfit();
    if (why) {
      trainer.dispose();
      return { step, status: 'non-finite', message: stopped(why), losses: [] };
    }
    checkpoint();
  }

  const losses: number[] = [];
  let lastLoss: number | undefined;
  let test: TrainResult['test'];
  progress.start(c.steps, step);
  const t0 = Date.now();
  const startStep = step;
  let lastEvalAt = t0;
  let lastEvalMs = 0;
  while (step < c.steps) {
    if (o.stop.requested) {
      status = 'interrupted';
      break;
    }
    const x = toTensor(ir, batchRows(data.train, step, c.batch), c.batch);
    const ctx = ctxOf(data.train, batchLabels(data.train, step, c.batch), c.batch);
    // the weights before this step (clones share storage until a variable is reassigned, so this
    // costs no copy): a non-finite step is diagnosed on the weights that produced it
    const before = model.variables.map((v) => tf.clone(v));
    let loss: number;
    try {
      loss = trainer.step(x, ctx);
    } catch (e) {
      x.dispose();
      ctx?.dispose();
      tf.dispose(before);
      throw e;
    }
    if (!Number.isFinite(loss)) {
      model.variables.forEach((v, i) => v.assign(before[i]!));
      tf.dispose(before);
      const culprit = ctx ? undefined : firstNonFiniteLayer(model, x);
      x.dispose();
      ctx?.dispose();
      status = 'non-finite';
      message = stopped(
        `loss became ${loss} at step ${step + 1}` +
          (culprit
            ? `: ${culprit}`
            : (ir.flow ?? []).length > 0
              ? ' (every flow layer is finite on this batch: the prior or likelihood overflowed)'
              : ` (in the ${ir.conditional?.kind ?? ir.family} model's output or its likelihood)`),
      );
      break;
    }
    x.dispose();
    ctx?.dispose();
    tf.dispose(before);
    step++;
    losses.push(loss);
    lastLoss = loss;
    const final = step === c.steps;
    const secs = Math.max(1e-3, (Date.now() - t0) / 1000);
    const eps = ((step - startStep) * c.batch) / secs;
    const bpd = discrete ? loss / (D * Math.LN2) : undefined;
    const line: Record<string, unknown> = {
      step,
      loss,
      examples_per_sec: Math.round(eps),
      time: Number(secs.toFixed(3)),
    };
    if (bpd !== undefined) line.bits_per_dim = bpd;
    // held-out evaluation: every evalEvery steps once evalSeconds have passed; all rows at the end
    let held: TrainResult['test'];
    const gap = c.evalSeconds ? Math.max(c.evalSeconds * 1000, EVAL_GAP_FACTOR * lastEvalMs) : 0;
    const evalDue = step % c.evalEvery === 0 && Date.now() - lastEvalAt >= gap;
    let r: { held: Held; rows: number; note: string } | undefined;
    if (c.evalRows > 0 && (final || evalDue)) {
      const t = Date.now();
      r = final ? await finalEvaluation() : await periodicEvaluation();
      lastEvalMs = Date.now() - t;
      if (!r) progress.log(`step ${step}: held-out evaluation left off (stop requested)`);
    }
    if (r) {
      held = r.held;
      lastEvalAt = Date.now();
      test = held;
      line.test_nll = held.nats;
      if (held.bitsPerDim !== undefined) line.test_bits_per_dim = held.bitsPerDim;
      if (final) line.test_rows = r.rows;
      const subset = r.rows < data.test.n ? ` (${r.rows} rows)` : '';
      const acc = heldOutAccuracy(model, ir.data.shape, data.test.x, data.test.n);
      if (acc !== undefined) line.decoder_accuracy = acc;
      const accText = acc === undefined ? '' : ` · decoder accuracy ${(100 * acc).toFixed(2)}%`;
      progress.log(`step ${step}: held-out NLL ${nllText(held)}${subset}${accText}${r.note}`);
    }
    appendFileSync(metrics, JSON.stringify(line) + '\n');
    progress.update(step, { loss, bitsPerDim: bpd, examplesPerSec: eps });
    if (held && !Number.isFinite(held.nats)) {
      status = 'non-finite';
      message = stopped(heldOutBad(held.nats));
      break;
    }
    const timeDue = c.checkpointSeconds !== undefined && Date.now() - lastCheckpointAt >= c.checkpointSeconds * 1000;
    if (step % c.checkpointEvery === 0 || final || timeDue) {
      const why = await unfit(held);
      if (why) {
        status = 'non-finite';
        message = stopped(why);
        break;
      }
      checkpoint();
    }
    // let signals (SIGINT, SIGTERM, SIGHUP) and timers run between steps
    await new Promise((r) => setImmediate(r));
  }
  if (status === 'interrupted' && checkpointStep !== step) {
    const why = await unfit();
    if (why) {
      status = 'non-finite';
      message = stopped(why);
    } else checkpoint();
  }
  trainer.dispose();
  progress.stop();
  return { step, status, message, losses, lastLoss, test, checkpointStep };
}
