// `explain` on every model of the spec library, through the real pipeline (parse → check → lower):
// a golden text per model (UPDATE_GOLDEN=1 rewrites them), plus invariants that hold for any spec.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from '../../grammar/parse.js';
import { checkFile } from '../../compiler/check/index.js';
import { lowerModel } from '../../compiler/lower.js';
import { explain, explainJson } from '../../compiler/explain.js';

const SPECS = 'specs';
const GOLDEN = join('test', 'registry', 'golden', 'explain');
const files = existsSync(SPECS)
  ? readdirSync(SPECS)
      .filter((f) => f.endsWith('.flow'))
      .sort()
  : [];

const OBJECTIVE_START: Record<string, string> = {
  flow: 'log p(x) = log p_Z(f(x))',
  autoregressive: 'log p(x) = Σ_i log p(x_{o(i)} | x_{o(<i)})',
  vae: 'ELBO(x) =',
  energy: 'KL(q_K ‖ p) − log Z',
};

describe('explain on the spec library', () => {
  it('has specs to explain', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(SPECS, f), 'utf8');
      const parsed = parseFlow(text, `${SPECS}/${f}`);
      const checked = checkFile(parsed.value);
      const errors = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === 'error');
      expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(checked.models.length).toBeGreaterThan(0);
      for (const m of checked.models) {
        const ir = lowerModel(m);
        const j = explainJson(ir);
        const out = explain(ir);
        expect(j.objective[0]!.startsWith(OBJECTIVE_START[ir.family]!)).toBe(true);
        expect(out).toContain(OBJECTIVE_START[ir.family]!);
        for (const r of j.rows) {
          expect(r.jacobian, r.id).not.toBe('?');
          expect(r.logDet, r.id).not.toBe('?');
          expect(Number.isFinite(r.params) && Number.isFinite(r.flops), r.id).toBe(true);
        }
        // explain sums the IR's per-layer parameter tensors; lowering totals through the registry: they must agree
        expect(j.totals.params).toBe(ir.totals.params);
        const golden = join(GOLDEN, `${f.replace(/\.flow$/, '')}.${m.name}.txt`);
        if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
          mkdirSync(GOLDEN, { recursive: true });
          writeFileSync(golden, out);
        } else {
          expect(out).toBe(readFileSync(golden, 'utf8'));
        }
      }
    });
  }
});
