// The energies U1–U4 (targets.ts) as one host op each (runtime/kernels/fused/host-op.ts): U(z) per row
// in float64 on the host, and the hand-written gradient ∂U/∂z. The tfjs version in targets.ts is
// the oracle (test/runtime/fused-planar-energy.test.ts) and the path taken with FLOWC_FUSE=0. Registered as
// the planner's energy:fused-target (EnergyTarget, model.ts).
//   U1 = ½((r − 2)/0.4)² − lse(A₁, A₂), A₁,₂ = −½((z₁ ∓ 2)/0.6)²
//   U2 = ½((z₂ − w₁)/0.4)²
//   U3 = −lse(A, B), A = −½(d/0.35)², B = −½((d + w₂)/0.35)², d = z₂ − w₁
//   U4 = −lse(A, B), A = −½(d/0.4)²,  B = −½((d + w₃)/0.35)²
// ∂(−lse(A, B)) = −(p·∂A + (1 − p)·∂B), p = σ(A − B).
// energyLossFused also folds in the rest of the reverse-KL loss: log q₀(z₀) − Σ log|det| + U(z_K).
import * as tf from '@tensorflow/tfjs-core';
import { hostOp } from '../kernels/fused/host-op.js';
import type { EnergyName } from './targets.js';
import type { EnergyTarget } from './model.js';
import { registerKernel } from '../plan/registry.js';

const Q = Math.PI / 2;

/** −lse(a, b) and p = e^a/(e^a + e^b) */
function nlse(a: number, b: number, out: Float64Array): void {
  const m = Math.max(a, b),
    ea = Math.exp(a - m),
    eb = Math.exp(b - m);
  out[0] = -(m + Math.log(ea + eb));
  out[1] = ea / (ea + eb);
}

/** U at (z1, z2) into out[0], ∂U/∂z₁, ∂U/∂z₂ into out[1], out[2] */
function energyGrad(name: EnergyName, z1: number, z2: number, out: Float64Array, t: Float64Array): void {
  switch (name) {
    case 'u1': {
      const r = Math.sqrt(z1 * z1 + z2 * z2),
        dr = (r - 2) / 0.16;
      const a1 = (z1 - 2) / 0.6,
        a2 = (z1 + 2) / 0.6;
      nlse(-0.5 * a1 * a1, -0.5 * a2 * a2, t);
      const p = t[1]!;
      out[0] = 0.5 * dr * (r - 2) + t[0]!;
      const gr = r > 0 ? dr / r : 0;
      out[1] = gr * z1 + (p * a1 + (1 - p) * a2) / 0.6;
      out[2] = gr * z2;
      return;
    }
    case 'u2': {
      const e = (z2 - Math.sin(Q * z1)) / 0.16;
      out[0] = 0.5 * 0.16 * e * e;
      out[1] = -e * Q * Math.cos(Q * z1);
      out[2] = e;
      return;
    }
    case 'u3':
    case 'u4': {
      const dw1 = Q * Math.cos(Q * z1),
        d = z2 - Math.sin(Q * z1);
      let w: number, dw: number;
      if (name === 'u3') {
        const v = (z1 - 1) / 0.6;
        w = 3 * Math.exp(-0.5 * v * v);
        dw = (-w * v) / 0.6;
      } else {
        const s = 1 / (1 + Math.exp(-(z1 - 1) / 0.3));
        w = 3 * s;
        dw = (3 * s * (1 - s)) / 0.3;
      }
      const sa = name === 'u3' ? 0.35 : 0.4;
      const a = d / sa,
        b = (d + w) / 0.35;
      nlse(-0.5 * a * a, -0.5 * b * b, t);
      const p = t[1]!;
      // ∂A/∂d = −a/sa, ∂B/∂d = −b/0.35; ∂d/∂z₁ = −w₁′, ∂d/∂z₂ = 1; ∂B/∂z₁ also through w
      const gA = p * (a / sa),
        gB = (1 - p) * (b / 0.35); // = −(p ∂A/∂d), −((1−p) ∂B/∂d)
      out[0] = t[0]!;
      out[1] = -(gA + gB) * dw1 + gB * dw;
      out[2] = gA + gB;
      return;
    }
  }
}

