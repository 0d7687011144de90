// Runs written before the runtime redesign still load (issue #19, "nothing lost"): the fixtures under
// fixtures/pre-redesign/ were trained and scored by flowc at commit 3e2d204 (before the planner, the kernels
// by concern and the typed layer arguments): a small Glow-like image flow (squeeze, actnorm, 1×1 conv,
// checkerboard and channel couplings with resnets, split) and a MADE. Today's `flowc eval` reads each run
// folder as it is and gives every example the log-density that the old code wrote (expected-logp.csv).
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, flowc, noTrace, tmp } from './helpers.js';

const numbers = (file: string): number[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Number(l.split(',')[0]));

describe('checkpoints written before the runtime redesign', () => {
  for (const name of ['img', 'made']) {
    it(`${name}: flowc eval gives each example the log-density the old code gave it`, async () => {
      const run = join(tmp(`pre-${name}`), 'run');
      cpSync(fixture(join('pre-redesign', name)), run, { recursive: true });
      const per = join(run, 'now.csv');
      const r = await flowc('eval', run, '--data', join(run, 'data.csv'), '--per-example', per);
      expect(r.code, r.err).toBe(0);
      expect(noTrace(r.err)).toBe(true);
      const old = numbers(join(run, 'expected-logp.csv'));
      const now = numbers(per);
      expect(old).toHaveLength(64);
      expect(now).toHaveLength(old.length);
      now.forEach((v, i) => expect(Math.abs(v - old[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(old[i]!))));
    });
  }
});
