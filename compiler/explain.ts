// `flowc explain`: the model's objective, then one row per layer (shape in → out, Jacobian class,
// log-det term, how each direction is computed, parameters, FLOPs) and totals. Reads FlowIR only.
import type { ConditionalIR, FlowIR, LayerIR, NetIR } from './ir/types.js';
import {
  conditionalFlops,
  conditionalOf,
  conditionalParamSpecs,
  countParams,
  likelihoodOutputs,
  logDetText,
  lookup,
  netFlops,
  netOf,
  netParams,
  numel,
  type UseDirection,
} from './registry/index.js';
import { fmtInt, fmtLikelihood, fmtPrior, fmtSI, fmtShape, fmtVar, table } from './explain-format.js';
import { nestedContextInputs } from './registry/flows.js';

export interface ExplainRow {
  /** where the row belongs: the flow, a nested dequantization flow, the posterior flow, the conditional, ... */
  section: 'flow' | 'posterior' | 'conditional' | 'encoder' | 'decoder' | 'prior' | 'likelihood';
  id: string;
  kind: string;
  /** nesting depth (layers of dequantize(variational) { ... } are 1) */
  depth: number;
  inShape: number[];
  outShape: number[];
  jacobian: string;
  logDet: string;
  density: string;
  sample: string;
  params: number;
  flops: number;
}

export interface ExplainJson {
  model: string;
  family: FlowIR['family'];
  data: string;
  /** the objective, as the lecture writes it, one line each */
  objective: string[];
  rows: ExplainRow[];
  totals: { layers: number; params: number; flops: number; activationBytes: number; logDet: string };
}

const OBJECTIVE: Record<FlowIR['family'], string[]> = {
  flow: ['log p(x) = log p_Z(f(x)) + Σ_k log|det ∂f_k/∂h_{k−1}|,   f = f_K ∘ … ∘ f_1 (data → latent), h_0 = x'],
  autoregressive: ['log p(x) = Σ_i log p(x_{o(i)} | x_{o(<i)})'],
  vae: [
    'ELBO(x) = E_{q_0(z_0|x)}[log p(x|z_K) + log p(z_K) − log q_0(z_0|x) + Σ_k log|det ∂f_k/∂z_{k−1}|] ≤ log p(x)',
    'z_K = f_K ∘ … ∘ f_1(z_0)   (posterior flow, latent-sample direction)',
  ],
  energy: [
    'KL(q_K ‖ p) − log Z = E_{z_0∼q_0}[log q_0(z_0) − Σ_k log|det ∂f_k/∂z_{k−1}| + U(z_K)]',
    'z_K = f_K ∘ … ∘ f_1(z_0), q_0 = N(0, I)',
  ],
};

const paramsOf = (l: LayerIR): number =>
  Array.isArray(l.params) ? l.params.reduce((a, p) => a + numel(p.shape ?? []), 0) : 0;

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function flowRows(
  layers: LayerIR[] | undefined,
  section: 'flow' | 'posterior',
  dir: UseDirection,
  depth = 0,
  context?: { outer: number[]; k: number },
): ExplainRow[] {
  const rows: ExplainRow[] = [];
  for (const l of layers ?? []) {
    const kind = lookup(l.kind, 'flow');
    const own = (l.args ?? {}) as Record<string, unknown>;
    // layers of an x-conditioned dequantization: their conditioners also read the context
    const args = context
      ? { ...own, contextInputs: nestedContextInputs(context.outer, context.k, l.inShape ?? []) }
      : own;
    const text = safe(() => logDetText(l.kind, l.inShape ?? [], args, dir), '');
    rows.push({
      section,
      id: l.id,
      kind: l.kind,
      depth,
      inShape: l.inShape ?? [],
      outShape: l.outShape ?? [],
      jacobian: l.jacobian || kind?.jacobian || '?',
      // derived from the registry for the direction the layer is used in; the IR's own term for kinds the registry
      // lacks
      logDet: text || l.logDet || kind?.logDet || '?',
      density: l.directions?.density ?? kind?.directions?.density ?? '?',
      sample: l.directions?.sample ?? kind?.directions?.sample ?? '?',
      params: paramsOf(l),
      flops: safe(() => kind?.flops?.(l.inShape ?? [], args) ?? 0, 0),
    });
    const nested = args.flow;
    const k = typeof args.features === 'number' ? args.features : 0;
    if (Array.isArray(nested)) {
      const inner = k ? { outer: l.inShape ?? [], k } : undefined;
      rows.push(...flowRows(nested as LayerIR[], section, dir, depth + 1, inner));
    }
  }
  return rows;
}

