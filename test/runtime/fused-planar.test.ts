// The fused planar/radial chain (runtime/bijectors/planar-chain.ts) against the unfused bijectors'
// sampling direction under tfjs autodiff (the oracle), on cpu and wasm: values, log-dets and the
// gradients for z and every u, w, b (z₀, α̂, β̂), for all three activations, several depths, and
// parameters with wᵀu < −1 (where û ≠ u matters). The hand-written backward is also checked by
// central finite differences of an independent float64 re-implementation of the formulas.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { LayerIROf } from '../../compiler/ir/types.js';
import { ParamStore } from '../../runtime/nets/params.js';
import { Rng } from '../../runtime/rng.js';
import { Planar } from '../../runtime/bijectors/planar.js';
import { Radial } from '../../runtime/bijectors/radial.js';
import { chainInverse, inverseWithRuns, type ChainLayer } from '../../runtime/bijectors/planar-chain.js';
import type { BuildContext } from '../../runtime/bijectors/types.js';
import { useWasmBackend } from './helpers.js';

useWasmBackend();

type Spec = 'tanh' | 'softplus' | 'leaky_relu' | 'radial';

function layerIR<K extends 'planar' | 'radial'>(spec: Spec, D: number, i: number): LayerIROf<K> {
  const kind = spec === 'radial' ? 'radial' : 'planar';
  return {
    kind,
    id: `flow.${i}.${kind}`,
    inShape: [D],
    outShape: [D],
    args: kind === 'planar' ? { activation: spec, inverse: 'none' } : { inverse: 'none' },
    params: [],
    jacobian: '',
    logDet: '',
    directions: { density: 'none', sample: 'closed' },
  } as unknown as LayerIROf<K>;
}

/** layers with random parameters; planar layers at odd positions get wᵀu < −1 */
function makeChain(specs: Spec[], D: number, seed: number): { layers: ChainLayer[]; store: ParamStore } {
  const rng = new Rng(seed);
  const store = new ParamStore(rng);
  const ctx: BuildContext = { store, rng, buildLayers: () => [] };
  const layers = specs.map((s, i) =>
    s === 'radial' ? new Radial(layerIR<'radial'>(s, D, i), ctx) : new Planar(layerIR<'planar'>(s, D, i), ctx),
  );
  layers.forEach((l, i) =>
    tf.tidy(() => {
      if (l instanceof Planar) {
        const w = rng.normalArray(D, 0, 0.8);
        const u =
          i % 2 === 1
            ? w.map(
                (v) =>
                  (-2 * v) /
                  Math.max(
                    0.3,
                    w.reduce((a, b) => a + b * b, 0),
                  ),
              )
            : rng.normalArray(D, 0, 0.8);
        if (i % 2 === 1) u[0] += 0.1;
        l.u.assign(tf.tensor1d(u));
        l.w.assign(tf.tensor1d(w));
        l.b.assign(tf.tensor1d(rng.normalArray(1, 0, 0.5)));
      } else {
        l.z0.assign(tf.tensor1d(rng.normalArray(D, 0, 0.5)));
        l.alphaHat.assign(tf.tensor1d(rng.normalArray(1, 0, 1)));
        l.betaHat.assign(tf.tensor1d(rng.normalArray(1, 0, 1)));
      }
    }),
  );
  return { layers, store };
}

function paramsOf(layers: ChainLayer[]): tf.Variable[] {
  return layers.flatMap((l) => (l instanceof Planar ? [l.u, l.w, l.b] : [l.z0, l.alphaHat, l.betaHat]));
}

function unfused(layers: ChainLayer[], z: tf.Tensor2D): { x: tf.Tensor; logDet: tf.Tensor } {
  let h: tf.Tensor = z,
    ld: tf.Tensor = tf.zeros([z.shape[0]]);
  for (const l of layers) {
    const r = l.inverse(h);
    h = r.x;
    ld = tf.add(ld, r.logDet);
  }
  return { x: h, logDet: ld };
}

