// Flow blocks: `repeat` expanded (with `flip` applied on every other repetition), `level`
// flattened (its layers, then squeeze and split), coupling masks made concrete, and shapes
// inferred through every layer by its registry shape rule. A layer whose name did not
// resolve stops shape inference for the rest of the block (no cascades).
import type { CallExpr, LayerStmt, LevelStmt, Span } from '../../grammar/ast.js';
import { makeDiagnostic, type Diagnostic } from '../../grammar/diagnostic.js';
import { lookup } from '../registry/index.js';
import type { ArgSpec, Shape } from '../registry/types.js';
import type { CheckedLayer } from './model.js';
import type { Ctx } from './context.js';
import { bindArgs, checkCall, checkRepeatCount } from './args.js';
import { complement, resolveMask, type MaskProblem } from './masks.js';
import { isMaskValue } from './values.js';
import * as S from '../diagnostics/codes-shapes.js';
import * as T from '../diagnostics/codes-types.js';
import { EXPANSION_OVER_LIMIT } from '../diagnostics/codes-limits.js';
import { LIMITS, limitOf } from '../limits.js';

/** arguments of `level(...)`: which of squeeze / split it appends after its layers */
export const LEVEL_ARGS: readonly ArgSpec[] = [
  {
    name: 'squeeze',
    type: { kind: 'bool' },
    default: true,
    doc: 'append a squeeze ([C,H,W] → [4C,H/2,W/2]) after the layers',
  },
  {
    name: 'split',
    type: { kind: 'bool' },
    default: true,
    doc: 'append a split (half the channels go to the prior) after the squeeze',
  },
];

/** more layers than this after expansion is reported (and expansion stops) */
export const MAX_LAYERS = limitOf('flowLayers');

export interface FlowResult {
  layers: CheckedLayer[];
  /** shape after the last layer; undefined when some layer's shape could not be inferred */
  outShape?: Shape;
  /** elements factored out to the prior by `split` layers */
  factored: number;
}

const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

interface State {
  ctx: Ctx;
  layers: CheckedLayer[];
  shape: Shape | undefined;
  factored: number;
  levels: number;
  overflow: boolean;
  /** statements visited, `repeat` copies included (an empty or failing body adds no layers) */
  steps: number;
  /** elements seen by the layers so far (the proofs' work); bounded by LIMITS.flowWork */
  work: number;
  /** built masks by kind, arguments, `!`, flip and shape: `repeat` copies share one array */
  masks: Map<string, number[]>;
  /** calls that did not resolve (already reported): their `repeat` copies are not checked again */
  failed: Set<CallExpr>;
}

/** Check a flow body starting from `input` (undefined: names and arguments only). */
export function checkFlow(stmts: readonly LayerStmt[], input: Shape | undefined, ctx: Ctx, prefix: string): FlowResult {
  const st: State = {
    ctx,
    layers: [],
    shape: input ? [...input] : undefined,
    factored: 0,
    levels: 0,
    overflow: false,
    steps: 0,
    work: 0,
    masks: new Map(),
    failed: new Set(),
  };
  walk(st, stmts, [], false, prefix);
  return { layers: st.layers, outShape: st.shape, factored: st.factored };
}

function walk(st: State, stmts: readonly LayerStmt[], origin: string[], odd: boolean, prefix: string): void {
  for (const s of stmts) {
    if (st.overflow) return;
    if (++st.steps > limitOf('expansion')) {
      st.overflow = true;
      const p = { what: `\`${prefix}\``, limit: limitOf('expansion'), unit: LIMITS.expansion.what };
      st.ctx.report(makeDiagnostic(EXPANSION_OVER_LIMIT, s.span, p));
      return;
    }
    if (s.kind === 'call') layer(st, s, origin, odd, prefix);
    else if (s.kind === 'repeat') {
      const n = checkRepeatCount(s.count, st.ctx);
      if (n === undefined) {
        walk(st, s.body, [...origin, 'repeat ?'], false, prefix); // still check names and arguments
        st.shape = undefined;
        continue;
      }
      for (let r = 0; r < n && !st.overflow; r++)
        walk(st, s.body, [...origin, `repeat ${n} #${r}`], r % 2 === 1, prefix);
    } else level(st, s, origin, odd, prefix);
  }
}

function level(st: State, s: LevelStmt, origin: string[], odd: boolean, prefix: string): void {
  const L = st.levels++;
  const kw: Span = { ...s.span, end: Math.min(s.span.end, s.span.start + 5) };
  const spec = lookup('level', 'flow');
  const { args } = bindArgs('level', spec?.args ?? LEVEL_ARGS, s.args, { span: kw, callee: { span: kw } }, st.ctx);
  const here = [...origin, `level ${L}`];
  const pre = `${prefix}.level${L}`;
  walk(st, s.body, here, odd, pre);
  if (args.squeeze !== false) layer(st, synthetic('squeeze', kw), here, odd, pre);
  if (args.split !== false) layer(st, synthetic('split', kw), here, odd, pre);
}

const synthetic = (name: string, span: Span): CallExpr => ({
  kind: 'call',
  callee: { text: name, span },
  args: [],
  parens: false,
  span,
});

