// The proofs never throw, even on partial models (the checker drops a failing check's exception
// silently when the model already has errors, so this runs the proofs directly).
import { expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from '../../grammar/parse.js';
import { checkFile } from '../../compiler/check/index.js';
import { PROOF_CHECKS } from '../../compiler/proofs/index.js';
import { mulberry32 } from '../../compiler/proofs/rng.js';

function flowFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) flowFiles(p, out);
    else if (f.endsWith('.flow')) out.push(p);
  }
  return out;
}

function runProofs(text: string, file: string): string[] {
  const bad: string[] = [];
  const p = parseFlow(text, file);
  const r = checkFile(p.value, { proofs: [] });
  for (const m of r.models)
    for (const c of PROOF_CHECKS) {
      try {
        c.run(m, { file, report: () => {} });
      } catch (e) {
        bad.push(`${file} ${c.name}: ${(e as Error).message}`);
      }
    }
  return bad;
}

it('no exceptions on the goldens and the spec library', () => {
  const bad = [...flowFiles('test/compiler/golden'), ...flowFiles('specs')].flatMap((f) =>
    runProofs(readFileSync(f, 'utf8'), f),
  );
  expect(bad).toEqual([]);
});

it('no exceptions on mutated specs (numbers changed, lines dropped)', () => {
  const rng = mulberry32(2024);
  const bad: string[] = [];
  const specs = flowFiles('specs');
  for (let k = 0; k < 60; k++) {
    const f = specs[k % specs.length]!;
    const lines = readFileSync(f, 'utf8').split('\n');
    const i = Math.floor(rng() * lines.length);
    if (rng() < 0.5) lines.splice(i, 1);
    else lines[i] = lines[i]!.replace(/\d+/g, () => String([0, 1, 3, 7, 2][Math.floor(rng() * 5)]));
    bad.push(...runProofs(lines.join('\n'), `${f}#${k}`));
  }
  expect(bad).toEqual([]);
});
