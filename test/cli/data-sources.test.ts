// Issue #13 items 5–8 through the CLI: the spec and --data mean the same data, eval without --data uses the
// run's own test set, a spec's test: set replaces the hold-out, and FlowIR files are accepted as specs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, flowc, noTrace, tmp } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

beforeAll(() => {
  setConfig({ backend: 'cpu' });
});

const flow2d = (data: string) => readFileSync(fixture('flow2d.flow'), 'utf8').replace(/data: toy\([^)]*\)/, data);
const nll = (text: string): number => Number(/NLL ([-\d.]+) nats/.exec(text)![1]);

describe('spec and command line agree', () => {
  it('toy("8gaussians") and --data toy:8gaussians are one data set; eval prints what it ran on', async () => {
    const dir = tmp('src-toy');
    writeFileSync(join(dir, 's.flow'), flow2d('data: toy("8gaussians", n: 512)'));
    const t = await flowc('train', join(dir, 's.flow'), '--out', join(dir, 'r'), '--steps', '2', '--no-pictures');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/data toy:8gaussians \(n=512, noise=0\.1, seed=7\), 512 train \/ 512 held out/);
    const held = Number(/done: .*held-out NLL ([-\d.]+) nats/.exec(t.out)![1]);
    const same = await flowc('eval', join(dir, 'r'), '--data', 'toy:8gaussians?n=512');
    expect(same.out).toMatch(/over 512 examples of toy:8gaussians \(n=512, noise=0\.1, seed=7\)/);
    const seeded = await flowc('eval', join(dir, 'r'), '--data', 'toy:8gaussians?n=64&seed=3');
    expect(seeded.out).toMatch(/over 64 examples of toy:8gaussians \(n=64, noise=0\.1, seed=3\)/);
    // without --data: the run's own held-out draw, the one training reported
    const own = await flowc('eval', join(dir, 'r'));
    expect(own.code, own.err).toBe(0);
    expect(own.out).toMatch(/over 512 examples of toy:8gaussians \(n=512, noise=0\.1, seed=8\)/);
    expect(Math.abs(nll(own.out) - held), `${t.out}\n${own.out}`).toBeLessThan(5e-4);
  }, 120_000);
  it('a spec test: set replaces the 10% hold-out, and eval without --data uses it', async () => {
    const dir = tmp('src-test');
    const rows = (n: number, s: number) =>
      Array.from({ length: n }, (_, i) => `${Math.sin(i + s)},${Math.cos(i * s)}`).join('\n');
    writeFileSync(join(dir, 'train.csv'), rows(40, 1));
    writeFileSync(join(dir, 'test.csv'), rows(7, 2));
    writeFileSync(join(dir, 's.flow'), flow2d('data: csv("train.csv"), test: csv("test.csv")'));
    const t = await flowc('train', join(dir, 's.flow'), '--out', join(dir, 'r'), '--steps', '2', '--no-pictures');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/data train\.csv, 40 train \/ 7 test \(test\.csv\)/);
    const e = await flowc('eval', join(dir, 'r'));
    expect(e.out).toMatch(/over 7 examples of test\.csv/);
    // without a test: set, eval without --data uses the rows training held out (10%)
    writeFileSync(join(dir, 's2.flow'), flow2d('data: csv("train.csv")'));
    const t2 = await flowc('train', join(dir, 's2.flow'), '--out', join(dir, 'r2'), '--steps', '2', '--no-pictures');
    expect(t2.code, t2.err).toBe(0);
    expect((await flowc('eval', join(dir, 'r2'))).out).toMatch(/over 4 examples of train\.csv \(held out, 4 rows\)/);
  }, 120_000);
});

describe('what the command line says, a spec says', () => {
  it('idx("…", binarize: 128) checks clean; idx("…?binarize") fails check, not train', async () => {
    const dir = tmp('src-bin');
    const made = readFileSync(fixture('made.flow'), 'utf8');
    writeFileSync(join(dir, 'ok.flow'), made.replace('train {', 'train { data: idx("x-idx3-ubyte", binarize: 128),'));
    writeFileSync(join(dir, 'bad.flow'), made.replace('train {', 'train { data: idx("x-idx3-ubyte?binarize"),'));
    const ok = await flowc('check', join(dir, 'ok.flow'));
    expect(ok.code, ok.err).toBe(0);
    const bad = await flowc('check', join(dir, 'bad.flow'));
    expect(bad.code).toBe(1);
    expect(bad.out + bad.err).toMatch(/FC430: data path "x-idx3-ubyte\?binarize": options are arguments/);
  });
  it('toy(8gaussians) shows the form that works', async () => {
    const dir = tmp('src-8g');
    writeFileSync(join(dir, 's.flow'), flow2d('data: toy(8gaussians)'));
    const r = await flowc('check', join(dir, 's.flow'));
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/hint: write one of .*"8gaussians"/);
  });
});

describe('FlowIR files from flowc compile', () => {
  it('are accepted by train, explain, sample and eval', async () => {
    const dir = tmp('src-ir');
    expect((await flowc('compile', fixture('flow2d.flow'), '-o', join(dir, 'ir'))).code).toBe(0);
    const ir = join(dir, 'ir', 'TinyFlow.flowir.json');
    const ex = await flowc('explain', ir);
    expect(ex.code, ex.err).toBe(0);
    expect(ex.out).toMatch(/model TinyFlow/);
    const t = await flowc('train', ir, '--out', join(dir, 'r'), '--steps', '2', '--no-pictures');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/data toy:moons \(n=512, noise=0\.05, seed=7\)/);
    // sample and eval take it as the model at its initialisation, and say so
    const s = await flowc('sample', ir, '-n', '2', '-o', join(dir, 's.csv'));
    expect(s.code, s.err).toBe(0);
    expect(s.err).toMatch(/is a FlowIR file: the model has its untrained initial weights/);
    expect(readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    const e = await flowc('eval', ir);
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/over 512 examples of toy:moons \(n=512, noise=0\.05, seed=8\)/);
    writeFileSync(join(dir, 'broken.flowir.json'), '{"model": "X"');
    const b = await flowc('train', join(dir, 'broken.flowir.json'));
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/not a spec and not valid FlowIR JSON/);
    expect(noTrace(b.err)).toBe(true);
  }, 120_000);
});
