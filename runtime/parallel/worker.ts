// A data-parallel worker (worker_threads): its own single-threaded tfjs backend and its own replica
// of the model built from the FlowIR. Per step it copies the parameters from shared memory,
// computes the mean loss and its gradients on its rows of the batch, writes them back and
// signals the main thread (runtime/parallel/data-parallel.ts); it blocks on Atomics in between.
import { workerData } from 'node:worker_threads';
import { CMD, DONE, ERR, READY, ROWS, SEED, type WorkerInit, writeError } from './shared.js';

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.mem.ctrl);
const fail = (flag: number, slot: number, e: unknown) => {
  writeError(init.mem, e instanceof Error ? e.message : String(e));
  Atomics.store(ctrl, flag, slot === READY ? 2 : 1);
  Atomics.notify(ctrl, slot);
};

async function main(): Promise<void> {
  const { setConfig } = await import('../config.js');
  setConfig(init.config); // one thread, no worker: the replicas are the parallelism
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../backend.js');
  const { build } = await import('../build.js');
  const { localGrads } = await import('../kernels/optim/mixed-adam.js');
  await initBackend(init.backend as never);
  const model = build(init.ir as never);
  const byName = new Map(model.variables.map((v) => [v.name, v]));
  const vars = init.names.map((n) => {
    const v = byName.get(n);
    if (!v) throw new Error(`worker: the model has no variable ${n}`);
    return v;
  });
  const offsets: number[] = [];
  init.sizes.reduce((o, s) => (offsets.push(o), o + s), 0);
  const params = new Float32Array(init.mem.params),
    grads = new Float32Array(init.mem.grads);
  const xs = new Float32Array(init.mem.x),
    loss = new Float64Array(init.mem.loss);
  const per = init.exampleShape.reduce((a, b) => a * b, 1);
  const grad = localGrads(model);
  const trainable = vars.filter((v) => v.trainable);
  const rng = model.rng as { setState(s: unknown): void } | undefined;
  Atomics.store(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);

  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CMD, seen);
    const cmd = Atomics.load(ctrl, CMD);
    if (cmd < 0) break;
    if (cmd === seen) continue;
    seen = cmd;
    try {
      const rows = Atomics.load(ctrl, ROWS);
      tf.tidy(() => {
        vars.forEach((v, i) =>
          v.assign(tf.tensor(params.subarray(offsets[i]!, offsets[i]! + init.sizes[i]!), v.shape, 'float32')),
        );
      });
      rng?.setState({ s: Atomics.load(ctrl, SEED) >>> 0, spare: null });
      const x = tf.tensor(xs.subarray(0, rows * per), [rows, ...init.exampleShape], 'float32');
      const value = tf.tidy(() => {
        const r = grad(x, trainable);
        vars.forEach((v, i) => {
          const g = r.grads[v.name];
          const out = grads.subarray(offsets[i]!, offsets[i]! + init.sizes[i]!);
          if (g) out.set(g.dataSync() as Float32Array);
          else out.fill(0);
        });
        return r.value.dataSync()[0]!;
      });
      x.dispose();
      loss[0] = value;
    } catch (e) {
      fail(ERR, DONE, e);
    }
    Atomics.store(ctrl, DONE, seen);
    Atomics.notify(ctrl, DONE);
  }
  model.dispose();
}

main().catch((e) => fail(READY, READY, e));
