// flowc train --resume refuses what it cannot honour (another model, an edited spec, a new --batch
// or --seed), applies and records a new --lr or --data (run.json's history); --out refuses a
// non-empty folder that is not a run; sample and eval warn about a checkpoint with non-finite weights.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setConfig } from '../../runtime/config.js';
import { fixture, flowc, noTrace, tmp } from './helpers.js';

interface Segment {
  from: number;
  to: number;
  lr: number;
  data: string;
  status: string;
}
const runJson = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as {
    specText: string;
    modelHash: string;
    config: { lr: number };
    history: Segment[];
  };

let run = '';
beforeAll(async () => {
  setConfig({ backend: 'cpu' });
  run = tmp('resume');
  const r = await flowc('train', fixture('flow2d.flow'), '--out', run, '--steps', '3', '--no-pictures');
  expect(r.code, r.err).toBe(0);
}, 120_000);

describe('--resume', () => {
  it('the run keeps the spec text, a model hash and one history entry', () => {
    const rec = runJson(run);
    expect(rec.specText).toBe(readFileSync(fixture('flow2d.flow'), 'utf8'));
    expect(rec.modelHash).toMatch(/^[0-9a-f]{16}$/);
    expect(rec.history).toEqual([expect.objectContaining({ from: 0, to: 3, lr: 0.001, status: 'done' })]);
  });

  it('another spec is an error that shows the difference', async () => {
    const r = await flowc('train', fixture('made.flow'), '--out', run, '--resume', '--steps', '6');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^flowc: error: --resume: .*made\.flow does not describe the model trained in /);
    expect(r.err).toMatch(/ \(TinyFlow\):\n/);
    expect(r.err).toMatch(/model: "TinyFlow" in the run, "TinyMade" in the spec/);
    expect(noTrace(r.err)).toBe(true);
    expect(runJson(run).history).toHaveLength(1); // nothing was started
  });

  it("an edited spec (another width) is refused, naming the argument and the layer's line", async () => {
    const edited = join(tmp('edited'), 'flow2d.flow');
    writeFileSync(edited, readFileSync(fixture('flow2d.flow'), 'utf8').replace('mlp(8)', 'mlp(4)'));
    const r = await flowc('train', edited, '--out', run, '--resume', '--steps', '6');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/flow\[0\]\.args\.net\.hidden\[0\]: 8 in the run, 4 in the spec \(.*flow2d\.flow:7:7\)/);
    expect(r.err).not.toMatch(/params/); // derived shapes are not listed when the cause is
  });

  it('an edit that leaves the model alone (a comment, the train block) resumes', async () => {
    const dir = tmp('same');
    expect((await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '2', '--no-pictures')).code).toBe(0);
    const edited = join(tmp('comment'), 'flow2d.flow');
    const text = readFileSync(fixture('flow2d.flow'), 'utf8');
    writeFileSync(edited, '// a new comment\n' + text.replace('batch: 32', 'batch: 32 '));
    const r = await flowc('train', edited, '--out', dir, '--resume', '--steps', '3', '--no-pictures');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    // a new lr in the spec's train { }: the run keeps its own, and says so
    writeFileSync(edited, text.replace('lr: 1e-3', 'lr: 1e-4'));
    const n = await flowc('train', edited, '--out', dir, '--resume', '--steps', '4', '--no-pictures');
    expect(n.code, n.err).toBe(0);
    expect(n.err).toMatch(/note: .*train \{ \} differs from the run's; the run keeps lr 0\.001 \(not 0\.0001; --lr/);
  });

  it('a new --seed is refused; a new --lr and --data are applied and recorded with the steps they ran', async () => {
    const dir = tmp('hyper');
    expect((await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '2', '--no-pictures')).code).toBe(0);
    const s = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--resume', '--steps', '4', '--seed', '5');
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/--resume: the run used --seed 0 .*it cannot change/);
    const r = await flowc(
      'train',
      fixture('flow2d.flow'),
      '--out',
      dir,
      '--resume',
      '--steps',
      '4',
      '--lr',
      '0.005',
      '--data',
      'toy:circles?n=256',
      '--no-pictures',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/from step 2: lr 0\.001 → 0\.005, data toy:moons\S* → toy:circles\S* \(recorded in /);
    expect(r.out).toMatch(/lr 0\.005/);
    const rec = runJson(dir);
    expect(rec.config.lr).toBe(0.005);
    expect(rec.history.map((h) => [h.from, h.to, h.lr, h.data.split('?')[0], h.status])).toEqual([
      [0, 2, 0.001, 'toy:moons', 'done'],
      [2, 4, 0.005, 'toy:circles', 'done'],
    ]);
    // and the resumed run continues from the new settings: a third session keeps them
    const t = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--resume', '--steps', '5', '--no-pictures');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/lr 0\.005/);
    expect(t.out).not.toMatch(/from step 4:/);
  });
});

describe('--out', () => {
  it('a non-empty folder that is not a run is an error; --force writes into it', async () => {
    const dir = tmp('notarun');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    mkdirSync(join(dir, 'data'));
    const r = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '2', '--no-pictures');
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^flowc: error: --out .*: the folder is not empty and holds no flowc run /);
    expect(r.err).toMatch(/\((data, notes\.txt|notes\.txt, data)\); .*--force/);
    expect(r.out).toBe('');
    const f = await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '2', '--no-pictures', '--force');
    expect(f.code, f.err).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('a checkpoint with non-finite weights', () => {
  it('sample and eval warn about it', async () => {
    const dir = tmp('nanck');
    expect((await flowc('train', fixture('flow2d.flow'), '--out', dir, '--steps', '2', '--no-pictures')).code).toBe(0);
    // as an older flowc could leave it: overwrite the checkpoint with NaN weights
    const { loadCheckpoint, saveCheckpoint, restoreVariables } = await import('../../runtime/checkpoint.js');
    const { build } = await import('../../runtime/build.js');
    const ck = loadCheckpoint(dir);
    const m = build(ck.ir);
    restoreVariables(m, ck);
    const w = m.variables.find((v) => v.name.includes('flow.1.'))!;
    w.assign(tf.fill(w.shape, NaN));
    saveCheckpoint(dir, m, ck);
    m.dispose();
    const s = await flowc('sample', dir, '-n', '4', '-o', join(dir, 's.csv'));
    expect(s.err).toMatch(/warning: .*weight .*flow\.1\.\S* of the checkpoint is not finite/);
    expect(s.err).toMatch(/warning: 4 of 4 samples hold non-finite values/);
    const e = await flowc('eval', dir, '--data', 'toy:moons?n=64');
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/warning: .*weight .*flow\.1\.\S* of the checkpoint is not finite/);
    expect(e.err).toMatch(/error: 64 of 64 rows of .* have a non-finite log-probability under TinyFlow \(rows 1 \(NaN/);
    expect(noTrace(e.err)).toBe(true);
  });
});
