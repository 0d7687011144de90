// Hover: on a layer call its explain row(s) from the checked model (shape in → out, Jacobian
// class, log-det formula, inverse kind, parameter count), on an argument name its registry doc,
// on a let/mask name its definition, on a model name its summary.
import type { Hover } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Arg, CallExpr, IdentExpr, ModelDecl, Name } from '../../grammar/ast.js';
import type { CheckedCall, CheckedLayer, CheckedModel } from '../../compiler/check/model.js';
import type { ArgSpec, ArgType, LayerKind } from '../../compiler/registry/types.js';
import { lookup } from '../../compiler/registry/index.js';
import type { Analysis } from './analysis.js';
import { spanToRange } from './ranges.js';
import { chainAt, declarationsAt, type Node } from './locate.js';

export function hover(a: Analysis, doc: TextDocument, offset: number): Hover | null {
  if (!a.ast) return null;
  const chain = chainAt(a.ast, offset);
  const inner = chain[chain.length - 1];
  const parent = chain[chain.length - 2];
  if (!inner) return null;
  const md = (value: string, node: Node): Hover => ({
    contents: { kind: 'markdown', value },
    range: spanToRange(doc, node.span),
  });

  const same = (x: unknown, y: unknown): boolean => x === y;
  if (parent && isCall(parent) && same(parent.callee, inner)) return md(callHover(parent, a.models, chain), inner);
  if (parent && isArg(parent) && same(parent.name, inner)) {
    const owner = chain[chain.length - 3];
    const spec = owner ? argSpecOf(owner, (inner as unknown as Name).text, a.models, chain) : undefined;
    return spec ? md(argDoc(spec), inner) : null;
  }
  if (parent && (parent as { kind?: string }).kind === 'model' && same((parent as unknown as ModelDecl).name, inner)) {
    const m = a.models.find((x) => same(x.node, parent) || x.name === (inner as unknown as Name).text);
    return m ? md(modelHover(m), inner) : null;
  }
  if ((inner as { kind?: string }).kind === 'ident') {
    const id = inner as unknown as IdentExpr;
    const decl = declarationsAt(a.ast, offset).find((d) => d.kind !== 'model' && d.name.text === id.name);
    if (decl) {
      const value = a.text.slice(decl.node.span.start, decl.node.span.end);
      return md('```flow\n' + value + '\n```', inner);
    }
    const kind = lookup(id.name);
    if (kind) return md(kindHeader(kind), inner);
  }
  return null;
}

const isCall = (n: Node): n is Node & CallExpr => (n as { kind?: string }).kind === 'call';
const isArg = (n: Node): n is Node & Arg => !('kind' in n) && 'value' in n;

/** every checked call (and checked layer) in a model, found by walking its values */
export function checkedCalls(models: readonly CheckedModel[]): CheckedCall[] {
  const out: CheckedCall[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.node && o.kind && typeof (o.kind as LayerKind).name === 'string' && 'args' in o)
      out.push(o as unknown as CheckedCall);
    for (const [k, x] of Object.entries(o)) if (k !== 'node' && k !== 'kind' && k !== 'argSpans') visit(x);
  };
  for (const m of models) {
    for (const [k, x] of Object.entries(m)) if (k !== 'node') visit(x);
  }
  return out;
}

const sameNode = (a: CallExpr, b: CallExpr): boolean =>
  a === b || (a.span.start === b.span.start && a.span.end === b.span.end && a.callee.text === b.callee.text);

const isLayer = (c: CheckedCall): c is CheckedLayer => 'inShape' in c && 'outShape' in c && 'id' in c;

function callHover(call: CallExpr, models: readonly CheckedModel[], chain: Node[]): string {
  const checked = checkedCalls(models).filter((c) => sameNode(c.node, call));
  const kind = checked[0]?.kind ?? kindInContext(call.callee.text, chain);
  if (!kind) return `**${call.callee.text}**: not a known layer kind`;
  const parts = [kindHeader(kind)];
  const layers = checked.filter(isLayer);
  if (layers.length) {
    parts.push(
      '| layer | shape in → out | Jacobian | log-det | inverse (density / sample) | params ' +
        '|\n|---|---|---|---|---|---|',
    );
    const shown = layers.slice(0, 8);
    parts[parts.length - 1] += '\n' + shown.map((l) => explainRow(l)).join('\n');
    if (layers.length > shown.length)
      parts.push(`… and ${layers.length - shown.length} more (${layers.length} in all, from \`repeat\`)`);
    const total = layers.reduce((s, l) => s + paramCount(l), 0);
    if (layers.length > 1) parts.push(`${layers.length} layers, ${fmtInt(total)} parameters in all`);
  }
  if (kind.args.length) parts.push(kind.args.map((s) => `- ${argLine(s)}`).join('\n'));
  return parts.join('\n\n');
}