const plain = (
  section: ExplainRow['section'],
  id: string,
  kind: string,
  inShape: number[],
  outShape: number[],
  params: number,
  flops: number,
): ExplainRow => ({
  section,
  id,
  kind,
  depth: 0,
  inShape,
  outShape,
  jacobian: '—',
  logDet: '—',
  density: '—',
  sample: '—',
  params,
  flops,
});

function conditionalRows(ir: FlowIR): ExplainRow[] {
  const cond = ir.conditional as ConditionalIR | undefined;
  if (!cond) return [];
  const shape = ir.data?.shape ?? [];
  const K = ir.data?.domain && 'K' in ir.data.domain ? ir.data.domain.K : undefined;
  const o = likelihoodOutputs(ir.likelihood, K);
  const desc = conditionalOf(cond);
  if (!desc) return [];
  if (cond.kind === 'pixelcnn') {
    const rows: ExplainRow[] = [];
    let cin = shape[0] ?? 1;
    const [H, W] = [shape[1] ?? 1, shape[2] ?? 1];
    desc.layers.forEach((l, i) => {
      const k = l.kernel;
      const label =
        `conv ${k}×${k}${l.mask === 'none' ? '' : ` mask ${l.mask}`}` +
        `${l.activation !== 'none' ? ` + ${l.activation}` : ''}${l.residual ? ' (residual)' : ''}` +
        `${cond.context ? ` + condition bias [${cond.context}]` : ''}`;
      const p = k * k * cin * l.channels + l.channels + (cond.context ?? 0) * l.channels;
      rows.push(
        plain(
          'conditional',
          `conditional.${i}.conv`,
          label,
          [cin, H, W],
          [l.channels, H, W],
          p,
          k * k * cin * l.channels * H * W,
        ),
      );
      cin = l.channels;
    });
    return rows;
  }
  if (cond.kind === 'made') {
    const D = numel(shape);
    const sizes = [D, ...cond.hidden, D * o];
    const rows = sizes
      .slice(0, -1)
      .map((n, i) =>
        plain(
          'conditional',
          `conditional.layer${i}`,
          `masked dense${i + 2 < sizes.length ? ` + ${cond.activation}` : ''}`,
          [n],
          [sizes[i + 1]!],
          n * sizes[i + 1]! + sizes[i + 1]!,
          n * sizes[i + 1]!,
        ),
      );
    if (cond.direct)
      rows.push(
        plain(
          'conditional',
          'conditional.direct',
          'direct masked dense (input → output)',
          [D],
          [D * o],
          D * D * o,
          D * D * o,
        ),
      );
    if (cond.context) {
      const h = sizes[1]!;
      rows.push(
        plain(
          'conditional',
          'conditional.context',
          'condition → layer 1 (dense, unmasked)',
          [cond.context],
          [h],
          cond.context * h,
          cond.context * h,
        ),
      );
    }
    return rows;
  }
  const label =
    cond.kind === 'nade'
      ? `nade(hidden: ${cond.hidden})`
      : cond.kind === 'gated_pixelcnn'
        ? `gated_pixelcnn(${cond.layers} layers, ${cond.channels} ch, k ${cond.kernel})`
        : cond.kind === 'pixelrnn'
          ? `pixelrnn(${cond.cell}, ${cond.layers} layers, hidden ${cond.hidden})`
          : cond.kind === 'pixelcnnpp'
            ? `pixelcnnpp(${cond.filters} filters, ${cond.resnets} blocks × ${cond.scales} scales)`
            : (cond as { kind: string }).kind;
  // p(x|y): NADE's hidden layer and the Gated PixelCNN's gates take the context
  const ctxNote =
    'context' in cond && cond.context
      ? ` + condition [${cond.context}] → ${cond.kind === 'nade' ? 'hidden' : 'both gates'}`
      : '';
  const outShape = shape.map((d, i) => (i === 0 ? d * o : d));
  const params = countParams(conditionalParamSpecs(desc, shape, o));
  return [
    plain('conditional', 'conditional', label + ctxNote, shape, outShape, params, conditionalFlops(desc, shape, o)),
  ];
}

