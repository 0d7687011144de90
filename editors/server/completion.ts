// Completion from the registry: layer kinds by context (flow kinds in flow blocks, priors after
// `prior`, ...), argument names inside a call's parentheses, argument values by type (enum words,
// kinds of a category, mask and let names), statement keywords.
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver/node.js';
import type { ArgType, Category, LayerKind } from '../../compiler/registry/types.js';
import { kindsOf, lookup } from '../../compiler/registry/index.js';
import type { Analysis } from './analysis.js';
import { contextAt } from './context.js';
import { allDeclarations, declarationsAt } from './locate.js';

const TOP_KEYWORDS = ['let', 'mask', 'model'];
const MODEL_KEYWORDS = [
  'data',
  'latent',
  'condition',
  'order',
  'mask',
  'prior',
  'likelihood',
  'conditional',
  'encoder',
  'decoder',
  'posterior',
  'target',
  'flow',
  'train',
];
const SLOT_CATEGORY: Record<string, Category[]> = {
  prior: ['prior'],
  likelihood: ['likelihood'],
  conditional: ['conditional'],
  encoder: ['net'],
  decoder: ['net'],
  target: ['target'],
  posterior: ['posterior'],
  order: ['order'],
  mask: ['mask'],
  domain: ['domain'],
};

export function complete(a: Analysis, offset: number): CompletionItem[] {
  const ctx = contextAt(a.text, offset, (owner) => safeLookup(owner)?.block);
  switch (ctx.kind) {
    case 'none':
      return [];
    case 'list':
      return names(a, offset, ['let']);
    case 'mask':
      return [...names(a, offset, ['mask']), ...kinds('mask')];
    case 'slot': {
      const items = SLOT_CATEGORY[ctx.slot]!.flatMap((c) => kinds(c));
      if (ctx.slot === 'posterior' && !items.some((i) => i.label === 'flow')) {
        items.unshift(keyword('flow', 'a flow posterior: posterior flow(amortized: true) { ... }'));
      }
      if (ctx.slot === 'mask') items.push(...names(a, offset, ['mask']), keyword('!', 'the complement of a mask'));
      return items;
    }
    case 'statement': {
      if (ctx.block === 'top') return TOP_KEYWORDS.map((k) => keyword(k));
      if (ctx.block === 'model') return MODEL_KEYWORDS.map((k) => keyword(k));
      const items = kinds(ctx.block as Category);
      if (ctx.block === 'flow')
        items.push(
          keyword('repeat', 'repeat N { ... }: N copies with fresh parameters'),
          keyword('level', 'a multi-scale level'),
        );
      return items;
    }
    case 'arg': {
      const kind = ctx.callee === 'train' ? safeLookup('train', 'train') : safeLookup(ctx.callee);
      if (!kind) return [];
      const items: CompletionItem[] = kind.args
        .filter((s) => !ctx.used.includes(s.name))
        .map((s) => ({
          label: s.name,
          kind: CompletionItemKind.Property,
          detail: `${kind.name} argument`,
          documentation: s.doc,
          insertText: `${s.name}: `,
          sortText: `0${s.required ? 0 : 1}${s.name}`,
        }));
      // a positional argument may be written bare: offer its values too
      const positional = kind.args.filter((s) => s.positional);
      const spec = positional[Math.min(Math.max(ctx.index, 0), positional.length - 1)];
      if (spec && ctx.index >= 0 && (ctx.index < positional.length || spec.variadic))
        items.push(...values(a, offset, spec.type));
      return items;
    }
    case 'value': {
      const kind = ctx.callee === 'train' ? safeLookup('train', 'train') : safeLookup(ctx.callee);
      const spec = kind?.args.find((s) => s.name === ctx.arg);
      return spec ? values(a, offset, spec.type) : [];
    }
  }
}

function safeLookup(name: string, category?: Category): LayerKind | undefined {
  try {
    return lookup(name, category);
  } catch {
    return undefined;
  }
}

function keyword(k: string, doc?: string): CompletionItem {
  return { label: k, kind: CompletionItemKind.Keyword, ...(doc ? { documentation: doc } : {}) };
}

function kinds(category: Category): CompletionItem[] {
  let list: readonly LayerKind[];
  try {
    list = kindsOf(category);
  } catch {
    list = [];
  }
  return list.map((k) => {
    const required = k.args.filter((s) => s.required);
    const item: CompletionItem = {
      label: k.name,
      kind: category === 'mask' ? CompletionItemKind.Constant : CompletionItemKind.Function,
      detail: `${k.category}${k.jacobian ? ` · ${k.jacobian} Jacobian` : ''}`,
      documentation: { kind: 'markdown', value: k.doc + (k.cite ? `\n\n*${k.cite}*` : '') },
    };
    if (required.length) {
      const snippet = (s: (typeof required)[number], i: number) =>
        s.positional ? `\${${i + 1}:${s.name}}` : `${s.name}: \${${i + 1}}`;
      item.insertText = `${k.name}(${required.map(snippet).join(', ')})`;
      item.insertTextFormat = InsertTextFormat.Snippet;
    }
    return item;
  });
}

function values(a: Analysis, offset: number, t: ArgType): CompletionItem[] {
  switch (t.kind) {
    case 'enum':
      return t.values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember }));
    case 'bool':
      return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value }));
    case 'call':
      return kinds(t.category);
    case 'mask':
      return [...names(a, offset, ['mask']), ...kinds('mask'), keyword('!', 'the complement of a mask')];
    case 'int':
    case 'number':
    case 'list':
      return names(a, offset, ['let']);
    case 'union': {
      const seen = new Set<string>();
      return t.of.flatMap((x) => values(a, offset, x)).filter((i) => !seen.has(i.label) && !!seen.add(i.label));
    }
    default:
      return [];
  }
}

/** let/mask names visible at the offset (from the AST; a regex scan of the text when it has none) */
function names(a: Analysis, offset: number, which: ('let' | 'mask')[]): CompletionItem[] {
  const found = new Map<string, { kind: 'let' | 'mask'; detail: string }>();
  if (a.ast) {
    const decls = [...declarationsAt(a.ast, offset), ...allDeclarations(a.ast).filter((d) => !d.model)];
    for (const d of decls) {
      if ((d.kind === 'let' || d.kind === 'mask') && which.includes(d.kind) && !found.has(d.name.text)) {
        found.set(d.name.text, { kind: d.kind, detail: a.text.slice(d.node.span.start, d.node.span.end) });
      }
    }
  }
  for (const m of a.text.matchAll(/\b(let|mask)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=[^\n]*/g)) {
    const k = m[1] as 'let' | 'mask';
    if (which.includes(k) && !found.has(m[2]!)) found.set(m[2]!, { kind: k, detail: m[0].trim() });
  }
  return [...found].map(([label, v]) => ({
    label,
    kind: v.kind === 'let' ? CompletionItemKind.Variable : CompletionItemKind.Constant,
    detail: v.detail,
    sortText: ` ${label}`,
  }));
}
