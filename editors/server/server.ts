// The flow language server: wires the LSP requests to the analysis. Transport-agnostic: main.ts
// runs it over stdio (`flowc lsp`), the tests over in-process streams.
import {
  TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult, type TextEdit,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatFlow } from '../../grammar/format.js';
import { hasErrors } from '../../grammar/diagnostic.js';
import { AnalysisCache, type Analysis } from './analysis.js';
import { complete } from './completion.js';
import { toLspDiagnostic } from './convert.js';
import { hover } from './hover.js';
import { definition, documentSymbols } from './navigation.js';

export interface ServerOptions {
  /** delay between the last change and re-checking, ms (default 100) */
  debounceMs?: number;
}

export const SERVER_NAME = 'flowc-lsp';

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 100;
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  const timers = new Map<string, NodeJS.Timeout>();

  const analysisOf = (doc: TextDocument): Analysis => cache.get(doc.uri, doc.version, doc.getText());

  /** guards a request handler: a bug answers null (and logs) instead of killing the server */
  const safe = <P, R>(fn: (p: P) => R, fallback: R) => (p: P): R => {
    try {
      return fn(p);
    } catch (e) {
      connection.console.error(`flowc-lsp: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
  };

  const publish = (doc: TextDocument): void => {
    try {
      const a = analysisOf(doc);
      const diagnostics = a.diagnostics.map((d) => toLspDiagnostic(d, doc, a.file));
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    } catch (e) {
      connection.console.error(`flowc-lsp: ${(e as Error)?.stack ?? String(e)}`);
    }
  };

  const schedule = (doc: TextDocument, delay: number): void => {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    if (delay <= 0) {
      timers.delete(doc.uri);
      publish(doc);
      return;
    }
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) publish(current);
    }, delay));
  };

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['(', ',', ':', ' ', '!', '{'] },
      definitionProvider: true,
      documentSymbolProvider: true,
      documentFormattingProvider: true,
    },
    serverInfo: { name: SERVER_NAME, version: '0.1.0' },
  }));

  const opened = new Map<string, number>();
  documents.onDidOpen((e) => {
    opened.set(e.document.uri, e.document.version);
    schedule(e.document, 0);
  });
  documents.onDidChangeContent((e) => {
    // didOpen also fires a content change; only later edits are debounced
    if (opened.get(e.document.uri) === e.document.version) return;
    schedule(e.document, debounceMs);
  });
  documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    opened.delete(e.document.uri);
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(safe((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? hover(analysisOf(doc), doc, doc.offsetAt(p.position)) : null;
  }, null));

  connection.onCompletion(safe((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? complete(analysisOf(doc), doc.offsetAt(p.position)) : [];
  }, []));

  connection.onDefinition(safe((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? definition(analysisOf(doc), doc, doc.offsetAt(p.position)) : null;
  }, null));

  connection.onDocumentSymbol(safe((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? documentSymbols(analysisOf(doc), doc) : [];
  }, []));

  connection.onDocumentFormatting(safe((p): TextEdit[] => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const r = formatFlow(text, analysisOf(doc).file);
    if (hasErrors(r.diagnostics) || r.text === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: r.text }];
  }, []));

  documents.listen(connection);
  connection.listen();
}
