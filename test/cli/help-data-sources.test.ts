// Where a spec has no data source, the error shows the forms a data source takes (from the registry).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useFreshDist } from '../support/dist.js';
import { noTrace, tmp } from './helpers.js';

useFreshDist('dist/cli/main.js', ['compiler', 'grammar', 'runtime', 'cli']);

describe('a missing data source', () => {
  it('flowc train names the forms: toy(…), mnist(…), idx("…"), csv("…"), npy("…")', () => {
    const dir = tmp('nodata');
    const spec = join(dir, 'm.flow');
    writeFileSync(spec, 'model M {\n  data x: real[3]\n  prior normal\n  flow { actnorm }\n}\n');
    const env = { ...process.env, FLOWC_BACKEND: 'cpu', FLOWC_WORKERS: '0' };
    const argv = [join(ROOT, 'bin/flowc.js'), 'train', spec, '--steps', '1', '--out', join(dir, 'run')];
    const r = spawnSync(process.execPath, argv, { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no training data for real[3]');
    for (const form of ['toy(moons)', 'mnist(binarized: true)', 'idx("…")', 'csv("…")', 'npy("…")']) {
      expect(r.stderr).toContain(form);
    }
    expect(noTrace(r.stderr)).toBe(true);
  });
});
