// flowc data export SRC -o FILE.npy [--held-out]: any data source flowc reads (toy sets, MNIST, files),
// written as the float32 .npy rows `flowc train` trains on (or the rows it holds out), e.g. for
// train.py of a PyTorch package (compile --target pytorch), which reads .npy files.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { fsReason, UserError, type CliIO } from '../io.js';

export interface DataExportOptions {
  out: string;
  heldOut?: boolean;
  seed?: string;
}

export async function runDataExport(io: CliIO, src: string, o: DataExportOptions): Promise<number> {
  if (!/\.npy$/i.test(o.out)) throw new UserError(`-o ${o.out}: write a .npy file`);
  const { parseSource, loadSplit, DataError, encodeNpy } = await import('../../runtime/data/index.js');
  let rows;
  try {
    const split = loadSplit(parseSource(src), Number(o.seed ?? 0));
    rows = o.heldOut ? split.test : split.train;
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message);
    throw e;
  }
  try {
    writeFileSync(o.out, encodeNpy(rows.x, [rows.n, ...rows.shape]));
  } catch (e) {
    throw new UserError(`-o ${o.out}: cannot write there: ${fsReason(e)}`);
  }
  io.out(`wrote ${o.out}: ${rows.n} rows of [${rows.shape.join(', ')}] from ${rows.name}\n`);
  return 0;
}

/** Adds `data export` to the flowc program. */
export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('data')
    .description('data tools: `data export SRC -o FILE.npy` writes a source as the rows flowc train reads')
    .command('export')
    .description('write a data source (toy:NAME, mnist, files) as the float32 .npy rows flowc train trains on')
    .argument('<source>', 'data source, as --data of flowc train takes it (toy:moons, mnist, FILE.csv, ...)')
    .requiredOption('-o, --out <file>', 'the .npy file to write')
    .option('--held-out', 'write the rows training holds out instead')
    .option('--seed <n>', 'the seed of the 10% hold-out of a file source (flowc train --seed)')
    .action(async (src: string, opts: DataExportOptions) => done(await runDataExport(io, src, opts)));
}
