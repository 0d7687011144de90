// MADE conditioner for MAF/IAF: D → hidden... → 2D outputs (μ then α per dimension), weights
// multiplied by fixed 0/1 masks. Masks come from NetIR (per layer, [out][in] or [in][out]; the
// output mask is reused for μ and α); when absent they are built from the order with
// "sequential" degrees: m(k) = 1 + ⌊k(D−1)/H⌋, input degree of dim order[i] is i+1.
import type { NetIR } from '../../compiler/ir/types.js';
import { Mlp } from './mlp.js';
import type { ParamStore } from './params.js';

type Made = Extract<NetIR, { kind: 'made' }>;

/** [in][out] masks (hidden layers..., output for D dims) from an order */
export function sequentialMasks(order: number[], hidden: number[]): number[][][] {
  const D = order.length;
  const degIn = new Array<number>(D);
  order.forEach((d, i) => (degIn[d] = i + 1));
  const degs: number[][] = [degIn];
  for (const H of hidden) degs.push(Array.from({ length: H }, (_, k) => 1 + Math.floor((k * Math.max(D - 1, 1)) / H)));
  const masks: number[][][] = [];
  for (let l = 1; l < degs.length; l++) {
    masks.push(degs[l - 1].map((di) => degs[l].map((dk) => (dk >= di ? 1 : 0))));
  }
  const last = degs[degs.length - 1];
  masks.push(last.map((dk) => degIn.map((dd) => (dd > dk ? 1 : 0))));
  return masks;
}

function orient(m: number[][], nin: number, nout: number): number[][] {
  if (m.length === nin && m[0]?.length === nout) return m;
  if (m.length === nout && m[0]?.length === nin) return m[0].map((_, i) => m.map((r) => r[i]));
  throw new Error(`MADE mask of shape [${m.length}, ${m[0]?.length}] does not fit a ${nin}→${nout} layer`);
}

export function buildMade(store: ParamStore, prefix: string, net: Made, order: number[]): Mlp {
  const D = order.length;
  const sizes = [D, ...net.hidden, 2 * D];
  const given = net.masks && net.masks.length === net.hidden.length + 1 ? net.masks : null;
  const masks = (given ?? sequentialMasks(order, net.hidden)).map((m, l) =>
    orient(m, sizes[l], l === net.hidden.length ? D : sizes[l + 1]));
  const out = masks[masks.length - 1];
  masks[masks.length - 1] = out.map((r) => [...r, ...r]);   // μ and α share the output mask
  return new Mlp(store, prefix, sizes, net.activation, net.zeroInitLast, masks);
}
