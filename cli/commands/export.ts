// flowc export RUN -o DIR: a trained run (directory or checkpoint file) as model.json + weights.bin in
// TensorFlow.js's IO format (runtime/io.ts saveModel), which `loadModel(DIR)` of the flowc package reads.
// TensorFlow.js is imported only when the command runs: registering it costs `flowc check` nothing.
import type { Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { type CliIO, makeDirs, UsageError, UserError } from '../io.js';
import { openRun } from '../run.js';

export async function runExport(io: CliIO, run: string, o: { out: string; target?: string }): Promise<number> {
  const target = o.target ?? 'tfjs';
  if (target !== 'tfjs' && target !== 'pytorch') {
    throw new UsageError(`--target ${target}: unknown target; use tfjs or pytorch`);
  }
  if (target === 'pytorch') return exportTorch(io, run, o.out);
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) {
    throw new UserError(`-o ${o.out}: cannot write there: it is a file`);
  }
  if (existsSync(o.out) && readdirSync(o.out).some((f) => f !== 'model.json' && f !== 'weights.bin')) {
    throw new UserError(`-o ${o.out}: the folder holds other files; export into a new or empty folder`);
  }
  const { model, ir, ck, backend } = await openRun(io, run);
  const step = ck?.step ?? 0; // 0: a FlowIR file, the model at its initialisation
  try {
    makeDirs('-o', o.out);
    const { saveModel } = await import('../../runtime/io.js');
    await saveModel(model, o.out);
  } finally {
    model.dispose();
  }
  io.out(`exported ${ir.model} (step ${step}) to ${o.out}: model.json + weights.bin (backend ${backend})\n`);
  return 0;
}

/** a run as a PyTorch package carrying its weights (cli/torch-package.ts) */
async function exportTorch(io: CliIO, run: string, out: string): Promise<number> {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UserError(`-o ${out}: cannot write there: it is a file`);
  }
  const { emitTorch } = await import('../../compiler/targets/pytorch/emit.js');
  const { unsupportedMessage, writeTorchPackage } = await import('../torch-package.js');
  const { model, ir, ck } = await openRun(io, run);
  try {
    const r = emitTorch(ir, run);
    if ('unsupported' in r) {
      throw new UserError(
        r.unsupported
          .map((u) => unsupportedMessage(ir, run, u))
          .join('')
          .trimEnd(),
      );
    }
    await writeTorchPackage(io, ir, run, out, model, ck?.step ?? 0);
  } finally {
    model.dispose();
  }
  const step = ck?.step ?? 0;
  io.out(`exported ${ir.model} (step ${step}) to ${out}: a PyTorch package (model.py, train.py, weights.ckpt)\n`);
  return 0;
}

/** Adds `export` to the flowc program. */
export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('export')
    .description('write a trained run as model.json + weights.bin (TensorFlow.js format) for loadModel()')
    .argument('<run>', 'run directory (or its checkpoint file)')
    .requiredOption('-o, --out <dir>', 'output folder (created; must be new, empty or a previous export)')
    .option(
      '--target <target>',
      'tfjs (default): model.json + weights.bin; pytorch: a PyTorch package with the weights',
    )
    .action(async (run: string, opts: { out: string; target?: string }) => done(await runExport(io, run, opts)));
}
