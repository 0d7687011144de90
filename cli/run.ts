// Opening a trained run (directory or checkpoint file) for sample and eval: backend, model, weights.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from '../runtime/model.js';
import type { LoadedCheckpoint } from '../runtime/checkpoint.js';
import { UserError, type CliIO } from './io.js';

/**
 * A model name as part of a folder name. Names are identifiers (the checker and the YAML form enforce it), but
 * a FlowIR file or an old checkpoint can carry any string: everything but letters, digits, `_` and `-` becomes
 * `_`, so no name can add a path separator or `..`.
 */
export function safeModelName(model: string): string {
  const s = model.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
  return s === '' ? 'model' : s;
}

/** `runs/<Model>-<stamp>`: built from the sanitized name, and checked to lie inside `runs/`. */
export function newRunDir(model: string, stamp: string, root = 'runs'): string {
  const dir = join(root, `${safeModelName(model)}-${stamp.replace(/[^0-9A-Za-z_-]/g, '')}`);
  const rel = relative(resolve(root), resolve(dir));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || rel.includes(sep)) {
    throw new UserError(`cannot name a run folder for model ${JSON.stringify(model)} inside ${root}/: pass --out DIR`);
  }
  return dir;
}

export interface OpenRun {
  model: FlowModel;
  ir: FlowIR;
  /** undefined for a FlowIR file (a model at its initialisation) */
  ck?: LoadedCheckpoint;
  /** what the run recorded: its data sources (`source`, `test`) and `config` */
  meta: Record<string, unknown>;
  backend: string;
}

/** the backend startBackend chose (for error messages); undefined before it ran */
export let activeBackend: string | undefined;

/**
 * `ir` (and the batch it will run at) lets wasm use both cores for a heavy model: two threads, or
 * (training only) a data-parallel worker
 */
export async function startBackend(ir?: FlowIR, batch?: number, training = true): Promise<string> {
  // production mode: no debug checks, and no "install tfjs-node" banner on stderr
  const tf = await import('@tensorflow/tfjs-core');
  tf.enableProdMode();
  const { initBackend, workHint } = await import('../runtime/backend.js');
  const hint = ir ? workHint(ir, batch) : undefined;
  activeBackend = await initBackend(undefined, hint && { ...hint, training });
  return activeBackend;
}

/** the FlowIR a run directory keeps beside its checkpoint, if it is there and parses */
function peekIr(path: string): FlowIR | undefined {
  try {
    const f = join(path, 'model.ir.json');
    return statSync(path).isDirectory() && existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as FlowIR) : undefined;
  } catch {
    return undefined;
  }
}

export async function openRun(io: CliIO, path: string): Promise<OpenRun> {
  // fail fast, before loading TensorFlow.js
  if (!existsSync(path)) throw new UserError(`${path}: no such run directory or checkpoint file`);
  if (/\.json$/i.test(path) && statSync(path).isFile()) return openFlowIR(io, path);
  // the checkpoint holds tensors: the backend starts first, with the run's model.ir.json (written
  // by flowc train) as the hint for its thread count when there is one
  const peek = peekIr(path);
  const backend = await startBackend(peek, undefined, false); // sample/eval: threads, never a worker
  const { loadCheckpoint, restoreVariables, CheckpointError } = await import('../runtime/checkpoint.js');
  const { build } = await import('../runtime/build.js');
  let ck: LoadedCheckpoint & { warning?: string };
  try {
    ck = loadCheckpoint(path);
  } catch (e) {
    if (e instanceof CheckpointError) throw new UserError(e.message);
    throw e;
  }
  if (ck.warning) io.err(`flowc: warning: ${ck.warning}\n`);
  const model = build(ck.ir);
  try {
    restoreVariables(model, ck);
  } catch (e) {
    model.dispose();
    if (e instanceof CheckpointError) throw new UserError(e.message);
    throw e;
  }
  return { model, ir: ck.ir, ck, meta: ck.meta ?? {}, backend };
}

/**
 * A FlowIR file from `flowc compile` in place of a run: the model at its initialisation (no trained
 * weights; a warning says so), with the data sources its train { } block names.
 */
async function openFlowIR(io: CliIO, path: string): Promise<OpenRun> {
  const { readFlowIR, readInput } = await import('./spec.js');
  const ir = await readFlowIR(path, readInput(path, 'FlowIR file'));
  const { chooseSources, recordSource } = await import('./data.js');
  const sources = ir.family === 'energy' ? undefined : chooseSources(ir, path, undefined, undefined);
  const meta = {
    ...(sources ? { source: recordSource(sources.train) } : {}),
    ...(sources?.test ? { test: recordSource(sources.test) } : {}),
    config: { seed: ir.train.seed ?? 0 },
  };
  const backend = await startBackend(ir, undefined, false);
  const { build } = await import('../runtime/build.js');
  io.err(
    `flowc: warning: ${path} is a FlowIR file: the model has its untrained initial weights ` +
      `(train it with flowc train ${path})\n`,
  );
  return { model: build(ir), ir, meta, backend };
}
