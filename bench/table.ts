// The table `npm run bench` prints (one tab-separated row per workload) and the fields a result line
// gains from the PyTorch reference and, with --torch-target, from the emitted PyTorch package.
import type { FlowcResult } from './run-flowc.js';
import type { TorchResult } from './torch-ref.js';
import type { Workload } from './workloads.js';

export type Failure = { workload: string; error: string };

export const f0 = (x: unknown) => (typeof x === 'number' ? (x >= 100 ? x.toFixed(0) : x.toPrecision(3)) : '—');

const eps = (r: TorchResult | Failure | null | undefined) =>
  r && 'examples_per_sec' in r ? r.examples_per_sec : undefined;

/** flowc's result line with the reference's and the emitted package's figures beside it */
export function resultLine(
  fr: FlowcResult | Failure,
  tr: TorchResult | Failure | null,
  tt?: TorchResult | Failure | null,
): Record<string, unknown> {
  const line: Record<string, unknown> = { ...fr };
  const tEps = eps(tr);
  if ('examples_per_sec' in fr && tEps) line.ratio_vs_torch = fr.examples_per_sec / tEps;
  if (tr && 'test_nll' in tr && 'test_nll' in fr) line.torch_test_nll = tr.test_nll;
  if (tEps) line.torch_examples_per_sec = tEps;
  const ttEps = eps(tt);
  if (ttEps) line.torch_target_examples_per_sec = ttEps;
  if (ttEps && tEps) line.torch_target_ratio_vs_torch = ttEps / tEps;
  return line;
}

/** the header; `target`: the emitted package's two columns after the reference's ratio */
export function tableHead(target: boolean): string[] {
  return [
    '',
    'workload',
    'backend',
    'flowc ex/s',
    'torch ex/s',
    'ratio',
    ...(target ? ['emitted ex/s', 'emitted/torch'] : []),
    'RSS MB',
    'torch RSS',
    'tensors',
    'test NLL',
    '',
  ];
}

/** the rows of one workload: its figures, then a row per engine error */
export function tableRows(
  w: Workload,
  fr: FlowcResult,
  line: Record<string, unknown>,
  tr: TorchResult | Failure | null,
  tt?: TorchResult | Failure | null,
): string[][] {
  const s = fr.sampling;
  const ratio = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : '—');
  const rows = [
    [
      w.id,
      w.name,
      `${fr.backend}${fr.replicas > 1 ? ' ×2 replicas' : fr.wasm_threads > 1 ? ` ${fr.wasm_threads} threads` : ''}`,
      f0(fr.examples_per_sec),
      f0(line.torch_examples_per_sec),
      ratio(line.ratio_vs_torch),
      ...(tt !== undefined ? [f0(line.torch_target_examples_per_sec), ratio(line.torch_target_ratio_vs_torch)] : []),
      fr.peak_rss_mb.toFixed(0),
      f0(tr && 'peak_rss_mb' in tr ? tr.peak_rss_mb : undefined),
      `${fr.num_tensors_start}→${fr.num_tensors_end}`,
      fr.test_nll !== undefined ? `${fr.test_nll.toFixed(2)} vs ${f0(line.torch_test_nll)} ${fr.test_unit}` : '',
      s
        ? `sampling 16: fast ${s.fast_seconds_784.toFixed(2)}s, naive ` +
          `${s.naive_seconds_784.toFixed(1)}s ` +
          `(${s.speedup.toFixed(0)}×${s.sample_784_extrapolated ? ', extrapolated' : ''}), ` +
          `identical: ${s.identical}`
        : '',
    ],
  ];
  if (tr && 'error' in tr) rows.push(['', '', `torch: ${tr.error}`]);
  if (tt && 'error' in tt) rows.push(['', '', `torch target: ${tt.error}`]);
  return rows;
}
