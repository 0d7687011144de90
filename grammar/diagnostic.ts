// Diagnostics are plain data, shared by every stage. Message texts and hints live in
// catalogues (grammar/syntax-codes.ts for the front ends, compiler/diagnostics/ for the rest).
import type { Span } from './ast.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Related {
  span: Span;
  message: string;
}

export interface Diagnostic {
  /** stable code, e.g. "FC101"; see compiler/diagnostics/catalogue.ts */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  hint?: string;
  related?: Related[];
  /** shown by `flowc check` only (see DiagnosticDef.checkOnly) */
  checkOnly?: true;
}

/** A catalogue entry: one per code. `message`/`hint` take the call-site's parameters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one catalogue holds defs of every parameter type
export interface DiagnosticDef<P = any> {
  code: string;
  severity: Severity;
  /** short title for docs and `flowc explain-code` */
  title: string;
  message: (p: P) => string;
  hint?: (p: P) => string | undefined;
  /**
   * advice about the model's design that `flowc check` shows, and train/explain/compile do not repeat
   * on every run (the user cannot act on it there), e.g. FC511 on every MAF
   */
  checkOnly?: (p: P) => boolean;
}

/** Every stage returns its value with the diagnostics it found; stages never throw on user input. */
export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}

export function makeDiagnostic<P>(def: DiagnosticDef<P>, span: Span, p: P, related?: Related[]): Diagnostic {
  const d: Diagnostic = { code: def.code, severity: def.severity, message: def.message(p), span };
  const hint = def.hint?.(p);
  if (hint) d.hint = hint;
  if (related && related.length) d.related = related;
  if (def.checkOnly?.(p)) d.checkOnly = true;
  return d;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
