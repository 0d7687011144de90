// MADE conditioner for MAF/IAF: D → hidden... → 2D outputs (μ then α per dimension), weights
// multiplied by fixed 0/1 masks. Masks follow FlowIR's convention M[out][in] (Germain et al.'s
// M[k, d]); the output mask has 2D rows (μ rows then α rows, as the compiler emits) or D rows
// (shared by μ and α). When NetIR carries no masks they are built from the order with
// "sequential" degrees: m(k) = 1 + ⌊k(D−1)/H⌋, input degree of dim order[i] is i+1.
import type { NetIR } from '../../compiler/ir/types.js';
import { buildMadeMasks } from '../../compiler/proofs/made.js';
import { Mlp } from './mlp.js';
import type { ParamStore } from './params.js';

type Made = Extract<NetIR, { kind: 'made' }>;

/** [out][in] masks (hidden layers..., output for D dims) from an order, sequential degrees (the compiler's) */
export function sequentialMasks(order: number[], hidden: number[]): number[][][] {
  return buildMadeMasks({ order, hidden, connectivity: 'sequential' });
}

const transpose = (m: number[][]): number[][] => (m[0] ?? []).map((_, j) => m.map((r) => r[j]));

/**
 * perDim: outputs per dimension (2: μ, α; a spline MAF's 3·bins − 1), blocked rows p·D + d. `context` > 0: that many
 * more inputs after the D (a VAE posterior's encoder context h, Kingma et al. 2016), connected to every unit of the
 * first layer (unmasked: the context depends on x, not on z, so the autoregressive property is kept).
 */
export function buildMade(store: ParamStore, prefix: string, net: Made, order: number[], perDim = 2, context = 0): Mlp {
  const D = order.length;
  const sizes = [D + context, ...net.hidden, perDim * D];
  const L = net.hidden.length;
  const given = net.masks && net.masks.length === L + 1 ? net.masks : null;
  const masks = (given ?? sequentialMasks(order, net.hidden)).map((m, l) => {
    const nin = l === 0 ? D : sizes[l];
    let rows = m;
    if (l === L && m.length === D) rows = Array.from({ length: perDim }, () => m).flat();
    const nout = l === L ? perDim * D : sizes[l + 1];
    if (rows.length !== nout || (rows[0]?.length ?? 0) !== nin) {
      throw new Error(
        `${prefix}: MADE mask ${l} is [${m.length}, ${m[0]?.length}], expected [${nout}, ${nin}] (out × in)`,
      );
    }
    if (l === 0 && context > 0) rows = rows.map((r) => [...r, ...new Array<number>(context).fill(1)]);
    return transpose(rows); // the dense layer's weights are [in, out]
  });
  return new Mlp(store, prefix, sizes, net.activation, net.zeroInitLast, masks);
}
