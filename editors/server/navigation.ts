// Go to definition (lets, masks, models) and the document outline (models, their declarations
// and blocks, the layers inside blocks, top-level lets and masks).
import { SymbolKind, type DocumentSymbol, type Location } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CallExpr, LayerStmt, ModelStmt, Span, TopLevel } from '../../grammar/ast.js';
import type { Analysis } from './analysis.js';
import { spanToRange } from './convert.js';
import { chainAt, declarationsAt, wordAt } from './locate.js';

export function definition(a: Analysis, doc: TextDocument, offset: number): Location | null {
  if (!a.ast) return null;
  const w = wordAt(a.text, offset);
  if (!w) return null;
  // a name in argument position that is a callee or an argument key is a registry word, not a reference
  const chain = chainAt(a.ast, offset);
  const inner = chain[chain.length - 1] as { kind?: string } | undefined;
  const parent = chain[chain.length - 2] as { callee?: unknown; name?: unknown } | undefined;
  if (parent && parent.callee === inner && inner) return null;
  if (parent && !('kind' in parent) && parent.name === inner && inner) return null;
  const decl = declarationsAt(a.ast, offset).find((d) => d.name.text === w.text);
  return decl ? { uri: doc.uri, range: spanToRange(doc, decl.name.span) } : null;
}

export function documentSymbols(a: Analysis, doc: TextDocument): DocumentSymbol[] {
  if (!a.ast) return [];
  const sym = (
    name: string,
    detail: string,
    kind: SymbolKind,
    span: Span,
    sel: Span,
    children?: DocumentSymbol[],
  ): DocumentSymbol => ({
    name: name || '?',
    detail,
    kind,
    range: spanToRange(doc, span),
    selectionRange: spanToRange(doc, sel),
    ...(children && children.length ? { children } : {}),
  });
  const text = (s: Span) => a.text.slice(s.start, s.end).replace(/\s+/g, ' ');
  const first = (s: Span): Span => ({ ...s, end: Math.min(s.end, s.start + 1) });

  const layer = (l: LayerStmt): DocumentSymbol => {
    switch (l.kind) {
      case 'call':
        return callSym(l);
      case 'repeat':
        return sym(`repeat ${text(l.count.span)}`, '', SymbolKind.Namespace, l.span, first(l.span), l.body.map(layer));
      case 'level':
        return sym('level', '', SymbolKind.Namespace, l.span, first(l.span), l.body.map(layer));
    }
  };
  const callSym = (c: CallExpr): DocumentSymbol =>
    sym(
      c.callee.text,
      c.parens ? `(${c.args.length} args)` : '',
      SymbolKind.Function,
      c.span,
      c.callee.span,
      c.body?.map(layer),
    );

  const stmt = (s: ModelStmt): DocumentSymbol => {
    switch (s.kind) {
      case 'data':
      case 'latent':
      case 'condition':
        return sym(s.name.text, `${s.kind}: ${text(s.type.span)}`, SymbolKind.Variable, s.span, s.name.span);
      case 'mask':
        return sym(s.name.text, `mask = ${text(s.value.span)}`, SymbolKind.Constant, s.span, s.name.span);
      case 'order':
        return sym('order', text(s.value.span), SymbolKind.Property, s.span, first(s.span));
      case 'flow':
        return sym('flow', '', SymbolKind.Module, s.span, first(s.span), s.body.map(layer));
      case 'posterior': {
        const v = s.value;
        return v.kind === 'flow'
          ? sym('posterior', 'flow', SymbolKind.Module, s.span, first(s.span), v.body.map(layer))
          : sym('posterior', v.callee.text, SymbolKind.Property, s.span, first(s.span), v.body?.map(layer));
      }
      case 'train':
        return sym('train', `${s.entries.length} settings`, SymbolKind.Object, s.span, first(s.span));
      default:
        return sym(s.kind, s.value.callee.text, SymbolKind.Property, s.span, first(s.span), s.value.body?.map(layer));
    }
  };
  const top = (t: TopLevel): DocumentSymbol => {
    switch (t.kind) {
      case 'let':
        return sym(t.name.text, `let = ${text(t.value.span)}`, SymbolKind.Constant, t.span, t.name.span);
      case 'mask':
        return sym(t.name.text, `mask = ${text(t.value.span)}`, SymbolKind.Constant, t.span, t.name.span);
      case 'model': {
        const family = a.models.find((m) => m.name === t.name.text)?.family ?? '';
        return sym(
          t.name.text,
          family ? `model · ${family}` : 'model',
          SymbolKind.Class,
          t.span,
          t.name.span,
          t.body.map(stmt),
        );
      }
    }
  };
  return a.ast.items.map(top);
}
