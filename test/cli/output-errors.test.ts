// Errors users meet on the output side: an -o / --per-example path that cannot be written is
// refused in one line before any work is done, and a run whose two checkpoints are both damaged
// says so (naming both) instead of only the fallback.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkWritable, fsReason, UserError } from '../../cli/io.js';
import { fixture, flowc, noTrace, tmp } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

beforeAll(() => {
  setConfig({ backend: 'cpu' });
});

describe('fsReason / checkWritable', () => {
  it('turns errno codes into words', () => {
    const err = (code: string) => Object.assign(new Error('x'), { code });
    expect(fsReason(err('ENOENT'))).toBe('its folder does not exist');
    expect(fsReason(err('EACCES'))).toBe('permission denied');
    expect(fsReason(err('EISDIR'))).toBe('it is a directory');
    expect(fsReason(new Error('plain'))).toBe('plain');
  });
  it('refuses a missing folder, a file used as a folder, and a directory as the file', () => {
    const dir = tmp('writable');
    const file = join(dir, 'f.txt');
    writeFileSync(file, 'x');
    mkdirSync(join(dir, 'sub'));
    expect(() => checkWritable('-o', join(dir, 'nope', 'x.npy'))).toThrow(
      /^-o .*x\.npy: cannot write there: the folder .*nope does not exist$/,
    );
    expect(() => checkWritable('-o', join(file, 'x.npy'))).toThrow(/f\.txt is not a folder$/);
    expect(() => checkWritable('-o', join(dir, 'sub'))).toThrow(/cannot write there: it is a directory$/);
    expect(() => checkWritable('-o', join(dir, 'ok.npy'))).not.toThrow();
    try {
      checkWritable('--per-example', join(dir, 'nope', 'x.csv'));
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
    }
  });
});

describe('the CLI', () => {
  let run = '';
  beforeAll(async () => {
    run = tmp('outerr');
    const r = await flowc('train', fixture('flow2d.flow'), '--out', run, '--steps', '2', '--no-pictures');
    expect(r.code).toBe(0);
  }, 120_000);

  it('sample -o into a missing folder: one line, nothing drawn', async () => {
    const out = join(run, 'missing', 's.npy');
    const r = await flowc('sample', run, '-n', '2', '-o', out);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err.trim()).toMatch(
      /^flowc: error: -o .*s\.npy: cannot write there: the folder .*missing does not exist$/,
    );
    expect(noTrace(r.err)).toBe(true);
  });

  it('eval --per-example into a missing folder fails before evaluating', async () => {
    const r = await flowc('eval', run, '--data', 'toy:moons?n=64', '--per-example', join(run, 'missing', 'p.csv'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(''); // no NLL line: the path was checked first
    expect(r.err.trim()).toMatch(
      /^flowc: error: --per-example .*p\.csv: cannot write there: the folder .*missing does not exist$/,
    );
  });

  it('both checkpoints damaged: the error names both', async () => {
    const dir = tmp('bothbad');
    expect(
      (
        await flowc(
          'train',
          fixture('flow2d.flow'),
          '--out',
          dir,
          '--steps',
          '3',
          '--checkpoint-every',
          '1',
          '--no-pictures',
        )
      ).code,
    ).toBe(0);
    for (const f of ['checkpoint.ckpt', 'checkpoint.prev.ckpt']) {
      const p = join(dir, f);
      const bytes = readFileSync(p);
      writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2)));
    }
    const r = await flowc('sample', dir, '-n', '2', '-o', join(dir, 's.csv'));
    expect(r.code).toBe(1);
    const msg = r.err.trim();
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/checkpoint\.ckpt: checkpoint is truncated/);
    expect(msg).toMatch(/previous one is damaged too \(.*checkpoint\.prev\.ckpt: checkpoint is truncated/);
    expect(noTrace(msg)).toBe(true);
  });
});

describe('makeDirs', () => {
  it('creates nested folders, accepts existing ones, and refuses a file on the path', async () => {
    const { makeDirs } = await import('../../cli/io.js');
    const { existsSync, statSync } = await import('node:fs');
    const dir = tmp('mkdirs');
    const deep = join(dir, 'a', 'b', 'c');
    makeDirs('-o', deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(() => makeDirs('-o', deep)).not.toThrow();
    writeFileSync(join(dir, 'f'), 'x');
    expect(() => makeDirs('--out', join(dir, 'f', 'g'))).toThrow(/^--out .*g: cannot create it: .*f is not a folder$/);
    expect(existsSync(join(dir, 'f', 'g'))).toBe(false);
  });
  it.runIf(process.platform === 'linux')(
    'fails (does not hang) where mkdir answers ENOENT for an existing parent (/proc)',
    async () => {
      const { makeDirs } = await import('../../cli/io.js');
      expect(() => makeDirs('-o', '/proc/flowc-test/x')).toThrow(/^-o \/proc\/flowc-test\/x: cannot create it: /);
    },
  );
});
