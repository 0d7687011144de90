// Golden diagnostics: every test/compiler/golden/<area>/NAME.flow (or NAME.flow.yaml) is checked
// and its rendered diagnostics (no colour) compared with NAME.expected. Every folder under
// golden/ is picked up, so other areas just add files. A folder named `valid` must check clean;
// everywhere else a file must produce at least one diagnostic.
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run test/compiler/golden.test.ts (then read the diffs).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { checkSource, renderDiagnostics } from '../../compiler/index.js';

const ROOT = fileURLToPath(new URL('./golden', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const SPEC = /\.flow(\.ya?ml)?$/;

const areas = readdirSync(ROOT)
  .filter((d) => statSync(join(ROOT, d)).isDirectory())
  .sort();

export function renderGolden(area: string, name: string): { out: string; count: number } {
  const rel = `${area}/${name}`;
  const text = readFileSync(join(ROOT, area, name), 'utf8');
  const { diagnostics } = checkSource(text, rel);
  return { out: renderDiagnostics(diagnostics, new Map([[rel, text]]), { color: false }), count: diagnostics.length };
}

describe('golden diagnostics', () => {
  it('has at least 40 invalid specs across syntax, names, types and shapes', () => {
    const n = ['syntax', 'names', 'types', 'shapes']
      .filter((a) => existsSync(join(ROOT, a)))
      .reduce((s, a) => s + readdirSync(join(ROOT, a)).filter((f) => SPEC.test(f)).length, 0);
    expect(n).toBeGreaterThanOrEqual(40);
  });

  for (const area of areas) {
    describe(area, () => {
      const files = readdirSync(join(ROOT, area))
        .filter((f) => SPEC.test(f))
        .sort();
      for (const name of files) {
        it(name, () => {
          const { out, count } = renderGolden(area, name);
          const expectedPath = join(ROOT, area, name.replace(SPEC, '') + '.expected');
          if (UPDATE) writeFileSync(expectedPath, out);
          expect(existsSync(expectedPath), `missing ${expectedPath}; run with UPDATE_GOLDEN=1`).toBe(true);
          expect(out).toBe(readFileSync(expectedPath, 'utf8'));
          if (area === 'valid') expect(count).toBe(0);
          else expect(count, 'an invalid spec must produce a diagnostic').toBeGreaterThan(0);
        });
      }
    });
  }
});
