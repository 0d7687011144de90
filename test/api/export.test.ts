// `flowc export` refuses what it cannot do with one line naming the problem (no trace), before any
// work; and loadRun reports a folder that is not a run as a CheckpointError, not a crash.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from '../cli/helpers.js';
import { CheckpointError, loadRun } from '../../runtime/run-load.js';

describe('flowc export', () => {
  it('a run that does not exist', async () => {
    const r = await flowc('export', join(tmp('export'), 'nope'), '-o', join(tmp('export'), 'out'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^flowc: error: .*nope: no such run directory or checkpoint file\n$/);
    expect(noTrace(r.err)).toBe(true);
  });

  it('an output folder holding other files', async () => {
    const out = tmp('export');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = await flowc('export', tmp('export'), '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the folder holds other files');
  });

  it('-o is required', async () => {
    const r = await flowc('export', 'runs/x');
    expect(r.code).toBe(2);
    expect(r.err).toContain("required option '-o, --out <dir>'");
  });
});

describe('loadRun', () => {
  it('a folder without a checkpoint is a CheckpointError saying so', async () => {
    const dir = tmp('loadrun');
    mkdirSync(join(dir, 'empty'));
    await expect(loadRun(join(dir, 'empty'), { backend: 'cpu' })).rejects.toThrow(CheckpointError);
    await expect(loadRun(join(dir, 'empty'), { backend: 'cpu' })).rejects.toThrow(/no checkpoint in this directory/);
  });
});
