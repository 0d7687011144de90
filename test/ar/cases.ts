// The tiny instance of every conditional kind on the three data shapes of the issue.
import type { ConditionalIR, Domain, LikelihoodIR } from '../../compiler/ir/types.js';
import { made, natural, prodOf, rasterOrder, type TinySpec } from './helpers.js';

export interface Case { name: string; spec: TinySpec; K: number }

function imageKinds(C: number, P: number): [string, ConditionalIR][] {
  return [
    ['pixelcnn', {
      kind: 'pixelcnn',
      layers: [
        { mask: 'A', kernel: 3, channels: 4, activation: 'relu', residual: false },
        { mask: 'B', kernel: 3, channels: 4, activation: 'relu', residual: true },
        { mask: 'B', kernel: 1, channels: C * P, activation: 'none', residual: false },
      ],
    }],
    ['gated_pixelcnn', { kind: 'gated_pixelcnn', layers: 2, channels: 4, kernel: 3 }],
    ['row_lstm', { kind: 'pixelrnn', cell: 'row_lstm', layers: 2, hidden: 4 }],
    ['diagonal_bilstm', { kind: 'pixelrnn', cell: 'diagonal_bilstm', layers: 2, hidden: 4 }],
  ];
}

function forShape(label: string, domain: Domain, shape: number[], lik: LikelihoodIR, P: number, K: number): Case[] {
  const D = prodOf(shape);
  const order = shape.length === 3 ? rasterOrder(shape) : natural(D);
  const out: Case[] = [
    { name: `made ${label}`, K, spec: { domain, shape, order, likelihood: lik, conditional: made(D, order, [12, 12], { seed: 5 }) } },
    { name: `nade ${label}`, K, spec: { domain, shape, order, likelihood: lik, conditional: { kind: 'nade', hidden: 7 } } },
  ];
  if (shape.length === 3) {
    for (const [name, conditional] of imageKinds(shape[0]!, P)) {
      out.push({ name: `${name} ${label}`, K, spec: { domain, shape, order, likelihood: lik, conditional } });
    }
  }
  return out;
}

/** binary[10]; discrete(4)[1,3,3]; RGB discrete(2)[3,2,2] */
export function allCases(): Case[] {
  const rev = natural(10).reverse();
  return [
    ...forShape('binary[10]', { kind: 'binary' }, [10], { kind: 'bernoulli' }, 1, 2),
    {
      name: 'made ensemble(3) binary[10] reversed order',
      K: 2,
      spec: { domain: { kind: 'binary' }, shape: [10], order: rev, likelihood: { kind: 'bernoulli' }, conditional: made(10, rev, [16], { seed: 2, ensemble: 3 }) },
    },
    ...forShape('discrete(4)[1,3,3]', { kind: 'discrete', K: 4 }, [1, 3, 3], { kind: 'categorical', K: 4 }, 4, 4),
    ...forShape('discrete(4)[1,3,3] logistic mixture', { kind: 'discrete', K: 4 }, [1, 3, 3], { kind: 'logistic_mixture', k: 2, K: 4 }, 6, 4)
      .filter((c) => c.name.startsWith('made') || c.name.startsWith('pixelcnn')),
    ...forShape('rgb discrete(2)[3,2,2]', { kind: 'discrete', K: 2 }, [3, 2, 2], { kind: 'categorical', K: 2 }, 2, 2),
  ];
}
