// The checker never throws and never reports an internal error (FC000) on mutated specs:
// token deletions, duplications and substitutions of the spec library, through the whole
// pipeline (recovered ASTs included). Every span lies inside its file.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSource, compileSource } from '../../compiler/index.js';
import { CheckChild } from '../fuzz/checker.js';
import { fuzzCases, fuzzSeed, hostileCases, mutate, problems } from '../fuzz/hostile.js';
import { ROOT, useFreshDist } from '../support/dist.js';

const SPECS = new URL('../../specs/', import.meta.url);
// the cheap specs (the MNIST MAF takes seconds per compile)
const texts = readdirSync(SPECS)
  .filter((f) => f.endsWith('.flow') && !f.startsWith('maf'))
  .map((f) => readFileSync(new URL(f, SPECS), 'utf8'));
const WORDS = [
  'coupling',
  'squeeze',
  'split',
  'level',
  'repeat',
  'mask',
  '!',
  '[1, 0]',
  '0',
  '-1',
  '3.5',
  'true',
  'checkerboard',
  'channel',
  'half',
  'alternate',
  'planar',
  'radial',
  'made',
  'normal',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  'data',
  'latent',
  'x',
  'real[3]',
  'let',
  '=',
  'flip: true',
  'net: mlp(4)',
];

describe('checker robustness', () => {
  it('never throws or reports FC000 on mutated specs, and keeps spans inside the file', () => {
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.array(
          fc.record({ kind: fc.nat(2), at: fc.nat(5000), word: fc.nat(100), len: fc.integer({ min: 1, max: 12 }) }),
          { minLength: 1, maxLength: 4 },
        ),
        (i, ops) => {
          const text = mutate(texts[i]!, ops, WORDS);
          const { diagnostics } = checkSource(text, 'm.flow');
          const internal = diagnostics.filter((d) => d.code === 'FC000');
          expect(
            internal.map((d) => d.message),
            text,
          ).toEqual([]);
          for (const d of diagnostics) {
            expect(d.span.start).toBeGreaterThanOrEqual(0);
            expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
            expect(d.span.end).toBeLessThanOrEqual(text.length);
          }
          if (!diagnostics.some((d) => d.severity === 'error'))
            expect(compileSource(text, 'm.flow').diagnostics.filter((d) => d.code === 'FC000')).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), seed: Number(process.env.FUZZ_SEED ?? 20261129) },
    );
  });
});

// Issue #17: hostile inputs (test/fuzz/hostile.ts: huge numbers, long chains, deep nesting, token
// runs, YAML nesting and keys, random bytes) through checkSource in-process, and a sample of them
// through the binary. `npm run fuzz` runs the same with FUZZ_CASES=100000.
const CASES = fuzzCases(5000);
/** FUZZ_JOBS checker processes share the cases (npm run fuzz: 2); FUZZ_PROGRESS=FILE gets a line per chunk */
const JOBS = Number(process.env.FUZZ_JOBS ?? 2);
const CHUNK = 500;
const PROGRESS = process.env.FUZZ_PROGRESS;
/** FUZZ_KEEP_GOING=1 (npm run fuzz): run every case, then list the failures by kind */
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
/** one case's time limit (a loaded machine; the cases are small) */
const CASE_LIMIT_MS = Number(process.env.FUZZ_CASE_MS ?? 20_000);

describe('hostile inputs (fuzz)', () => {
  useFreshDist('dist/cli/main.js', ['grammar', 'compiler', 'cli']);
  it(
    `never throws, never reports FC000/FC149, keeps spans inside the file on ${CASES} cases`,
    async () => {
      // checkSource runs in child processes (test/fuzz/checker.ts): a V8 abort or a hang names its input.
      // Cases come in seeded chunks (chunk k: seed + k), shared by FUZZ_JOBS children.
      const children = Array.from({ length: JOBS }, () => new CheckChild());
      const kinds = new Map<string, number>();
      const ms = new Map<string, number>();
      const failed = new Map<string, string[]>();
      const t0 = performance.now();
      try {
        for (let from = 0; from < CASES && (KEEP_GOING || failed.size === 0); from += CHUNK) {
          const cases = fc.sample(hostileCases, { numRuns: Math.min(CHUNK, CASES - from), seed: fuzzSeed(17) + from });
          let next = 0;
          await Promise.all(
            children.map(async (child) => {
              while (next < cases.length && (KEEP_GOING || failed.size === 0)) {
                const c = cases[next++]!;
                kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
                const r = await child.check(c.text, c.file, CASE_LIMIT_MS);
                if (r.ok) ms.set(c.kind, (ms.get(c.kind) ?? 0) + r.ms);
                const found = r.ok ? problems(c.text, r.diagnostics) : [r.why];
                const what = `${c.kind} (${c.text.length} chars): ${JSON.stringify(c.text.slice(0, 300))}`;
                if (found.length) failed.set(c.kind, [...(failed.get(c.kind) ?? []), `${found[0]} -- ${what}`]);
              }
            }),
          );
          const done = Math.min(CASES, from + CHUNK);
          const fails = [...failed.values()].reduce((n, f) => n + f.length, 0);
          const line =
            `${new Date().toISOString()} ${done}/${CASES} cases, ${fails} failing, ` +
            `${((performance.now() - t0) / 1000).toFixed(0)} s\n`;
          if (PROGRESS) appendFileSync(PROGRESS, line);
        }
      } finally {
        for (const c of children) c.dispose();
      }
      console.log(
        `fuzz: ${CASES} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s:`,
        [...kinds].map(([k, n]) => `${k} ${n} (${((ms.get(k) ?? 0) / 1000).toFixed(1)} s)`).join(', '),
      );
      for (const [k, fs] of failed) {
        console.log(`fuzz: ${fs.length} failing ${k} cases; the first: ${fs[0]!.slice(0, 600)}`);
      }
      expect([...failed].map(([k, fs]) => `${k}: ${fs[0]!.slice(0, 400)}`)).toEqual([]);
    },
    120_000 + CASES * 60,
  );

  it('a sample through `flowc check --format json`: exit 0 or 1, JSON out, no stack, spans inside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowc-fuzz-'));
    const cases = fc.sample(hostileCases, { numRuns: 24, seed: fuzzSeed(17) + 1 });
    const files = cases.map((c, i) => {
      const f = join(dir, `${i}-${c.file}`);
      writeFileSync(f, c.text);
      return f;
    });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/flowc.js'), 'check', ...files, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 170_000,
    });
    expect([0, 1], r.stderr.slice(0, 2000)).toContain(r.status);
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    type Json = { code: string; message: string; span: { file: string; start: number; end: number } };
    const out = JSON.parse(r.stdout) as { diagnostics: Json[] };
    expect(out.diagnostics.length).toBeGreaterThan(0);
    files.forEach((f, i) => {
      const mine = out.diagnostics.filter((d) => d.span.file === f);
      expect(problems(cases[i]!.text, mine), `${cases[i]!.kind} (${f})`).toEqual([]);
    });
  }, 180_000);
});
