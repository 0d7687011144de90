// flowc eval RUN [--data SRC] [--per-example FILE]: NLL in nats/example (and bits/dim for discrete data).
// For a VAE (and a flow on categorical data, whose first layer encodes x by q(z|x)) the NLL is the k-sample
// importance-weighted estimate, printed after −ELBO (−bound); its
// per-example file has two columns: the ELBO, then the importance-weighted log-likelihood.
// Long evaluations show progress; a checkpoint with non-finite weights, or rows whose
// log-probability is not finite, are reported (the NLL is then an error, not a number).
import { writeFileSync } from 'node:fs';
import {
  checkData,
  checkLabels,
  isDiscrete,
  loadRows,
  parseSource,
  prod,
  type Dataset,
} from '../../runtime/data/index.js';
import { checkLabelSource, dataWithLabels, runTestRows } from '../data.js';
import { encodeNpy } from '../../runtime/data/npy.js';
import { checkWritable, fsReason, UsageError, UserError, type CliIO } from '../io.js';
import { rowsProgress } from '../progress.js';
import { openRun } from '../run.js';

type EvalOptions = {
  data?: string;
  labels?: string;
  /** --label-column COL: the labels are column COL of the --data CSV */
  labelColumn?: string;
  perExample?: string;
  batch?: number;
  iwSamples?: number;
  evalEnsemble?: number;
  dequantSamples?: number;
};

/** --eval-ensemble N: only an order/connectivity-agnostic MADE has trained mask sets to average */
function applyEnsemble(model: object, n: number | undefined): string {
  if (n === undefined) return '';
  const m = model as { setEvalMembers?: (k: number) => void; conditional?: { agnostic?: boolean; members: number } };
  if (!m.setEvalMembers || !m.conditional?.agnostic) {
    throw new UsageError(
      '--eval-ensemble: the run is not an order/connectivity-agnostic MADE' +
        ' (made(orders: S, connectivities: C) with S·C > 1)',
    );
  }
  if (n > m.conditional.members) {
    throw new UsageError(`--eval-ensemble ${n}: the run trained ${m.conditional.members} mask sets`);
  }
  m.setEvalMembers(n);
  return `, ensemble of ${n} mask set${n === 1 ? '' : 's'}`;
}

