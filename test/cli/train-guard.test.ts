// The training loop keeps only good checkpoints (finite weights, finite held-out NLL), stops on a
// non-finite held-out NLL, checkpoints on a wall-clock interval, and evaluates on a budget.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { loadCheckpoint } from '../../runtime/checkpoint.js';
import { loadSplit } from '../../runtime/data/source.js';
import { trainLoop, type Progress, type TrainConfig, type TrainOptions } from '../../runtime/trainer.js';
import type { FlowModel } from '../../runtime/model.js';
import { firstNonFiniteVariable, nonFiniteRows } from '../../runtime/train-guard.js';
import { rowsProgress } from '../../cli/progress.js';
import { tinyFlowIR } from './ir-fixtures.js';

const quiet: Progress = { start() {}, update() {}, log() {}, stop() {} };
const data = loadSplit({ kind: 'toy', name: 'moons', opts: { n: 256, noise: 0.05, seed: 0 } }, 0);
const config = (steps: number, more: Partial<TrainConfig> = {}): TrainConfig => ({
  batch: 32,
  steps,
  lr: 1e-2,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  seed: 0,
  evalEvery: 3,
  checkpointEvery: 2,
  evalRows: 64,
  ...more,
});
const dir = (p: string) => mkdtempSync(join(tmpdir(), `flowc-${p}-`));
const metrics = (d: string) =>
  readFileSync(join(d, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number | null>);
/** trainLoop on the tiny flow, the moons data and config(steps, more) */
const loop = (m: FlowModel, d: string, steps: number, more: Partial<TrainConfig>, o: Partial<TrainOptions> = {}) =>
  trainLoop({
    model: m,
    ir: tinyFlowIR(),
    data,
    config: config(steps, more),
    runDir: d,
    progress: quiet,
    stop: { requested: false },
    ...o,
  });

beforeAll(async () => {
  await initBackend('cpu');
});

describe('good checkpoints', () => {
  it('an update that makes a weight non-finite on a checkpoint step is not saved; training stops', async () => {
    const d = dir('badweight');
    const m = build(tinyFlowIR());
    const target = m.variables.find((v) => v.name.includes('flow.1.'))!;
    // after the update of step 4 (a checkpoint step), before its checkpoint: as a diverging update would
    const progress: Progress = { ...quiet, update: (s) => void (s === 4 && target.assign(tf.fill(target.shape, NaN))) };
    const r = await loop(m, d, 8, {}, { progress });
    expect(firstNonFiniteVariable(m)).toMatch(/flow\.1\./);
    m.dispose();
    expect(r.status).toBe('non-finite');
    expect(r.message).toMatch(/weight .*flow\.1\.\S* became non-finite in the update of step 4; /);
    expect(r.message).toMatch(/the last good checkpoint \(step 2\) is kept/);
    const ck = loadCheckpoint(d);
    expect(ck.step).toBe(2);
    expect(ck.variables.every((v) => v.tensor.dataSync().every(Number.isFinite))).toBe(true);
    ck.variables.forEach((v) => v.tensor.dispose());
  });

  it('a non-finite held-out NLL stops training like a non-finite loss, and is never checkpointed', async () => {
    const d = dir('badheld');
    // a NaN row at 100, beyond the 64 rows of the periodic evaluation: the final (all rows) one sees it
    const x = Float32Array.from(data.test.x);
    x[200] = NaN;
    const bad = { train: data.train, test: { ...data.test, x } };
    const m = build(tinyFlowIR());
    const r = await loop(m, d, 6, {}, { data: bad });
    m.dispose();
    expect(r.status).toBe('non-finite');
    expect(r.step).toBe(6);
    expect(r.message).toMatch(/^held-out NLL became NaN at step 6.*; the last good checkpoint \(step 4\) is kept/);
    expect(loadCheckpoint(d).step).toBe(4);
    const last = metrics(d).at(-1)!;
    expect(last.step).toBe(6);
    expect(last.test_nll).toBeNull(); // JSON has no NaN
  });
});

describe('checkpoints on a wall-clock interval', () => {
  const slowSteps = (ms: number): Progress => ({
    ...quiet,
    update() {
      const t = Date.now();
      while (Date.now() - t < ms) {
        /* a slow step */
      }
    },
  });
  it('every checkpointSeconds, besides every checkpointEvery steps', async () => {
    const run = async (more: Partial<TrainConfig>) => {
      const seen: number[] = [];
      const m = build(tinyFlowIR());
      await loop(
        m,
        dir('clock'),
        5,
        { checkpointEvery: 1000, evalEvery: 1000, ...more },
        {
          progress: slowSteps(60),
          onCheckpoint: (s) => seen.push(s),
        },
      );
      m.dispose();
      return seen;
    };
    expect(await run({})).toEqual([0, 5]);
    expect(await run({ checkpointSeconds: 0.05 })).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('evaluation on a budget', () => {
  it('every N steps only once M seconds passed; a bounded subset, then every held-out row at the end', async () => {
    const d = dir('budget');
    const m = build(tinyFlowIR());
    let evals = 0;
    const totals: number[] = [];
    const progress: Progress = { ...quiet, evalProgress: (done, total) => void (evals++, totals.push(total)) };
    await loop(m, d, 9, { evalEvery: 1, evalSeconds: 3600 }, { progress });
    expect(new Set(totals)).toEqual(new Set([data.test.n]));
    m.dispose();
    const lines = metrics(d);
    // evalEvery 1 alone would evaluate at every step; an hour apart, only the final one is left
    expect(lines.filter((l) => l.test_nll !== undefined).map((l) => l.step)).toEqual([9]);
    expect(lines.at(-1)!.test_rows).toBe(data.test.n);
    expect(evals).toBeGreaterThan(0);
    const d2 = dir('budget2');
    const m2 = build(tinyFlowIR());
    await loop(m2, d2, 4, { evalEvery: 2, evalSeconds: 0, finalEvalRows: 100 });
    m2.dispose();
    expect(
      metrics(d2)
        .filter((l) => l.test_nll !== undefined)
        .map((l) => l.step),
    ).toEqual([2, 4]);
    expect(metrics(d2).at(-1)!.test_rows).toBe(100);
  });

  it('without finalEvalRows, rows past evalRows are left out if they would take longer than the run', async () => {
    const d = dir('budget3');
    const m = build(tinyFlowIR());
    const logs: string[] = [];
    const progress: Progress = { ...quiet, log: (l) => void logs.push(l) };
    await loop(m, d, 2, { finalEvalBudget: 1e-9 }, { progress });
    m.dispose();
    expect(metrics(d).at(-1)!.test_rows).toBe(64);
    expect(logs.join('\n')).toMatch(/step 2: held-out NLL .* \(64 rows\); the other \d+ would take about \d+s, too/);
  });

  it('a stop request (SIGTERM) during the final evaluation leaves the remaining rows out', async () => {
    const d = dir('budget4');
    const m = build(tinyFlowIR());
    const logs: string[] = [];
    const stop = { requested: false };
    const progress: Progress = {
      ...quiet,
      log: (l) => void logs.push(l),
      evalProgress: () => void (stop.requested = true),
    };
    const r = await trainLoop({ model: m, ir: tinyFlowIR(), data, config: config(2), runDir: d, progress, stop });
    m.dispose();
    expect(r.status).toBe('done');
    expect(metrics(d).at(-1)!.test_rows).toBe(64);
    expect(logs.join('\n')).toMatch(/step 2: held-out NLL .* \(64 rows\); stopped before the other rows/);
    expect(loadCheckpoint(d).step).toBe(2);
  });

  it('rowsProgress prints done/total with an ETA (plain output at most every interval)', () => {
    let out = '';
    const p = rowsProgress({ out: (t) => void (out += t), err() {}, isTTY: false, color: false }, 'evaluating M', 0);
    p(0, 400);
    p(100, 400);
    p(400, 400);
    expect(out).toMatch(/evaluating M: 100\/400 rows \(25%\)/);
    expect(out).toMatch(/evaluating M: 400\/400 rows \(100%\)/);
  });

  it('nonFiniteRows counts rows with any NaN or infinity', () => {
    expect(nonFiniteRows(Float32Array.from([1, 2, NaN, 4, Infinity, NaN]), 3)).toBe(2);
    expect(nonFiniteRows(Float32Array.from([1, 2]), 1)).toBe(0);
  });
});
