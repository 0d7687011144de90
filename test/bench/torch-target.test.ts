// `npm run bench -- --torch-target`: the flag parses, the table gains the emitted package's ex/s and its
// ratio to the reference (from given figures: nothing here is timed), and a 2-step W5 run (energy target,
// reverse KL: no data files) gives a torch-target JSON line beside flowc's.
import { describe, expect, it, vi } from 'vitest';
import { parseBenchArgs, runBench } from '../../bench/cli.js';
import type { FlowcResult } from '../../bench/run-flowc.js';
import { resultLine, tableHead, tableRows } from '../../bench/table.js';
import { WORKLOADS } from '../../bench/workloads.js';
import { torchMissing } from '../support/torch.js';

const flowc = (eps: number): FlowcResult =>
  ({
    engine: 'flowc',
    workload: 'W1',
    backend: 'wasm',
    replicas: 1,
    wasm_threads: 1,
    examples_per_sec: eps,
    peak_rss_mb: 300,
    num_tensors_start: 80,
    num_tensors_end: 80,
  }) as FlowcResult;

describe('the --torch-target column of npm run bench', () => {
  it('parses --torch-target with the other flags (off unless given)', () => {
    const on = parseBenchArgs(['--torch-target', '--workload', 'W1,W5', '--steps', '3']);
    expect(on.values['torch-target']).toBe(true);
    expect(on.workloads).toEqual(['W1', 'W5']);
    expect(on.opts.steps).toBe(3);
    expect(parseBenchArgs(['--workload', 'W2']).values['torch-target']).toBeUndefined();
  });

  it('puts the emitted ex/s and its ratio to the reference after the reference ratio', () => {
    const fr = flowc(30_000);
    const tr = { workload: 'W1', examples_per_sec: 60_000, peak_rss_mb: 200 };
    const tt = { workload: 'W1', examples_per_sec: 45_000, peak_rss_mb: 210 };
    const line = resultLine(fr, tr, tt);
    expect(line).toMatchObject({
      ratio_vs_torch: 0.5,
      torch_examples_per_sec: 60_000,
      torch_target_examples_per_sec: 45_000,
      torch_target_ratio_vs_torch: 0.75,
    });
    const head = tableHead(true);
    const [row] = tableRows(WORKLOADS.W1, fr, line, tr, tt);
    expect(row).toHaveLength(head.length);
    const cell = (name: string) => row![head.indexOf(name)];
    expect([cell('flowc ex/s'), cell('torch ex/s'), cell('ratio')]).toEqual(['30000', '60000', '0.50']);
    expect([cell('emitted ex/s'), cell('emitted/torch')]).toEqual(['45000', '0.75']);
    expect(head.indexOf('emitted ex/s')).toBe(head.indexOf('ratio') + 1);
  });

  it('leaves the columns out without the flag and shows a failed emitted run as an error row', () => {
    const fr = flowc(1000);
    const tr = { workload: 'W1', examples_per_sec: 2000 };
    const plain = tableRows(WORKLOADS.W1, fr, resultLine(fr, tr), tr);
    expect(tableHead(false)).not.toContain('emitted ex/s');
    expect(plain).toHaveLength(1);
    expect(plain[0]).toHaveLength(tableHead(false).length);
    const tt = { workload: 'W1', error: 'torch_target.py exited 1: boom' };
    const line = resultLine(fr, tr, tt);
    expect(line.torch_target_examples_per_sec).toBeUndefined();
    const rows = tableRows(WORKLOADS.W1, fr, line, tr, tt);
    expect(rows[0]![tableHead(true).indexOf('emitted ex/s')]).toBe('—');
    expect(rows[1]).toEqual(['', '', 'torch target: torch_target.py exited 1: boom']);
  });

  it('runs the emitted W5 package (reverse KL) with the reference protocol and prints its JSON line', async (ctx) => {
    if (torchMissing()) ctx.skip();
    let out = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const argv = ['--workload', 'W5', '--steps', '2', '--warmup', '1', '--json', '--no-torch', '--no-save'];
      const code = await runBench([...argv, '--in-process', '--torch-target'], (s) => {
        out += s;
      });
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.engine)).toEqual(['flowc', 'torch-target']);
    const [f, t] = lines;
    expect(t).toMatchObject({ workload: 'W5', model: 'W5Planar', batch: 500, steps: 2, warmup: 1, params: 80 });
    expect(Number.isFinite(t!.final_loss)).toBe(true);
    expect(f!.torch_target_examples_per_sec).toBe(t!.examples_per_sec);
    expect(f!.torch_target_ratio_vs_torch).toBeUndefined(); // no reference run (--no-torch)
  }, 120_000);
});
