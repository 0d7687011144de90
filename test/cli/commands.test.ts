// check / schema / explain / compile through the CLI (in-process).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, flowc, noTrace, tmp } from './helpers.js';

describe('flowc check', () => {
  it('exit 0 when clean (warnings allowed), 1 on errors, 2 on a missing file', async () => {
    const ok = await flowc('check', fixture('flow2d.flow'), fixture('pixelcnn.flow'));
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/warning FC\d+/); // pixelcnn's blind spot
    expect(ok.err).toBe('checked 2 files: 0 errors, 1 warning\n');
    const bad = await flowc('check', fixture('flow2d.flow'), fixture('broken.flow'));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/broken\.flow:5:\d+ - error FC\d+/);
    expect(bad.out).toMatch(/\^+/); // caret underline
    const missing = await flowc('check', fixture('flow2d.flow'), fixture('missing.flow'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^flowc: error: .*missing\.flow: no such file$/m);
  });
  it('--format json prints machine-readable diagnostics', async () => {
    const r = await flowc('check', '--format', 'json', fixture('broken.flow'));
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { diagnostics: { code: string; severity: string }[]; errors: number };
    expect(json.errors).toBeGreaterThan(0);
    expect(json.diagnostics.filter((d) => d.severity === 'error').length).toBe(json.errors);
    expect(json.diagnostics.some((d) => d.severity === 'error' && /nett|net/.test(JSON.stringify(d)))).toBe(true);
    expect(json.diagnostics.every((d) => /^FC\d+$/.test(d.code))).toBe(true);
    expect((await flowc('check', '--format', 'xml', fixture('broken.flow'))).code).toBe(2);
  });
  it('every spec of the library checks without errors', async () => {
    const specs = readdirSync('specs')
      .filter((f) => f.endsWith('.flow'))
      .map((f) => join('specs', f));
    const r = await flowc('check', ...specs);
    expect(r.err).toMatch(/: 0 errors,/);
    expect(r.code).toBe(0);
  });
});

describe('flowc schema, explain, compile', () => {
  it('schema is JSON', async () => {
    const r = await flowc('schema');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as Record<string, unknown>;
    expect(typeof s).toBe('object');
    expect(JSON.stringify(s)).toContain('coupling');
  });
  it('explain prints every layer; --json too', async () => {
    const r = await flowc('explain', fixture('flow2d.flow'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('flow.0');
    expect(r.out).toContain('flow.1');
    const j = await flowc('explain', fixture('flow2d.flow'), '--json');
    expect(j.code).toBe(0);
    expect(() => JSON.parse(j.out)).not.toThrow();
    const e = await flowc('explain', fixture('broken.flow'));
    expect(e.code).toBe(1);
    expect(noTrace(e.err)).toBe(true);
  });
  it('compile -o writes the FlowIR that --dump-ir prints; --dump-ast prints the tree', async () => {
    const dir = tmp('compile');
    const r = await flowc('compile', fixture('flow2d.flow'), '-o', dir, '--dump-ir');
    expect(r.code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'TinyFlow.flowir.json'), 'utf8')) as {
      model: string;
      flow: unknown[];
    };
    expect(written).toEqual(JSON.parse(r.out));
    expect(written.model).toBe('TinyFlow');
    expect(written.flow.length).toBe(2);
    const a = await flowc('compile', fixture('flow2d.flow'), '--dump-ast');
    expect(a.code).toBe(0);
    expect(a.out).toContain('TinyFlow');
    expect((await flowc('compile', fixture('flow2d.flow'))).code).toBe(2); // neither -o nor a dump
    const bad = await flowc('compile', fixture('broken.flow'), '-o', dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no FlowIR written/);
  });
  it('--help for every command', async () => {
    for (const c of ['check', 'schema', 'explain', 'compile', 'train', 'sample', 'eval']) {
      const r = await flowc(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: flowc ${c}`));
    }
    expect((await flowc('train', '--help')).out).toContain('toy:NAME[?n=N&noise=S&seed=K]');
  });
});
