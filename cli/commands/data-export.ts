// flowc data export SRC -o FILE.npy [--labels LABELS.npy] [--held-out]: any data source flowc reads (toy sets,
// MNIST, files), written as the float32 .npy rows `flowc train` trains on (or the rows it holds out), and the
// rows' labels (MNIST's digits, a file's ?labels=) for a `condition y` model, e.g. for train.py of a PyTorch
// package (compile --target pytorch), which reads .npy files.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { fsReason, UserError, type CliIO } from '../io.js';

export interface DataExportOptions {
  out: string;
  labels?: string;
  heldOut?: boolean;
  seed?: string;
}

export async function runDataExport(io: CliIO, src: string, o: DataExportOptions): Promise<number> {
  if (!/\.npy$/i.test(o.out)) throw new UserError(`-o ${o.out}: write a .npy file`);
  if (o.labels !== undefined && !/\.npy$/i.test(o.labels))
    throw new UserError(`--labels ${o.labels}: write a .npy file`);
  const { parseSource, loadSplit, DataError, encodeNpy } = await import('../../runtime/data/index.js');
  let rows;
  try {
    const split = loadSplit(parseSource(src), Number(o.seed ?? 0));
    rows = o.heldOut ? split.test : split.train;
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message);
    throw e;
  }
  if (o.labels !== undefined && !rows.y) {
    throw new UserError(
      `--labels ${o.labels}: ${rows.name} has no labels (MNIST has its digits; a file takes ?labels=)`,
    );
  }
  const write = (flag: string, file: string, data: Uint8Array) => {
    try {
      writeFileSync(file, data);
    } catch (e) {
      throw new UserError(`${flag} ${file}: cannot write there: ${fsReason(e)}`);
    }
  };
  write('-o', o.out, encodeNpy(rows.x, [rows.n, ...rows.shape]));
  io.out(`wrote ${o.out}: ${rows.n} rows of [${rows.shape.join(', ')}] from ${rows.name}\n`);
  if (o.labels !== undefined && rows.y) {
    const per = rows.ySize ?? 1;
    write('--labels', o.labels, encodeNpy(rows.y, per === 1 ? [rows.n] : [rows.n, per]));
    io.out(`wrote ${o.labels}: the ${per === 1 ? 'label' : `${per} condition values`} of each row\n`);
  }
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
    .option('--labels <file>', "also write the rows' labels (MNIST's digits) as this .npy, for a `condition y` model")
    .option('--held-out', 'write the rows training holds out instead')
    .option('--seed <n>', 'the seed of the 10% hold-out of a file source (flowc train --seed)')
    .action(async (src: string, opts: DataExportOptions) => done(await runDataExport(io, src, opts)));
}
