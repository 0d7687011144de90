// Diagnostics of the resource limits (compiler/limits.ts): a declared size, an argument, an
// expansion or a definition chain past its limit. Stable codes: never renumber.
import type { DiagnosticDef } from '../../grammar/diagnostic.js';

/** a size as written back: integers in full, others (1e300) to three significant digits */
const n = (v: number): string => (Number.isSafeInteger(v) ? String(v) : v.toPrecision(3));

export const TOO_MANY_ELEMENTS: DiagnosticDef<{ name: string; shape: string; elements: number; limit: number }> = {
  code: 'FC905',
  severity: 'error',
  title: 'variable too large',
  message: (p) =>
    `\`${p.name}\` of shape ${p.shape} has ` +
    `${Number.isFinite(p.elements) ? n(p.elements) : 'more than 2^53'} elements, ` +
    `more than the limit of ${p.limit}; its masks, orders and proofs are not built`,
  hint: () => 'sizes must be integers whose product (D, or C·H·W) stays within the limit; downsample or crop the data',
};

export const ARG_OVER_LIMIT: DiagnosticDef<{ what: string; value: number; limit: number; unit: string }> = {
  code: 'FC906',
  severity: 'error',
  title: 'argument past a resource limit',
  message: (p) =>
    `${p.what} is ${n(p.value)}, more than the limit of ${p.limit} ${p.unit}; ` +
    'the proofs that depend on it are skipped',
  hint: () => 'no model flowc can train needs this much; use a smaller value',
};

export const EXPANSION_OVER_LIMIT: DiagnosticDef<{ what: string; limit: number; unit: string }> = {
  code: 'FC907',
  severity: 'error',
  title: 'expansion past a resource limit',
  message: (p) => `${p.what} expands past ${p.limit} ${p.unit}; checking stops here`,
  hint: () => 'lower the `repeat` counts, or nest fewer `repeat` blocks',
};

export const CHAIN_OVER_LIMIT: DiagnosticDef<{ name: string; length: number; limit: number }> = {
  code: 'FC908',
  severity: 'error',
  title: 'definition chain past a resource limit',
  message: (p) => `\`${p.name}\` names a chain of more than ${p.limit} definitions (it was followed ${p.length} steps)`,
  hint: () => 'give a definition in the chain its value directly',
};

export const LIMIT_CODES: DiagnosticDef[] = [TOO_MANY_ELEMENTS, ARG_OVER_LIMIT, EXPANSION_OVER_LIMIT, CHAIN_OVER_LIMIT];
