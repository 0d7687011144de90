// flowc fmt FILE... [--check] [--write]: output, exit codes, in-place rewriting.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { expect, test } from 'vitest';
import { register, runFmt } from '../../cli/commands/fmt.js';
import type { CliIO } from '../../cli/io.js';
import { TWO_MOONS } from './fixtures.js';

function io(): CliIO & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', isTTY: false, color: false } as CliIO & { stdout: string; stderr: string };
  o.out = (t: string) => void (o.stdout += t);
  o.err = (t: string) => void (o.stderr += t);
  return o;
}

const dir = mkdtempSync(join(tmpdir(), 'flowc-fmt-'));
const messy = TWO_MOONS.replace('let width = 64', 'let   width=64');
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('prints the formatted text; exit 0', async () => {
  const o = io();
  expect(await runFmt(o, [file('a.flow', messy)], {})).toBe(0);
  expect(o.stdout).toBe(TWO_MOONS);
});

test('--check: exit 1 and names the unformatted file; exit 0 once formatted', async () => {
  const bad = file('b.flow', messy);
  const good = file('c.flow', TWO_MOONS);
  const o = io();
  expect(await runFmt(o, [bad, good], { check: true })).toBe(1);
  expect(o.stdout).toBe(`${bad}: not formatted\n`);
  expect(readFileSync(bad, 'utf8')).toBe(messy); // --check never writes
  expect(await runFmt(io(), [good], { check: true })).toBe(0);
});

test('--write rewrites in place', async () => {
  const p = file('d.flow', messy);
  const o = io();
  expect(await runFmt(o, [p], { write: true })).toBe(0);
  expect(readFileSync(p, 'utf8')).toBe(TWO_MOONS);
  expect(o.stdout).toBe(`formatted ${p}\n`);
});

test('syntax errors: diagnostics on stderr, file untouched, exit 1', async () => {
  const text = 'model M {\n  flow { coupling(affine,, }\n';
  const p = file('e.flow', text);
  const o = io();
  expect(await runFmt(o, [p], { write: true })).toBe(1);
  expect(readFileSync(p, 'utf8')).toBe(text);
  expect(o.stderr).toMatch(/e\.flow:2:\d+ - error FC\d+/);
});

test('usage errors exit 2: a missing file, a YAML file, --check with --write', async () => {
  expect(await runFmt(io(), [join(dir, 'nope.flow')], {})).toBe(2);
  expect(await runFmt(io(), [file('f.flow.yaml', 'models: {}\n')], {})).toBe(2);
  expect(await runFmt(io(), [file('g.flow', TWO_MOONS)], { check: true, write: true })).toBe(2);
});

test('register adds `fmt` to a commander program', async () => {
  const program = new Command('flowc').exitOverride();
  const o = io();
  let code = -1;
  register(program, o, (c) => (code = c));
  await program.parseAsync(['fmt', '--check', file('h.flow', messy)], { from: 'user' });
  expect(code).toBe(1);
  expect(o.stdout).toContain('h.flow: not formatted');
});
