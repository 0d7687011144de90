// A run of consecutive planar / radial layers (global parameters) evaluated in the sampling
// direction z → x as ONE host op (runtime/kernels/fused/host-op.ts): the forward loops over layers and
// examples in float64 on the host, the backward is written out (reverse loop over layers), with
// gradients for the input z and every layer parameter. Same maps as Planar.inverse / Radial.inverse:
//   planar: x = z + û·h(wᵀz + b), û = u + (m(wᵀu) − wᵀu)·w/‖w‖², m(a) = −1 + softplus(a),
//           log|det| = log(|1 + h′(wᵀz + b)·wᵀû| + 1e−8)
//   radial: x = z + β·(z − z₀)/(α + r), r = ‖z − z₀‖, α = softplus(α̂), β = −α + softplus(β̂),
//           log|det| = (D−1)·log(1 + βh) + log(1 + βh − βh²r), h = 1/(α + r)
// One tape node replaces ~20 kernels per layer (forward) and ~40 (backward). The unfused bijectors
// stay the oracle (test/runtime/fused-planar*.test.ts) and the path taken with FLOWC_FUSE=0. Registered as
// the planner's planar:fused-chain and radial:fused-chain (ChainForm, runtime/energy/model.ts).
import * as tf from '@tensorflow/tfjs-core';
import { hostOp } from '../kernels/fused/host-op.js';
import { Planar } from './planar.js';
import { Radial } from './radial.js';
import type { Bijector } from './types.js';
import { ACTIVATIONS, type ActivationName, activationName, sigmoid } from '../../compiler/math/activations.js';
import { planarUHatCoef, radialAlphaBeta } from '../../compiler/math/planar.js';
import { registerKernel } from '../plan/registry.js';
import type { ChainForm } from '../energy/model.js';

export type ChainLayer = Planar | Radial;

export function isChainLayer(b: Bijector): b is ChainLayer {
  return b instanceof Planar || b instanceof Radial;
}

const RADIAL = 'radial';
/** a layer of the chain: radial, or planar with its activation */
type Code = ActivationName | typeof RADIAL;

function code(l: ChainLayer): Code {
  if (l instanceof Radial) return RADIAL;
  const a = activationName(l.act);
  if (!a) throw new Error(`${l.id}: unknown planar activation '${l.act}'`);
  return a;
}

/** per-layer planar constants from u, w: û, wᵀû and what the backward through û needs */
interface PlanarConst {
  uh: Float64Array;
  wuh: number;
  wu: number;
  w2: number;
  c: number;
}
function planarConst(u: Float32Array, w: Float32Array, D: number): PlanarConst {
  let wu = 0,
    w2 = 0;
  for (let d = 0; d < D; d++) {
    wu += w[d]! * u[d]!;
    w2 += w[d]! * w[d]!;
  }
  const c = planarUHatCoef(wu, w2);
  const uh = new Float64Array(D);
  let wuh = 0;
  for (let d = 0; d < D; d++) {
    uh[d] = u[d]! + c * w[d]!;
    wuh += w[d]! * uh[d]!;
  }
  return { uh, wuh, wu, w2, c };
}

/** h(a), h′(a), h″(a) for the planar activations (h″ of leaky_relu is 0, as tf.step's gradient) */
function act(k: ActivationName, a: number, out: Float64Array): void {
  ACTIVATIONS[k].all(a, out);
}

/** the forward; saves each layer's input z and, for planar layers, h, h′, h″ per example */
interface Saved {
  zs: Float64Array[];
  hs: Float64Array[];
}

function forward(
  codes: Code[],
  D: number,
  inputs: Float32Array[],
  N: number,
): { x: Float32Array; ld: Float32Array; saved: Saved } {
  const z = Float64Array.from(inputs[0]!);
  const ld = new Float64Array(N);
  const zs: Float64Array[] = [],
    hs: Float64Array[] = [];
  const hv = new Float64Array(3);
  let p = 1;
  for (const k of codes) {
    zs.push(z.slice());
    const hk = new Float64Array(k !== RADIAL ? 3 * N : 0);
    hs.push(hk);
    if (k !== RADIAL) {
      const u = inputs[p]!,
        w = inputs[p + 1]!,
        b = inputs[p + 2]![0]!;
      p += 3;
      const { uh, wuh } = planarConst(u, w, D);
      for (let n = 0, o = 0; n < N; n++, o += D) {
        let a = b;
        for (let d = 0; d < D; d++) a += w[d]! * z[o + d]!;
        act(k, a, hv);
        hk[3 * n] = hv[0]!;
        hk[3 * n + 1] = hv[1]!;
        hk[3 * n + 2] = hv[2]!;
        for (let d = 0; d < D; d++) z[o + d] += uh[d]! * hv[0]!;
        ld[n] += Math.log(Math.abs(1 + hv[1]! * wuh) + 1e-8);
      }
    } else {
      const z0 = inputs[p]!,
        [alpha, beta] = radialAlphaBeta(inputs[p + 1]![0]!, inputs[p + 2]![0]!);
      p += 3;
      for (let n = 0, o = 0; n < N; n++, o += D) {
        let r2 = 0;
        for (let d = 0; d < D; d++) {
          const e = z[o + d]! - z0[d]!;
          r2 += e * e;
        }
        const r = Math.sqrt(r2),
          h = 1 / (alpha + r),
          bh = beta * h;
        for (let d = 0; d < D; d++) z[o + d] += bh * (z[o + d]! - z0[d]!);
        ld[n] += (D - 1) * Math.log1p(bh) + Math.log(1 + bh - bh * h * r);
      }
    }
  }
  return { x: Float32Array.from(z), ld: Float32Array.from(ld), saved: { zs, hs } };
}

