// The shared memory between the main thread and a data-parallel worker (runtime/parallel/):
// both block on Atomics (the trainer's step() is synchronous), nothing is posted per step.
//   ctrl[CMD]   step number the main thread asks for (−1: stop)
//   ctrl[DONE]  step number the worker finished
//   ctrl[ROWS]  rows of the worker's part of the batch
//   ctrl[SEED]  the worker's rng seed for this step (drawn from the main rng: resumable)
//   ctrl[ERR]   1 when the worker failed (message in `error`)
//   ctrl[READY] 1 when the worker built its model, 2 when it failed to start
// params / grads: every trainable variable flattened, in the order of `names`.
import type { FlowcConfig } from '../config.js';
export const CMD = 0,
  DONE = 1,
  ROWS = 2,
  SEED = 3,
  ERR = 4,
  READY = 5;

export interface SharedLayout {
  ctrl: SharedArrayBuffer; // Int32 × 8
  loss: SharedArrayBuffer; // Float64 × 1
  params: SharedArrayBuffer; // Float32 × total
  grads: SharedArrayBuffer; // Float32 × total (0 where a variable got no gradient)
  x: SharedArrayBuffer; // Float32 × capacity·per-example
  error: SharedArrayBuffer; // utf-8 bytes of the worker's error message
}

export interface WorkerInit {
  ir: unknown;
  backend: string;
  names: string[];
  sizes: number[];
  /** per-example shape of x as the model takes it (batch axis excluded) */
  exampleShape: number[];
  capacity: number;
  mem: SharedLayout;
  /** the configuration the replica runs with (plain data: it crosses to the worker thread) */
  config: FlowcConfig;
}

export function allocLayout(total: number, capacity: number, perExample: number): SharedLayout {
  return {
    ctrl: new SharedArrayBuffer(8 * 4),
    loss: new SharedArrayBuffer(8),
    params: new SharedArrayBuffer(total * 4),
    grads: new SharedArrayBuffer(total * 4),
    x: new SharedArrayBuffer(Math.max(1, capacity * perExample) * 4),
    error: new SharedArrayBuffer(2048),
  };
}

export function writeError(mem: SharedLayout, msg: string): void {
  const bytes = new TextEncoder().encode(msg.slice(0, 1500));
  const view = new Uint8Array(mem.error);
  view.fill(0);
  view.set(bytes.subarray(0, view.length - 1));
}

export function readError(mem: SharedLayout): string {
  const view = new Uint8Array(mem.error);
  const end = view.indexOf(0);
  return new TextDecoder().decode(view.slice(0, end < 0 ? view.length : end));
}
