// The compiler API used by the CLI and the language server. No tfjs here.
//   checkSource(text, file)             parse (.flow or .flow.yaml) + check every model
//   compileSource(text, file, model?)   ... + lower one model to FlowIR (only when error-free)
//   renderDiagnostics / renderDiagnosticsJson
import type { FileNode, Span } from '../grammar/ast.js';
import { hasErrors, makeDiagnostic, type Diagnostic } from '../grammar/diagnostic.js';
import { parseFlow } from '../grammar/parse.js';
import { parseFlowYaml } from '../grammar/yaml.js';
import { generateSchema } from './schema.js';
import type { CheckedModel } from './check/model.js';
import { checkFile } from './check/index.js';
import { lowerModel } from './lower.js';
import type { FlowIR } from './ir/types.js';
import { validateFlowIR } from './ir/schema.js';
import {
  renderDiagnostics as renderText,
  renderJson,
  type JsonDiagnostic,
  type RenderOptions,
} from './diagnostics/render.js';
import { suggest } from './check/suggest.js';
import * as N from './diagnostics/codes-names.js';

export type { CheckedModel } from './check/model.js';
export type { FlowIR } from './ir/types.js';
export type { JsonDiagnostic, RenderOptions } from './diagnostics/render.js';
export { CATALOGUE, lookupCode } from './diagnostics/catalogue.js';
export { lowerModel } from './lower.js';
export { validateFlowIR } from './ir/schema.js';
export { printCheckedModel } from './check/print.js';

export interface CheckResult {
  file: FileNode | undefined;
  models: CheckedModel[];
  diagnostics: Diagnostic[];
}
export interface CompileResult {
  ir: FlowIR | undefined;
  diagnostics: Diagnostic[];
}

export const isYamlFile = (file: string): boolean => /\.ya?ml$/i.test(file);

let schemaCache: unknown;

const wholeFile = (file: string, text: string): Span => ({ file, start: 0, end: Math.min(text.length, 1) });
const errText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** by file, then position, then code: the order tools and goldens print them in */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      a.span.end - b.span.end ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function checkSource(text: string, file: string): CheckResult {
  let ast: FileNode | undefined;
  const diagnostics: Diagnostic[] = [];
  try {
    if (isYamlFile(file)) {
      schemaCache ??= generateSchema();
      const r = parseFlowYaml(text, file, schemaCache as never);
      ast = r.value;
      diagnostics.push(...r.diagnostics);
    } else {
      const r = parseFlow(text, file);
      ast = r.value;
      diagnostics.push(...r.diagnostics);
    }
  } catch (e) {
    diagnostics.push(makeDiagnostic(N.INTERNAL_ERROR, wholeFile(file, text), { what: `while parsing: ${errText(e)}` }));
  }
  let models: CheckedModel[] = [];
  if (ast) {
    const syntaxErrors = hasErrors(diagnostics);
    const r = checkFile(ast, { partial: syntaxErrors });
    models = r.models;
    // after a syntax error the checker sees a file with pieces missing (a dropped `let`, a model
    // without its `prior`): what it finds then follows from the syntax error, so only that is shown
    if (!syntaxErrors) diagnostics.push(...r.diagnostics);
  }
  return { file: ast, models, diagnostics: sortDiagnostics(diagnostics) };
}

export function compileSource(text: string, file: string, modelName?: string): CompileResult {
  const checked = checkSource(text, file);
  const diagnostics = [...checked.diagnostics];
  const names = checked.models.map((m) => m.name);
  const anchor = checked.file?.span ?? wholeFile(file, text);
  let model: CheckedModel | undefined;
  if (modelName !== undefined) {
    model = checked.models.find((m) => m.name === modelName);
    if (!model)
      diagnostics.push(
        makeDiagnostic(
          N.UNKNOWN_MODEL,
          { ...anchor, end: anchor.start },
          { name: modelName, suggestion: suggest(modelName, names), known: names.join(', ') },
        ),
      );
  } else if (checked.models.length === 1) model = checked.models[0];
  else if (checked.models.length === 0) {
    if (!hasErrors(diagnostics)) diagnostics.push(makeDiagnostic(N.NO_MODEL, { ...anchor, end: anchor.start }, {}));
  } else
    diagnostics.push(makeDiagnostic(N.AMBIGUOUS_MODEL, { ...anchor, end: anchor.start }, { known: names.join(', ') }));

  if (!model || hasErrors(diagnostics)) return { ir: undefined, diagnostics };
  try {
    const ir = lowerModel(model, { source: text });
    const problems = validateFlowIR(ir);
    if (problems.length) {
      diagnostics.push(
        makeDiagnostic(N.INTERNAL_ERROR, model.node.name.span, {
          what: `lowered IR does not match its schema: ${problems.slice(0, 3).join('; ')}`,
        }),
      );
      return { ir: undefined, diagnostics };
    }
    return { ir, diagnostics };
  } catch (e) {
    diagnostics.push(makeDiagnostic(N.INTERNAL_ERROR, model.node.name.span, { what: `while lowering: ${errText(e)}` }));
    return { ir: undefined, diagnostics };
  }
}

export function renderDiagnostics(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  opts?: RenderOptions,
): string {
  return renderText(diags, sources, opts);
}

export function renderDiagnosticsJson(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
): JsonDiagnostic[] {
  return renderJson(diags, sources);
}
