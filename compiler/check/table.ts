// The check table: small checks registered per node kind, run on the checked model after
// names, arguments and shapes. Layer checks are keyed by registry kind ('*' = every layer),
// slot checks by slot, then the model checks, then the proofs (compiler/proofs) in order.
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import type { CheckContext, CheckedCall, CheckedLayer, CheckedModel, ModelCheck } from './model.js';
import { PROOF_CHECKS } from '../proofs/index.js';
import { flowResults } from './check-model.js';
import * as S from '../diagnostics/codes-shapes.js';
import { INTERNAL_ERROR } from '../diagnostics/codes-names.js';

export type LayerCheck = (layer: CheckedLayer, model: CheckedModel, ctx: CheckContext) => void;
export type SlotCheck = (call: CheckedCall, model: CheckedModel, ctx: CheckContext) => void;
export type Slot = 'prior' | 'likelihood' | 'conditional' | 'encoder' | 'decoder' | 'target';

export interface CheckTable {
  layer: Record<string, LayerCheck[]>;
  slot: Partial<Record<Slot, SlotCheck[]>>;
  model: ModelCheck[];
}

const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const IMAGE_CONDITIONALS = new Set(['pixelcnn', 'gated_pixelcnn', 'pixelrnn', 'pixelcnnpp']);
const TARGET_DIMS: Record<string, number> = { u1: 2, u2: 2, u3: 2, u4: 2 };

/** the likelihood must fit the data domain */
const likelihoodDomain: SlotCheck = (call, model, ctx) => {
  const dom = model.data?.domain;
  if (!dom) return;
  const need: Record<string, [string[], string]> = {
    bernoulli: [['binary'], 'binary'],
    categorical: [['categorical', 'discrete', 'binary'], 'categorical, discrete or binary'],
    logistic_mixture: [['discrete'], 'discrete'],
    gaussian: [['real'], 'real'],
  };
  const n = need[call.kind.name];
  if (n && !n[0].includes(dom.kind)) {
    ctx.report(
      makeDiagnostic(S.DOMAIN_MISMATCH, call.node.span, {
        what: `likelihood \`${call.kind.name}\``,
        domain: dom.kind,
        expected: n[1],
      }),
    );
  }
};

const imageConditional: SlotCheck = (call, model, ctx) => {
  const shape = model.data?.shape;
  if (shape && shape.length !== 3 && IMAGE_CONDITIONALS.has(call.kind.name)) {
    ctx.report(makeDiagnostic(S.IMAGE_LAYER_ON_VECTOR, call.node.callee.span, { kind: call.kind.name, shape }));
  }
};

const targetDims: SlotCheck = (call, model, ctx) => {
  const name = typeof call.args.name === 'string' ? call.args.name : undefined;
  const dims = name ? TARGET_DIMS[name] : undefined;
  const shape = model.latent?.shape;
  if (dims !== undefined && shape && numel(shape) !== dims) {
    ctx.report(makeDiagnostic(S.SHAPE_MISMATCH_ENERGY, call.node.span, { target: name!, dims, shape }));
  }
};

/** the flow's final latent must match the declared latent (the prior's shape) */
const latentShape: ModelCheck = {
  name: 'latent-shape',
  run(model, ctx) {
    const res = flowResults.get(model);
    const latent = model.latent;
    if (!res || !res.outShape || !latent || model.family !== 'flow') return;
    const ok =
      res.factored > 0 ? numel(res.outShape) + res.factored === numel(latent.shape) : same(res.outShape, latent.shape);
    if (!ok) ctx.report(makeDiagnostic(S.LATENT_SHAPE, latent.span, { flow: res.outShape, latent: latent.shape }));
  },
};

export const CHECKS: CheckTable = {
  layer: {},
  slot: { likelihood: [likelihoodDomain], conditional: [imageConditional], target: [targetDims] },
  model: [latentShape],
};

function eachLayer(layers: readonly CheckedLayer[] | undefined, f: (l: CheckedLayer) => void): void {
  for (const l of layers ?? []) {
    f(l);
    eachLayer(l.children, f);
  }
}

/**
 * Run the table, then the proofs. `partial`: the model already has errors, so parts may be
 * missing; the proofs are skipped and an exception in a table check is dropped. Otherwise an
 * exception inside a check becomes an internal-error diagnostic (FC000).
 */
export function runChecks(
  model: CheckedModel,
  ctx: CheckContext,
  opts: { partial?: boolean; table?: CheckTable; proofs?: readonly ModelCheck[] } = {},
): void {
  const table = opts.table ?? CHECKS;
  const proofs = opts.proofs ?? PROOF_CHECKS;
  let tableErrors = false;
  const outer = ctx;
  ctx = {
    ...outer,
    report: (d) => {
      if (d.severity === 'error') tableErrors = true;
      outer.report(d);
    },
  };
  const guard = (name: string, f: () => void): void => {
    try {
      f();
    } catch (e) {
      if (opts.partial) return;
      const what = `check \`${name}\` failed: ${e instanceof Error ? e.message : String(e)}`;
      ctx.report(makeDiagnostic(INTERNAL_ERROR, model.node.name.span, { what }));
    }
  };
  const visit = (l: CheckedLayer): void => {
    for (const c of table.layer['*'] ?? []) guard(c.name || 'layer', () => c(l, model, ctx));
    for (const c of table.layer[l.kind.name] ?? []) guard(c.name || l.kind.name, () => c(l, model, ctx));
  };
  eachLayer(model.flow, visit);
  eachLayer(model.posterior?.layers, visit);
  for (const slot of ['prior', 'likelihood', 'conditional', 'encoder', 'decoder', 'target'] as const) {
    const call = model[slot];
    if (call) for (const c of table.slot[slot] ?? []) guard(c.name || slot, () => c(call, model, ctx));
  }
  for (const c of table.model) guard(c.name, () => c.run(model, ctx));
  // the proofs need a complete model: they run once names, arguments and shapes are clean
  if (opts.partial || tableErrors) return;
  for (const c of proofs) {
    guard(c.name, () => c.run(model, ctx));
    if (c.gate && tableErrors) return;
  }
}
