// flowc interpolate RUN --data SRC [--pairs N] [--steps K] [--slerp] [--seed S] -o FILE.png: latent
// interpolation between real examples (Dinh et al. 2017, Kingma & Dhariwal 2018). Each pair
// (a, b) of rows of SRC is encoded, z = f(x); the path z(t), t = 0 … 1 in K steps, is linear
// ((1−t)·z_a + t·z_b) or spherical (--slerp) and is decoded, x(t) = f⁻¹(z(t)). Images: a grid
// with one row per pair and one column per step. 2-D data: the straight latent paths over the
// prior beside the decoded paths over the model density.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { checkWritable, fsReason, UsageError, UserError, type CliIO } from '../io.js';
import { intOption } from '../options.js';
import { openRun } from '../run.js';

export interface InterpolateOptions {
  data: string;
  out: string;
  pairs: number;
  steps: number;
  slerp?: boolean;
  seed: number;
}

/** z(t) between a and b: linear, or spherical (slerp; linear where a and b are parallel) */
export function interpolate(a: Float32Array, b: Float32Array, t: number, slerp = false): Float32Array {
  const out = new Float32Array(a.length);
  let wa = 1 - t;
  let wb = t;
  if (slerp) {
    let ab = 0,
      aa = 0,
      bb = 0;
    for (let i = 0; i < a.length; i++) {
      ab += a[i]! * b[i]!;
      aa += a[i]! * a[i]!;
      bb += b[i]! * b[i]!;
    }
    const omega = Math.acos(Math.min(1, Math.max(-1, ab / Math.sqrt(aa * bb || 1))));
    const so = Math.sin(omega);
    if (so > 1e-6) {
      wa = Math.sin((1 - t) * omega) / so;
      wb = Math.sin(t * omega) / so;
    }
  }
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

/** N distinct rows of n, drawn with a seeded shuffle (pairs are rows 2i, 2i+1 of the result) */
function pickRows(n: number, count: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  let s = (seed * 2654435761 + 1) >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(next() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, count);
}

const WHY_NOT: Record<string, string> = {
  autoregressive: 'an autoregressive model has no latent space to encode into (it models p(x_i | x_<i) directly)',
  vae: "a VAE's encoder gives a distribution q(z|x), not an invertible map, and its decoder is stochastic",
  energy:
    'an energy model is a flow fitted to a target density without data; ' +
    'its layers need not be invertible in the data direction',
};

export async function runInterpolate(io: CliIO, run: string, o: InterpolateOptions): Promise<number> {
  if (!/\.png$/i.test(o.out)) throw new UsageError(`-o ${o.out}: the output must be a .png`);
  if (o.steps < 2) throw new UsageError(`--steps ${o.steps}: at least 2 (the two ends)`);
  checkWritable('-o', o.out);
  // loaded here, not at the top: registering the command must not load the runtime
  const { checkData, loadRows, parseSource, prod } = await import('../../runtime/data/index.js');
  const ds = loadRows(parseSource(o.data));
  const { model, ir, backend } = await openRun(io, run);
  try {
    if (ir.family !== 'flow' || !model.forward || !model.inverse) {
      const article = ir.family === 'autoregressive' ? 'an' : 'a';
      throw new UserError(
        'flowc interpolate needs a flow model (an invertible map from data to latent); ' +
          `${ir.model} is ${article} ${ir.family} model: ${WHY_NOT[ir.family] ?? 'it has no inverse'}`,
      );
    }
    checkData(ds, ir.data);
    if (ds.n < 2 * o.pairs) throw new UserError(`--pairs ${o.pairs} needs ${2 * o.pairs} rows; ${ds.name} has ${ds.n}`);
    const t0 = Date.now();
    const tf = await import('@tensorflow/tfjs-core');
    const D = prod(ir.data.shape);
    const rows = pickRows(ds.n, 2 * o.pairs, o.seed);
    const x = new Float32Array(rows.length * D);
    rows.forEach((r, i) => x.set(ds.x.subarray(r * D, (r + 1) * D), i * D));
    const zt = tf.tidy(() => model.forward!(tf.tensor(x, [rows.length, ...ir.data.shape])).z);
    const z = Float32Array.from(zt.dataSync() as Float32Array);
    zt.dispose();
    const L = z.length / rows.length;
    const path = new Float32Array(o.pairs * o.steps * L);
    for (let p = 0; p < o.pairs; p++) {
      const a = z.subarray(2 * p * L, (2 * p + 1) * L);
      const b = z.subarray((2 * p + 1) * L, (2 * p + 2) * L);
      for (let k = 0; k < o.steps; k++) path.set(interpolate(a, b, k / (o.steps - 1), o.slerp), (p * o.steps + k) * L);
    }
    const xt = tf.tidy(() => model.inverse!(tf.tensor2d(path, [o.pairs * o.steps, L])).x);
    const decoded = Float32Array.from(xt.dataSync() as Float32Array);
    xt.dispose();
    const pics = await import('../../runtime/pictures/model-pictures.js');
    let png: Buffer;
    const shape = pics.pictureShape(ir);
    if (shape) {
      const { imageGrid } = await import('../../runtime/pictures/grid.js');
      const range = pics.valueRange(ir.data.domain);
      png = imageGrid(decoded, o.pairs * o.steps, shape, { range, scale: 3, cols: o.steps });
    } else if (D === 2 && ir.data.domain.kind === 'real') {
      const { interpolationPicture } = await import('../../runtime/pictures/paths.js');
      const shown = ds.x.subarray(0, Math.min(ds.n, 4000) * 2);
      png = interpolationPicture(model, ir, shown, path, decoded, o.pairs, o.steps);
    } else {
      throw new UserError(
        'a picture needs image data [C, H, W], square discrete vectors or 2-D points; ' +
          `${ir.model} has data of shape [${ir.data.shape.join(', ')}]`,
      );
    }
    try {
      writeFileSync(o.out, png);
    } catch (e) {
      throw new UserError(`-o ${o.out}: cannot write there: ${fsReason(e)}`);
    }
    const how = o.slerp ? 'spherical' : 'linear';
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    io.out(
      `wrote ${o.pairs} ${how} latent interpolation${o.pairs > 1 ? 's' : ''} of ${o.steps} steps ` +
        `between rows of ${ds.name} to ${o.out} (${secs}s, backend ${backend})\n`,
    );
    return 0;
  } finally {
    model.dispose();
  }
}

/** Adds `interpolate` to the flowc program. */
export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('interpolate')
    .description('encode pairs of real examples with a trained flow, interpolate their latents, decode a grid (.png)')
    .argument('<run>', 'run directory (or its checkpoint file)')
    .requiredOption('--data <src>', 'where the real examples come from (toy:NAME, mnist, or a .csv/.npy/.idx file)')
    .requiredOption('-o, --out <file>', 'output .png: one row per pair for images; paths over the density for 2-D data')
    .addOption(new Option('--pairs <n>', 'number of pairs of examples').argParser(intOption(1)).default(4))
    .addOption(
      new Option('--steps <k>', 'points along each path, both ends included').argParser(intOption(2)).default(8),
    )
    .option('--slerp', 'spherical interpolation (keeps the latent norm typical of the prior) instead of linear')
    .addOption(new Option('--seed <n>', 'which rows are paired (a seeded draw)').argParser(intOption(0)).default(0))
    .action(async (run: string, opts: InterpolateOptions) => done(await runInterpolate(io, run, opts)));
}