const ops = new Map<EnergyName, (inputs: tf.Tensor[]) => tf.Tensor[]>();

function energyOp(name: EnergyName): (inputs: tf.Tensor[]) => tf.Tensor[] {
  return hostOp({
    shapes: ([zs]) => [[zs![0]!]],
    forward: ([z], [zs]) => {
      const N = zs![0]!,
        u = new Float32Array(N),
        out = new Float64Array(3),
        t = new Float64Array(2);
      for (let n = 0; n < N; n++) {
        energyGrad(name, z![2 * n]!, z![2 * n + 1]!, out, t);
        u[n] = out[0]!;
      }
      return { outputs: [u] };
    },
    backward: ([du], _saved, [z], [zs]) => {
      const N = zs![0]!,
        g = new Float32Array(2 * N),
        out = new Float64Array(3),
        t = new Float64Array(2);
      if (du)
        for (let n = 0; n < N; n++) {
          energyGrad(name, z![2 * n]!, z![2 * n + 1]!, out, t);
          g[2 * n] = du[n]! * out[1]!;
          g[2 * n + 1] = du[n]! * out[2]!;
        }
      return [g];
    },
  });
}

/** U(z) per row of z [N, 2] → [N], one host op with a hand-written gradient */
export function energyFused(name: EnergyName, z: tf.Tensor2D): tf.Tensor1D {
  if (z.shape[1] !== 2) throw new Error(`energy ${name}: expected z of shape [N, 2], got [${z.shape}]`);
  let op = ops.get(name);
  if (!op) ops.set(name, (op = energyOp(name)));
  return op([z])[0] as tf.Tensor1D;
}

const lossOps = new Map<EnergyName, (inputs: tf.Tensor[]) => tf.Tensor[]>();

function lossOp(name: EnergyName): (inputs: tf.Tensor[]) => tf.Tensor[] {
  return hostOp({
    shapes: ([zs]) => [[zs![0]!]],
    forward: ([z, ld, lq], [zs]) => {
      const N = zs![0]!,
        l = new Float32Array(N),
        out = new Float64Array(3),
        t = new Float64Array(2);
      for (let n = 0; n < N; n++) {
        energyGrad(name, z![2 * n]!, z![2 * n + 1]!, out, t);
        l[n] = lq![n]! - ld![n]! + out[0]!;
      }
      return { outputs: [l] };
    },
    backward: ([dl], _saved, [z], [zs]) => {
      const N = zs![0]!,
        g = new Float32Array(2 * N),
        gld = new Float32Array(N),
        glq = new Float32Array(N);
      const out = new Float64Array(3),
        t = new Float64Array(2);
      if (dl)
        for (let n = 0; n < N; n++) {
          energyGrad(name, z![2 * n]!, z![2 * n + 1]!, out, t);
          g[2 * n] = dl[n]! * out[1]!;
          g[2 * n + 1] = dl[n]! * out[2]!;
          gld[n] = -dl[n]!;
          glq[n] = dl[n]!;
        }
      return [g, gld, glq];
    },
  });
}

/** the per-example reverse-KL loss logQ0 − logDet + U(z) [N] from z [N, 2], logDet [N], logQ0 [N], one host op */
export function energyLossFused(
  name: EnergyName,
  z: tf.Tensor2D,
  logDet: tf.Tensor1D,
  logQ0: tf.Tensor1D,
): tf.Tensor1D {
  if (z.shape[1] !== 2) throw new Error(`energy ${name}: expected z of shape [N, 2], got [${z.shape}]`);
  let op = lossOps.get(name);
  if (!op) lossOps.set(name, (op = lossOp(name)));
  return op([z, logDet, logQ0])[0] as tf.Tensor1D;
}

registerKernel<EnergyTarget>({
  name: 'fused-target',
  kind: 'energy',
  backends: ['wasm', 'cpu'],
  settings: ['fuse'],
  doc: 'the energies U1–U4 and the reverse-KL loss as host ops (energy/fused-targets.ts)',
  applies: () => true,
  // chosen once, when the model is built
  implement: (under, on) => (on() ? { energy: energyFused, loss: energyLossFused } : under),
});
