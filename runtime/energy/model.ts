// Fitting an unnormalized 2-D target p(z) ∝ exp(−U(z)) by reverse KL (Rezende & Mohamed 2015, §6.1):
//   z_0 ~ q_0 (the base: the IR's prior, a standard normal by default),  z_K = f_K ∘ … ∘ f_1(z_0)
//   loss per sample = log q_0(z_0) − Σ_k log|det ∂f_k/∂z_{k−1}| + U(z_K)   (= KL(q_K‖p) − log Z in expectation)
// The flow list of FlowIR is read in the sample direction (z_0 first), each layer through its
// runtime bijector's `inverse`. Planar and radial layers are built with the iterative density
// direction, so logProb(z) of the fitted density is computable: z_0 = f⁻¹(z) layer by layer,
// log q_K(z) = log q_0(z_0) + Σ_k log|det ∂f_k⁻¹/∂z_k|.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR, LayerIR } from '../../compiler/ir/types.js';
import type { FlowModel, SampleOptions } from '../model.js';
import { ParamStore } from '../nets/params.js';
import { Rng } from '../rng.js';
import { buildPrior, type Prior } from '../priors.js';
import { buildBijector } from '../bijectors/index.js';
import type { Bijector, BuildContext } from '../bijectors/types.js';
import { energy, isEnergyName, type EnergyName } from './targets.js';
import { inverseWithRuns } from '../bijectors/planar-chain.js';
import { implementationOf } from '../plan/planner.js';

/** the target's energy U(z) [N] and, for a standard normal base, the whole loss in one op (or null) */
export interface EnergyTarget {
  energy(name: EnergyName, z: tf.Tensor2D): tf.Tensor1D;
  /** log q₀(z₀) − Σ log|det| + U(x) [N] from x [N, 2], logDet [N] and log q₀ [N] */
  loss: ((name: EnergyName, x: tf.Tensor2D, logDet: tf.Tensor1D, logQ0: tf.Tensor1D) => tf.Tensor1D) | null;
}

/** the plain target: U from tfjs ops (targets.ts), the loss summed by the model */
const PLAIN_TARGET: EnergyTarget = { energy, loss: null };

/** how a planar/radial layer samples: through its own inverse, or inside a fused run of such layers */
export type ChainForm = 'own' | 'fused-run';

/** planar/radial with the iterative density direction (same parameters, same sampling map) */
function withDensity(l: LayerIR): LayerIR {
  if (l.kind === 'planar') return { ...l, args: { ...l.args, inverse: 'iterative' } };
  if (l.kind === 'radial') return { ...l, args: { ...l.args, inverse: 'iterative' } };
  return l;
}

export class EnergyModel implements FlowModel {
  readonly rng: Rng;
  readonly store: ParamStore;
  readonly base: Prior;
  readonly bijectors: Bijector[];
  readonly target: EnergyName;
  readonly D: number;
  /** U and the loss: plain or a kernel's (the planner's choice for the unit `target`, made at build) */
  readonly targetImpl: EnergyTarget;
  /** per layer of the flow: sampled alone or in a fused run (the planner's choice per layer, at build) */
  readonly chainForms: ChainForm[];
  /** whether any fused form runs (the plain ops when false) */
  get fuse(): boolean {
    return this.targetImpl !== PLAIN_TARGET || this.chainForms.includes('fused-run');
  }

  constructor(readonly ir: FlowIR) {
    if (ir.family !== 'energy') throw new Error(`buildEnergy: model ${ir.model} is of family '${ir.family}'`);
    const name = ir.target?.name ?? 'u1';
    if (!isEnergyName(name)) throw new Error(`${ir.model}: unknown energy '${name}' (expected u1, u2, u3 or u4)`);
    this.target = name;
    const shape = ir.latent?.shape ?? ir.data.shape;
    this.D = shape.reduce((a, b) => a * b, 1);
    if (this.D !== 2) throw new Error(`${ir.model}: the energies U1–U4 are defined on R², not on [${shape}]`);
    this.rng = new Rng(ir.train?.seed ?? 0);
    this.store = new ParamStore(this.rng);
    const ctx: BuildContext = {
      store: this.store,
      rng: this.rng,
      buildLayers: (ls) => ls.map((l) => buildBijector(withDensity(l), ctx)),
    };
    this.bijectors = ctx.buildLayers(ir.flow ?? []);
    this.targetImpl = implementationOf({ id: 'target', kind: 'energy', ir, contextShape: null }, PLAIN_TARGET);
    this.chainForms = (ir.flow ?? []).map((l) =>
      implementationOf<ChainForm>({ id: l.id, kind: l.kind, layer: l, ir, contextShape: null }, 'own'),
    );
    this.base = buildPrior(ir.prior, this.D, this.store);
  }