export async function runEval(io: CliIO, run: string, o: EvalOptions): Promise<number> {
  const perExt = o.perExample ? /\.(npy|csv|txt)$/i.exec(o.perExample)?.[1]?.toLowerCase() : undefined;
  if (o.perExample && !perExt)
    throw new UsageError(`--per-example ${o.perExample}: the file must end in .csv, .txt or .npy`);
  if (o.perExample) checkWritable('--per-example', o.perExample);
  // --data: every row of that source, in input order (loaded before TensorFlow.js starts); else the run's own
  // test set, or the rows its training held out
  const src = dataWithLabels(o.data, o.labels, o.labelColumn);
  let ds: Dataset | undefined = src === undefined ? undefined : loadRows(parseSource(src));
  const { model, ir, backend, meta } = await openRun(io, run);
  let ensembleNote: string;
  try {
    ds ??= runTestRows(meta, run);
    if (src !== undefined) checkLabelSource(ir, parseSource(src));
    checkData(ds, ir.data);
    checkLabels(ds, ir);
    if (ir.condition && !ds.y) {
      throw new UserError(
        `${ir.model} is conditioned on \`${ir.condition.name}\`; ${ds.name} has no labels ` +
          '(pass --labels FILE, or --label-column COL of a CSV)',
      );
    }
    ensembleNote = applyEnsemble(model, o.evalEnsemble);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const { logProbRows } = await import('../../runtime/pictures/model-pictures.js');
  const { evalBatchFor } = await import('../../runtime/trainer.js');
  const { firstNonFiniteVariable } = await import('../../runtime/train-guard.js');
  const badWeight = firstNonFiniteVariable(model);
  if (badWeight) {
    io.err(`flowc: warning: ${run}: weight ${badWeight} of the checkpoint is not finite (the run diverged)\n`);
  }
  const iw = model as { iwSamples?: number };
  if (o.iwSamples !== undefined) {
    if (iw.iwSamples === undefined) {
      model.dispose();
      throw new UsageError(
        `--iw-samples applies to VAEs and flows that start with dequantize(categorical); ${ir.model} is neither`,
      );
    }
    iw.iwSamples = o.iwSamples;
  }
  const batch = o.batch ?? evalBatchFor(ir, 256);
  if (o.dequantSamples !== undefined) {
    const { runDequantEval } = await import('./eval-dequant.js');
    return runDequantEval(io, { model, ir, ds, batch, K: o.dequantSamples, backend, perExample: o.perExample, perExt });
  }
  const t0 = Date.now();
  // a batch at a time, with progress (a VAE makes two passes: importance-weighted, then the ELBO)
  const passes = model.elbo ? 2 : 1;
  const progress = rowsProgress(io, `evaluating ${ir.model}`);
  const D = prod(ir.data.shape);
  const { contextOf } = await import('../../runtime/condition.js');
  const k = ds.ySize ?? 1;
  type Rows = (
    x: Parameters<typeof model.logProb>[0],
    ctx?: Parameters<typeof model.logProb>[1],
  ) => ReturnType<typeof model.logProb>;
  const rowsOf = (pass: number, fn?: Rows) => {
    const out = new Float32Array(ds.n);
    for (let s = 0; s < ds.n; s += batch) {
      const m = Math.min(batch, ds.n - s);
      // p(x | y): these rows' labels as the context
      const ctx = ir.condition ? contextOf(ir, ds.y!.subarray(s * k, (s + m) * k), m) : undefined;
      const f = fn
        ? (x: Parameters<typeof model.logProb>[0]) => fn(x, ctx)
        : ctx
          ? (x: Parameters<typeof model.logProb>[0]) => model.logProb(x, ctx)
          : undefined;
      try {
        out.set(logProbRows(model, ir, ds.x.subarray(s * D, (s + m) * D), m, batch, f), s);
      } finally {
        ctx?.dispose();
      }
      progress(pass * ds.n + s + m, passes * ds.n);
    }
    return out;
  };
  progress(0, passes * ds.n);
  const lp = rowsOf(0);
  // the ELBO of p(x | y) with the same labels as the context
  const elbo = model.elbo ? rowsOf(1, (x, ctx) => model.elbo!(x, 1, ctx)) : undefined;
  model.dispose();
  let sum = 0;
  const bad: number[] = [];
  for (let i = 0; i < lp.length; i++) {
    if (!Number.isFinite(lp[i]!)) bad.push(i);
    sum += lp[i]!;
  }
  const nats = -sum / ds.n;
  // categorical data: one bit count per category (= per dimension)
  const unit = ir.data.domain.kind === 'categorical' ? 'bits/category' : 'bits/dim';
  const bitsOf = (n: number) => (isDiscrete(ir.data) ? ` = ${(n / (D * Math.LN2)).toFixed(4)} ${unit}` : '');
  const bpd = bitsOf(nats);
  if (elbo) {
    const negElbo = -elbo.reduce((a, b) => a + b, 0) / ds.n;
    const k = (model as { iwSamples?: number }).iwSamples;
    const what = ir.family === 'flow' ? '-bound (one draw z ~ q(z|x), the training objective)' : '-ELBO';
    const est = `importance-weighted estimate (k=${k}) follows`;
    io.out(`${what} ${negElbo.toFixed(4)} nats/example${bitsOf(negElbo)}; ${est}\n`);
  }
  const given = ir.condition ? ` (−log p(${ir.data.name} | ${ir.condition.name}))` : '';
  io.out(
    `NLL${given} ${nats.toFixed(4)} nats/example${bpd} over ${ds.n} examples of ${ds.name} ` +
      `(model ${ir.model}${ensembleNote}, backend ${backend}, ${((Date.now() - t0) / 1000).toFixed(1)}s)\n`,
  );
  if (o.perExample) {
    const cols = elbo ? 2 : 1;
    const table = new Float32Array(ds.n * cols);
    for (let i = 0; i < ds.n; i++) {
      if (elbo) table[i * 2] = elbo[i]!;
      table[i * cols + cols - 1] = lp[i]!;
    }
    const rows = Array.from({ length: ds.n }, (_, i) =>
      Array.from(table.subarray(i * cols, (i + 1) * cols), String).join(','),
    );
    const bytes = perExt === 'npy' ? encodeNpy(table, elbo ? [ds.n, 2] : [ds.n]) : rows.join('\n') + '\n';
    try {
      writeFileSync(o.perExample, bytes);
    } catch (e) {
      throw new UserError(`--per-example ${o.perExample}: cannot write there: ${fsReason(e)}`);
    }
    io.out(
      `wrote ${ds.n} ` +
        `${elbo ? 'rows of ELBO, importance-weighted log-likelihood' : 'log-probabilities'} ` +
        `(nats) to ${o.perExample}\n`,
    );
  }
  if (bad.length > 0) {
    const first = bad
      .slice(0, 5)
      .map((i) => `${i + 1} (${lp[i]})`)
      .join(', ');
    throw new UserError(
      `${bad.length} of ${ds.n} rows of ${ds.name} have a non-finite log-probability under ${ir.model} (rows ${first}` +
        `${bad.length > 5 ? ', ...' : ''}): the NLL is not a number` +
        (badWeight ? '; the checkpoint itself holds non-finite weights' : ''),
    );
  }
  return 0;
}
