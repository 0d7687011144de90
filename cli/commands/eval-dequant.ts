// flowc eval RUN --dequant-samples K: for a dequantized flow, the dequantization bound (the mean of K
// single-sample bounds, what training maximizes) and the K-sample importance-weighted estimate of log P(x),
// both in nats/example and bits/dim, as the Flow++ paper reports them. Per-example file: two columns, the
// bound then the importance-weighted estimate.
import { writeFileSync } from 'node:fs';
import type { FlowIR } from '../../compiler/ir/types.js';
import type { FlowModel } from '../../runtime/model.js';
import { prod, type Dataset } from '../../runtime/data/index.js';
import { encodeNpy } from '../../runtime/data/npy.js';
import { fsReason, UsageError, UserError, type CliIO } from '../io.js';
import { rowsProgress } from '../progress.js';

export interface DequantEvalArgs {
  model: FlowModel;
  ir: FlowIR;
  ds: Dataset;
  batch: number;
  K: number;
  backend: string;
  perExample?: string;
  perExt?: string;
}

export async function runDequantEval(io: CliIO, a: DequantEvalArgs): Promise<number> {
  const { dequantEstimates, isDequantized } = await import('../../runtime/dequant-eval.js');
  const { model, ir, ds } = a;
  if (!isDequantized(ir)) {
    model.dispose();
    throw new UsageError(
      `--dequant-samples: model ${ir.model} does not dequantize its data (its flow does not start ` +
        'with dequantize), so there is no dequantization bound to estimate',
    );
  }
  const D = prod(ir.data.shape);
  const t0 = Date.now();
  const progress = rowsProgress(io, `evaluating ${ir.model} (${a.K} dequantization samples)`);
  progress(0, ds.n);
  let est;
  try {
    est = dequantEstimates(model, ir, ds.x, ds.n, a.K, a.batch, (done) => progress(done, ds.n));
  } finally {
    model.dispose();
  }
  const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const line = (what: string, v: Float32Array) => {
    const nats = -mean(v);
    return `${what} ${nats.toFixed(4)} nats/example = ${(nats / (D * Math.LN2)).toFixed(4)} bits/dim`;
  };
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  io.out(`${line('-bound (dequantization ELBO, mean of single-sample bounds)', est.bound)}\n`);
  io.out(
    `${line(`NLL (importance-weighted, K=${a.K})`, est.iw)} over ${ds.n} examples of ${ds.name} ` +
      `(model ${ir.model}, backend ${a.backend}, ${secs}s)\n`,
  );
  if (a.perExample) {
    const table = new Float32Array(ds.n * 2);
    for (let i = 0; i < ds.n; i++) {
      table[2 * i] = est.bound[i]!;
      table[2 * i + 1] = est.iw[i]!;
    }
    const rows = Array.from({ length: ds.n }, (_, i) => `${table[2 * i]},${table[2 * i + 1]}`);
    const bytes = a.perExt === 'npy' ? encodeNpy(table, [ds.n, 2]) : rows.join('\n') + '\n';
    try {
      writeFileSync(a.perExample, bytes);
    } catch (e) {
      throw new UserError(`--per-example ${a.perExample}: cannot write there: ${fsReason(e)}`);
    }
    io.out(`wrote ${ds.n} rows of bound, importance-weighted log-likelihood (nats) to ${a.perExample}\n`);
  }
  const bad = est.iw.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new UserError(`row ${bad + 1} of ${ds.name} has a non-finite log-probability under ${ir.model}`);
  return 0;
}
