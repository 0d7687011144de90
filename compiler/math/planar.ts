// The invertibility reparameterizations of planar and radial flows (Rezende & Mohamed 2015, app. A),
// scalar forms (the tfjs forms are runtime/bijectors/planar-maps.ts; tests hold them equal):
//   planar: û = u + (m(wᵀu) − wᵀu)·w/‖w‖²,  m(a) = −1 + softplus(a), so wᵀû = m(wᵀu) ≥ −1
//   radial: α = softplus(α̂) ≥ 0,  β = −α + softplus(β̂) ≥ −α
import { softplus } from './activations.js';

/** m(a) = −1 + softplus(a) */
export const planarM = (a: number): number => softplus(a) - 1;

/** the coefficient c of û = u + c·w, from wᵀu and ‖w‖² */
export const planarUHatCoef = (wu: number, w2: number): number => (planarM(wu) - wu) / w2;

/** (α, β) from the raw (α̂, β̂) */
export function radialAlphaBeta(alphaHat: number, betaHat: number): [number, number] {
  const alpha = softplus(alphaHat);
  return [alpha, softplus(betaHat) - alpha];
}
