// Test helpers: check a .flow text through the real front end and checker.
import { parseFlow } from '../../grammar/parse.js';
import { checkFile } from '../../compiler/check/index.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import type { CheckedModel } from '../../compiler/check/model.js';

/**
 * Parse and check. The proofs (compiler/proofs) are left out unless `proofs: true`, so these
 * unit tests exercise the checker alone; test/compiler/specs.test.ts and the goldens run everything.
 */
export function checkText(
  text: string,
  file = 'test.flow',
  opts: { proofs?: boolean } = {},
): { models: CheckedModel[]; diagnostics: Diagnostic[] } {
  const p = parseFlow(text, file);
  const r = checkFile(p.value, opts.proofs ? {} : { proofs: [] });
  return { models: r.models, diagnostics: [...p.diagnostics, ...r.diagnostics] };
}

export const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.code);
export const errors = (ds: readonly Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error');
