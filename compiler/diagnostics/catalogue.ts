// The one catalogue of diagnostics: every DiagnosticDef of every stage, by code.
// Codes: FC0xx internal, FC1xx syntax (grammar/syntax-codes.ts), FC2xx names, FC3xx types,
// FC40x..FC44x registry shape rules, FC45x..FC49x shapes, FC5xx+ proofs.
import type { DiagnosticDef } from '../../grammar/diagnostic.js';
import { SYNTAX_CODES } from '../../grammar/syntax-codes.js';
import { NAMES_CODES } from './codes-names.js';
import { TYPES_CODES } from './codes-types.js';
import { SHAPES_CODES } from './codes-shapes.js';
import { REGISTRY_CODES } from './codes-registry.js';
import { PROOF_CODES } from './codes-proofs.js';
import { LIMIT_CODES } from './codes-limits.js';

/** every catalogue, in code order of their areas */
export const ALL_CODE_LISTS: readonly (readonly DiagnosticDef[])[] = [
  SYNTAX_CODES,
  NAMES_CODES,
  TYPES_CODES,
  REGISTRY_CODES,
  SHAPES_CODES,
  PROOF_CODES,
  LIMIT_CODES,
];

export const ALL_CODES: readonly DiagnosticDef[] = ALL_CODE_LISTS.flat();

/**
 * code → definition (a duplicated code keeps its first definition; test/compiler/catalogue.test.ts forbids duplicates)
 */
export const CATALOGUE: ReadonlyMap<string, DiagnosticDef> = new Map(
  [...ALL_CODES].reverse().map((d) => [d.code, d] as const),
);

export function lookupCode(code: string): DiagnosticDef | undefined {
  return CATALOGUE.get(code.toUpperCase());
}
