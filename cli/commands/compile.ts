// flowc compile SPEC -o DIR [--model NAME] [--dump-ast] [--dump-ir]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource, compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { printAst } from '../../grammar/print.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { fsReason, makeDirs, Reported, UsageError, UserError, type CliIO } from '../io.js';
import { printDiagnostics, readInput } from '../spec.js';

/** what `compile --target` writes: FlowIR JSON, or a PyTorch package (cli/torch-package.ts) */
export const TARGETS = ['flowir', 'pytorch'];

/** one package per model: DIR itself for one model, DIR/<Model> for several */
async function writeTorch(io: CliIO, spec: string, irs: FlowIR[], out: string): Promise<number> {
  const { emitTorch } = await import('../../compiler/targets/pytorch/emit.js');
  const { unsupportedMessage, writeTorchPackage } = await import('../torch-package.js');
  const missing = irs.flatMap((ir) => {
    const r = emitTorch(ir, spec);
    return 'unsupported' in r ? r.unsupported.map((u) => unsupportedMessage(ir, spec, u)) : [];
  });
  if (missing.length) {
    for (const m of missing) io.err(m);
    io.err(`flowc: error: ${spec}: no PyTorch package written\n`);
    throw new Reported(1);
  }
  for (const ir of irs) await writeTorchPackage(io, ir, spec, irs.length === 1 ? out : join(out, ir.model));
  return 0;
}

export async function runCompile(
  io: CliIO,
  spec: string,
  opts: { out?: string; model?: string; dumpAst?: boolean; dumpIr?: boolean; target?: string },
): Promise<number> {
  if (!opts.out && !opts.dumpAst && !opts.dumpIr)
    throw new UsageError('compile needs -o DIR (or --dump-ast / --dump-ir)');
  const target = opts.target ?? 'flowir';
  if (!TARGETS.includes(target)) {
    throw new UsageError(`--target ${target}: unknown target; use one of ${TARGETS.join(', ')}`);
  }
  if (target === 'pytorch' && !opts.out) throw new UsageError('compile --target pytorch needs -o DIR');
  const text = readInput(spec, 'spec file');
  const sources = new Map([[spec, text]]);
  const checked = checkSource(text, spec);
  if (opts.dumpAst) {
    if (!checked.file) throw new UserError(`${spec}: could not be parsed into an AST`);
    const ast = printAst(checked.file, { spans: true });
    io.out(ast.endsWith('\n') ? ast : ast + '\n');
  }
  const names = opts.model ? [opts.model] : checked.models.map((m) => m.name);
  const irs: FlowIR[] = [];
  let errors = checked.diagnostics.filter((d: Diagnostic) => d.severity === 'error').length;
  if (errors === 0) {
    for (const name of names.length ? names : [undefined]) {
      const res = compileSource(text, spec, name);
      const errs = res.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
      if (errs.length || !res.ir) {
        await printDiagnostics(io, res.diagnostics, sources);
        errors += Math.max(1, errs.length);
      } else irs.push(res.ir);
    }
    if (errors === 0) await printDiagnostics(io, checked.diagnostics, sources);
  } else await printDiagnostics(io, checked.diagnostics, sources);
  if (errors > 0) {
    io.err(`flowc: error: ${spec} has ${errors} error${errors === 1 ? '' : 's'}; no FlowIR written\n`);
    throw new Reported(1);
  }
  if (target === 'pytorch') return writeTorch(io, spec, irs, opts.out!);
  if (opts.dumpIr) io.out(JSON.stringify(irs.length === 1 ? irs[0] : irs, null, 2) + '\n');
  if (opts.out) {
    makeDirs('-o', opts.out);
    try {
      for (const ir of irs) {
        const file = join(opts.out, `${ir.model}.flowir.json`);
        writeFileSync(file, JSON.stringify(ir, null, 2) + '\n');
        io.err(`wrote ${file}\n`);
      }
    } catch (e) {
      throw new UserError(`-o ${opts.out}: cannot write there: ${fsReason(e)}`);
    }
  }
  return 0;
}