function netRow(
  section: 'encoder' | 'decoder',
  net: NetIR | undefined,
  inShape: number[],
  outSize: number,
): ExplainRow[] {
  const n = netOf(net);
  if (!n) return [];
  const D = numel(inShape);
  const label =
    n.kind === 'resnet' ? `resnet(${n.blocks} blocks, ${n.channels} ch)` : `${n.kind}(${n.hidden.join(', ')})`;
  return [plain(section, section, label, inShape, [outSize], netParams(n, D, outSize), netFlops(n, D, outSize))];
}

function priorRow(ir: FlowIR): ExplainRow[] {
  const p = ir.prior;
  if (!p) return [];
  const first = ir.flow?.[0];
  const encoded = first?.kind === 'dequantize' && first.args.type === 'categorical' ? first.outShape : undefined;
  const shape = ir.latent?.shape ?? encoded ?? ir.data?.shape ?? [];
  const D = numel(shape);
  const params = p.kind === 'normal' && p.learned ? 2 * D : p.kind === 'mixture' ? p.k + 2 * p.k * D : 0;
  return [{ ...plain('prior', 'prior', fmtPrior(p), shape, shape, params, 0), logDet: 'log p_Z(z)' }];
}

/** a conditional VAE's objective note: what the condition reaches and what the bounds are on */
function conditionNote(ir: FlowIR): string[] {
  const y = ir.condition?.name;
  if (ir.family !== 'vae' || !y) return [];
  const h = ir.posterior?.context
    ? `; the IAF/MAF/coupling steps read the encoder's context h [${ir.posterior.context}]`
    : '';
  return [`conditioned on ${y}: q(z|x,${y}), p(x|z,${y}), prior p(z) unconditional — a bound on log p(x|${y})${h}`];
}

export function explainJson(ir: FlowIR): ExplainJson {
  const rows: ExplainRow[] = [];
  const data = ir.data?.shape ?? [];
  const family = ir.family;
  if (family === 'flow') rows.push(...flowRows(ir.flow, 'flow', 'density'));
  if (family === 'energy') rows.push(...flowRows(ir.flow ?? ir.posterior?.flow, 'flow', 'sample'));
  if (family === 'autoregressive') rows.push(...conditionalRows(ir));
  if (family === 'vae') {
    const Dz = numel(ir.latent?.shape ?? []);
    const post = ir.posterior?.flow ?? [];
    // amortized: the encoder emits the planar/radial parameters per example, and the context h of IAF/MAF/coupling
    const emitted = (l: { kind: string }) => !!ir.posterior?.amortized && (l.kind === 'planar' || l.kind === 'radial');
    const perExample = post.filter(emitted).reduce((a, l) => a + paramsOf(l), 0) + (ir.posterior?.context ?? 0);
    // a conditional VAE: the condition's one-hot (or vector) joins the encoder's and the decoder's input
    const k = ir.condition?.size ?? 0;
    rows.push(...netRow('encoder', ir.encoder, [numel(data) + k], 2 * Dz + perExample));
    const postRows = flowRows(post, 'posterior', 'sample');
    // emitted parameters are outputs of the encoder, not separate weights
    for (const r of postRows) if (emitted(r)) r.params = 0;
    rows.push(...postRows);
    const K = ir.data?.domain && 'K' in ir.data.domain ? ir.data.domain.K : undefined;
    rows.push(...netRow('decoder', ir.decoder, [Dz + k], numel(data) * likelihoodOutputs(ir.likelihood, K)));
  }
  rows.push(...priorRow(ir));
  if (ir.likelihood?.kind === 'gaussian' && ir.likelihood.learnedStd)
    rows.push(plain('likelihood', 'likelihood', 'gaussian σ', data, data, numel(data), 0));
  const layerRows = rows.filter((r) => r.section === 'flow' || r.section === 'posterior');
  return {
    model: ir.model,
    family,
    data: fmtVar(ir.data),
    objective: [...(OBJECTIVE[family] ?? []), ...conditionNote(ir)],
    rows,
    totals: {
      layers: family === 'autoregressive' ? rows.filter((r) => r.section === 'conditional').length : layerRows.length,
      params: rows.reduce((a, r) => a + r.params, 0),
      flops: rows.reduce((a, r) => a + r.flops, 0),
      activationBytes: ir.totals?.activationBytes ?? 0,
      logDet: logDetSummary(layerRows.filter((r) => r.depth === 0)),
    },
  };
}

