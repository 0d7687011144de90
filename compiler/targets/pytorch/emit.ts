// FlowIR → the generated files of a PyTorch package: model.py (one line per layer, composing the
// flowc_torch support package that the CLI copies beside it), model.ir.json and README.md.
// Pure TypeScript on checked FlowIR; weights are written by the CLI (the tfjs runtime's own values).
import type { FlowIR, LayerIR, NetIR, PriorIR } from '../../ir/types.js';
import { flattenLayers } from '../../ir/layer-args.js';
import { DEQUANT_COND_MLP, DEQUANT_COND_RESNET } from '../../registry/flows.js';
import { CATEGORICAL_CTX_MLP, CATEGORICAL_CTX_RESNET, categoricalSizes } from '../../registry/categorical.js';
import type { NetDesc } from '../../registry/nets.js';
import { DEFAULT_MIXTURE_K, DEFAULT_SPLINE_BINS, DEFAULT_SPLINE_BOUND } from '../../math/elementwise.js';
import { call, code, INLINE_MAX, py } from './python.js';
import { unsupportedConstructs, type Unsupported } from './supported.js';
import { readmeFor } from './readme.js';
import { arFiles, arImports, arModelCode } from './ar.js';
import { vaeModelCode } from './vae.js';

export type { Unsupported } from './supported.js';

