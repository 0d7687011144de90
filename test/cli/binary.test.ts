// The real binary, spawned: SIGKILL during training leaves a loadable checkpoint; SIGINT saves and
// exits; `flowc check` never loads TensorFlow.js.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, tmp, waitFor } from './helpers.js';
import { useFreshDist } from '../support/dist.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'flowc.js');
const env = { ...process.env, FLOWC_BACKEND: 'cpu', NO_COLOR: '1' };

// the launcher runs dist/
useFreshDist(join('dist', 'cli', 'main.js'), ['cli', 'runtime', 'compiler', 'grammar']);

function startTraining(dir: string) {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'train',
      fixture('flow2d.flow'),
      '--out',
      dir,
      '--steps',
      '1000000',
      '--checkpoint-every',
      '3',
      '--eval-every',
      '1000000',
      '--no-pictures',
    ],
    { env, cwd: ROOT },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
  return {
    child,
    exit,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe('the flowc binary', () => {
  it('SIGKILL during training leaves a loadable checkpoint', async () => {
    const dir = tmp('kill');
    const run = startTraining(dir);
    await waitFor(() => existsSync(join(dir, 'checkpoint.prev.ckpt')), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGKILL');
    await run.exit;
    const r = spawnSync(process.execPath, [BIN, 'sample', dir, '-n', '3', '-o', join(dir, 's.csv')], {
      env,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('SIGINT saves a checkpoint and exits cleanly; --resume continues from it', async () => {
    const dir = tmp('int');
    const run = startTraining(dir);
    await waitFor(() => existsSync(join(dir, 'checkpoint.prev.ckpt')), 30_000);
    run.child.kill('SIGINT');
    const code = await run.exit;
    expect(code).toBe(130);
    expect(run.err).toMatch(/checkpoint saved\. Continue with: flowc train .* --resume/);
    const m = /stopped at step (\d+)/.exec(run.err);
    expect(m).not.toBeNull();
    const step = Number(m![1]);
    const res = spawnSync(
      process.execPath,
      [BIN, 'train', fixture('flow2d.flow'), '--out', dir, '--resume', '--steps', String(step + 2), '--no-pictures'],
      { env, encoding: 'utf8' },
    );
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`resuming at step ${step}`);
  });

  it('check does not load TensorFlow.js, and starts fast', () => {
    const specs = readdirSync(join(ROOT, 'specs'))
      .filter((f) => f.endsWith('.flow'))
      .map((f) => join('specs', f));
    const probe = `
      const { runCli } = await import(${JSON.stringify(join(ROOT, 'dist', 'cli', 'program.js'))});
      const code = await runCli(${JSON.stringify(['check', ...specs])},
        { out() {}, err() {}, isTTY: false, color: false });
      console.log(JSON.stringify({ code, tf: globalThis._tfengine !== undefined }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, env, encoding: 'utf8' });
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: number; tf: boolean };
    expect(res.tf).toBe(false);
    // the same probe after loading the runtime sees the engine (so the probe can fail)
    const r2 = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import('@tensorflow/tfjs-core'); console.log(globalThis._tfengine !== undefined)`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r2.stdout.trim()).toBe('true');
    // the whole module graph, as resolved by Node's loader: no @tensorflow module in it
    const dir = tmp('graph');
    const trace = join(dir, 'modules.txt');
    const loader = join(dir, 'loader.mjs');
    writeFileSync(
      loader,
      `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  appendFileSync(${JSON.stringify(trace)}, r.url + '\\n');
  return r;
}`,
    );
    const g = spawnSync(
      process.execPath,
      ['--no-warnings', '--experimental-loader', pathToFileURL(loader).href, BIN, 'check', ...specs],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    expect(g.status).toBe(res.code);
    const graph = readFileSync(trace, 'utf8');
    expect(graph).toMatch(/chevrotain/); // the probe sees the modules check does load
    expect(graph).toMatch(/compiler\/index\.js/);
    expect(graph).not.toMatch(/@tensorflow/);

    const t0 = Date.now();
    const c = spawnSync(process.execPath, [BIN, 'check', ...specs], { cwd: ROOT, env, encoding: 'utf8' });
    const ms = Date.now() - t0;
    expect(c.status).toBe(res.code);
    expect(c.stderr).toMatch(/checked \d+ files/);
    expect(ms).toBeLessThan(10_000);
    console.log(`flowc check on ${specs.length} specs (${relative(ROOT, join(ROOT, 'specs'))}): ${ms} ms cold`);
  });

  it('user errors print one line and exit non-zero (no stack trace)', () => {
    const r = spawnSync(process.execPath, [BIN, 'eval', join(tmp('x'), 'missing-run'), '--data', 'toy:moons'], {
      env,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^flowc: error: /);
    const v = execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(v.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
