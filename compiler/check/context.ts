// What every check function receives: the reporter and the names in scope.
import type { LetDecl, MaskDecl, Span } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';

export interface Scope {
  lets: ReadonlyMap<string, LetDecl>;
  /** top-level masks */
  masks: ReadonlyMap<string, MaskDecl>;
  /** masks declared inside the model being checked (shadow top-level ones) */
  modelMasks: ReadonlyMap<string, MaskDecl>;
}

export interface Ctx {
  report(d: Diagnostic): void;
  scope: Scope;
  /** names of lets/masks being expanded, for cycle detection */
  expanding: string[];
}

export function bufferedCtx(ctx: Ctx): { ctx: Ctx; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  return { ctx: { ...ctx, report: (d) => diags.push(d) }, diags };
}

export const spanOf = (start: Span, end: Span): Span => ({ file: start.file, start: start.start, end: end.end });
