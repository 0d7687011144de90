// FC3xx: argument types — wrong type, missing, out of range, too many positional, repeat counts.
import type { DiagnosticDef } from '../../grammar/diagnostic.js';
import { helpRef } from '../reference/links.js';

export const WRONG_TYPE: DiagnosticDef<{ what: string; expected: string; got: string; suggestion?: string }> = {
  code: 'FC301',
  severity: 'error',
  title: 'wrong type',
  message: (p) => `${p.what} expects ${p.expected}, got ${p.got}`,
  hint: (p) => (p.suggestion ? `did you mean \`${p.suggestion}\`?` : `write ${p.expected}`),
};

export const MISSING_ARGUMENT: DiagnosticDef<{ name: string; kind: string; type: string }> = {
  code: 'FC302',
  severity: 'error',
  title: 'missing required argument',
  message: (p) => `\`${p.kind}\` needs argument \`${p.name}\` (${p.type})`,
  hint: (p) => `add \`${p.name}: ...\` to the call (${helpRef(p.kind)})`,
};

export const OUT_OF_RANGE: DiagnosticDef<{ what: string; value: number; range: string }> = {
  code: 'FC303',
  severity: 'error',
  title: 'value out of range',
  message: (p) => `${p.what} is ${p.value}, it must be ${p.range}`,
  hint: (p) => `use a value ${p.range}`,
};

export const TOO_MANY_POSITIONAL: DiagnosticDef<{ kind: string; max: number; given: number }> = {
  code: 'FC304',
  severity: 'error',
  title: 'too many positional arguments',
  message: (p) => `\`${p.kind}\` takes ${p.max} positional argument${p.max === 1 ? '' : 's'}, ${p.given} given`,
  hint: (p) =>
    p.max === 0 ? 'name the arguments (`key: value`)' : 'remove the extra arguments or name them (`key: value`)',
};

export const BAD_REPEAT_COUNT: DiagnosticDef<{ got: string }> = {
  code: 'FC305',
  severity: 'error',
  title: 'repeat count not a positive integer',
  message: (p) => `\`repeat\` needs a positive integer count, got ${p.got}`,
  hint: () => 'write e.g. `repeat 8 { ... }`',
};

export const TOO_FEW_ITEMS: DiagnosticDef<{ what: string; min: number; got: number }> = {
  code: 'FC306',
  severity: 'error',
  title: 'list too short',
  message: (p) => `${p.what} needs at least ${p.min} item${p.min === 1 ? '' : 's'}, got ${p.got}`,
  hint: () => 'add items to the list',
};

export const BAD_BLOCK: DiagnosticDef<{ kind: string }> = {
  code: 'FC307',
  severity: 'error',
  title: 'unexpected block',
  message: (p) => `\`${p.kind}\` does not take a \`{ ... }\` block`,
  hint: () => 'remove the block',
};

export const NOT_A_MASK: DiagnosticDef<{ got: string }> = {
  code: 'FC308',
  severity: 'error',
  title: 'not a mask',
  message: (p) => `expected a mask, got ${p.got}`,
  hint: () => 'use a mask name, checkerboard | channel | half | alternate, a 0/1 list, or `!` of one',
};

export const BAD_LITERAL_MASK: DiagnosticDef<{ got: string }> = {
  code: 'FC309',
  severity: 'error',
  title: 'literal mask entries must be 0 or 1',
  message: (p) => `literal mask entries must be 0 or 1, got ${p.got}`,
  hint: () => '1 = passes through (conditions the rest), 0 = transformed',
};

export const BAD_ORDER: DiagnosticDef<{ got: string }> = {
  code: 'FC310',
  severity: 'error',
  title: 'bad order',
  message: (p) =>
    `expected an order (natural | reverse | random(seed: N) | raster(...) | a list of indices), got ${p.got}`,
  hint: () => 'e.g. `order natural` or `order [2, 0, 3, 1]`',
};

export const BAD_TYPE_EXPR: DiagnosticDef<{ got: string }> = {
  code: 'FC311',
  severity: 'error',
  title: 'bad data type',
  message: (p) => `bad shape in data type: ${p.got}`,
  hint: () => 'shapes are `[D]` for vectors and `[C, H, W]` for images, with positive integer sizes',
};

export const TOO_MANY_LAYERS: DiagnosticDef<{ max: number }> = {
  code: 'FC312',
  severity: 'error',
  title: 'too many layers',
  message: (p) => `the flow expands to more than ${p.max} layers`,
  hint: () => 'lower the `repeat` counts',
};

export const FLIP_OUTSIDE_REPEAT: DiagnosticDef<{ kind: string }> = {
  code: 'FC313',
  severity: 'warning',
  title: '`flip` outside `repeat`',
  message: (p) => `\`flip: true\` has no effect here: \`${p.kind}\` is not inside a \`repeat\``,
  hint: () =>
    'flip complements the mask on every other repetition of a `repeat`; to use the complement here, ' +
    'write `mask: !m` (see `flowc help repeat`)',
};

export const CONDITION_TYPE: DiagnosticDef<{ got: string }> = {
  code: 'FC314',
  severity: 'error',
  title: 'bad condition type',
  message: (p) =>
    `a model can be conditioned on one class label \`categorical(K)\` or a real vector \`real[n]\`, not ${p.got}`,
  hint: () => 'write `condition y: categorical(10)` (a label, fed as one-hot) or `condition y: real[8]`',
};

export const ARG_NOT_USED: DiagnosticDef<{ name: string; kind: string; other: string; value: string; uses: string }> = {
  code: 'FC315',
  severity: 'warning',
  title: 'argument has no effect',
  message: (p) => `\`${p.name}\` has no effect on \`${p.kind}\` with \`${p.other}: ${p.value}\``,
  hint: (p) => `\`${p.name}\` is used only with \`${p.other}: ${p.uses}\`; remove it, or change \`${p.other}\``,
};

export const TYPES_CODES: DiagnosticDef[] = [
  WRONG_TYPE,
  MISSING_ARGUMENT,
  OUT_OF_RANGE,
  TOO_MANY_POSITIONAL,
  BAD_REPEAT_COUNT,
  TOO_FEW_ITEMS,
  BAD_BLOCK,
  NOT_A_MASK,
  BAD_LITERAL_MASK,
  BAD_ORDER,
  BAD_TYPE_EXPR,
  TOO_MANY_LAYERS,
  FLIP_OUTSIDE_REPEAT,
  CONDITION_TYPE,
  ARG_NOT_USED,
];
