// The autoregressive family in model.py: one conditional (NADE, MADE, PixelCNN, PixelRNN) and a likelihood.
import type { ConditionalIR, FlowIR, LikelihoodIR } from '../../ir/types.js';
import { hiddenDegrees, randomDegrees } from '../../proofs/made.js';
import { mulberry32 } from '../../math/rng.js';
import { call, callWrapped, code, INLINE_MAX, py } from './python.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** the likelihood the runtime uses when the IR names none (runtime/ar/index.ts) */
export function likelihoodOf(ir: FlowIR): LikelihoodIR {
  if (ir.likelihood) return ir.likelihood;
  const d = ir.data.domain;
  return d.kind === 'binary'
    ? { kind: 'bernoulli' }
    : d.kind === 'real'
      ? { kind: 'gaussian', learnedStd: true }
      : { kind: 'categorical', K: d.K };
}

export const LIKELIHOOD_P = (l: LikelihoodIR): number =>
  l.kind === 'bernoulli'
    ? 1
    : l.kind === 'categorical'
      ? l.K
      : l.kind === 'logistic_mixture'
        ? 3 * l.k
        : l.learnedStd
          ? 2
          : 1;

export function likelihoodCode(l: LikelihoodIR): string {
  switch (l.kind) {
    case 'bernoulli':
      return 'L.likelihood("bernoulli")';
    case 'categorical':
      return call('L.likelihood', ['categorical'], { K: l.K });
    case 'logistic_mixture':
      return call('L.likelihood', ['logistic_mixture'], { k: l.k, K: l.K });
    case 'gaussian':
      return call('L.likelihood', ['gaussian'], { learned_std: l.learnedStd });
  }
}

function conditionalCode(c: ConditionalIR, ir: FlowIR, P: number, order: { code: string }): string {
  const D = size(ir.data.shape);
  switch (c.kind) {
    case 'nade':
      return call('AR.Nade', [D, P], { hidden: c.hidden, order, context: c.context });
    case 'made': {
      const ensemble = madeMembers(ir).length > 0;
      return callWrapped(
        'AR.Made',
        [D, P],
        {
          hidden: c.hidden,
          act: c.activation,
          masks: code('IR["conditional"]["masks"]'),
          order: ensemble ? order : undefined,
          members: ensemble ? code('read_json(HERE, "made_members.json")') : undefined,
          ensemble: ensemble ? c.ensemble : undefined,
          agnostic: c.members?.length ? true : undefined,
          direct: c.direct,
          context: c.context,
        },
        '            ',
      );
    }
    case 'pixelcnn':
      return call('AR.PixelCnn', [ir.data.shape, P], {
        layers: code('IR["conditional"]["layers"]'),
        context: c.context,
      });
    case 'gated_pixelcnn':
      return call('AR.GatedPixelCnn', [ir.data.shape, P], {
        layers: c.layers,
        channels: c.channels,
        kernel: c.kernel,
        context: c.context,
      });
    case 'pixelrnn':
      return call('PixelRnn', [ir.data.shape, P], { cell: c.cell, layers: c.layers, hidden: c.hidden });
    default:
      throw new Error(`pytorch target: no ${(c as ConditionalIR).kind} conditional (supported.ts refuses it)`);
  }
}

/** PixelCNN++: whole pixels (order raster(channels: joint)) under a pixel likelihood */
function jointPixelCode(ir: FlowIR, c: Extract<ConditionalIR, { kind: 'pixelcnnpp' }>): string {
  const C = ir.data.shape[0]!;
  const net = call('PixelCnnPP', [ir.data.shape, c.outputs], {
    filters: c.filters,
    resnets: c.resnets,
    scales: c.scales,
    dropout: c.dropout,
  });
  return `JointPixelModel(${py(ir.model)}, data_shape=${py(ir.data.shape)},
        likelihood=L.pixel_likelihood(${likelihoodCode(likelihoodOf(ir))}, ${C}),
        conditional=${net.slice(0, -1)},
                               domain=IR["data"]["domain"]))`;
}

/** the flowc_torch imports model.py needs for an autoregressive model (PixelCNN++ does not use flowc_torch.ar) */
export function arImports(ir: FlowIR): string[] {
  const k = ir.conditional?.kind;
  if (k === 'pixelcnnpp')
    return [
      'from flowc_torch import likelihoods as L',
      'from flowc_torch.pixelcnnpp import JointPixelModel, PixelCnnPP',
    ];
  const ar = 'from flowc_torch import ar as AR, likelihoods as L';
  return k === 'pixelrnn' ? [ar, 'from flowc_torch.pixelrnn import PixelRnn'] : [ar];
}

/** the build() expression of an autoregressive model */
export function arModelCode(ir: FlowIR): string {
  const c = ir.conditional!;
  if (c.kind === 'pixelcnnpp') return jointPixelCode(ir, c);
  const lik = likelihoodOf(ir);
  const image = c.kind === 'pixelcnn' || c.kind === 'gated_pixelcnn' || c.kind === 'pixelrnn';
  const D = size(ir.data.shape);
  const order = image
    ? code(`AR.raster_order(${py(ir.data.shape)})`)
    : ir.order
      ? ir.order.length <= INLINE_MAX
        ? code(py(ir.order))
        : code('IR["order"]')
      : code(`list(range(${D}))`);
  const condition = ir.condition ? `,\n        condition=IR["condition"], seed=${ir.train?.seed ?? 0}` : '';
  return `AR.ArModel(${py(ir.model)}, data_shape=${py(ir.data.shape)}, domain=${py(ir.data.domain)}, \
order=${order.code},
        likelihood=${likelihoodCode(lik)},
        conditional=${conditionalCode(c, ir, LIKELIHOOD_P(lik), order)}${condition})`;
}

/**
 * The extra mask sets of a MADE ensemble as {order, degrees} (member 0 is the IR's masks): an
 * order/connectivity-agnostic MADE's members (compiler/proofs/made.ts), or the connectivity-resampled
 * members of `ensemble: M`, drawn as runtime/ar/made.ts draws them (one stream seeded with the train seed + 7919).
 */
export function madeMembers(ir: FlowIR): { order: number[]; degrees: number[][] }[] {
  const c = ir.conditional;
  if (c?.kind !== 'made') return [];
  const D = size(ir.data.shape);
  const order = ir.order ?? Array.from({ length: D }, (_, i) => i);
  if (c.members?.length) {
    return c.members.map((m) => ({ order: m.order, degrees: hiddenDegrees(D, c.hidden, m.connectivity) }));
  }
  const next = mulberry32((ir.train?.seed ?? 0) + 7919);
  return Array.from({ length: Math.max(1, Math.floor(c.ensemble || 1)) - 1 }, () => ({
    order,
    degrees: randomDegrees(D, c.hidden, next),
  }));
}

/** the package files of an autoregressive model besides model.py: a MADE ensemble's mask sets */
export function arFiles(ir: FlowIR): Record<string, string> {
  const members = ir.family === 'autoregressive' ? madeMembers(ir) : [];
  return members.length ? { 'made_members.json': JSON.stringify(members) + '\n' } : {};
}