function backward(
  codes: Code[],
  D: number,
  inputs: Float32Array[],
  N: number,
  { zs, hs }: Saved,
  dx: Float32Array | null,
  dld: Float32Array | null,
): Float32Array[] {
  const gz = dx ? Float64Array.from(dx) : new Float64Array(N * D);
  const gld = dld ?? new Float32Array(N);
  const grads: Float32Array[] = new Array(inputs.length);
  let p = inputs.length;
  for (let L = codes.length - 1; L >= 0; L--) {
    const k = codes[L]!,
      zin = zs[L]!,
      hk = hs[L]!;
    p -= 3;
    if (k !== RADIAL) {
      const u = inputs[p]!,
        w = inputs[p + 1]!;
      const { uh, wuh, wu, w2, c } = planarConst(u, w, D);
      const guh = new Float64Array(D),
        gw = new Float64Array(D);
      let gb = 0,
        gwuh = 0;
      for (let n = 0, o = 0; n < N; n++, o += D) {
        const h0 = hk[3 * n]!,
          h1 = hk[3 * n + 1]!,
          h2 = hk[3 * n + 2]!;
        const s = 1 + h1 * wuh;
        const gs = (gld[n]! * (s > 0 ? 1 : -1)) / (Math.abs(s) + 1e-8);
        gwuh += gs * h1;
        let gxu = 0;
        for (let d = 0; d < D; d++) gxu += gz[o + d]! * uh[d]!;
        const ga = gs * wuh * h2 + gxu * h1;
        for (let d = 0; d < D; d++) {
          guh[d] += gz[o + d]! * h0;
          gw[d] += ga * zin[o + d]!;
          gz[o + d] += ga * w[d]!;
        }
        gb += ga;
      }
      // wᵀû, then û = u + c·w with c = (softplus(wᵀu) − 1 − wᵀu)/‖w‖²
      let gc = 0;
      for (let d = 0; d < D; d++) {
        gw[d] += gwuh * uh[d]!;
        guh[d] += gwuh * w[d]!;
        gc += guh[d]! * w[d]!;
      }
      const gwu = (gc * (sigmoid(wu) - 1)) / w2,
        gw2 = (-gc * c) / w2;
      const gu = new Float32Array(D),
        gwf = new Float32Array(D);
      for (let d = 0; d < D; d++) {
        gu[d] = guh[d]! + gwu * w[d]!;
        gwf[d] = gw[d]! + c * guh[d]! + gwu * u[d]! + 2 * gw2 * w[d]!;
      }
      grads[p] = gu;
      grads[p + 1] = gwf;
      grads[p + 2] = Float32Array.of(gb);
    } else {
      const z0 = inputs[p]!,
        ah = inputs[p + 1]![0]!,
        bhat = inputs[p + 2]![0]!;
      const [alpha, beta] = radialAlphaBeta(ah, bhat);
      const gz0 = new Float64Array(D),
        e = new Float64Array(D);
      let galpha = 0,
        gbeta = 0;
      for (let n = 0, o = 0; n < N; n++, o += D) {
        let r2 = 0,
          gxd = 0;
        for (let d = 0; d < D; d++) {
          e[d] = zin[o + d]! - z0[d]!;
          r2 += e[d]! * e[d]!;
          gxd += gz[o + d]! * e[d]!;
        }
        const r = Math.sqrt(r2),
          h = 1 / (alpha + r),
          bh = beta * h,
          q = 1 + bh - bh * h * r;
        const gl = gld[n]!;
        const gbn = gl * (((D - 1) * h) / (1 + bh) + (h - h * h * r) / q) + h * gxd;
        const gh = gl * (((D - 1) * beta) / (1 + bh) + (beta - 2 * beta * h * r) / q) + beta * gxd;
        const gr = gl * ((-beta * h * h) / q) - h * h * gh;
        galpha -= h * h * gh;
        gbeta += gbn;
        const gre = r > 0 ? gr / r : 0;
        for (let d = 0; d < D; d++) {
          const gd = bh * gz[o + d]! + gre * e[d]!;
          gz[o + d] += gd;
          gz0[d] -= gd;
        }
      }
      grads[p] = Float32Array.from(gz0);
      grads[p + 1] = Float32Array.of((galpha - gbeta) * sigmoid(ah));
      grads[p + 2] = Float32Array.of(gbeta * sigmoid(bhat));
    }
  }
  grads[0] = Float32Array.from(gz);
  return grads;
}

