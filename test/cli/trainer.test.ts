// The training loop on a hand-written FlowIR: checkpoints, exact resume, non-finite detection.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { CheckpointError, decodeCheckpoint, loadCheckpoint, restoreVariables } from '../../runtime/checkpoint.js';
import { loadSplit } from '../../runtime/data/source.js';
import { batchRows, trainLoop, type Progress, type TrainConfig } from '../../runtime/trainer.js';
import { tinyFlowIR } from './ir-fixtures.js';

const quiet: Progress = { start() {}, update() {}, log() {}, stop() {} };
const data = loadSplit({ kind: 'toy', name: 'moons', opts: { n: 256, noise: 0.05, seed: 0 } }, 0);
const config = (steps: number): TrainConfig => ({
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
});
const metricLosses = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: number; loss: number });

beforeAll(async () => {
  await initBackend('cpu');
});

describe('batches', () => {
  it('batch k holds rows (k·B + j) mod N', () => {
    const ds = { name: 't', n: 5, shape: [1], x: Float32Array.from([0, 1, 2, 3, 4]) };
    expect(Array.from(batchRows(ds, 0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(batchRows(ds, 1, 3))).toEqual([3, 4, 0]);
    expect(Array.from(batchRows(ds, 4, 3))).toEqual([2, 3, 4]);
  });
});

describe('trainLoop', () => {
  it('resuming from a checkpoint gives the same losses as an uninterrupted run', async () => {
    const full = mkdtempSync(join(tmpdir(), 'flowc-full-'));
    const m1 = build(tinyFlowIR());
    const r1 = await trainLoop({
      model: m1,
      ir: tinyFlowIR(),
      data,
      config: config(8),
      runDir: full,
      progress: quiet,
      stop: { requested: false },
    });
    m1.dispose();
    expect(r1.status).toBe('done');
    expect(r1.losses.length).toBe(8);

    const part = mkdtempSync(join(tmpdir(), 'flowc-part-'));
    const m2 = build(tinyFlowIR());
    const stop = { requested: false };
    // stop after 3 steps, as Ctrl-C would
    const progress: Progress = {
      ...quiet,
      update: (step) => {
        if (step === 3) stop.requested = true;
      },
    };
    const r2 = await trainLoop({ model: m2, ir: tinyFlowIR(), data, config: config(8), runDir: part, progress, stop });
    m2.dispose();
    expect(r2.status).toBe('interrupted');
    expect(r2.step).toBe(3);

    const ck = loadCheckpoint(part);
    expect(ck.step).toBe(3);
    expect(ck.cursor).toBe(96 % data.train.n);
    const m3 = build(ck.ir);
    restoreVariables(m3, ck);
    const r3 = await trainLoop({
      model: m3,
      ir: ck.ir,
      data,
      config: config(8),
      runDir: part,
      progress: quiet,
      stop: { requested: false },
      resume: ck,
    });
    m3.dispose();
    expect(r3.losses.length).toBe(5);
    expect([...r2.losses, ...r3.losses]).toEqual(r1.losses);
    // the metrics file of the resumed run is the uninterrupted one's, step by step
    expect(metricLosses(part).map((l) => l.loss)).toEqual(metricLosses(full).map((l) => l.loss));
    // training did something: the loss went down
    expect(r1.losses[7]!).toBeLessThan(r1.losses[0]!);
  });

  it('keeps the previous checkpoint and refuses a truncated one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowc-ck-'));
    const m = build(tinyFlowIR());
    await trainLoop({
      model: m,
      ir: tinyFlowIR(),
      data,
      config: config(4),
      runDir: dir,
      progress: quiet,
      stop: { requested: false },
    });
    m.dispose();
    const main = join(dir, 'checkpoint.ckpt');
    const prev = join(dir, 'checkpoint.prev.ckpt');
    expect(loadCheckpoint(main).step).toBe(4);
    expect(loadCheckpoint(prev).step).toBe(2);
    const bytes = readFileSync(main);
    writeFileSync(main, bytes.subarray(0, bytes.length - 100));
    expect(() => decodeCheckpoint(readFileSync(main), main)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(readFileSync(main), main)).toThrow(/truncated or corrupt/);
    // from the directory, the damaged one falls back to the previous one, with a warning
    const fallback = loadCheckpoint(dir);
    expect(fallback.step).toBe(2);
    expect(fallback.warning).toMatch(/using the previous checkpoint \(step 2\)/);
  });

  it('a flipped byte or a foreign file is refused; the Adam state and RNG state round-trip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowc-flip-'));
    const m = build(tinyFlowIR());
    await trainLoop({
      model: m,
      ir: tinyFlowIR(),
      data,
      config: config(2),
      runDir: dir,
      progress: quiet,
      stop: { requested: false },
    });
    const file = join(dir, 'checkpoint.ckpt');
    const good = readFileSync(file);
    const ck = decodeCheckpoint(good, file);
    const opt = ck.optimizer as { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> };
    expect(opt.step).toBe(2);
    expect(Object.keys(opt.m).length).toBe(m.variables.length);
    expect(Object.values(opt.v).every((a) => a instanceof Float32Array && a.some((x) => x > 0))).toBe(true);
    expect(ck.rng).toEqual(m.rng!.getState());
    // the weights in the file are the model's
    for (const { name, tensor } of ck.variables) {
      const v = m.variables.find((w) => w.name.replace(/#\d+$/, '') === name)!;
      expect(Array.from(tensor.dataSync())).toEqual(Array.from(v.dataSync()));
      tensor.dispose();
    }
    m.dispose();
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
    expect(() => decodeCheckpoint(flipped, file)).toThrow(/checksum mismatch/);
    expect(() => decodeCheckpoint(Buffer.from('{"not": "a checkpoint"}'.padEnd(100)), 'x.json')).toThrow(
      /not a flowc checkpoint/,
    );
  });

  it(
    'a non-finite loss stops training, names the first non-finite layer and keeps the ' + 'last good checkpoint',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'flowc-nan-'));
      const ir = tinyFlowIR();
      const m = build(ir);
      // poison the second coupling's conditioner: its output (and so its scale) becomes NaN (after
      // step 3, which is not a checkpoint step: train-guard.test.ts poisons a checkpoint step)
      const target = m.variables.find((v) => v.name.includes('flow.1.'));
      expect(target).toBeDefined();
      const progress: Progress = {
        ...quiet,
        update: (step) => {
          if (step === 3) target!.assign(tf.fill(target!.shape, NaN));
        },
      };
      const r = await trainLoop({
        model: m,
        ir,
        data,
        config: config(6),
        runDir: dir,
        progress,
        stop: { requested: false },
      });
      m.dispose();
      expect(r.status).toBe('non-finite');
      expect(r.step).toBe(3);
      expect(r.message).toMatch(
        /loss became NaN at step 4: layer flow\.1\.coupling \(coupling, at tiny\.flow:5:5\) produced a non-finite/,
      );
      expect(r.message).toMatch(/the last good checkpoint \(step 2\) is kept/);
      expect(loadCheckpoint(dir).step).toBe(2);
      expect(existsSync(join(dir, 'checkpoint.ckpt'))).toBe(true);
    },
  );
});
