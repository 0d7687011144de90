// Reading and compiling a spec for the commands that need FlowIR (explain, compile, train). A FlowIR file
// written by `flowc compile` (JSON, `.flowir.json`) is accepted in place of a spec: it is checked
// against the FlowIR schema instead of being compiled.
import { readFileSync, statSync } from 'node:fs';
import type { FlowIR } from '../compiler/ir/types.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { Reported, UsageError, UserError, type CliIO } from './io.js';

/** Reads a file the user named; a missing file is a usage error (exit 2). */
export function readInput(path: string, what = 'file'): string {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a directory, expected a ${what}`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`,
    );
  }
}

const isError = (d: Diagnostic) => d.severity === 'error';

/** A file holding FlowIR (JSON) rather than a spec: by its name, or by its first character. */
export const isFlowIRText = (path: string, text: string): boolean =>
  /\.json$/i.test(path) || text.trimStart().startsWith('{') || text.trimStart().startsWith('[');

/** FlowIR from a `flowc compile` file: one model, or the one `model` names of a list. */
export async function readFlowIR(path: string, text: string, model?: string): Promise<FlowIR> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not a spec and not valid FlowIR JSON (${(e as Error).message})`);
  }
  const all = Array.isArray(json) ? json : [json];
  const named = (m: unknown): string | undefined =>
    m && typeof m === 'object' ? String((m as { model?: unknown }).model) : undefined;
  const pick = model === undefined ? all : all.filter((m) => named(m) === model);
  if (pick.length !== 1) {
    const names = all.map(named).join(', ');
    throw new UserError(
      model === undefined
        ? `${path} holds ${all.length} models (${names}): pick one with --model NAME`
        : `${path} has no model ${model} (it holds ${names})`,
    );
  }
  const { validateFlowIR } = await import('../compiler/index.js');
  const problems = validateFlowIR(pick[0]);
  if (problems.length) {
    throw new UserError(`${path}: not valid FlowIR (${problems.slice(0, 3).join('; ')}); write it with flowc compile`);
  }
  return pick[0] as FlowIR;
}

/** Prints diagnostics (errors and warnings) to stderr. */
export async function printDiagnostics(io: CliIO, diags: Diagnostic[], sources: Map<string, string>): Promise<void> {
  if (diags.length === 0) return;
  const { renderDiagnostics } = await import('../compiler/index.js');
  const text = renderDiagnostics(diags, sources, { color: io.color });
  io.err(text.endsWith('\n') ? text : text + '\n');
}

/**
 * Compiles SPEC to FlowIR. Errors are printed as rendered diagnostics, then the command exits 1
 * with one summary line; warnings are printed unless `quietWarnings` (and those marked checkOnly never).
 */
export async function compileSpec(io: CliIO, path: string, model?: string, quietWarnings = false): Promise<FlowIR> {
  const text = readInput(path, 'spec file');
  if (isFlowIRText(path, text)) return readFlowIR(path, text, model);
  const { compileSource } = await import('../compiler/index.js');
  const res = compileSource(text, path, model);
  const errors = res.diagnostics.filter(isError);
  // design advice (checkOnly) is `flowc check`'s to show, once, not every train/explain/compile's
  const shown = quietWarnings ? errors : res.diagnostics.filter((d) => isError(d) || !d.checkOnly);
  await printDiagnostics(io, shown, new Map([[path, text]]));
  if (errors.length > 0 || !res.ir) {
    io.err(`flowc: error: ${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was built\n`);
    throw new Reported(1);
  }
  return res.ir;
}