  get variables(): tf.Variable[] {
    return this.store.variables;
  }

  /** sample direction: z_0 → z_K with Σ log|det ∂f_k/∂z_{k−1}| */
  inverse(z0: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor1D } {
    if (this.chainForms.includes('fused-run')) {
      const z = tf.reshape(z0, [z0.shape[0], this.D]) as tf.Tensor2D;
      return inverseWithRuns(this.bijectors, z, (i) => this.chainForms[i] === 'fused-run');
    }
    return tf.tidy(() => {
      let z = tf.reshape(z0, [z0.shape[0], this.D]);
      let ld = tf.zeros([z0.shape[0]]) as tf.Tensor1D;
      for (const b of this.bijectors) {
        const r = b.inverse(z);
        z = tf.reshape(r.x, [z0.shape[0], this.D]);
        ld = tf.add(ld, r.logDet) as tf.Tensor1D;
      }
      return { x: z, logDet: ld };
    });
  }

  /** density direction: z_K → z_0 with Σ log|det ∂f_k⁻¹/∂z_k| (iterative for planar/radial) */
  forward(x: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor1D } {
    return tf.tidy(() => {
      let z = tf.reshape(tf.cast(x, 'float32'), [x.shape[0], this.D]);
      let ld = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      for (let k = this.bijectors.length - 1; k >= 0; k--) {
        const r = this.bijectors[k]!.forward(z);
        z = tf.reshape(r.y, [x.shape[0], this.D]);
        ld = tf.add(ld, r.logDet) as tf.Tensor1D;
      }
      return { z, logDet: ld };
    });
  }

  /** the energy U(z) of the target, [N] */
  energy(z: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const z2 = tf.reshape(z, [z.shape[0], 2]) as tf.Tensor2D;
      return this.targetImpl.energy(this.target, z2);
    });
  }

  /** reverse-KL loss for n fresh base samples: log q_0(z_0) − Σ log|det| + U(z_K), [n] */
  lossN(n: number): tf.Tensor1D {
    if (this.targetImpl.loss && this.standardBase()) return this.lossFused(n);
    return tf.tidy(() => {
      const z0 = this.base.sample(n, this.rng, 1);
      const { x, logDet } = this.inverse(z0);
      return tf.add(tf.sub(this.base.logProb(z0), logDet), this.energy(x)) as tf.Tensor1D;
    });
  }

  /** the base is the fixed N(0, I) (its sample is the Rng's normal draws as they are) */
  private standardBase(): boolean {
    const p = this.ir.prior;
    return !p || (p.kind === 'normal' && (p.mean ?? 0) === 0 && (p.std ?? 1) === 1 && !p.learned);
  }

  /** lossN with log q₀ on the host and U and the sum as one host op (same Rng draws as base.sample) */
  private lossFused(n: number): tf.Tensor1D {
    return tf.tidy(() => {
      const D = this.D,
        e = this.rng.normalArray(n * D),
        lq = new Float32Array(n);
      const c = 0.5 * D * Math.log(2 * Math.PI);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += e[i * D + d]! * e[i * D + d]!;
        lq[i] = -0.5 * s - c;
      }
      const { x, logDet } = this.inverse(tf.tensor2d(e, [n, D]));
      return this.targetImpl.loss!(this.target, x as tf.Tensor2D, logDet, tf.tensor1d(lq));
    });
  }

  /**
   * FlowModel.loss: the reverse-KL objective on x.shape[0] fresh base samples. The values of x
   * are not used (an energy fit has no data); only its batch size is.
   */
  loss(x: tf.Tensor): tf.Tensor1D {
    return this.lossN(x.shape[0]);
  }

  /** log density of the fitted flow q_K at z [N, 2] */
  logProb(x: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const { z, logDet } = this.forward(x);
      return tf.add(this.base.logProb(z as tf.Tensor2D), logDet) as tf.Tensor1D;
    });
  }

  sample(n: number, opts: SampleOptions = {}): tf.Tensor {
    const rng = opts.seed !== undefined ? new Rng(opts.seed) : this.rng;
    return tf.tidy(() => this.inverse(this.base.sample(n, rng, opts.temperature ?? 1)).x);
  }

  dispose(): void {
    for (const b of this.bijectors) b.dispose?.();
    this.store.dispose();
  }
}
