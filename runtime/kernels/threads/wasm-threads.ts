// Starts tfjs-backend-wasm's threaded build (tfjs-backend-wasm-threaded-simd.wasm) under Node 20.
//
// Stock tfjs refuses threads in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), and forcing the
// flag fails with ERR_WORKER_PATH: Emscripten's pthread pool creates its 8 workers with
// `new Worker(locateFile('…worker.js'))`, and tfjs's locateFile returns a `blob:` URL, which Node's
// worker_threads.Worker does not accept. The worker script itself already supports Node
// (ENVIRONMENT_IS_NODE branch over parentPort). So this shim, only while the backend initialises:
//   1. writes that worker script once to a file in the temp folder (the script tfjs would have put
//      in the Blob, plus one change: the main script arrives as a Blob, which the worker cannot read
//      synchronously, so `importScripts` of a blob loads wasm-out/tfjs-backend-wasm-threaded-simd.js,
//      the same Emscripten glue, from disk instead);
//   2. swaps worker_threads.Worker for a subclass that maps `blob:` paths to that file;
//   3. makes os.cpus() report 2·N entries: the C++ side caps the XNNPACK threadpool at
//      emscripten_num_logical_cores() / 2 (= os.cpus().length / 2 in Node), read once at start-up;
//   4. sets WASM_HAS_MULTITHREAD_SUPPORT and setThreadsCount(N),
// then restores worker_threads.Worker and os.cpus, and unrefs the pthread workers (otherwise the
// running threadpool workers keep the process alive after main() returns).
// When: wasmThreadsWanted below (FLOWC_WASM_THREADS=N forces N); see runtime/backend.ts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { config, type FlowcConfig } from '../../config.js';

const require = createRequire(import.meta.url);

/** The worker script's own importScripts, which this shim replaces (tfjs 4.22.0's Emscripten output). */
const IMPORT_SCRIPTS = 'importScripts:function(f){(0,eval)(fs.readFileSync(f,"utf8")+"//# sourceURL="+f)}';

/** per-step forward work (FLOPs × batch) from which a model trains faster on two wasm threads */
export const THREADS_MIN_STEP_FLOPS = 50e6;

/** what initBackend knows of the model it will run (FlowIR's totals and batch) */
export interface WorkHint {
  flopsPerExample: number;
  batch: number;
  params?: number;
  /** false for processes that only evaluate or sample (no data-parallel worker then); default true */
  training?: boolean;
}

/** heavy enough for both cores: forward work per step ≥ THREADS_MIN_STEP_FLOPS */
export function heavyModel(hint?: WorkHint): boolean {
  return !!hint && hint.flopsPerExample * hint.batch >= THREADS_MIN_STEP_FLOPS;
}

/**
 * Threads for the wasm backend: the configuration's wasmThreads when a number (FLOWC_WASM_THREADS, 1..8);
 * otherwise, for a model whose forward work per step (`hint`) reaches THREADS_MIN_STEP_FLOPS,
 * two threads when the machine has two cores or more (XNNPACK's matMul ~1.75× and conv ~2.1×
 * faster), else one: small models issue many tiny kernels, which threads only slow down
 * (bench/README.md has the measurements). Without a hint (tests, the API) one thread.
 */
export function wasmThreadsWanted(cfg: Pick<FlowcConfig, 'wasmThreads'> = config(), hint?: WorkHint): number {
  if (cfg.wasmThreads !== 'auto') return cfg.wasmThreads;
  if (!heavyModel(hint)) return 1;
  return Math.min(2, os.cpus().length);
}

function wasmOutDir(): string {
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return path.join(path.dirname(entry), '..', 'wasm-out');
}

/** Writes (once) the Node pthread worker script; returns its absolute path. */
export function writeWorkerScript(dir = os.tmpdir()): string {
  const out = wasmOutDir();
  const glue = path.join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  if (!wasmWorkerContents.includes(IMPORT_SCRIPTS))
    throw new Error('wasm-threads: unexpected worker script (tfjs version?)');
  const pre =
    `"use strict";{const __fs=require("fs");const __glue=${JSON.stringify(glue)};` +
    'globalThis.__flowcImportScripts=(f)=>{const p=typeof f==="string"&&!f.startsWith("blob:")?f:__glue;' +
    '(0,eval)(__fs.readFileSync(p,"utf8")+"//# sourceURL="+p)};}\n';
  // tfjs escapes newlines the same way before making its Blob (string literals hold "\n")
  const text =
    pre +
    wasmWorkerContents
      .replace(IMPORT_SCRIPTS, 'importScripts:function(f){__flowcImportScripts(f)}')
      .replace(/\n/g, '\\n');
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 12);
  const file = path.join(dir, `flowc-wasm-pthread-${hash}.cjs`);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

interface PThreadLike {
  unusedWorkers: { unref(): void }[];
  runningWorkers: { unref(): void }[];
}

/**
 * Runs `init` (which must call tf.setBackend('wasm')) with the threaded build enabled for
 * `threads` threads. The wasm module must already be imported (it registers the flags).
 */
export async function withWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  let file: string;
  try {
    file = writeWorkerScript();
  } catch (e) {
    // nothing is patched yet: start single-threaded rather than not at all
    process.stderr.write(`flowc: FLOWC_WASM_THREADS ignored (${(e as Error).message}); wasm runs on one thread\n`);
    return init();
  }
  const wt = require('node:worker_threads') as { Worker: new (p: string | URL, o?: object) => object };
  const Original = wt.Worker;
  class PathWorker extends Original {
    constructor(p: string | URL, o?: object) {
      super(typeof p === 'string' && p.startsWith('blob:') ? file : p, o);
    }
  }
  const cpus = os.cpus;
  wt.Worker = PathWorker;
  os.cpus = () => {
    const c = cpus.call(os);
    return Array.from({ length: 2 * threads }, (_, i) => c[i % c.length]!);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  try {
    return await init();
  } finally {
    wt.Worker = Original;
    os.cpus = cpus;
    const b = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: PThreadLike } } | null;
    const P = b?.wasm?.PThread;
    if (P) for (const w of [...P.unusedWorkers, ...P.runningWorkers]) w.unref();
  }
}

/** Threads in the active wasm backend's XNNPACK pool (1 when single-threaded or not wasm). */
export function activeWasmThreads(): number {
  if (tf.getBackend() !== 'wasm') return 1;
  const b = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  return b.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}
