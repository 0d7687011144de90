// Issue #17 (front end): the reproducers through the real binary, `flowc check --format json`.
// Each must end with exit code 1 (0 where only warnings are expected), a diagnostic that says what
// is wrong (never FC149 "parser failed unexpectedly" nor FC000), no stack trace or V8 dump, in a
// time generous for a loaded machine, with a peak RSS under 1 GB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, useFreshDist } from '../support/dist.js';

const DIR = mkdtempSync(join(tmpdir(), 'flowc-hostile-'));
// writes the child's peak RSS (KB) to $FLOWC_TEST_RSS at exit
const RSS_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.FLOWC_TEST_RSS, String(process.resourceUsage().maxRSS)));\n",
  );

interface Checked {
  code: number | null;
  codes: string[];
  stderr: string;
  ms: number;
  rssMb: number;
  json: any;
}

function check(name: string, text: string): Checked {
  const file = join(DIR, name);
  writeFileSync(file, text);
  const rssFile = join(DIR, `${name}.rss`);
  const t0 = performance.now();
  const argv = ['--import', RSS_HOOK, join(ROOT, 'bin/flowc.js'), 'check', file, '--format', 'json'];
  const r = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FLOWC_TEST_RSS: rssFile },
    timeout: 170_000,
  });
  const ms = performance.now() - t0;
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return {
    code: r.status,
    codes: (json?.diagnostics ?? []).map((d: any) => d.code),
    stderr: r.stderr,
    ms,
    json,
    rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
  };
}

function sane(r: Checked, maxMs: number): void {
  expect(r.json, r.stderr.slice(0, 2000)).toBeDefined();
  expect(r.codes).not.toContain('FC149');
  expect(r.codes).not.toContain('FC000');
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // a JavaScript stack
  expect(r.stderr).not.toMatch(/FATAL ERROR|Native stack trace|^\s*\d+: 0x/m); // a V8 abort
  expect(r.ms).toBeLessThan(maxMs);
  expect(r.rssMb).toBeLessThan(1024);
}

const TWO_MOONS = readFileSync(join(ROOT, 'specs/two_moons.flow'), 'utf8');

describe('hostile inputs through flowc check', () => {
  useFreshDist('dist/cli/main.js', ['grammar', 'compiler', 'cli']);

  test("'=;' × 2000 (3 KB): syntax errors, no stack overflow", () => {
    const r = check('eq.flow', '=;'.repeat(2000));
    sane(r, 30_000);
    expect(r.code).toBe(1);
    expect(r.codes).toContain('FC114');
    expect(r.codes[r.codes.length - 1]).toBe('FC127');
  }, 60_000);

  test("'model ' × 200,000 (1.2 MB): parsing stops after too many errors, in seconds", () => {
    const r = check('models.flow', 'model '.repeat(200_000));
    sane(r, 20_000);
    expect(r.code).toBe(1);
    const last = r.json.diagnostics[r.json.diagnostics.length - 1];
    expect(last.code).toBe('FC127');
    expect(last.message).toMatch(/parsing stopped after 200 syntax errors/);
  }, 60_000);

  test('a 50 MB spec: FC990 with the size and the limit, before lexing', () => {
    const r = check('huge.flow', `${TWO_MOONS}\n// ${'x'.repeat(50 * 1024 * 1024)}\n`);
    sane(r, 30_000);
    expect(r.code).toBe(1);
    expect(r.codes).toEqual(['FC990']);
    expect(r.json.diagnostics[0].message).toMatch(
      /the file is 52,\d{3},\d{3} bytes; specs are limited to 2,097,152 bytes/,
    );
  }, 60_000);

  test('YAML flow collections nested 2,000 deep: FC991, not a YAML syntax error', () => {
    const r = check('deep.flow.yaml', `model: M\ntrain: ${'['.repeat(2000)}${']'.repeat(2000)}\n`);
    sane(r, 30_000);
    expect(r.code).toBe(1);
    expect(r.codes).toEqual(['FC991']);
  }, 60_000);

  test('YAML block mappings nested 1,500 deep: FC991', () => {
    const lines = Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`);
    const r = check('deep2.flow.yaml', `model: M\ntrain:\n${lines.join('\n')}\n`);
    sane(r, 30_000);
    expect(r.codes).toEqual(['FC991']);
  }, 60_000);

  test('YAML with 100,000 keys: linear duplicate-key check, diagnostics capped', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: 1`).join('\n');
    const r = check('keys.flow.yaml', `model: M\ndata: { x: "real[2]" }\ntrain:\n${keys}\n  k7: 2\n`);
    sane(r, 90_000);
    expect(r.code).toBe(1);
    expect(r.json.diagnostics.length).toBeLessThanOrEqual(201);
  }, 120_000);

  test('YAML duplicate keys are still reported (FC150 at the second key)', () => {
    const r = check('dup.flow.yaml', 'model: M\ntrain: { steps: 1, steps: 2 }\n');
    sane(r, 30_000);
    expect(r.codes).toContain('FC150');
    const d = r.json.diagnostics.find((x: any) => x.code === 'FC150');
    expect(d.message).toMatch(/Map keys must be unique/);
    expect(d.span.line).toBe(2);
    expect(d.span.col).toBe(20);
  }, 60_000);

  test('bidi controls in a comment and a string: FC105 warnings (in code they stay FC101 errors)', () => {
    const text = TWO_MOONS.replace('// standard normal', '// standard \u202enormal').replace(
      'let width = 64',
      'let width = 64\nlet note = "abc\u2067def"',
    );
    const r = check('bidi.flow', text);
    sane(r, 30_000);
    const bidi = r.json.diagnostics.filter((d: any) => d.code === 'FC105');
    expect(bidi.map((d: any) => d.severity)).toEqual(['warning', 'warning']);
    expect(bidi.map((d: any) => d.message)).toEqual([
      'bidirectional control character U+2067 in a string',
      'bidirectional control character U+202E in a comment',
    ]);
    const inCode = check('bidi-code.flow', TWO_MOONS.replace('prior normal', 'prior \u202enormal'));
    expect(inCode.code).toBe(1);
    expect(inCode.codes).toContain('FC101');
  }, 60_000);

  test('YAML: bidi controls anywhere are FC105 warnings', () => {
    const yaml = readFileSync(join(ROOT, 'specs/two_moons.flow.yaml'), 'utf8');
    const r = check('bidi.flow.yaml', `# a \u202e comment\n${yaml}`);
    sane(r, 30_000);
    expect(r.codes.filter((c) => c === 'FC105')).toHaveLength(1);
  }, 60_000);
});
