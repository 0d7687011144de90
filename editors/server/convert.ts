// Compiler values → LSP values: spans to ranges, diagnostics with codes, hints and related locations.
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../../grammar/ast.js';
import type { Diagnostic, Severity } from '../../grammar/diagnostic.js';
import { spanToRange } from './ranges.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export { spanToRange } from './ranges.js';

/** the URI of a span: the open document when it names the analysed file, else the file itself */
export function spanUri(span: Span, file: string, docUri: string): string {
  if (span.file === file || !span.file) return docUri;
  try {
    return pathToFileURL(span.file).href;
  } catch {
    return docUri;
  }
}

export function toLspDiagnostic(d: Diagnostic, doc: TextDocument, file: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: spanToRange(doc, d.span),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: 'flowc',
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
  };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r): DiagnosticRelatedInformation => {
      const uri = spanUri(r.span, file, doc.uri);
      // a related span in another file has no text here to measure: point at its start line
      const range =
        uri === doc.uri
          ? spanToRange(doc, r.span)
          : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return { location: { uri, range }, message: r.message };
    });
  }
  return out;
}
