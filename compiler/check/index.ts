// The checker pipeline for one parsed file: resolve names, check every model (arguments,
// shapes, masks, family), run the check table and the proofs. Never throws: an internal
// exception becomes an FC000 diagnostic on the model it happened in.
import type { FileNode, Span } from '../../grammar/ast.js';
import { makeDiagnostic, hasErrors, type Diagnostic } from '../../grammar/diagnostic.js';
import { resolveFile, resolveModelMasks } from '../resolve.js';
import type { CheckedModel, ModelCheck } from './model.js';
import type { Ctx } from './context.js';
import { checkModelDecl } from './check-model.js';
import { runChecks } from './table.js';
import * as N from '../diagnostics/codes-names.js';

export interface CheckFileResult {
  models: CheckedModel[];
  diagnostics: Diagnostic[];
}

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export interface CheckFileOptions {
  /** model-level checks run after the table; default: the proofs (compiler/proofs PROOF_CHECKS) */
  proofs?: readonly ModelCheck[];
  /** the AST was recovered from syntax errors: treat every model as partial (no proofs) */
  partial?: boolean;
}

export function checkFile(file: FileNode, opts: CheckFileOptions = {}): CheckFileResult {
  const diagnostics: Diagnostic[] = [];
  const models: CheckedModel[] = [];
  const fileSpan: Span = file?.span ?? { file: '<unknown>', start: 0, end: 0 };
  try {
    const { value: scope, diagnostics: rd } = resolveFile(file);
    for (const d of rd) diagnostics.push(d); // no spread: a file may have 10⁵ diagnostics
    // lets are checked where they are used; a let that is never used still has its value parsed
    for (const model of scope.modelList) {
      const local: Diagnostic[] = [];
      try {
        const { value: modelMasks, diagnostics: md } = resolveModelMasks(model);
        for (const d of md) local.push(d);
        const ctx: Ctx = {
          report: (d) => local.push(d),
          scope: { lets: scope.lets, masks: scope.masks, modelMasks },
          expanding: [],
        };
        const checked = checkModelDecl(model, ctx);
        runChecks(
          checked,
          { file: fileSpan.file, report: (d) => local.push(d) },
          { partial: !!opts.partial || hasErrors(local), ...(opts.proofs ? { proofs: opts.proofs } : {}) },
        );
        models.push(checked);
      } catch (e) {
        local.push(
          makeDiagnostic(N.INTERNAL_ERROR, model.name?.span ?? fileSpan, {
            what: `while checking model \`${model.name?.text}\`: ${describeError(e)}`,
          }),
        );
      }
      for (const d of local) diagnostics.push(d);
    }
  } catch (e) {
    diagnostics.push(makeDiagnostic(N.INTERNAL_ERROR, fileSpan, { what: describeError(e) }));
  }
  return { models, diagnostics: dedupe(diagnostics) };
}

/** identical diagnostics (a body checked once per `repeat` copy) are reported once */
export function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.span.file}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