/** "8 × Σ_{i∉b} s_i(x_b) (1 terms) + 3 × 14·14·Σ_c log|s_c|": identical terms grouped, zeros dropped */
function logDetSummary(rows: ExplainRow[]): string {
  const groups = new Map<string, number>();
  for (const r of rows) {
    // definitions after ", " and the split's prior note stay in the table, not in the sum
    const t = r.logDet.replace(/ \(\+ log p\(z_out\).*\)$/, '').replace(/, [^,]*=.*$/, '');
    if (t === '0' || t === '—' || t === '?') continue;
    groups.set(t, (groups.get(t) ?? 0) + 1);
  }
  if (!groups.size) return '0';
  return [...groups]
    .map(([t, n]) => (n > 1 ? `${n} × [${t}]` : t))
    .map((t, i) => (i === 0 ? t : t.startsWith('−') ? `− ${t.slice(1)}` : `+ ${t}`))
    .join(' ');
}

export function explain(ir: FlowIR): string {
  const j = explainJson(ir);
  const out: string[] = [];
  const head = [`model ${j.model}`, j.family, `data ${j.data}`];
  if (ir.latent) head.push(`latent ${fmtVar(ir.latent)}`);
  if (ir.prior) head.push(`prior ${fmtPrior(ir.prior)}`);
  if (ir.likelihood) head.push(`likelihood ${fmtLikelihood(ir.likelihood)}`);
  if (ir.target) head.push(`target p(z) ∝ exp(−${ir.target.name.toUpperCase()}(z))`);
  out.push(head.join(' · '), '');
  for (const line of j.objective) out.push(`  ${line}`);
  if (j.family === 'autoregressive' && ir.order) out.push(`  o = ${describeOrder(ir.order)}`);
  out.push('');
  const flowish = j.rows.some((r) => r.section === 'flow' || r.section === 'posterior');
  const header = flowish
    ? ['#', 'layer', 'shape in → out', 'Jacobian', 'log|det J|', 'density', 'sample', 'params', 'FLOPs']
    : ['#', 'layer', 'shape in → out', 'params', 'FLOPs'];
  const cells = j.rows.map((r, i) => {
    const name = `${'  '.repeat(r.depth)}${r.id}`;
    const shapes = `${fmtShape(r.inShape)} → ${fmtShape(r.outShape)}`;
    const label = r.section === 'flow' || r.section === 'posterior' ? name : `${r.section}: ${r.kind}`;
    return flowish
      ? [String(i + 1), label, shapes, r.jacobian, r.logDet, r.density, r.sample, fmtInt(r.params), fmtSI(r.flops)]
      : [String(i + 1), label, shapes, fmtInt(r.params), fmtSI(r.flops)];
  });
  const n = header.length;
  out.push(...table(header, cells, new Set([0, n - 2, n - 1])).map((l) => `  ${l}`), '');
  out.push(
    `  totals: ${j.totals.layers} layer${j.totals.layers === 1 ? '' : 's'} · ${fmtInt(j.totals.params)} parameters · ` +
      `${fmtSI(j.totals.flops)} multiply-adds per example` +
      `${j.totals.activationBytes ? ` · ${fmtSI(j.totals.activationBytes)}B activations` : ''}`,
  );
  if (flowish) out.push(`  Σ log|det| = ${j.totals.logDet}`);
  return out.join('\n') + '\n';
}

function describeOrder(order: number[]): string {
  const D = order.length;
  if (order.every((v, i) => v === i)) return `natural (x_0, x_1, …, x_${D - 1})`;
  if (order.every((v, i) => v === D - 1 - i)) return `reverse (x_${D - 1}, …, x_0)`;
  return `[${order.slice(0, 8).join(', ')}${D > 8 ? ', …' : ''}] (a permutation of 0..${D - 1})`;
}
