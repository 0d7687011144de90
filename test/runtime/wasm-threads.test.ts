// The threaded wasm build, started under Node through runtime/kernels/threads/wasm-threads.ts
// (FLOWC_WASM_THREADS=2), gives bit-identical results to the single-threaded build on matrix
// products, convolutions and their gradients, and three Adam steps of a small net; the process
// exits by itself (the pthread workers do not keep it alive). Each configuration is its own
// process: the thread count is fixed when the wasm backend starts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { THREADS_MIN_STEP_FLOPS, wasmThreadsWanted } from '../../runtime/kernels/threads/wasm-threads.js';
import { ConfigError, configFromEnv as env } from '../../runtime/config.js';
import { useFreshDist } from '../support/dist.js';

const ROOT = join(import.meta.dirname, '..', '..');

useFreshDist(join('dist', 'runtime', 'kernels', 'threads', 'wasm-threads.js'), ['runtime']);

// results as SHA-1 of their float32 bytes (bit-exact comparison) plus a magnitude (not all zeros)
const PROBE = `
const { initBackend } = await import(${JSON.stringify(join(ROOT, 'dist', 'runtime', 'backend.js'))});
const { activeWasmThreads } =
  await import(${JSON.stringify(join(ROOT, 'dist', 'runtime', 'kernels', 'threads', 'wasm-threads.js'))});
const tf = await import('@tensorflow/tfjs-core');
const { createHash } = await import('node:crypto');
const backend = await initBackend('wasm');
const out = { backend, threads: activeWasmThreads(), hash: {}, mag: {} };
const put = (k, t) => {
  const d = t.dataSync();
  out.hash[k] = createHash('sha1').update(Buffer.from(d.buffer, d.byteOffset, d.byteLength)).digest('hex');
  out.mag[k] = d.reduce((a, v) => a + Math.abs(v), 0);
};
const a = tf.randomNormal([200, 300], 0, 1, 'float32', 1), b = tf.randomNormal([300, 250], 0, 1, 'float32', 2);
put('matmul', tf.matMul(a, b));
put('matmulT', tf.matMul(a, tf.randomNormal([250, 300], 0, 1, 'float32', 3), false, true));
const x = tf.randomNormal([4, 14, 14, 16], 0, 1, 'float32', 4);
const f = tf.randomNormal([3, 3, 16, 24], 0, 0.2, 'float32', 5);
const [dx, df] = tf.grads((x, f) => tf.sum(tf.square(tf.conv2d(x, f, 1, 'same'))))([x, f]);
put('conv', tf.conv2d(x, f, 1, 'same')); put('conv_dx', dx); put('conv_df', df);
const w1 = tf.variable(tf.randomNormal([300, 256], 0, 0.05, 'float32', 6)), b1 = tf.variable(tf.zeros([256]));
const w2 = tf.variable(tf.randomNormal([256, 300], 0, 0.05, 'float32', 7));
const opt = tf.train.adam(1e-2);
const net = () => tf.matMul(tf.relu(tf.add(tf.matMul(a, w1), b1)), w2);
for (let i = 0; i < 3; i++) opt.minimize(() => tf.mean(tf.square(tf.sub(net(), a))));
put('w1', w1); put('w2', w2); put('b1', b1);
console.log('@@' + JSON.stringify(out));`;

function run(threads: string) {
  const env = { ...process.env, FLOWC_BACKEND: 'wasm', FLOWC_WASM_THREADS: threads };
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@'));
  if (!line)
    throw new Error(`probe (threads ${threads}) exited ${r.status ?? r.signal}: ${(r.stderr ?? '').slice(-800)}`);
  return {
    status: r.status,
    ...(JSON.parse(line.slice(2)) as {
      backend: string;
      threads: number;
      hash: Record<string, string>;
      mag: Record<string, number>;
    }),
  };
}

describe('threaded wasm (FLOWC_WASM_THREADS)', () => {
  it('parses the thread count', () => {
    expect(wasmThreadsWanted(env({}))).toBe(1);
    expect(wasmThreadsWanted(env({ FLOWC_WASM_THREADS: '2' }))).toBe(2);
    expect(() => env({ FLOWC_WASM_THREADS: 'x' })).toThrow(
      /FLOWC_WASM_THREADS: 'x' is not 'auto' or an integer in 1..8/,
    );
    expect(() => env({ FLOWC_WASM_THREADS: '0' })).toThrow(ConfigError);
  });

  it('chooses two threads for heavy models only (unless FLOWC_WASM_THREADS says otherwise)', () => {
    const cores = Math.min(2, os.cpus().length);
    const heavy = { flopsPerExample: 37e6, batch: 64 },
      light = { flopsPerExample: 36e3, batch: 512 };
    expect(wasmThreadsWanted(env({}), heavy)).toBe(cores);
    expect(wasmThreadsWanted(env({ FLOWC_WASM_THREADS: 'auto' }), heavy)).toBe(cores);
    expect(wasmThreadsWanted(env({}), light)).toBe(1);
    expect(wasmThreadsWanted(env({}), { flopsPerExample: THREADS_MIN_STEP_FLOPS, batch: 1 })).toBe(cores);
    expect(wasmThreadsWanted(env({ FLOWC_WASM_THREADS: '1' }), heavy)).toBe(1);
    expect(wasmThreadsWanted(env({ FLOWC_WASM_THREADS: '3' }), light)).toBe(3);
    expect(wasmThreadsWanted(env({}))).toBe(1);
  });

  it('starts under Node on 2 threads, exits by itself, and matches one thread bit for bit', () => {
    const one = run('1');
    const two = run('2');
    expect(one.backend).toBe('wasm');
    expect(two.backend).toBe('wasm');
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0); // spawnSync's timeout would give null: the workers did not hold the process
    for (const k of Object.keys(one.hash)) expect(one.mag[k]).toBeGreaterThan(0);
    expect(Object.keys(two.hash).sort()).toEqual(Object.keys(one.hash).sort());
    expect(two.hash).toEqual(one.hash);
  }, 200_000);
});
