// Rezende & Mohamed 2015, Figure 3: reverse-KL fits of the 2-D energies U1–U4 with K planar or
// radial flows. For each energy and flow kind, one PNG: [target exp(−U) | K = k₁ | k₂ | …], each a
// heat map of the density on the grid [−4, 4]² (the flow's exact density, by its iterative inverse).
// Prints one line per fit (final loss, and KL(q‖p) = loss + log Z for U1, whose Z is finite) and
// writes results.json beside the pictures.
//   npm run build && node dist/bench/vae/energy.js [--energies u1,u2,u3,u4] [--flows planar,radial]
//     [--K 2,8,32] [--steps 2000] [--batch 256] [--lr 1e-2] [--seed 1] [--out bench/vae/out] [--grid 100]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend.js';
import { buildEnergy, energyJs, ENERGY_NAMES, logPartition, type EnergyName } from '../../runtime/energy/index.js';
import { createTrainer } from '../../runtime/train-step.js';
import { Canvas, viridis } from '../../runtime/pictures/canvas.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { compileSource } from '../../compiler/index.js';

const BOX = 4;

/** the spec of one fit, compiled by flowc's compiler (the same path `flowc train` takes) */
export function energySpec(name: EnergyName, kind: string, K: number, batch: number, lr: number, seed: number): string {
  return `model Fit {
  latent z: real[2]
  prior normal
  flow { repeat ${K} { ${kind} } }
  target energy(${name})
  train { batch: ${batch}, steps: 1, seed: ${seed}, optimizer: adam(lr: ${lr}) }
}
`;
}

function compileFit(name: EnergyName, kind: string, K: number, batch: number, lr: number, seed: number): FlowIR {
  const src = energySpec(name, kind, K, batch, lr, seed);
  const r = compileSource(src, `${kind}_${name}_K${K}.flow`);
  if (!r.ir) throw new Error(`the spec did not compile:\n${src}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.ir;
}

function gridPoints(G: number): Float32Array {
  const pts = new Float32Array(G * G * 2);
  const h = (2 * BOX) / G;
  for (let r = 0; r < G; r++)
    for (let c = 0; c < G; c++) {
      pts[(r * G + c) * 2] = -BOX + (c + 0.5) * h; // z₁ to the right
      pts[(r * G + c) * 2 + 1] = BOX - (r + 0.5) * h; // z₂ up
    }
  return pts;
}

/** a G×G panel of densities exp(logp) scaled to its own maximum */
function drawPanel(canvas: Canvas, x0: number, logp: ArrayLike<number>, G: number, cell: number): void {
  let max = -Infinity;
  for (let i = 0; i < G * G; i++) if (Number.isFinite(logp[i]!)) max = Math.max(max, logp[i]!);
  for (let r = 0; r < G; r++)
    for (let c = 0; c < G; c++) {
      const v = logp[r * G + c]!;
      canvas.rect(x0 + c * cell, r * cell, cell, cell, viridis(Number.isFinite(v) ? Math.exp(v - max) : 0));
    }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      energies: { type: 'string', default: ENERGY_NAMES.join(',') },
      flows: { type: 'string', default: 'planar,radial' },
      K: { type: 'string', default: '2,8,32' },
      steps: { type: 'string', default: '2000' },
      batch: { type: 'string', default: '256' },
      lr: { type: 'string', default: '1e-2' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench/vae/out' },
      grid: { type: 'string', default: '100' },
    },
  });
  const energies = values.energies!.split(',') as EnergyName[];
  for (const e of energies)
    if (!(ENERGY_NAMES as readonly string[]).includes(e)) throw new Error(`--energies: unknown '${e}'`);
  const flows = values.flows!.split(',');
  for (const f of flows) if (f !== 'planar' && f !== 'radial') throw new Error(`--flows: planar or radial, not '${f}'`);
  const Ks = values.K!.split(',').map(Number);
  const steps = Number(values.steps),
    batch = Number(values.batch),
    lr = Number(values.lr),
    seed = Number(values.seed),
    G = Number(values.grid);
  tf.enableProdMode();
  const backend = await initBackend(); // the backend setting (FLOWC_BACKEND) decides
  mkdirSync(values.out!, { recursive: true });
  console.log(`backend ${backend} | steps ${steps} | batch ${batch} | lr ${lr} | seed ${seed}`);
  const pts = gridPoints(G);
  const results: Record<string, unknown>[] = [];
  const cell = 2,
    gap = 6,
    size = G * cell;
  for (const name of energies) {
    const target = Float64Array.from({ length: G * G }, (_, i) => -energyJs(name, pts[2 * i]!, pts[2 * i + 1]!));
    const logZ = name === 'u1' ? logPartition('u1') : undefined;
    for (const kind of flows) {
      const canvas = new Canvas((Ks.length + 1) * size + Ks.length * gap, size);
      drawPanel(canvas, 0, target, G, cell);
      for (const [j, K] of Ks.entries()) {
        const model = buildEnergy(compileFit(name, kind, K, batch, lr, seed));
        const trainer = createTrainer(model, { lr });
        const dummy = tf.zeros([batch, 2]);
        const t0 = Date.now();
        for (let s = 0; s < steps; s++) trainer.step(dummy);
        const secs = (Date.now() - t0) / 1000;
        dummy.dispose();
        const l = model.lossN(8192);
        const lv = l.dataSync();
        l.dispose();
        let loss = 0;
        for (const v of lv) loss += v / lv.length;
        const lp = tf.tidy(() => model.logProb(tf.tensor2d(pts, [G * G, 2])));
        drawPanel(canvas, (j + 1) * (size + gap), lp.dataSync(), G, cell);
        lp.dispose();
        const kl = logZ !== undefined ? loss + logZ : undefined;
        const r = {
          energy: name,
          flow: kind,
          K,
          steps,
          batch,
          lr,
          seed,
          seconds: +secs.toFixed(1),
          loss: +loss.toFixed(4),
          ...(kl !== undefined ? { kl: +kl.toFixed(4) } : {}),
        };
        results.push(r);
        console.log(JSON.stringify(r));
        trainer.dispose();
        model.dispose();
      }
      const file = join(values.out!, `${name}_${kind}.png`);
      writeFileSync(file, canvas.toPng());
      console.log(`wrote ${file} (columns: target, ${Ks.map((k) => `K=${k}`).join(', ')})`);
    }
  }
  writeFileSync(join(values.out!, 'energy-results.json'), JSON.stringify(results, null, 1) + '\n');
}

main().catch((e: unknown) => {
  console.error(`energy bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