export interface TorchPackage {
  /** file name → contents */
  files: Record<string, string>;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** an argument array inline when short, else read from model.ir.json by layer id */
function arr(v: readonly unknown[], id: string, path: string): unknown {
  return v.length <= INLINE_MAX ? v : code(`ARGS[${py(id)}]${path}`);
}

function net(n: NetIR, id: string, path: string): { code: string } {
  switch (n.kind) {
    case 'flowpp':
      return code(
        call('flowpp', [], {
          blocks: n.blocks,
          channels: n.channels,
          heads: n.heads,
          dropout: n.dropout,
          zero_init_last: n.zeroInitLast,
        }),
      );
    case 'mlp':
      return code(call('N.mlp', [n.hidden, n.activation], { zero_init_last: n.zeroInitLast }));
    case 'resnet':
      return code(
        call('N.resnet', [], {
          blocks: n.blocks,
          channels: n.channels,
          kernel: n.kernel,
          zero_init_last: n.zeroInitLast,
        }),
      );
    case 'made':
      return code(
        call('N.made', [n.hidden, n.activation], {
          masks: code(`ARGS[${py(id)}]${path}["masks"]`),
          zero_init_last: n.zeroInitLast,
        }),
      );
  }
}

/** the registry's net for a layer of shape `inShape`: `image` on images, `vector` on vectors */
function registryNet(inShape: readonly number[], image: NetDesc, vector: NetDesc): NetIR {
  const R = inShape.length === 3 ? image : vector;
  return R.kind === 'resnet'
    ? { kind: 'resnet', blocks: R.blocks, channels: R.channels, kernel: R.kernel, zeroInitLast: R.zeroInitLast }
    : { kind: 'mlp', hidden: [...R.hidden], activation: R.activation as 'relu', zeroInitLast: R.zeroInitLast };
}

/**
 * the Python constructor of one layer; `context`: the shape of the conditioning context its coupling
 * receives ([k, H, W] or [k], channels-first), inside a variational dequantization with `features`
 */
export function layerCode(l: LayerIR, density?: 'iterative', context?: number[]): string {
  const id = l.id;
  switch (l.kind) {
    case 'coupling': {
      const common = {
        mask: arr(l.args.mask, id, '["mask"]'),
        type: l.args.type,
        scale: l.args.scale,
        net: net(l.args.net, id, '["net"]'),
      };
      if (l.args.type === 'affine' || l.args.type === 'additive') {
        return call('B.Coupling', [l.inShape], { ...common, context });
      }
      const mixture = l.args.type === 'logistic_mixture';
      return call('TransformCoupling', [l.inShape], {
        ...common,
        scale: mixture ? l.args.scale : undefined, // a spline has no scale
        k: mixture ? (l.args.k ?? DEFAULT_MIXTURE_K) : undefined,
        bins: mixture ? undefined : (l.args.bins ?? DEFAULT_SPLINE_BINS),
        bound: mixture ? undefined : (l.args.bound ?? DEFAULT_SPLINE_BOUND),
        context,
      });
    }
    case 'squeeze':
      return 'B.Squeeze()';
    case 'split':
      return call('B.Split', [l.inShape], { keep: l.outShape[0], prior: l.args.prior });
    case 'actnorm':
      return call('B.ActNorm', [l.inShape], { data_init: l.args.dataInit });
    case 'invconv1x1':
      return call('B.InvConv1x1', [l.inShape], {
        lu: l.args.lu,
        P: code(`C[${py(id)}]["P"]`),
        sign: l.args.lu ? code(`C[${py(id)}]["sign"]`) : undefined,
      });
    case 'permute':
      return call('B.Permute', [arr(l.args.perm, id, '["perm"]')]);
    case 'logit':
      return call('B.Logit', [], { alpha: l.args.alpha });
    case 'dequantize': {
      if (l.args.type === 'categorical') {
        const sizes = categoricalSizes(l.args);
        return call('CategoricalDequantize', [l.inShape], {
          K: l.args.K,
          dim: sizes.d,
          k: sizes.m > 1 ? sizes.m : undefined,
          context: sizes.context
            ? net(registryNet(l.inShape, CATEGORICAL_CTX_RESNET, CATEGORICAL_CTX_MLP), id, '')
            : undefined,
        });
      }
      if (l.args.type !== 'variational') return call('B.Dequantize', [l.inShape], { K: l.args.K });
      const features = l.args.features ?? 0;
      const ctx = features ? [features, ...l.inShape.slice(1)] : undefined;
      const inner = (l.args.flow ?? []).map((q) => `(${py(q.id)}, ${layerCode(q, undefined, ctx)})`);
      return call('B.Dequantize', [l.inShape], {
        K: l.args.K,
        type: 'variational',
        cond: net(
          l.args.net ?? registryNet(l.inShape, DEQUANT_COND_RESNET, DEQUANT_COND_MLP),
          id,
          l.args.net ? '["net"]' : '',
        ),
        flow: code(`[\n            ${inner.join(',\n            ')}]`),
        features: features || undefined,
      });
    }
    case 'planar':
      return call('Planar', [size(l.inShape)], { activation: l.args.activation, inverse: density ?? l.args.inverse });
    case 'radial':
      return call('Radial', [size(l.inShape)], { inverse: density ?? l.args.inverse });
    case 'maf': {
      const t = l.args.transform;
      // context: a VAE posterior step's encoder context h, extra inputs of the MADE's first layer
      const h = l.args.context;
      if (!t) return call('Maf', [l.inShape], { net: net(l.args.net, id, '["net"]'), context: h });
      return call('TransformMaf', [l.inShape], {
        net: net(l.args.net, id, '["net"]'),
        transform: t.kind,
        bins: t.bins,
        bound: t.bound,
        context: h,
      });
    }
    case 'iaf':
      return call('Iaf', [l.inShape], { net: net(l.args.net, id, '["net"]'), context: l.args.context });
  }
}

function priorCode(p: PriorIR | undefined, D: number): string {
  const q = p ?? { kind: 'normal', mean: 0, std: 1, learned: false };
  switch (q.kind) {
    case 'normal':
      return call('P.Normal', [D], { mean: q.mean, std: q.std, learned: q.learned });
    case 'logistic':
      return call('P.Logistic', [D], { loc: q.loc, scale: q.scale });
    case 'laplace':
      return call('P.Laplace', [D], { loc: q.loc, scale: q.scale });
    case 'mixture':
      return call('P.Mixture', [D], { k: q.k, component: q.component });
  }
}

/** Σ split-off sizes + the final layer's size */
export function latentSize(ir: FlowIR): number {
  const layers = ir.flow ?? [];
  const outs = layers.filter((l) => l.kind === 'split').reduce((a, l) => a + size(l.inShape) - size(l.outShape), 0);
  return outs + size(layers.length ? layers[layers.length - 1]!.outShape : ir.data.shape);
}

function modelPy(ir: FlowIR, source: string): string {
  const layers = ir.flow ?? [];
  const final = layers.length ? layers[layers.length - 1]!.outShape : ir.data.shape;
  const all = flattenLayers([...layers, ...(ir.posterior?.flow ?? [])]);
  const kinds = new Set(all.map((l) => l.kind));
  const transform = all.some((l) => l.kind === 'coupling' && l.args.type !== 'affine' && l.args.type !== 'additive');
  const flowpp = all.some((l) => (l.args as { net?: NetIR }).net?.kind === 'flowpp');
  const imports = [
    'from flowc_torch import bijectors as B, nets as N, priors as P',
    ...(kinds.has('planar') || kinds.has('radial') ? ['from flowc_torch.planar import Planar, Radial'] : []),
    ...(kinds.has('iaf') || all.some((l) => l.kind === 'maf' && !l.args.transform)
      ? ['from flowc_torch.autoregressive import Iaf, Maf']
      : []),
    ...(transform ? ['from flowc_torch.transform_coupling import TransformCoupling'] : []),
    ...(all.some((l) => l.kind === 'maf' && l.args.transform)
      ? ['from flowc_torch.maf_transform import TransformMaf']
      : []),
    ...(flowpp ? ['from flowc_torch.flowpp import flowpp'] : []),
    ...(layers.some((l) => l.kind === 'dequantize' && l.args.type === 'categorical')
      ? ['from flowc_torch.categorical import CategoricalDequantize, CategoricalFlowModel']
      : []),
    'from flowc_torch.flow import FlowModel',
    'from flowc_torch.package import constants, layer_args, load_weights, read_ir',
  ];
  const density = ir.family === 'energy' ? 'iterative' : undefined;
  // `condition y`: the context [k] (one-hot label or real vector) every coupling joins to its conditioner's input
  const context = ir.condition && ir.family === 'flow' ? [ir.condition.size] : undefined;
  const lines = layers.map(
    (l) => `        (${py(l.id)}, ${layerCode(l, density, l.kind === 'coupling' ? context : undefined)}),`,
  );
  const ar = ir.family === 'autoregressive';
  if (ir.family === 'energy') imports.push('from flowc_torch.energy import EnergyModel');
  if (ir.family === 'vae') {
    imports[0] += ', likelihoods as L';
    imports.splice(imports.length - 2, 1, 'from flowc_torch.vae import AmortizedPlanar, AmortizedRadial, VaeModel');
  }
  if (ar)
    imports.splice(
      0,
      imports.length,
      ...arImports(ir),
      'from flowc_torch.package import constants, layer_args, load_weights, read_ir, read_json',
    );
  const energy = `    return EnergyModel(${py(ir.model)}, target=${py(ir.target?.name ?? 'u1')}, \
prior=${priorCode(ir.prior, size(ir.latent?.shape ?? ir.data.shape))}, layers=[
${lines.join('\n')}
    ])`;
  const categorical = layers[0]?.kind === 'dequantize' && layers[0].args.type === 'categorical';
  const flowClass = categorical ? 'CategoricalFlowModel' : 'FlowModel';
  const flow = `    return ${flowClass}(${py(ir.model)}, data_shape=${py(ir.data.shape)}, \
final_shape=${py(final)}, prior=${priorCode(ir.prior, latentSize(ir))}, layers=[
${lines.join('\n')}
    ]${context ? ', condition=IR["condition"]' : ''})`;
  const vae = () =>
    `    return ${vaeModelCode(ir, (l, h) => layerCode(l, undefined, h), priorCode(ir.prior, size(ir.latent!.shape)))}`;
  const body =
    ir.family === 'energy' ? energy : ar ? `    return ${arModelCode(ir)}` : ir.family === 'vae' ? vae() : flow;
  const layout = ir.data.shape.length === 3 ? 'images [N, C, H, W]' : `vectors [N, ${ir.data.shape[0]}]`;
  return `"""${ir.model}: the PyTorch model generated by flowc from ${source}.

Density direction data → latent (forward), sampling direction latent → data (inverse); data in the
layout \`flowc eval\` reads (${layout}).
Parameter names are the TensorFlow.js runtime's variable names.

    import model; m = model.load()          # the package's weights (weights.ckpt)
    m.log_prob(x); m.sample(16, temperature=0.8)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

${imports.join('\n')}

IR = read_ir(HERE)
ARGS = layer_args(IR)   # each layer's FlowIR arguments, for the long arrays (masks, orders)
C = constants(HERE)     # the fixed tensors the tfjs runtime drew at initialisation (invconv1x1: P, sign)


def build():
    """the model with fresh parameters (load() sets the package's or a run's weights)"""
${body}


def load(path=None):
    """the model with the package's weights, or those of \`path\` (a run directory or checkpoint file)"""
    m = build()
    load_weights(m, HERE, path)
    return m
`;
}

/** the generated files, or the constructs the target cannot emit */
export function emitTorch(ir: FlowIR, source: string): { pkg: TorchPackage } | { unsupported: Unsupported[] } {
  const unsupported = unsupportedConstructs(ir);
  if (unsupported.length) return { unsupported };
  return {
    pkg: {
      files: {
        'model.py': modelPy(ir, source),
        'model.ir.json': JSON.stringify(ir) + '\n',
        'README.md': readmeFor(ir, source),
        ...arFiles(ir),
      },
    },
  };
}
