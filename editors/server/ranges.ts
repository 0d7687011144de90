// Compiler spans → LSP ranges. No Node module here: the browser playground's editor worker shares it (with
// hover.ts and completion.ts).
import type { Range } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../../grammar/ast.js';

export function spanToRange(doc: TextDocument, span: Pick<Span, 'start' | 'end'>): Range {
  const len = doc.getText().length;
  const start = Math.max(0, Math.min(span.start, len));
  const end = Math.max(start, Math.min(span.end, len));
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}
