// FC0xx (internal) and FC2xx: names — unknown kinds and arguments, duplicates, undefined
// lets/masks/models, kinds used in the wrong place, missing declarations.
import type { DiagnosticDef } from '../../grammar/diagnostic.js';
import { TOY_NAMES } from '../registry/datasets.js';
import { dataSourceForms, helpRef } from '../reference/links.js';

const didYouMean = (s?: string): string | undefined => (s ? `did you mean \`${s}\`?` : undefined);

export const INTERNAL_ERROR: DiagnosticDef<{ what: string }> = {
  code: 'FC000',
  severity: 'error',
  title: 'internal compiler error',
  message: (p) => `internal compiler error: ${p.what}`,
  hint: () => 'this is a bug in flowc, not in your spec; please report it with this file',
};

export const UNKNOWN_KIND: DiagnosticDef<{ name: string; where: string; suggestion?: string; known: string }> = {
  code: 'FC201',
  severity: 'error',
  title: 'unknown kind',
  message: (p) => `unknown ${p.where} \`${p.name}\``,
  hint: (p) => {
    if (p.where === 'dataset') {
      const toy = (TOY_NAMES as readonly string[]).includes(p.name) ? `did you mean \`toy(${p.name})\`? ` : '';
      return (
        `${toy || (didYouMean(p.suggestion)?.concat(' ') ?? '')}a data source is one of ${dataSourceForms()} ` +
        '(`flowc help language`, docs/LANGUAGE.md#data-sources)'
      );
    }
    return didYouMean(p.suggestion) ?? `known ${p.where}s: ${p.known} (\`flowc help language\` describes them)`;
  },
};

export const UNKNOWN_ARGUMENT: DiagnosticDef<{ name: string; kind: string; suggestion?: string; known: string }> = {
  code: 'FC202',
  severity: 'error',
  title: 'unknown argument',
  message: (p) => `\`${p.kind}\` has no argument \`${p.name}\``,
  hint: (p) => {
    const what =
      didYouMean(p.suggestion) ?? (p.known ? `its arguments are: ${p.known}` : `\`${p.kind}\` takes no arguments`);
    return `${what} (${helpRef(p.kind)})`;
  },
};

export const DUPLICATE_MODEL: DiagnosticDef<{ name: string }> = {
  code: 'FC203',
  severity: 'error',
  title: 'duplicate model',
  message: (p) => `model \`${p.name}\` is defined more than once`,
  hint: () => 'rename one of the models; model names must be unique in a file',
};

export const DUPLICATE_LET: DiagnosticDef<{ name: string }> = {
  code: 'FC204',
  severity: 'error',
  title: 'duplicate let',
  message: (p) => `\`let ${p.name}\` is defined more than once`,
  hint: () => 'remove or rename one of the definitions',
};

export const DUPLICATE_MASK: DiagnosticDef<{ name: string }> = {
  code: 'FC205',
  severity: 'error',
  title: 'duplicate mask',
  message: (p) => `mask \`${p.name}\` is defined more than once in the same scope`,
  hint: () => 'remove or rename one of the definitions',
};

export const DUPLICATE_ARGUMENT: DiagnosticDef<{ name: string; kind: string }> = {
  code: 'FC206',
  severity: 'error',
  title: 'duplicate argument',
  message: (p) => `argument \`${p.name}\` of \`${p.kind}\` is given more than once`,
  hint: () => 'give each argument once (a positional argument counts as giving it)',
};

export const UNDEFINED_NAME: DiagnosticDef<{ name: string; expected: string; suggestion?: string }> = {
  code: 'FC207',
  severity: 'error',
  title: 'undefined name',
  message: (p) => `\`${p.name}\` is not defined (expected ${p.expected})`,
  hint: (p) => didYouMean(p.suggestion) ?? 'define it with `let` (values) or `mask` (masks) before using it',
};

export const UNDEFINED_MASK: DiagnosticDef<{ name: string; suggestion?: string }> = {
  code: 'FC208',
  severity: 'error',
  title: 'undefined mask',
  message: (p) => `mask \`${p.name}\` is not defined`,
  hint: (p) =>
    didYouMean(p.suggestion) ?? 'declare it with `mask NAME = checkerboard | channel | half | alternate | [1, 0, ...]`',
};

export const UNKNOWN_MODEL: DiagnosticDef<{ name: string; suggestion?: string; known: string }> = {
  code: 'FC209',
  severity: 'error',
  title: 'unknown model',
  message: (p) => `no model named \`${p.name}\` in this file`,
  hint: (p) => didYouMean(p.suggestion) ?? (p.known ? `models in this file: ${p.known}` : 'this file defines no model'),
};

export const WRONG_PLACE: DiagnosticDef<{ name: string; category: string; where: string }> = {
  code: 'FC210',
  severity: 'error',
  title: 'kind used in the wrong place',
  message: (p) => `\`${p.name}\` is a ${p.category}, it cannot be used ${p.where}`,
  hint: (p) => `move \`${p.name}\` to its own place (a ${p.category}), or use a kind that belongs ${p.where}`,
};

export const DUPLICATE_DECL: DiagnosticDef<{ what: string; model: string }> = {
  code: 'FC211',
  severity: 'error',
  title: 'duplicate declaration',
  message: (p) => `model \`${p.model}\` declares \`${p.what}\` more than once`,
  hint: () => 'keep one declaration',
};

export const MISSING_DECL: DiagnosticDef<{ what: string; model: string; family: string; example: string }> = {
  code: 'FC212',
  severity: 'error',
  title: 'missing declaration',
  message: (p) => `${p.family} model \`${p.model}\` has no \`${p.what}\``,
  hint: (p) => `add e.g. \`${p.example}\``,
};

export const AMBIGUOUS_MODEL: DiagnosticDef<{ known: string }> = {
  code: 'FC213',
  severity: 'error',
  title: 'several models, none chosen',
  message: (p) => `this file defines several models (${p.known}); choose one`,
  hint: () => 'pass the model name with `--model NAME`',
};

export const NO_MODEL: DiagnosticDef<Record<string, never>> = {
  code: 'FC214',
  severity: 'error',
  title: 'no model',
  message: () => 'this file defines no model',
  hint: () => 'add `model Name { data x: real[2] ... }`',
};

export const UNUSED_DECL: DiagnosticDef<{ what: string; family: string }> = {
  code: 'FC215',
  severity: 'warning',
  title: 'declaration not used by this model family',
  message: (p) => `\`${p.what}\` is not used by a ${p.family} model`,
  hint: () => 'remove it, or add the declarations that make it part of the model',
};

export const RECURSIVE_LET: DiagnosticDef<{ name: string }> = {
  code: 'FC216',
  severity: 'error',
  title: 'recursive definition',
  message: (p) => `\`${p.name}\` is defined in terms of itself`,
  hint: () => 'give it a literal value',
};

export const NAMES_CODES: DiagnosticDef[] = [
  INTERNAL_ERROR,
  UNKNOWN_KIND,
  UNKNOWN_ARGUMENT,
  DUPLICATE_MODEL,
  DUPLICATE_LET,
  DUPLICATE_MASK,
  DUPLICATE_ARGUMENT,
  UNDEFINED_NAME,
  UNDEFINED_MASK,
  UNKNOWN_MODEL,
  WRONG_PLACE,
  DUPLICATE_DECL,
  MISSING_DECL,
  AMBIGUOUS_MODEL,
  NO_MODEL,
  UNUSED_DECL,
  RECURSIVE_LET,
];
