// loadRun: open a run directory written by `flowc train` (or one of its checkpoint files) as a
// model with its trained weights. A run holds run.json (the command's settings), model.ir.json
// (the FlowIR) and checkpoint.ckpt (+ checkpoint.prev.ckpt): the checkpoint carries the IR and the
// weights, so it alone is enough; a damaged checkpoint.ckpt falls back to the previous one.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';
import { initBackend, workHint, type BackendName } from './backend.js';
import { build } from './build.js';
import { loadCheckpoint, restoreVariables, type LoadedCheckpoint } from './checkpoint.js';

export { CheckpointError } from './checkpoint.js';

export interface LoadedRun {
  /** the model with the run's weights (call dispose() when done) */
  model: FlowModel;
  ir: FlowIR;
  /** optimizer steps the checkpoint was taken at */
  step: number;
  /** the checkpoint file actually read */
  checkpoint: string;
  /** run.json (the settings flowc train ran with), when the run directory has one */
  settings?: Record<string, unknown>;
  /** set when checkpoint.ckpt was damaged and the previous checkpoint was used */
  warning?: string;
}

export interface LoadRunOptions {
  /** backend to start when none is active yet (default: FLOWC_BACKEND, else tensorflow → wasm → cpu) */
  backend?: BackendName;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/**
 * Loads a trained run. Starts a TensorFlow.js backend first when none is active (as initBackend
 * would, sized by the run's model.ir.json). Throws CheckpointError with a one-line reason when the
 * path is not a run or its checkpoints are damaged.
 */
export async function loadRun(path: string, opts: LoadRunOptions = {}): Promise<LoadedRun> {
  const dir = isDir(path);
  if (!tf.engine().backendName) {
    const peek = dir ? (readJson(join(path, 'model.ir.json')) as FlowIR | undefined) : undefined;
    const hint = peek ? workHint(peek) : undefined;
    await initBackend(opts.backend, hint && { ...hint, training: false });
  }
  const ck: LoadedCheckpoint & { warning?: string } = loadCheckpoint(path);
  const model = build(ck.ir);
  try {
    restoreVariables(model, ck);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const settings = dir ? readJson(join(path, 'run.json')) : undefined;
  return {
    model,
    ir: ck.ir,
    step: ck.step,
    checkpoint: ck.file,
    ...(settings ? { settings } : {}),
    ...(ck.warning ? { warning: ck.warning } : {}),
  };
}
