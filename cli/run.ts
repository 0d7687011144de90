// Opening a trained run (directory or checkpoint file) for sample and eval: backend, model, weights.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from '../runtime/model.js';
import type { LoadedCheckpoint } from '../runtime/checkpoint.js';
import { UserError, type CliIO } from './io.js';

export interface OpenRun { model: FlowModel; ir: FlowIR; ck: LoadedCheckpoint; backend: string }

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
  // the checkpoint holds tensors: the backend starts first, with the run's model.ir.json (written
  // by flowc train) as the hint for its thread count when there is one
  const peek = peekIr(path);
  const backend = await startBackend(peek, undefined, false);   // sample/eval: threads, never a worker
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
  return { model, ir: ck.ir, ck, backend };
}
