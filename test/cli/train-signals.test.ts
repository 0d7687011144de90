// The real binary, spawned: SIGTERM (timeout, docker stop, Kubernetes, Slurm) and SIGHUP stop
// training like Ctrl-C: the step finishes, a checkpoint is saved, the resume command is printed,
// the exit status is 128 + the signal; the resumed run has the losses of an uninterrupted one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, tmp, waitFor } from './helpers.js';
import { useFreshDist } from '../support/dist.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'flowc.js');
const env = { ...process.env, FLOWC_BACKEND: 'cpu', NO_COLOR: '1' };
const FLAGS = ['--checkpoint-every', '3', '--eval-every', '1000000', '--no-pictures'];

useFreshDist(join('dist', 'cli', 'main.js'), ['cli', 'runtime', 'compiler', 'grammar']);

function startTraining(dir: string) {
  const argv = [BIN, 'train', fixture('flow2d.flow'), '--out', dir, '--steps', '1000000', ...FLAGS];
  const child = spawn(process.execPath, argv, { env, cwd: ROOT });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.resume();
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    exit,
    get err() {
      return err;
    },
  };
}

const losses = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { loss: number }).loss);
const train = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'train', fixture('flow2d.flow'), '--out', dir, ...FLAGS, ...args], {
    env,
    cwd: ROOT,
    encoding: 'utf8',
  });
const history = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { history: { to: number; status: string }[] }).history;

describe('signals during flowc train', () => {
  it('SIGTERM saves, prints the resume command, exits 143; the resumed run matches an uninterrupted one', async () => {
    const dir = tmp('term');
    const run = startTraining(dir);
    await waitFor(() => existsSync(join(dir, 'checkpoint.prev.ckpt')), 60_000);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(143);
    expect(run.err).toMatch(/received SIGTERM; finishing the step and saving a checkpoint/);
    const m =
      /stopped at step (\d+); checkpoint saved\. Continue with: flowc train \S+flow2d\.flow --out \S+ --resume/.exec(
        run.err,
      );
    expect(m).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThanOrEqual(3); // the checkpoint of step 3 (its .prev) is there
    expect(history(dir)).toEqual([expect.objectContaining({ to: step, status: 'interrupted (SIGTERM)' })]);

    const res = train(dir, '--resume', '--steps', String(step + 3));
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`resuming at step ${step}`);
    const straight = tmp('term-straight');
    const s = train(straight, '--steps', String(step + 3));
    expect(s.status, s.stderr).toBe(0);
    expect(losses(dir)).toHaveLength(step + 3);
    expect(losses(dir)).toEqual(losses(straight));
  });

  it('SIGHUP does the same, exit 129', async () => {
    const dir = tmp('hup');
    const run = startTraining(dir);
    await waitFor(() => existsSync(join(dir, 'checkpoint.prev.ckpt')), 60_000);
    run.child.kill('SIGHUP');
    expect(await run.exit).toBe(129);
    const m = /stopped at step (\d+); checkpoint saved/.exec(run.err);
    expect(m).not.toBeNull();
    expect(history(dir)).toEqual([expect.objectContaining({ to: Number(m![1]), status: 'interrupted (SIGHUP)' })]);
  });
});
