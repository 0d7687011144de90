// Fast vs naive autoregressive sampling (issue 5). Models at initialization (sampling cost does
// not depend on the weights): W4's PixelCNN on 1×28×28 binary images, W2's MADE 784-500-500-784,
// a NADE with 500 hidden units. 16 samples each, same seed in both modes. The fast sampler runs
// all 784 steps; the naive one (one full pass per step) runs the first --steps steps and is
// scaled to 784 (every naive step costs the same). The first --steps values must agree.
//   npx tsc -p tsconfig.json && node dist/bench/ar-sampling.js [--backend wasm|cpu] [--steps 28] [--n 16] [--all]
// (--all adds a 5-layer Gated PixelCNN and a 2-layer Row LSTM, 32 channels each)
import { initBackend, type BackendName } from '../runtime/backend.js';
import { buildAutoregressive } from '../runtime/ar/index.js';
import { runSampling } from '../runtime/ar/sampling.js';
import { buildMadeMasks } from '../compiler/proofs/made.js';
import type { ConditionalIR, FlowIR } from '../compiler/ir/types.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

function ir(model: string, shape: number[], conditional: ConditionalIR): FlowIR {
  const D = shape.reduce((a, b) => a * b, 1);
  return {
    version: 1,
    model,
    family: 'autoregressive',
    data: { name: 'x', domain: { kind: 'binary' }, shape },
    order: Array.from({ length: D }, (_, i) => i),
    conditional,
    likelihood: { kind: 'bernoulli' },
    train: { batch: 64, optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1 },
    totals: { params: 0, flops: 0, activationBytes: 0 },
  };
}

async function main(): Promise<void> {
  const backend = await initBackend(arg('backend', 'wasm') as BackendName);
  const steps = Number(arg('steps', '28'));
  const n = Number(arg('n', '16'));
  const order = Array.from({ length: 784 }, (_, i) => i);
  const models: FlowIR[] = [
    ir('W4PixelCnn', [1, 28, 28], {
      kind: 'pixelcnn',
      layers: [
        { mask: 'A', kernel: 7, channels: 32, activation: 'relu', residual: false },
        ...Array.from({ length: 5 }, () => ({
          mask: 'B' as const,
          kernel: 3,
          channels: 32,
          activation: 'relu',
          residual: false,
        })),
        { mask: 'B', kernel: 1, channels: 1, activation: 'none', residual: false },
      ],
    }),
    ir('W2Made', [784], {
      kind: 'made',
      hidden: [500, 500],
      activation: 'relu',
      ensemble: 1,
      masks: buildMadeMasks({ order, hidden: [500, 500], connectivity: 'sequential' }),
    }),
    ir('Nade500', [784], { kind: 'nade', hidden: 500 }),
  ];
  if (process.argv.includes('--all')) {
    models.push(
      ir('GatedPixelCnn5x32', [1, 28, 28], { kind: 'gated_pixelcnn', layers: 5, channels: 32, kernel: 3 }),
      ir('RowLstm2x32', [1, 28, 28], { kind: 'pixelrnn', cell: 'row_lstm', layers: 2, hidden: 32 }),
    );
  }
  for (const m of models) {
    const model = buildAutoregressive(m);
    const job = (k: number) => ({ n, D: model.D, order: model.order.slice(0, k), temperature: 1, seed: 1234 });
    const t0 = performance.now();
    const fast = runSampling(model.conditional, model.likelihood, job(model.D), 'fast');
    const t1 = performance.now();
    const naive = runSampling(model.conditional, model.likelihood, job(steps), 'naive');
    const t2 = performance.now();
    let same = 0;
    let total = 0;
    for (let s = 0; s < n; s++)
      for (const d of model.order.slice(0, steps)) {
        total++;
        if (fast[s * model.D + d] === naive[s * model.D + d]) same++;
      }
    const fastS = (t1 - t0) / 1000;
    const naiveS = ((t2 - t1) / 1000) * (model.D / steps);
    console.log(
      JSON.stringify({
        model: m.model,
        backend,
        images: n,
        dims: model.D,
        fast_seconds: +fastS.toFixed(3),
        naive_seconds_784: +naiveS.toFixed(3),
        naive_measured_steps: steps,
        naive_extrapolated: steps < model.D,
        speedup: +(naiveS / fastS).toFixed(1),
        identical_first_steps: same === total,
        agreeing_values: `${same}/${total}`,
      }),
    );
    model.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
