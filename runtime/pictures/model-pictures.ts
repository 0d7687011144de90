// Pictures of a trained model: the 2-D density beside the training data, sample grids for
// images, and the loss curve from metrics.jsonl.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Domain, FlowIR } from '../../compiler/ir/types.js';
import type { Dataset } from '../data/dataset.js';
import type { FlowModel, SampleOptions } from '../model.js';
import { boundsOf, densityPicture, gridPoints, twoDensityPicture } from './density.js';
import { imageGrid } from './grid.js';
import { lossCurveSvg, type CurvePoint } from './loss-curve.js';
import { pictureShape } from './shape.js';
import { classGridColumns, sampleContext } from '../condition.js';

export { pictureShape };

/** log p on the rows of `pts` ([n, ...shape] flattened), in batches. */
export function logProbRows(
  model: FlowModel,
  ir: FlowIR,
  pts: Float32Array,
  n: number,
  batch = 1024,
  perExample: (x: tf.Tensor) => tf.Tensor = (x) => model.logProb(x),
): Float32Array {
  const d = pts.length / n;
  const out = new Float32Array(n);
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const lp = tf.tidy(() => perExample(tf.tensor(pts.subarray(s * d, (s + m) * d), [m, ...ir.data.shape])));
    out.set(lp.dataSync() as Float32Array, s);
    lp.dispose();
  }
  return out;
}

export function valueRange(domain: Domain): [number, number] | undefined {
  if (domain.kind === 'binary') return [0, 1];
  if (domain.kind === 'discrete' || domain.kind === 'categorical') return [0, domain.K - 1];
  return undefined;
}

export function samplesOf(
  model: FlowModel,
  n: number,
  opts: SampleOptions & { condition?: number } = {},
): Float32Array {
  const rng = model.rng?.getState();
  // a conditional model p(x | y): the given class for every sample, else the classes in turn (sampleContext)
  const context = sampleContext(model.ir, n, opts.condition);
  try {
    const t = model.sample(n, { ...opts, ...(context ? { context } : {}) });
    const x = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return x;
  } finally {
    context?.dispose();
    if (rng !== undefined) model.rng!.setState(rng);
  }
}

interface MetricsLine {
  step: number;
  loss?: number;
  test_nll?: number;
  bits_per_dim?: number;
  test_bits_per_dim?: number;
}

/**
 * The curve's points and unit from metrics.jsonl lines: bits/dim when every training line has it
 * (discrete data: images, binary vectors), nats/example otherwise.
 */
export function curveOf(lines: MetricsLine[]): { points: CurvePoint[]; unit: string } {
  const bits = lines.length > 0 && lines.every((l) => l.loss === undefined || Number.isFinite(l.bits_per_dim));
  if (!bits) return { points: lines, unit: 'nats/example' };
  return {
    unit: 'bits/dim',
    points: lines.map((l) => ({ step: l.step, loss: l.bits_per_dim, test_nll: l.test_bits_per_dim })),
  };
}

/**
 * Writes loss.svg from the run's metrics.jsonl. A unit in parentheses at the end of `title`
 * ("… (nats/example)") is replaced by the unit plotted.
 */
export function writeLossCurve(runDir: string, title: string): string | undefined {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return undefined;
  const lines: MetricsLine[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      lines.push(JSON.parse(line) as MetricsLine);
    } catch {
      // a torn last line after a kill: skip it
    }
  }
  const { points, unit } = curveOf(lines);
  const out = join(runDir, 'loss.svg');
  writeFileSync(out, lossCurveSvg(points, `${title.replace(/\s*\((nats|bits)[^()]*\)\s*$/, '')} (${unit})`, unit));
  return out;
}

/** Writes density.png (2-D real data) or samples.png (images); returns the files written. */
export function writeModelPictures(model: FlowModel, ir: FlowIR, train: Dataset, runDir: string): string[] {
  const files: string[] = [];
  const D = ir.data.shape.reduce((a, b) => a * b, 1);
  const energyOf = (model as unknown as { energy?: (z: tf.Tensor) => tf.Tensor1D }).energy;
  if (ir.family === 'energy' && D === 2 && energyOf) {
    // samples of the fitted flow beside the target exp(−U), on the target's usual window [-4, 4]²
    const G = 120;
    const b = { x0: -4, x1: 4, y0: -4, y1: 4 };
    const pts = gridPoints(b, G);
    // the fitted side as a histogram of samples: the sample direction is exact for every flow,
    // while log q on a grid needs the (iterative) inverse of planar/radial layers
    const n = 20000;
    const x = samplesOf(model, n, { seed: 1 });
    const counts = new Float32Array(G * G);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(((x[2 * i]! - b.x0) / (b.x1 - b.x0)) * G);
      const r = Math.floor(((b.y1 - x[2 * i + 1]!) / (b.y1 - b.y0)) * G);
      if (c >= 0 && c < G && r >= 0 && r < G) counts[r * G + c]!++;
    }
    const lp = counts.map((k) => (k > 0 ? Math.log(k) : -Infinity));
    const u = tf.tidy(() => tf.neg(energyOf.call(model, tf.tensor2d(pts, [G * G, 2]))));
    const target = Float32Array.from(u.dataSync() as Float32Array);
    u.dispose();
    const file = join(runDir, 'density.png');
    writeFileSync(file, twoDensityPicture(lp, target, G, 3));
    files.push(file);
  } else if (ir.data.shape.length === 1 && D === 2 && ir.data.domain.kind === 'real' && !ir.condition) {
    const G = 120;
    const shown = train.x.subarray(0, Math.min(train.n, 4000) * 2);
    const b = boundsOf(shown);
    const lp = logProbRows(model, ir, gridPoints(b, G), G * G);
    const file = join(runDir, 'density.png');
    writeFileSync(file, densityPicture(lp, G, shown, b, 3));
    files.push(file);
  } else if (pictureShape(ir)) {
    // a class-conditional model with K ≤ 16 classes: every class, ⌈16/K⌉ samples each
    const K = ir.condition?.domain.kind === 'categorical' ? ir.condition.size : 0;
    const n = K > 0 && K <= 16 ? K * Math.ceil(16 / K) : 16;
    const x = samplesOf(model, n, { seed: 1 });
    const file = join(runDir, 'samples.png');
    const cols = classGridColumns(ir, n); // a class-conditional model: one row per class
    writeFileSync(
      file,
      imageGrid(x, n, pictureShape(ir)!, {
        range: valueRange(ir.data.domain),
        scale: 3,
        ...(cols ? { cols } : {}),
      }),
    );
    files.push(file);
  }
  return files;
}
