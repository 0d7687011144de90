// Checked argument values and how they are described in messages.
import type { Expr, Span } from '../../grammar/ast.js';
import type { ArgType, Category } from '../registry/types.js';

/** A mask expression after name resolution; made concrete (0/1 array) once the input shape is known. */
export interface MaskValue {
  kind: 'mask-value';
  /** checkerboard | channel | half | alternate | literal (or another mask kind of the registry) */
  base: string;
  /** literal entries */
  values?: number[];
  /** arguments of a mask kind call, e.g. checkerboard(parity: 1) */
  args?: Record<string, unknown>;
  /** `!` applied an odd number of times */
  negate: boolean;
  span: Span;
}

export const isMaskValue = (v: unknown): v is MaskValue =>
  !!v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'mask-value';

const CATEGORY_LABEL: Record<Category, [string, string]> = {
  flow: ['flow layer', 'a'],
  net: ['conditioner net', 'a'],
  conditional: ['autoregressive conditional', 'an'],
  'ar-layer': ['conditional layer', 'a'],
  likelihood: ['likelihood', 'a'],
  prior: ['prior', 'a'],
  order: ['order', 'an'],
  mask: ['mask kind', 'a'],
  connectivity: ['connectivity', 'a'],
  transform: ['elementwise transform', 'an'],
  domain: ['data domain', 'a'],
  dataset: ['dataset', 'a'],
  optimizer: ['optimizer', 'an'],
  posterior: ['posterior', 'a'],
  target: ['target', 'a'],
  train: ['train setting', 'a'],
};

export const categoryLabel = (c: Category): string => CATEGORY_LABEL[c]?.[0] ?? c;
export const withArticle = (c: Category): string => {
  const l = CATEGORY_LABEL[c];
  return l ? `${l[1]} ${l[0]}` : `a ${c}`;
};

export function describeType(t: ArgType): string {
  switch (t.kind) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'bool':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'enum': {
      // a value that is not a name (e.g. 8gaussians) is written as a string: show that form
      const vs = t.values.map((v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : JSON.stringify(v)));
      return vs.length === 1 ? `\`${vs[0]}\`` : `one of ${vs.join(' | ')}`;
    }
    case 'list':
      return `a list of ${plural(t.of)}`;
    case 'call':
      return withArticle(t.category);
    case 'mask':
      return 'a mask';
    case 'union':
      return t.of.map(describeType).join(' or ');
  }
}

function plural(t: ArgType): string {
  switch (t.kind) {
    case 'int':
      return 'integers';
    case 'number':
      return 'numbers';
    case 'bool':
      return 'booleans';
    case 'string':
      return 'strings';
    case 'list':
      return `lists of ${plural(t.of)}`;
    case 'call':
      return `${categoryLabel(t.category)}s`;
    default:
      return `(${describeType(t)})`;
  }
}

export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.raw || String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'bool':
      return String(e.value);
    case 'ident':
      return `\`${e.name}\``;
    case 'list':
      return e.items.length <= 4 ? `[${e.items.map(describeExpr).join(', ')}]` : `a list of ${e.items.length} items`;
    case 'not':
      return `\`!\`${describeExpr(e.operand)}`;
    case 'call':
      return `\`${e.callee.text}${e.parens ? '(...)' : ''}\``;
  }
}