/** values and gradients of L = Σ cx⊙x + Σ cl⊙logDet for z and every parameter */
function evalChain(layers: ChainLayer[], zv: Float32Array, N: number, D: number, fused: boolean) {
  return tf.tidy(() => {
    const z = tf.tensor2d(zv, [N, D]);
    const cx = tf.tensor2d(new Rng(99).normalArray(N * D), [N, D]);
    const cl = tf.tensor1d(new Rng(98).normalArray(N));
    const run = (zz: tf.Tensor) =>
      fused ? chainInverse(layers, zz as tf.Tensor2D) : unfused(layers, zz as tf.Tensor2D);
    const { x, logDet } = run(z);
    const params = paramsOf(layers);
    const g = tf.grads((zz: tf.Tensor, ...ps: tf.Tensor[]) => {
      void ps;
      const r = run(zz);
      return tf.add(tf.sum(tf.mul(r.x, cx)), tf.sum(tf.mul(r.logDet, cl))) as tf.Scalar;
    })([z, ...params]);
    return {
      x: Array.from(x.dataSync()),
      logDet: Array.from(logDet.dataSync()),
      grads: g.map((t) => Array.from(t.dataSync())),
    };
  });
}

function expectClose(got: number[], want: number[], rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  let worst = 0;
  got.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - want[i]!));
  });
  expect(worst, `${what}: max |Δ| ${worst} (scale ${scale})`).toBeLessThanOrEqual(rel * scale);
}

const CHAINS: [string, Spec[], number][] = [
  ['tanh K=1', ['tanh'], 2],
  ['tanh K=4', ['tanh', 'tanh', 'tanh', 'tanh'], 2],
  ['softplus K=3', ['softplus', 'softplus', 'softplus'], 2],
  ['leaky_relu K=5', ['leaky_relu', 'leaky_relu', 'leaky_relu', 'leaky_relu', 'leaky_relu'], 2],
  ['tanh K=16', Array.from({ length: 16 }, () => 'tanh' as Spec), 2],
  ['mixed planar/radial K=6, D=3', ['tanh', 'radial', 'softplus', 'leaky_relu', 'radial', 'tanh'], 3],
  ['radial K=3', ['radial', 'radial', 'radial'], 2],
];

describe('fused planar/radial chain = unfused bijectors (autodiff oracle)', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const [name, specs, D] of CHAINS) {
      it(`${backend}: ${name}`, () => {
        tf.setBackend(backend);
        const { layers, store } = makeChain(specs, D, 11 + specs.length);
        try {
          // the û correction is exercised: some planar layer has wᵀu < −1
          const wus = layers
            .filter((l): l is Planar => l instanceof Planar)
            .map((l) => tf.tidy(() => tf.sum(tf.mul(l.u, l.w)).dataSync()[0]!));
          if (wus.length > 1) expect(Math.min(...wus)).toBeLessThan(-1);
          const N = 37;
          const zv = new Rng(5).normalArray(N * D, 0, 1.5);
          const before = tf.memory().numTensors;
          const a = evalChain(layers, zv, N, D, false);
          const b = evalChain(layers, zv, N, D, true);
          expect(tf.memory().numTensors).toBe(before);
          expectClose(b.x, a.x, 2e-5, 'x');
          expectClose(b.logDet, a.logDet, 2e-5, 'logDet');
          expect(b.grads.length).toBe(a.grads.length);
          a.grads.forEach((g, i) => expectClose(b.grads[i]!, g, 1e-4, `gradient of input ${i}`));
        } finally {
          store.dispose();
          tf.setBackend('cpu');
        }
      });
    }
  }

  it('inverseWithRuns(fuse) equals inverseWithRuns(no fuse) and does not leak', () => {
    tf.setBackend('cpu');
    const { layers, store } = makeChain(['tanh', 'radial', 'softplus'], 2, 3);
    const z = tf.tensor2d(new Rng(1).normalArray(20), [10, 2]);
    const before = tf.memory().numTensors;
    const a = inverseWithRuns(layers, z, false),
      b = inverseWithRuns(layers, z, true);
    expectClose(Array.from(b.x.dataSync()), Array.from(a.x.dataSync()), 2e-5, 'x');
    expectClose(Array.from(b.logDet.dataSync()), Array.from(a.logDet.dataSync()), 2e-5, 'logDet');
    tf.dispose([a.x, a.logDet, b.x, b.logDet]);
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
    store.dispose();
  });
});

