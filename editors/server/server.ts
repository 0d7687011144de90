// The flow language server: wires the LSP requests to the analysis. Transport-agnostic: main.ts
// runs it over stdio (`flowc lsp`), the tests over in-process streams. The analysis runs in a
// worker thread with a time and memory budget (host.ts), so this thread always answers.
import {
  DiagnosticSeverity,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Job } from './handlers.js';
import { AnalysisHost, type Budget, type OverBudget } from './host.js';

export interface ServerOptions extends Budget {
  /** delay between the last change and re-checking, ms (default 100) */
  debounceMs?: number;
}

export const SERVER_NAME = 'flowc-lsp';

/** the one diagnostic of a document version over the analysis budget (host.ts) */
export function overBudgetDiagnostic(o: OverBudget): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    code: 'FLSP02',
    source: 'flowc',
    message:
      `flowc stopped checking this file: ${o.reason}. Hover, completion and the other features are off ` +
      'for this version; edit the file to try again, or run `flowc check` on it to see the problem.',
  };
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 100;
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  const logError = (message: string): void => connection.console.error(message);
  const host = new AnalysisHost(
    options,
    (o) => {
      void connection.sendDiagnostics({ uri: o.uri, version: o.version, diagnostics: [overBudgetDiagnostic(o)] });
      connection.console.warn(`flowc-lsp: ${o.uri} (version ${o.version}): ${o.reason}`);
    },
    logError,
    (uri, version) => documents.get(uri)?.version === version,
  );

  const job = (method: string, doc: TextDocument, position?: Job['position']): Job => ({
    method,
    uri: doc.uri,
    version: doc.version,
    text: doc.getText(),
    position,
  });

  const publish = async (doc: TextDocument): Promise<void> => {
    // the version and text of now: `doc` itself is updated in place by later edits
    const j = job('diagnostics', doc);
    const diagnostics = (await host.run(j)) as Diagnostic[];
    // a newer version has its own publish on the way; an over-budget one already has its diagnostic
    if (documents.get(j.uri)?.version !== j.version || host.overBudget(j.uri, j.version)) return;
    void connection.sendDiagnostics({ uri: j.uri, version: j.version, diagnostics });
  };

  const schedule = (doc: TextDocument, delay: number): void => {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    if (delay <= 0) {
      timers.delete(doc.uri);
      void publish(doc);
      return;
    }
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) void publish(current);
      }, delay),
    );
  };

  /** a request on a document: answered by the host (a fallback when over budget or failed) */
  const request =
    <R>(method: string, fallback: R) =>
    async (p: { textDocument: { uri: string }; position?: Job['position'] }): Promise<R> => {
      const doc = documents.get(p.textDocument.uri);
      return doc ? ((await host.run(job(method, doc, p.position))) as R) : fallback;
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
    void host.run(job('close', e.document));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover(request('textDocument/hover', null));
  connection.onCompletion(request('textDocument/completion', []));
  connection.onDefinition(request('textDocument/definition', null));
  connection.onDocumentSymbol(request('textDocument/documentSymbol', []));
  connection.onDocumentFormatting(request('textDocument/formatting', []));
  connection.onShutdown(() => host.dispose());

  documents.listen(connection);
  connection.listen();
}
