// Data files are read by DATA_FILE_RULES: spec paths stay in the spec's folder (links included), only
// regular files are read, and only as far as their header says; errors never quote file content.
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_FILE_RULES, DATA_LIMITS, specPathProblem } from '../../compiler/registry/data-rules.js';
import { DataError, encodeIdx, encodeNpy, loadRows, parseSource } from '../../runtime/data/index.js';
import { resolveSpecPath } from '../../runtime/data/files.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-files-'));
const errOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
};
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';

describe('spec paths', () => {
  it('accepts paths inside the folder and names the problem of the others', () => {
    for (const ok of ['a.csv', 'sub/a.csv', './a.csv', 'sub/../a.csv']) expect(specPathProblem(ok), ok).toBeUndefined();
    expect(specPathProblem('/etc/passwd')).toMatch(/absolute paths are not allowed/);
    expect(specPathProblem('C:\\data\\x.csv')).toMatch(/absolute/);
    expect(specPathProblem('../../../../etc/passwd')).toMatch(/leads outside the spec's folder/);
    expect(specPathProblem('sub/../../x.csv')).toMatch(/leads outside/);
    expect(specPathProblem('~/x.csv')).toMatch(/not expanded/);
    expect(specPathProblem('x.idx?binarize')).toMatch(/binarize: 128/);
    expect(specPathProblem('')).toMatch(/empty/);
  });
  it('resolves against the spec folder and refuses links that lead out of it', () => {
    const spec = join(dir, 'spec');
    mkdirSync(join(spec, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'outside.csv'), '1,2\n');
    writeFileSync(join(spec, 'sub', 'in.csv'), '1,2\n');
    symlinkSync(join(dir, 'outside.csv'), join(spec, 'out-link.csv'));
    symlinkSync(join(spec, 'sub', 'in.csv'), join(spec, 'in-link.csv'));
    symlinkSync(dir, join(spec, 'up'));
    expect(resolveSpecPath(spec, 'sub/in.csv')).toBe(join(spec, 'sub', 'in.csv'));
    expect(resolveSpecPath(spec, 'in-link.csv')).toBe(join(spec, 'in-link.csv'));
    expect(errOf(() => resolveSpecPath(spec, 'out-link.csv'))).toMatch(
      /is a link that leads outside the spec's folder/,
    );
    expect(errOf(() => resolveSpecPath(spec, 'up/outside.csv'))).toMatch(/leads outside/);
    expect(errOf(() => resolveSpecPath(spec, '../outside.csv'))).toMatch(/leads outside/);
    expect(errOf(() => resolveSpecPath(spec, '/etc/passwd'))).toMatch(/absolute/);
  });
  it('are documented in the one text of the rules', () => {
    expect(DATA_FILE_RULES).toMatch(/relative to the spec's folder/);
    expect(DATA_FILE_RULES).toMatch(/regular files/);
    expect(DATA_FILE_RULES).toMatch(/never quote the file's text/);
  });
});

describe('reading files', () => {
  it('refuses /dev/zero (behind a data-file name) at once, without reading it', () => {
    const link = join(dir, 'zero.idx');
    symlinkSync('/dev/zero', link);
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    expect(errOf(() => loadRows(parseSource(link)))).toMatch(/zero\.idx: is not a regular file/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 2 ** 20);
    expect(errOf(() => loadRows(parseSource(dir + '/x.csv')))).toMatch(/no such file/);
    mkdirSync(join(dir, 'd.csv'));
    expect(errOf(() => loadRows(parseSource(join(dir, 'd.csv'))))).toMatch(/is a folder/);
  });
  it('reads .idx and .npy files only as far as their header says (a huge sparse tail is never read)', () => {
    const p = join(dir, 'tail-idx1-ubyte');
    writeFileSync(p, encodeIdx([1, 2, 3, 4, 5, 6], [3, 2]));
    truncateSync(p, 8 * 2 ** 30); // 8 GiB, sparse
    const rss0 = process.memoryUsage().rss;
    const ds = loadRows(parseSource(p));
    expect(ds.n).toBe(3);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    const q = join(dir, 'tail.npy');
    writeFileSync(q, encodeNpy(Float32Array.from([1, 2, 3, 4]), [2, 2]));
    truncateSync(q, 8 * 2 ** 30);
    expect(Array.from(loadRows(parseSource(q)).x)).toEqual([1, 2, 3, 4]);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 2 ** 20);
  });
  it('refuses a header that promises more values than the cap, before allocating them', () => {
    const big = encodeIdx([], [65536, 65536, 65536]);
    const p = join(dir, 'big.idx');
    writeFileSync(p, big);
    expect(errOf(() => loadRows(parseSource(p)))).toMatch(/more than|truncated/);
    const n = join(dir, 'big.npy');
    const npy = encodeNpy(new Float32Array(2), [2]);
    const header = Buffer.from(npy)
      .toString('latin1')
      .replace("'shape': (2,)", `'shape': (${DATA_LIMITS.maxValues + 1},)`);
    writeFileSync(n, Buffer.from(header, 'latin1'));
    expect(errOf(() => loadRows(parseSource(n)))).toMatch(/more than/);
  });
  it('never echoes file content in an error', () => {
    const p = join(dir, 'passwd.csv');
    writeFileSync(p, PASSWD);
    const msg = errOf(() => loadRows(parseSource(p)));
    expect(msg).toMatch(/passwd\.csv: row 1 \(line 2\), column 1 is not a number/);
    expect(msg).not.toMatch(/daemon|root|nologin/);
    const npy = join(dir, 'odd.npy');
    const bytes = Buffer.from(encodeNpy(new Float32Array(2), [2]))
      .toString('latin1')
      .replace("'<f4'", "'SECRET'");
    writeFileSync(npy, Buffer.from(bytes, 'latin1'));
    expect(errOf(() => loadRows(parseSource(npy)))).not.toMatch(/SECRET/);
  });
});
