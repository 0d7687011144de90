// What the server computes for each document: its diagnostics (LSP form) and the answers to
// hover, completion, definition, symbols and formatting. Plain functions of (uri, version, text,
// params) → JSON values, so they run the same in the analysis worker (worker.ts) or, without one,
// in the server's own thread (host.ts).
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver/node.js';
import { formatFlow } from '../../grammar/format.js';
import { hasErrors } from '../../grammar/diagnostic.js';
import { AnalysisCache } from './analysis.js';
import { complete } from './completion.js';
import { toLspDiagnostic } from './convert.js';
import { hover } from './hover.js';
import { definition, documentSymbols } from './navigation.js';

/** one unit of work for a document version */
export interface Job {
  /** 'diagnostics', 'close', or an LSP request method such as 'textDocument/hover' */
  method: string;
  uri: string;
  version: number;
  text: string;
  position?: Position;
}

/** the answer a request gets when it cannot be computed (document over budget, server error) */
export const FALLBACK: Record<string, unknown> = {
  diagnostics: [],
  'textDocument/hover': null,
  'textDocument/completion': [],
  'textDocument/definition': null,
  'textDocument/documentSymbol': [],
  'textDocument/formatting': [],
  close: null,
};

/** the documents and analyses one thread keeps (one analysis per document version) */
export class Handlers {
  private readonly cache = new AnalysisCache();
  private readonly docs = new Map<string, TextDocument>();

  private doc(j: Job): TextDocument {
    const d = this.docs.get(j.uri);
    if (d && d.version === j.version && d.getText() === j.text) return d;
    const fresh = TextDocument.create(j.uri, 'flow', j.version, j.text);
    this.docs.set(j.uri, fresh);
    return fresh;
  }

  run(j: Job): unknown {
    if (j.method === 'close') {
      this.cache.delete(j.uri);
      this.docs.delete(j.uri);
      return null;
    }
    const doc = this.doc(j);
    const a = this.cache.get(j.uri, j.version, j.text);
    const at = (): number => doc.offsetAt(j.position ?? { line: 0, character: 0 });
    switch (j.method) {
      case 'diagnostics':
        return a.diagnostics.map((d) => toLspDiagnostic(d, doc, a.file));
      case 'textDocument/hover':
        return hover(a, doc, at());
      case 'textDocument/completion':
        return complete(a, at());
      case 'textDocument/definition':
        return definition(a, doc, at());
      case 'textDocument/documentSymbol':
        return documentSymbols(a, doc);
      case 'textDocument/formatting': {
        const r = formatFlow(j.text, a.file);
        if (hasErrors(r.diagnostics) || r.text === j.text) return [];
        return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(j.text.length) }, newText: r.text }];
      }
      default:
        throw new Error(`unknown job ${j.method}`);
    }
  }
}
