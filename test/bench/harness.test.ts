// The bench harness runs (2 steps of W1, in process, no PyTorch, nothing saved) and prints one
// valid JSON line with the documented fields; bad flags give a message and exit code 2, no stack.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runBench } from '../../bench/cli.js';
import { dataDir } from '../../bench/data.js';

const hasData = fs.existsSync(path.join(dataDir(), 'moons_8192_f32.bin'));

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const code = await runBench(argv, (s) => {
      out += s;
    });
    return { code, out, err };
  } finally {
    spy.mockRestore();
  }
}

describe('npm run bench', () => {
  it.skipIf(!hasData)('runs 2 steps of W1 and prints one valid JSON line', async () => {
    const { code, out } = await capture([
      '--workload',
      'W1',
      '--steps',
      '2',
      '--warmup',
      '1',
      '--json',
      '--no-torch',
      '--no-save',
      '--in-process',
    ]);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!);
    expect(['wasm', 'cpu', 'tensorflow']).toContain(r.backend);
    expect(r).toMatchObject({ engine: 'flowc', workload: 'W1', steps: 2, warmup: 1, batch: 512, params: 36896 });
    expect(r.examples_per_sec).toBeGreaterThan(0);
    expect(r.examples_per_sec).toBeCloseTo((512 * 2) / r.seconds, 6);
    expect(r.peak_rss_mb).toBeGreaterThan(10);
    expect(Number.isFinite(r.final_loss)).toBe(true);
    expect(r.num_tensors_end).toBe(r.num_tensors_start); // no tensor leaks per step
    // the timed steps on every clock; one thread unless --wasm-threads
    expect(r.wasm_threads).toBe(1);
    expect(r.wall_seconds).toBeCloseTo(r.seconds, 2); // the default clock is wall (read a few µs apart)
    expect(r.cpu_seconds).toBeGreaterThan(0);
    expect(r.main_cpu_seconds).toBeGreaterThan(0);
    expect(r.main_cpu_seconds).toBeLessThanOrEqual(r.cpu_seconds + 0.02);
  });

  it('rejects a bad --wasm-threads and a bad --clock', async () => {
    const a = await capture(['--wasm-threads', '0', '--no-torch']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--wasm-threads: expected 1..8');
    const b = await capture(['--clock', 'sundial', '--no-torch']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('expected wall, cpu or main');
  });

  it('rejects an unknown workload with a message and exit code 2', async () => {
    const { code, out, err } = await capture(['--workload', 'W9', '--no-torch']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain("unknown workload 'W9'");
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad number', async () => {
    const { code, err } = await capture(['--steps', 'many', '--no-torch']);
    expect(code).toBe(2);
    expect(err).toContain('--steps expects a non-negative number');
  });
});
