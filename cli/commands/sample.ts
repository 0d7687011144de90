// flowc sample RUN -n N [--temperature T] [--seed N] [--decode argmax|sample] -o FILE
// (.png grid for images, .npy/.csv otherwise; --decode: categorical flows)
// Warns when the checkpoint's weights or the samples hold NaN or ±Infinity (a diverged run).
import { writeFileSync } from 'node:fs';
import { formatCsv } from '../../runtime/data/csv.js';
import { encodeNpy } from '../../runtime/data/npy.js';
import { checkWritable, fsReason, UsageError, UserError, type CliIO } from '../io.js';
import { openRun } from '../run.js';

type SampleFlags = {
  n: number;
  out: string;
  temperature: number;
  seed: number;
  decode?: 'argmax' | 'sample';
  condition?: number;
};

/** --condition y: only a model with `condition`, and a class it has */
function checkCondition(ir: import('../../compiler/ir/types.js').FlowIR, y: number | undefined): void {
  if (y === undefined) return;
  const c = ir.condition;
  if (!c)
    throw new UsageError(`--condition: ${ir.model} is not a conditional model (it has no \`condition\` declaration)`);
  if (c.domain.kind === 'categorical' && !(Number.isInteger(y) && y >= 0 && y < c.size)) {
    throw new UsageError(`--condition ${y}: \`${c.name}\` is a class 0..${c.size - 1}`);
  }
}

export async function runSample(io: CliIO, run: string, o: SampleFlags): Promise<number> {
  const ext = /\.(png|npy|csv)$/i.exec(o.out)?.[1]?.toLowerCase();
  if (!ext) throw new UsageError(`-o ${o.out}: the output must end in .png, .npy or .csv`);
  checkWritable('-o', o.out);
  const { model, ir, backend } = await openRun(io, run);
  try {
    checkCondition(ir, o.condition);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const shape = ir.data.shape;
  const first = ir.flow?.[0];
  if (o.decode && !(first?.kind === 'dequantize' && first.args.type === 'categorical')) {
    model.dispose();
    throw new UsageError(`--decode applies to flows that start with dequantize(categorical); ${ir.model} does not`);
  }
  const D = shape.reduce((a, b) => a * b, 1);
  const { samplesOf, valueRange, pictureShape } = await import('../../runtime/pictures/model-pictures.js');
  const imageShape = pictureShape(ir);
  if (ext === 'png' && !imageShape && D !== 2) {
    model.dispose();
    throw new UserError(
      `a .png needs image data [C, H, W], square discrete vectors or 2-D points; ` +
        `${ir.model} has data of shape [${shape.join(', ')}]: use .npy or .csv`,
    );
  }
  const { firstNonFiniteVariable, nonFiniteRows } = await import('../../runtime/train-guard.js');
  const badWeight = firstNonFiniteVariable(model);
  if (badWeight) {
    io.err(`flowc: warning: ${run}: weight ${badWeight} of the checkpoint is not finite (the run diverged)\n`);
  }
  const t0 = Date.now();
  const x = samplesOf(model, o.n, {
    temperature: o.temperature,
    seed: o.seed,
    decode: o.decode,
    ...(o.condition !== undefined ? { condition: o.condition } : {}),
  });
  model.dispose();
  const bad = nonFiniteRows(x, o.n);
  if (bad > 0) {
    io.err(
      `flowc: warning: ${bad} of ${o.n} samples hold non-finite values (NaN or ±Infinity)` +
        `${ext === 'png' ? ': the picture does not show what the model sampled' : ''}\n`,
    );
  }
  let bytes: Uint8Array | string;
  if (ext === 'npy') bytes = encodeNpy(x, [o.n, ...shape]);
  else if (ext === 'csv') bytes = formatCsv(x, o.n);
  else if (imageShape) {
    const { imageGrid } = await import('../../runtime/pictures/grid.js');
    const { classGridColumns } = await import('../../runtime/condition.js');
    // a class-conditional model without --condition: one row per class
    const cols = o.condition === undefined ? classGridColumns(ir, o.n) : undefined;
    bytes = imageGrid(x, o.n, imageShape, { range: valueRange(ir.data.domain), scale: 3, ...(cols ? { cols } : {}) });
  } else {
    const { scatterPicture } = await import('../../runtime/pictures/density.js');
    bytes = scatterPicture(x);
  }
  try {
    writeFileSync(o.out, bytes);
  } catch (e) {
    throw new UserError(`-o ${o.out}: cannot write there: ${fsReason(e)}`);
  }
  io.out(
    `wrote ${o.n} samples of ${ir.model} to ${o.out} (${((Date.now() - t0) / 1000).toFixed(1)}s, backend ${backend})\n`,
  );
  return 0;
}
