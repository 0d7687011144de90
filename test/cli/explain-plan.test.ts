// The kernel plan through the CLI: `flowc explain --plan` (per layer: kernel, why not the others; for
// the backend train would use or --backend NAME) and the plan in `flowc train`'s first log line.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, flowc, noTrace, tmp } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

beforeAll(() => {
  setConfig({ backend: 'cpu' });
});

const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .slice(2)
    .map((l) => l.split(/\s{2,}/));

describe('flowc explain --plan', () => {
  it('names the kernel of each coupling and its net on cpu, and why the others are not used', async () => {
    const r = await flowc('explain', '--plan', '--backend', 'cpu', fixture('flow2d.flow'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^plan on backend cpu:\nunit +kind +kernel +not used \(why\)\n/);
    const rs = rows(r.out);
    expect(rs.map((x) => x[1])).toEqual(['coupling', 'mlp', 'coupling', 'mlp']);
    for (const row of rs.filter((x) => x[1] === 'coupling')) {
      expect(row[2]).toBe('fused-mlp');
      expect(row[3]).toMatch(/fused-elementwise: fused-mlp covers it/);
      expect(row[3]).toMatch(/fused-channel-split: a vector layer/);
    }
  });

  it('on a backend named neither wasm nor cpu every layer is plain, with the backend as the reason', async () => {
    const r = await flowc('explain', '--plan', '--backend', 'webgl', fixture('flow2d.flow'));
    expect(r.code, r.err).toBe(0);
    for (const row of rows(r.out)) {
      expect(row[2]).toBe('plain');
      expect(row[3]).toMatch(/backend webgl, needs wasm or cpu/);
    }
  });

  it('--json, --fuse off through --set, and a clear error for --backend without --plan', async () => {
    const j = await flowc('explain', '--plan', '--backend', 'cpu', '--json', fixture('pixelcnn.flow'));
    expect(j.code, j.err).toBe(0);
    const plan = JSON.parse(j.out) as { backend: string; entries: { id: string; kind: string; kernels: string[] }[] };
    expect(plan.backend).toBe('cpu');
    expect(plan.entries.find((e) => e.id === 'conditional')!.kernels).toEqual(['pixelcnn:cropped-conv']);
    const off = await flowc('--set', 'fuse=0', 'explain', '--plan', '--backend', 'cpu', fixture('flow2d.flow'));
    expect(off.code, off.err).toBe(0);
    setConfig({ fuse: true }); // in-process, --set stays set
    expect(rows(off.out).every((x) => x[2] === 'plain' && /setting fuse off/.test(x[3]))).toBe(true);
    const bad = await flowc('explain', '--backend', 'cpu', fixture('flow2d.flow'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--backend goes with --plan/);
    expect(noTrace(bad.err)).toBe(true);
  });
});

describe('flowc train', () => {
  it('names the plan in its first log line', async () => {
    const dir = tmp('plan-train');
    const t = await flowc('train', fixture('flow2d.flow'), '--out', join(dir, 'r'), '--steps', '1', '--no-pictures');
    expect(t.code, t.err).toBe(0);
    const first = t.out.split('\n')[0];
    expect(first).toMatch(/^backend cpu .* \| plan: 4 units \(0 plain\) · /);
    expect(first).toMatch(/ · coupling:fused-mlp ×2, mlp:fused-dense ×2$/);
  }, 60_000);
});
