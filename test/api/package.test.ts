// The flowc package as a consumer sees it: a folder whose package.json depends on the repository
// (a file: link, as `npm install ../flowc` makes it) imports 'flowc' from an .mjs and from a .ts
// checked by tsc, compiles a spec, loads a run trained by the flowc binary and gets log-probabilities;
// `flowc export` writes the model.json form that loadModel reads, with the same log-probabilities.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, useFreshDist } from '../support/dist.js';

useFreshDist('dist/index.js', ['compiler', 'grammar', 'runtime', 'cli']);

const dir = mkdtempSync(join(tmpdir(), 'flowc-api-'));
const run = join(dir, 'run');
const exported = join(dir, 'exported');
const app = join(dir, 'app');
const env = { ...process.env, FLOWC_BACKEND: 'cpu', FLOWC_WORKERS: '0', NO_COLOR: '1' };
const node = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });

const CONSUMER = `
import { readFileSync } from 'node:fs';
import { compileSource, loadRun, loadModel, tf } from 'flowc';
const [spec, runDir, exportDir] = process.argv.slice(2);
const { ir, diagnostics } = compileSource(readFileSync(spec, 'utf8'), spec);
const run = await loadRun(runDir);
const x = tf.tensor2d([[0, 0], [1, -0.5], [-1, 0.5]]);
const fromRun = Array.from(run.model.logProb(x).dataSync());
const fromExport = Array.from(loadModel(exportDir).logProb(x).dataSync());
console.log(JSON.stringify({ compiled: ir?.model, errors: diagnostics.length, model: run.ir.model, step: run.step,
  settings: run.settings?.model, backend: tf.getBackend(), fromRun, fromExport }));
`;

const TYPED = `
import { compileSource, loadRun, tf, type FlowIR, type LoadedRun } from 'flowc';
import { checkSource } from 'flowc/compiler';
const ir: FlowIR | undefined = compileSource('model A { }', 'a.flow').ir;
const run: LoadedRun = await loadRun('runs/x');
const lp: tf.Tensor1D = run.model.logProb(tf.zeros([1, 2]));
const step: number = run.step;
const n: number = checkSource('', 'a.flow').diagnostics.length;
// @ts-expect-error loadRun takes a path, not a number
await loadRun(3);
export { ir, lp, step, n };
`;

beforeAll(() => {
  const train = node(['bin/flowc.js', 'train', 'specs/two_moons.flow', '--steps', '3', '--out', run, '--no-pictures']);
  expect(train.status, train.stderr).toBe(0);
  const exp = node(['bin/flowc.js', 'export', run, '-o', exported]);
  expect(exp.status, exp.stderr).toBe(0);
  expect(exp.stdout).toContain('model.json');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  const pkg = { name: 'app', type: 'module', dependencies: { flowc: `file:${ROOT}` } };
  writeFileSync(join(app, 'package.json'), JSON.stringify(pkg));
  symlinkSync(ROOT, join(app, 'node_modules', 'flowc'), 'dir');
  writeFileSync(join(app, 'main.mjs'), CONSUMER);
  writeFileSync(join(app, 'typed.ts'), TYPED);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['typed.ts'],
    }),
  );
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("import ... from 'flowc'", () => {
  it('compiles a spec, loads a run trained by the binary and its export, with the same logProb', () => {
    const r = node(['main.mjs', join(ROOT, 'specs/two_moons.flow'), run, exported], app);
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(got).toMatchObject({
      compiled: 'TwoMoons',
      errors: 0,
      model: 'TwoMoons',
      step: 3,
      settings: 'TwoMoons',
      backend: 'cpu',
    });
    expect(got.fromRun).toHaveLength(3);
    got.fromRun.forEach((v: number, i: number) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(got.fromExport[i]).toBeCloseTo(v, 5);
    });
  });

  it('has types: a TypeScript consumer type-checks (and a wrong call does not)', () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the packed package holds the compiled API, its types, the binary and the docs', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = new Set((JSON.parse(r.stdout)[0].files as { path: string }[]).map((f) => f.path));
    const wanted = [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'bin/flowc.js',
      'docs/LANGUAGE.md',
      'package.json',
      'dist/playground/index.html',
      'dist/playground/main.js',
      'dist/playground/train-worker.js',
    ];
    for (const f of wanted) {
      expect(files.has(f), f).toBe(true);
    }
    expect([...files].some((f) => f.startsWith('test/'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
  });
});
