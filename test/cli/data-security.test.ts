// Issue #17 items 7–8, on the real binary: a spec cannot make flowc read (and echo) files outside its folder,
// /dev/zero is refused at once (time and memory bounded), and no model name writes outside runs/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, noTrace, tmp } from './helpers.js';
import { ROOT, useFreshDist } from '../support/dist.js';
import { newRunDir, safeModelName } from '../../cli/run.js';

const BIN = join(ROOT, 'bin', 'flowc.js');
const env = { ...process.env, FLOWC_BACKEND: 'cpu', NO_COLOR: '1' };
// prints the peak resident set (KiB) of the flowc process when it exits
const RSS_HOOK =
  'data:text/javascript,process.on("exit",()=>' +
  'process.stderr.write("\\nmaxrss_kb="+process.resourceUsage().maxRSS+"\\n"))';

useFreshDist(join('dist', 'cli', 'main.js'), ['cli', 'runtime', 'compiler', 'grammar']);

function flowc(cwd: string, ...args: string[]): { code: number | null; out: string; ms: number; rssMiB: number } {
  const t0 = Date.now();
  const argv = ['--import', RSS_HOOK, BIN, ...args];
  const r = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8', timeout: 90_000 });
  const out = `${r.stdout}${r.stderr}`;
  const rss = /maxrss_kb=(\d+)/.exec(out);
  return { code: r.status, out, ms: Date.now() - t0, rssMiB: rss ? Number(rss[1]) / 1024 : Infinity };
}

const SECRET = 'alice:x:1000:1000:SECRET-LINE-TWO:/home/alice:/bin/bash';
const specWith = (data: string) =>
  readFileSync(fixture('flow2d.flow'), 'utf8').replace(/data: toy\([^)]*\)/, `data: ${data}`);

describe('data files named by a spec', () => {
  it('check refuses absolute paths and a ../ path at the path string; train reads nothing', () => {
    const dir = tmp('sec-abs');
    for (const [kind, p] of [
      ['csv', '/etc/passwd'],
      ['csv', '../../../../etc/passwd'],
      ['idx', '/dev/zero'],
    ]) {
      writeFileSync(join(dir, 's.flow'), specWith(`${kind}("${p}")`));
      const c = flowc(dir, 'check', 's.flow');
      expect(c.code).toBe(1);
      expect(c.out).toMatch(/error FC430: data path/);
      const caret = c.out.split('\n').find((l) => /\^{5,}/.test(l))!;
      const line = c.out.split('\n')[c.out.split('\n').indexOf(caret) - 1]!;
      expect(line.slice(caret.indexOf('^'), caret.lastIndexOf('^') + 1)).toBe(`"${p}"`);
      const t = flowc(dir, 'train', 's.flow', '--steps', '1', '--out', 'r');
      expect(t.code).toBe(1);
      expect(t.out).not.toMatch(/root:|daemon:|nologin/);
      expect(existsSync(join(dir, 'r'))).toBe(false);
    }
  });
  it('train refuses a link in the spec folder that leads outside it, and never echoes content', () => {
    const dir = tmp('sec-link');
    const outside = tmp('sec-outside');
    writeFileSync(join(outside, 'secret.csv'), `header\n${SECRET}\n`);
    symlinkSync(join(outside, 'secret.csv'), join(dir, 'data.csv'));
    writeFileSync(join(dir, 's.flow'), specWith('csv("data.csv")'));
    const t = flowc(dir, 'train', 's.flow', '--steps', '1', '--out', 'r');
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/data path "data\.csv" in the spec is a link that leads outside the spec's folder/);
    expect(t.out).not.toMatch(/SECRET|alice/);
    expect(noTrace(t.out)).toBe(true);
    // on the command line the user may name it, but its content is still never echoed
    const d = flowc(dir, 'train', 's.flow', '--data', join(outside, 'secret.csv'), '--steps', '1', '--out', 'r2');
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/secret\.csv: row 1 \(line 2\), column 1 is not a number/);
    expect(d.out).not.toMatch(/SECRET|alice/);
  });
  it('refuses /dev/zero at once: within seconds and without growing memory', () => {
    const dir = tmp('sec-zero');
    symlinkSync('/dev/zero', join(dir, 'zero.idx'));
    writeFileSync(join(dir, 's.flow'), specWith('idx("zero.idx")'));
    const linked = flowc(dir, 'train', 's.flow', '--steps', '1', '--out', 'r');
    expect(linked.code).toBe(1);
    expect(linked.out).toMatch(/leads outside the spec's folder/);
    const given = flowc(dir, 'train', 's.flow', '--data', 'zero.idx', '--steps', '1', '--out', 'r');
    expect(given.code).toBe(1);
    expect(given.out).toMatch(/zero\.idx: is not a regular file/);
    for (const r of [linked, given]) {
      expect(r.ms).toBeLessThan(30_000);
      expect(r.rssMiB).toBeLessThan(300);
    }
  }, 200_000);
});

describe('model names and run folders', () => {
  it('builds run folders from sanitized names, inside runs/', () => {
    expect(newRunDir('TwoMoons', '20261207-0600')).toBe(join('runs', 'TwoMoons-20261207-0600'));
    for (const name of ['../../../../tmp/x/ESCAPED', '/etc/x', '..', 'a\\b', '']) {
      const dir = newRunDir(name, '1');
      expect(dir.startsWith(`runs${'/'}`), dir).toBe(true);
      expect(dir.slice(5)).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(safeModelName('../x')).toBe('___x');
  });
  it('a YAML model name that is a path fails check and train, and nothing is written outside', () => {
    const dir = tmp('sec-yaml');
    const target = join(dir, 'x', 'ESCAPED');
    const yaml = readFileSync(join(ROOT, 'specs', 'two_moons.flow.yaml'), 'utf8')
      .replace('  TwoMoons:', `  "../../../..${target}":`)
      .replace('steps: 1500', 'steps: 1');
    mkdirSync(join(dir, 'a', 'b', 'c', 'd'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'c', 'd', 'm.flow.yaml'), yaml);
    const c = flowc(join(dir, 'a', 'b', 'c', 'd'), 'check', 'm.flow.yaml');
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/error FC118: expected a name after 'models:'/);
    const t = flowc(join(dir, 'a', 'b', 'c', 'd'), 'train', 'm.flow.yaml', '--steps', '1');
    expect(t.code).toBe(1);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
  it('a FlowIR file with a path for a model name trains into runs/ under a sanitized name', () => {
    const dir = tmp('sec-ir');
    writeFileSync(join(dir, 's.flow'), readFileSync(fixture('flow2d.flow'), 'utf8'));
    expect(flowc(dir, 'compile', 's.flow', '-o', 'ir').code).toBe(0);
    const ir = JSON.parse(readFileSync(join(dir, 'ir', 'TinyFlow.flowir.json'), 'utf8'));
    writeFileSync(join(dir, 'ir', 'evil.flowir.json'), JSON.stringify({ ...ir, model: '../../../x/ESCAPED' }));
    mkdirSync(join(dir, 'w'));
    const t = flowc(join(dir, 'w'), 'train', '../ir/evil.flowir.json', '--steps', '1', '--no-pictures');
    expect(t.code, t.out).toBe(0);
    const runs = readdirSync(join(dir, 'w', 'runs'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  }, 120_000);
});
