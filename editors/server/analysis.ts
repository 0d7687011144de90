// One analysis per document version: the same compiler passes as `flowc check` (checkSource),
// kept until the text changes. Every request (hover, completion, definition, symbols) reads it.
// The compiler never throws on user input; if it ever does, the server reports that as a
// diagnostic and keeps serving instead of crashing.
import { fileURLToPath } from 'node:url';
import type { FileNode } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { parseFlow } from '../../grammar/parse.js';
import { checkSource } from '../../compiler/index.js';
import type { CheckedModel } from '../../compiler/check/model.js';

export interface Analysis {
  uri: string;
  version: number;
  /** the path given to the compiler (spans carry it) */
  file: string;
  text: string;
  ast: FileNode | undefined;
  models: CheckedModel[];
  diagnostics: Diagnostic[];
  /** milliseconds the compiler took */
  ms: number;
}

export function uriToFile(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

export function analyze(uri: string, version: number, text: string): Analysis {
  const file = uriToFile(uri);
  const t0 = performance.now();
  let ast: FileNode | undefined;
  let models: CheckedModel[] = [];
  let diagnostics: Diagnostic[];
  try {
    const r = checkSource(text, file);
    ast = r.file;
    models = r.models;
    diagnostics = r.diagnostics;
  } catch (e) {
    diagnostics = [internalError(file, e)];
    try {
      ast = parseFlow(text, file).value;
    } catch {
      ast = undefined;
    }
  }
  return { uri, version, file, text, ast, models, diagnostics, ms: performance.now() - t0 };
}

function internalError(file: string, e: unknown): Diagnostic {
  return {
    code: 'FLSP01',
    severity: 'error',
    message: `the compiler failed on this file: ${e instanceof Error ? e.message : String(e)}`,
    hint: 'this is a bug in flowc; please report it with the file',
    span: { file, start: 0, end: 0 },
  };
}

/** Analyses by document, recomputed when a request sees a newer version than the cached one. */
export class AnalysisCache {
  private readonly byUri = new Map<string, Analysis>();

  get(uri: string, version: number, text: string): Analysis {
    const hit = this.byUri.get(uri);
    if (hit && hit.version === version && hit.text === text) return hit;
    const a = analyze(uri, version, text);
    this.byUri.set(uri, a);
    return a;
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }
}
