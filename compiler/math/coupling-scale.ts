// The coupling scale g(s_raw) → log-scale, defined once (RealNVP exp, tanh-bounded, Glow's sigmoid):
//   exp → s_raw,  tanh → tanh(s_raw),  sigmoid → log σ(s_raw + 2)  (scale in (0, 1), ≈ 0.88 at init).
// Scalar forms for the fused host ops; runtime/bijectors/coupling.ts has the tfjs form with the
// same shift. Pure TypeScript.
import { tanhFast } from './activations.js';

export type ScaleKind = 'exp' | 'sigmoid' | 'tanh';
export const SCALE_KINDS: readonly ScaleKind[] = ['exp', 'sigmoid', 'tanh'];

/** Glow's shift inside the sigmoid scale */
export const SIGMOID_SCALE_SHIFT = 2;

/** log σ(u), stable for both signs */
export function logSigmoidStable(u: number): number {
  return u >= 0 ? -Math.log1p(Math.exp(-u)) : u - Math.log1p(Math.exp(u));
}
/** σ(−u) = d log σ(u)/du, stable for both signs */
export function sigmoidNeg(u: number): number {
  return u >= 0 ? Math.exp(-u) / (1 + Math.exp(-u)) : 1 / (1 + Math.exp(u));
}

/** the log-scale g(s_raw) */
export function logScaleOf(kind: ScaleKind, sr: number): number {
  return kind === 'tanh' ? tanhFast(sr) : kind === 'exp' ? sr : logSigmoidStable(sr + SIGMOID_SCALE_SHIFT);
}

/** dg/ds_raw, given s = g(s_raw) */
export function logScaleGrad(kind: ScaleKind, sr: number, s: number): number {
  return kind === 'tanh' ? 1 - s * s : kind === 'exp' ? 1 : sigmoidNeg(sr + SIGMOID_SCALE_SHIFT);
}
