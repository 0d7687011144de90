// Reading and compiling a spec for the commands that need FlowIR (explain, compile, train).
import { readFileSync, statSync } from 'node:fs';
import type { FlowIR } from '../compiler/ir/types.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { Reported, UsageError, type CliIO } from './io.js';

/** Reads a file the user named; a missing file is a usage error (exit 2). */
export function readInput(path: string, what = 'file'): string {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a directory, expected a ${what}`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`);
  }
}

const isError = (d: Diagnostic) => d.severity === 'error';

/** Prints diagnostics (errors and warnings) to stderr. */
export async function printDiagnostics(io: CliIO, diags: Diagnostic[], sources: Map<string, string>): Promise<void> {
  if (diags.length === 0) return;
  const { renderDiagnostics } = await import('../compiler/index.js');
  const text = renderDiagnostics(diags, sources, { color: io.color });
  io.err(text.endsWith('\n') ? text : text + '\n');
}

/**
 * Compiles SPEC to FlowIR. Errors are printed as rendered diagnostics, then the command exits 1
 * with one summary line; warnings are printed unless `quietWarnings`.
 */
export async function compileSpec(io: CliIO, path: string, model?: string, quietWarnings = false): Promise<FlowIR> {
  const text = readInput(path, 'spec file');
  const { compileSource } = await import('../compiler/index.js');
  const res = compileSource(text, path, model);
  const errors = res.diagnostics.filter(isError);
  const shown = quietWarnings ? errors : res.diagnostics;
  await printDiagnostics(io, shown, new Map([[path, text]]));
  if (errors.length > 0 || !res.ir) {
    io.err(`flowc: error: ${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was built\n`);
    throw new Reported(1);
  }
  return res.ir;
}
