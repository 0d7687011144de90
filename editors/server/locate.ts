// Finding things in the AST by offset: the chain of nodes under the cursor, the word under the
// cursor, and the declarations (lets, masks, models) a name can refer to.
import type { FileNode, MaskDecl, ModelDecl, Name, LetDecl, Span } from '../../grammar/ast.js';

export type Node = { span: Span; [k: string]: unknown };

const isNode = (v: unknown): v is Node =>
  !!v && typeof v === 'object' && 'span' in v && typeof (v as Node).span?.start === 'number';

/** Every AST object (anything with a span) containing `offset`, outermost first. */
export function chainAt(ast: FileNode, offset: number): Node[] {
  const chain: Node[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (isNode(v)) {
      if (offset < v.span.start || offset > v.span.end) return;
      chain.push(v);
    }
    for (const [k, x] of Object.entries(v)) if (k !== 'span' && k !== 'comments' && typeof x === 'object') visit(x);
  };
  for (const item of ast.items) visit(item);
  return chain;
}

const WORD = /[A-Za-z0-9_]/;

/** the identifier under (or just before) the cursor */
export function wordAt(text: string, offset: number): { text: string; start: number; end: number } | undefined {
  let s = offset,
    e = offset;
  while (s > 0 && WORD.test(text[s - 1]!)) s--;
  while (e < text.length && WORD.test(text[e]!)) e++;
  if (s === e || !/[A-Za-z_]/.test(text[s]!)) return undefined;
  return { text: text.slice(s, e), start: s, end: e };
}

export interface Decl {
  kind: 'let' | 'mask' | 'model';
  name: Name;
  node: LetDecl | MaskDecl | ModelDecl;
  model?: ModelDecl;
}

/** declarations visible at `offset`: the enclosing model's masks first (they shadow), then top level */
export function declarationsAt(ast: FileNode, offset: number): Decl[] {
  const out: Decl[] = [];
  const model = ast.items.find(
    (i): i is ModelDecl => i.kind === 'model' && i.span.start <= offset && offset <= i.span.end,
  );
  if (model) {
    for (const s of model.body) if (s.kind === 'mask') out.push({ kind: 'mask', name: s.name, node: s, model });
  }
  for (const i of ast.items) {
    if (i.kind === 'let' || i.kind === 'mask') out.push({ kind: i.kind, name: i.name, node: i });
    else out.push({ kind: 'model', name: i.name, node: i });
  }
  return out;
}

/** all declarations of the file, including every model's masks (for symbols and name completion) */
export function allDeclarations(ast: FileNode): Decl[] {
  const out: Decl[] = [];
  for (const i of ast.items) {
    if (i.kind === 'model') {
      out.push({ kind: 'model', name: i.name, node: i });
      for (const s of i.body) if (s.kind === 'mask') out.push({ kind: 'mask', name: s.name, node: s, model: i });
    } else out.push({ kind: i.kind, name: i.name, node: i });
  }
  return out;
}

export const contains = (span: Span, offset: number): boolean => span.start <= offset && offset <= span.end;