// ---- independent float64 reference of the same maps, for finite differences ----
type P = { spec: Spec; p: number[][] }; // planar: [u, w, [b]]; radial: [z0, [α̂], [β̂]]
const sp = (x: number) => Math.log(1 + Math.exp(x));
function refLoss(chain: P[], z: number[][], cx: number[][], cl: number[]): number {
  let L = 0;
  for (let n = 0; n < z.length; n++) {
    let v = z[n]!.slice(),
      ld = 0;
    for (const { spec, p } of chain) {
      if (spec === 'radial') {
        const [z0, [ah], [bh]] = p as [number[], number[], number[]];
        const al = sp(ah!),
          be = -al + sp(bh!);
        const r = Math.hypot(...v.map((x, d) => x - z0[d]!));
        const hh = 1 / (al + r);
        ld += (v.length - 1) * Math.log(1 + be * hh) + Math.log(1 + be * hh - be * hh * hh * r);
        v = v.map((x, d) => x + be * hh * (x - z0[d]!));
      } else {
        const [u, w, [b]] = p as [number[], number[], number[]];
        const wu = u.reduce((s, x, d) => s + x * w[d]!, 0),
          ww = w.reduce((s, x) => s + x * x, 0);
        const uh = u.map((x, d) => x + ((-1 + sp(wu) - wu) * w[d]!) / ww);
        const a = v.reduce((s, x, d) => s + x * w[d]!, b!);
        const hA = spec === 'tanh' ? Math.tanh(a) : spec === 'softplus' ? sp(a) : a > 0 ? a : 0.01 * a;
        const dA =
          spec === 'tanh' ? 1 - Math.tanh(a) ** 2 : spec === 'softplus' ? 1 / (1 + Math.exp(-a)) : a > 0 ? 1 : 0.01;
        ld += Math.log(Math.abs(1 + dA * w.reduce((s, x, d) => s + x * uh[d]!, 0)) + 1e-8);
        v = v.map((x, d) => x + uh[d]! * hA);
      }
    }
    L += v.reduce((s, x, d) => s + x * cx[n]![d]!, 0) + ld * cl[n]!;
  }
  return L;
}

describe('fused chain backward = finite differences of a float64 reference', () => {
  for (const specs of [
    ['tanh', 'softplus', 'tanh'],
    ['leaky_relu', 'radial', 'tanh', 'radial'],
  ] as Spec[][]) {
    it(specs.join(' → '), () => {
      tf.setBackend('cpu');
      const D = 2,
        N = 9;
      const { layers, store } = makeChain(specs, D, 21);
      const params = paramsOf(layers);
      const chain: P[] = specs.map((spec, i) => ({
        spec,
        p: params.slice(3 * i, 3 * i + 3).map((v) => Array.from(v.dataSync())),
      }));
      const z = Array.from({ length: N }, (_, n) => [Math.sin(n * 1.3) * 1.7, Math.cos(n * 0.7) * 1.4]);
      const cx = z.map((_, n) => [Math.cos(n), Math.sin(2 * n)]),
        cl = z.map((_, n) => 0.5 + Math.sin(n));
      const grads = tf.tidy(() => {
        const zt = tf.tensor2d(z.flat(), [N, D]),
          cxt = tf.tensor2d(cx.flat(), [N, D]),
          clt = tf.tensor1d(cl);
        return tf
          .grads((zz: tf.Tensor, ...ps: tf.Tensor[]) => {
            void ps;
            const r = chainInverse(layers, zz as tf.Tensor2D);
            return tf.add(tf.sum(tf.mul(r.x, cxt)), tf.sum(tf.mul(r.logDet, clt))) as tf.Scalar;
          })([zt, ...params])
          .map((g) => Array.from(g.dataSync()));
      });
      const eps = 1e-6;
      const fd = (bump: (s: number) => void) => {
        bump(eps);
        const a = refLoss(chain, z, cx, cl);
        bump(-2 * eps);
        const b = refLoss(chain, z, cx, cl);
        bump(eps);
        return (a - b) / (2 * eps);
      };
      chain.forEach((c, i) =>
        c.p.forEach((arr, j) =>
          arr.forEach((_, k) => {
            const want = fd((s) => {
              arr[k]! += s;
            });
            const got = grads[1 + 3 * i + j]![k]!;
            expect(Math.abs(got - want), `layer ${i} param ${j}[${k}]: ${got} vs ${want}`).toBeLessThan(
              2e-4 * Math.max(1, Math.abs(want)),
            );
          }),
        ),
      );
      for (const n of [0, 4, 8])
        for (let d = 0; d < D; d++) {
          const want = fd((s) => {
            z[n]![d]! += s;
          });
          expect(Math.abs(grads[0]![n * D + d]! - want), `z[${n},${d}]`).toBeLessThan(
            2e-4 * Math.max(1, Math.abs(want)),
          );
        }
      store.dispose();
    });
  }
});
