// The editor's worker: the compiler (no TensorFlow.js). Diagnostics, the explain table, hover, completion
// and formatting, computed with the same code as `flowc check`, `flowc explain`, `flowc fmt` and the
// language server (editors/server/hover.ts, completion.ts).
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkSource, lowerModel } from '../compiler/index.js';
import { explainJson, type ExplainJson } from '../compiler/explain.js';
import { formatFlow } from '../grammar/format.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import type { Analysis } from '../editors/server/analysis.js';
import { hover } from '../editors/server/hover.js';
import { complete } from '../editors/server/completion.js';
import type { Analysed, EditorReply, EditorRequest, PgCompletion, PgDiagnostic } from './protocol.js';

let last: Analysis | undefined;

function analysis(text: string, file: string): Analysis {
  if (last && last.text === text && last.file === file) return last;
  const t0 = performance.now();
  const r = checkSource(text, file);
  last = {
    uri: file,
    version: 0,
    file,
    text,
    ast: r.file,
    models: r.models,
    diagnostics: r.diagnostics,
    ms: performance.now() - t0,
  };
  return last;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  return { line, col: offset - start + 1 };
}

function toPg(d: Diagnostic, text: string): PgDiagnostic {
  const from = Math.max(0, Math.min(d.span.start, text.length));
  const to = Math.max(from, Math.min(d.span.end, text.length));
  return { from, to, severity: d.severity, code: d.code, message: d.message, hint: d.hint, ...lineCol(text, from) };
}

function analyze(text: string, file: string): Analysed {
  const t0 = performance.now();
  const a = analysis(text, file);
  const explain: ExplainJson[] = [];
  if (!a.diagnostics.some((d) => d.severity === 'error')) {
    for (const m of a.models) {
      try {
        explain.push(explainJson(lowerModel(m, { source: text })));
      } catch {
        // a model the lowering refuses has no table; its diagnostics say why
      }
    }
  }
  return { diagnostics: a.diagnostics.map((d) => toPg(d, text)), explain, ms: performance.now() - t0 };
}

const KIND: Record<number, string> = {
  3: 'function',
  10: 'property',
  14: 'keyword',
  20: 'enum',
  21: 'constant',
  6: 'variable',
  12: 'constant',
};

function completions(text: string, file: string, offset: number): PgCompletion[] {
  return complete(analysis(text, file), offset).map((c) => ({
    label: c.label,
    detail: c.detail,
    info: typeof c.documentation === 'string' ? c.documentation : c.documentation?.value,
    type: c.kind ? KIND[c.kind] : undefined,
    apply: c.insertText,
  }));
}

function handle(req: EditorRequest): unknown {
  switch (req.op) {
    case 'analyze':
      return analyze(req.text, req.file);
    case 'hover': {
      const h = hover(analysis(req.text, req.file), TextDocument.create(req.file, 'flow', 0, req.text), req.offset);
      if (!h) return null;
      const c = h.contents as { value?: string } | string;
      return { markdown: typeof c === 'string' ? c : (c.value ?? '') };
    }
    case 'complete':
      return completions(req.text, req.file, req.offset);
    case 'format': {
      const r = formatFlow(req.text, req.file);
      return { text: r.text, diagnostics: r.diagnostics.map((d) => toPg(d, req.text)) };
    }
  }
}

const port = self as unknown as { postMessage(m: EditorReply): void; onmessage: ((e: MessageEvent) => void) | null };
port.onmessage = (e: MessageEvent<EditorRequest>) => {
  try {
    port.postMessage({ id: e.data.id, result: handle(e.data) });
  } catch (err) {
    port.postMessage({ id: e.data.id, error: err instanceof Error ? err.message : String(err) });
  }
};