export function explainRow(l: CheckedLayer): string {
  const k = l.kind;
  const dirs = k.directions ? `${k.directions.density} / ${k.directions.sample}` : '—';
  const cells = [
    '`' + l.id + '`',
    `[${l.inShape.join(', ')}] → [${l.outShape.join(', ')}]`,
    k.jacobian ?? '—',
    k.logDet ? k.logDet.replace(/\|/g, '\\|') : '—',
    dirs,
    fmtInt(paramCount(l)),
  ];
  return `| ${cells.join(' | ')} |`;
}

export function paramCount(l: CheckedLayer): number {
  try {
    const ps = l.kind.params?.(l.inShape, l.args) ?? [];
    return ps.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  } catch {
    return 0;
  }
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');

function kindHeader(k: LayerKind): string {
  let s = `**${k.name}** · ${k.category}\n\n${k.doc}`;
  if (k.cite) s += `\n\n*${k.cite}*`;
  return s;
}

function typeText(t: ArgType): string {
  switch (t.kind) {
    case 'enum':
      return t.values.join(' | ');
    case 'list':
      return `[${typeText(t.of)}]`;
    case 'call':
      return `${t.category} kind`;
    case 'union':
      return t.of.map(typeText).join(' | ');
    default:
      return t.kind;
  }
}

function argLine(s: ArgSpec): string {
  const extra = s.required ? 'required' : s.default !== undefined ? `default ${JSON.stringify(s.default)}` : 'optional';
  return `**${s.name}**: ${typeText(s.type)} (${extra}) — ${s.doc}`;
}

function argDoc(s: ArgSpec): string {
  return argLine(s);
}

/** the registry kind a bare name means where it is written (a slot keyword or an argument decides the category) */
export function kindInContext(name: string, chain: Node[]): LayerKind | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const k = (chain[i] as { kind?: string }).kind;
    const cat =
      k === 'encoder' || k === 'decoder'
        ? 'net'
        : k === 'prior' || k === 'likelihood' || k === 'conditional' || k === 'target'
          ? k
          : k === 'flow' || k === 'repeat' || k === 'level'
            ? 'flow'
            : undefined;
    if (cat) {
      const hit = lookup(name, cat);
      if (hit) return hit;
    }
  }
  return lookup(name);
}

function argSpecOf(owner: Node, name: string, models: readonly CheckedModel[], chain: Node[]): ArgSpec | undefined {
  const k = (owner as { kind?: string }).kind;
  let kind: LayerKind | undefined;
  if (k === 'call') {
    const call = owner as unknown as CallExpr;
    kind = checkedCalls(models).find((c) => sameNode(c.node, call))?.kind ?? kindInContext(call.callee.text, chain);
  } else if (k === 'train') kind = lookup('train', 'train');
  else if (k === 'type') {
    const d = (owner as unknown as { domain: Name }).domain.text;
    kind = lookup(d, 'domain');
  } else if (k === 'level') kind = lookup('level');
  else if (k === 'flow') kind = lookup('flow');
  return kind?.args.find((s) => s.name === name);
}

function modelHover(m: CheckedModel): string {
  const lines = [`**model ${m.name}** · ${m.family}`];
  if (m.data) lines.push(`data ${m.data.name}: ${m.data.domain.kind}[${m.data.shape.join(', ')}]`);
  if (m.latent) lines.push(`latent ${m.latent.name}: [${m.latent.shape.join(', ')}]`);
  const layers = [...(m.flow ?? []), ...(m.posterior?.layers ?? [])];
  if (layers.length) {
    const total = layers.reduce((s, l) => s + paramCount(l), 0);
    lines.push(`${layers.length} flow layers, ${fmtInt(total)} flow-layer parameters`);
  }
  return lines.join('\n\n');
}