function layer(st: State, node: CallExpr, origin: string[], odd: boolean, prefix: string): void {
  if (st.layers.length >= MAX_LAYERS) {
    st.overflow = true;
    st.ctx.report(makeDiagnostic(T.TOO_MANY_LAYERS, node.span, { max: MAX_LAYERS }));
    return;
  }
  const c = st.failed.has(node) ? undefined : checkCall(node, 'flow', st.ctx);
  if (!c) {
    st.failed.add(node);
    st.shape = undefined;
    return;
  }
  const id = `${prefix}.${st.layers.length}.${c.kind.name}`;
  const inShape = st.shape;
  if (inShape && (st.work += numel(inShape)) > limitOf('flowWork')) {
    st.overflow = true;
    const unit = `${LIMITS.flowWork.what} (elements summed over its layers)`;
    const p = { what: `\`${prefix}\``, limit: limitOf('flowWork'), unit };
    st.ctx.report(makeDiagnostic(EXPANSION_OVER_LIMIT, node.span, p));
    return;
  }
  // built field by field: an object spread of `c` takes V8's slow path here (hot in editors)
  const out: CheckedLayer = {
    kind: c.kind,
    node: c.node,
    args: { ...c.args },
    argSpans: c.argSpans,
    id,
    inShape: inShape ? [...inShape] : [],
    outShape: [],
    origin: [...origin],
  };
  if (c.body) out.body = c.body;
  st.layers.push(out);
  if (out.args.flip === true && c.argSpans.flip && !origin.some((o) => o.startsWith('repeat'))) {
    st.ctx.report(makeDiagnostic(T.FLIP_OUTSIDE_REPEAT, c.argSpans.flip, { kind: c.kind.name }));
  }
  if (!inShape) {
    if (c.kind.block === 'flow' && node.body) out.children = checkFlow(node.body, undefined, st.ctx, id).layers;
    return;
  }
  // coupling masks: concrete 0/1 arrays over the flattened input
  let problem: { p: MaskProblem; span: Span } | undefined;
  for (const [name, v] of Object.entries(out.args)) {
    if (!isMaskValue(v)) continue;
    const flip = odd && out.args.flip === true;
    const key =
      v.base === 'literal'
        ? undefined
        : `${v.base}|${JSON.stringify(v.args ?? {})}|${v.negate}|${flip}|${inShape.join(',')}`;
    const shared = key !== undefined ? st.masks.get(key) : undefined;
    const res = shared ? { values: shared } : resolveMask(v, inShape);
    if ('values' in res) {
      const values = shared ?? (flip ? complement(res.values) : res.values);
      if (key !== undefined) st.masks.set(key, values);
      out.args[name] = values;
      out.args[`${name}Kind`] = v.base;
      if (name === 'mask') out.mask = values;
    } else {
      // hand the shape rule the unresolved form; it reports the problem in its own words
      out.args[name] = res.problem === 'length' ? (v.negate ? complement(v.values ?? []) : (v.values ?? [])) : v.base;
      out.args[`${name}Kind`] = v.base;
      problem = { p: res, span: c.argSpans[name] ?? node.span };
    }
  }
  const before: Diagnostic[] = [];
  const span = problem?.span ?? node.span;
  const next = c.kind.shape
    ? c.kind.shape([...inShape], out.args, {
        span,
        report: (d) => {
          before.push(d);
          st.ctx.report(d);
        },
      })
    : [...inShape];
  if (problem && !before.some((d) => d.severity === 'error'))
    reportMaskProblem(problem.p, problem.span, inShape, st.ctx);
  if (problem) {
    // a bad mask does not change the shape (the layer keeps it); later layers are still checked
    out.outShape = [...inShape];
    return;
  }
  if (!next) {
    st.shape = undefined;
    return;
  }
  out.outShape = [...next];
  if (numel(next) < numel(inShape) && c.kind.name === 'split') st.factored += numel(inShape) - numel(next);
  if (c.kind.block === 'flow' && node.body) {
    const sub = checkFlow(node.body, inShape, st.ctx, id);
    out.children = sub.layers;
    out.body = sub.layers;
  }
  st.shape = [...next];
}

function reportMaskProblem(p: MaskProblem, span: Span, shape: Shape, ctx: Ctx): void {
  switch (p.problem) {
    case 'checkerboard-on-vector':
      ctx.report(makeDiagnostic(S.CHECKERBOARD_ON_VECTOR, span, { shape }));
      break;
    case 'channel-on-vector':
      ctx.report(makeDiagnostic(S.CHANNEL_MASK_ON_VECTOR, span, { shape }));
      break;
    case 'channel-one-channel':
      ctx.report(makeDiagnostic(S.CHANNEL_MASK_ONE_CHANNEL, span, { shape }));
      break;
    case 'length':
      ctx.report(makeDiagnostic(S.MASK_LENGTH, span, { length: p.length, size: p.size, shape }));
      break;
    case 'unknown-kind':
      ctx.report(makeDiagnostic(T.NOT_A_MASK, span, { got: `\`${p.kind}\`` }));
      break;
  }
}