function chainOp(codes: Code[], D: number): (inputs: tf.Tensor[]) => tf.Tensor[] {
  return hostOp({
    shapes: ([zs]) => [zs!, [zs![0]!]],
    forward: (inputs, [zs]) => {
      const r = forward(codes, D, inputs, zs![0]!);
      return { outputs: [r.x, r.ld], saved: r.saved };
    },
    backward: ([dx, dld], saved, inputs, [zs]) =>
      backward(codes, D, inputs, zs![0]!, saved as Saved, dx ?? null, dld ?? null),
  });
}

const ops = new Map<string, (inputs: tf.Tensor[]) => tf.Tensor[]>();

/**
 * The sampling direction of planar/radial layers [l_0, …, l_{K−1}] applied in that order to
 * z [N, D] as one host op: x = l_{K−1}.inverse(… l_0.inverse(z)), logDet = Σ_k log|det| [N].
 */
export function chainInverse(layers: ChainLayer[], z: tf.Tensor2D): { x: tf.Tensor2D; logDet: tf.Tensor1D } {
  const D = z.shape[1];
  for (const l of layers)
    if (l.D !== D) throw new Error(`${l.id}: fused chain of width ${D} got a layer of width ${l.D}`);
  const codes = layers.map(code);
  const key = `${D}:${codes.join(',')}`;
  let op = ops.get(key);
  if (!op) ops.set(key, (op = chainOp(codes, D)));
  const params: tf.Tensor[] = [];
  for (const l of layers) {
    if (l instanceof Radial) params.push(l.z0, l.alphaHat, l.betaHat);
    else params.push(l.u, l.w, l.b);
  }
  const [x, logDet] = op([z, ...params]);
  return { x: x as tf.Tensor2D, logDet: logDet as tf.Tensor1D };
}

/**
 * The sampling direction through a list of bijectors with every maximal run of planar/radial
 * layers fused (when `fuse`, or those layers i with `fuse(i)`); other layers go through their own
 * `inverse`. z [N, D] (flat).
 */
export function inverseWithRuns(
  bijectors: Bijector[],
  z: tf.Tensor2D,
  fuse: boolean | ((i: number) => boolean),
): { x: tf.Tensor2D; logDet: tf.Tensor1D } {
  const joins = (i: number) =>
    (typeof fuse === 'function' ? fuse(i) : fuse) && isChainLayer(bijectors[i]!) && bijectors[i]!.D === z.shape[1];
  return tf.tidy(() => {
    const N = z.shape[0],
      D = z.shape[1];
    let h = z;
    let ld: tf.Tensor1D | null = null;
    const addLd = (l: tf.Tensor1D) => {
      ld = ld ? (tf.add(ld, l) as tf.Tensor1D) : l;
    };
    for (let i = 0; i < bijectors.length;) {
      const b = bijectors[i]!;
      if (joins(i)) {
        const run: ChainLayer[] = [];
        while (i < bijectors.length && joins(i)) run.push(bijectors[i++] as ChainLayer);
        const r = chainInverse(run, h);
        h = r.x;
        addLd(r.logDet);
      } else {
        const r = b.inverse(h);
        h = tf.reshape(r.x, [N, D]) as tf.Tensor2D;
        addLd(r.logDet);
        i++;
      }
    }
    return { x: h, logDet: ld ?? (tf.zeros([N]) as tf.Tensor1D) };
  });
}

for (const kind of ['planar', 'radial']) {
  registerKernel<ChainForm>({
    name: 'fused-chain',
    kind,
    backends: ['wasm', 'cpu'],
    settings: ['fuse'],
    doc: 'runs of planar/radial layers in the sampling direction as one host op (bijectors/planar-chain.ts)',
    applies: (u) => u.ir?.family === 'energy' || 'only energy models sample through chains',
    // chosen once, when the model is built
    implement: (under, on) => (on() ? 'fused-run' : under),
  });
}
