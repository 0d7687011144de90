// Small builders for registry argument specs, so each kind reads as one table row per argument.
import type { ArgSpec, ArgType, Category } from './types.js';
import type { LimitName } from '../limits.js';

type Opts = Omit<ArgSpec, 'name' | 'type' | 'doc'>;

export const T = {
  int: (min?: number, max?: number): ArgType => ({
    kind: 'int',
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
  }),
  /**
   * a size (width, layers, kernel, ...) with a resource limit of compiler/limits.ts; the limit is
   * not enumerable, so the type reads as `T.int(min)` to the JSON Schema and the docs
   */
  size: (min: number, limit: LimitName): ArgType =>
    Object.defineProperty({ kind: 'int', min }, 'limit', { value: limit, enumerable: false }) as ArgType,
  num: (min?: number, max?: number, exclusiveMin?: boolean, exclusiveMax?: boolean): ArgType => ({
    kind: 'number',
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(exclusiveMin ? { exclusiveMin } : {}),
    ...(exclusiveMax ? { exclusiveMax } : {}),
  }),
  bool: (): ArgType => ({ kind: 'bool' }),
  str: (): ArgType => ({ kind: 'string' }),
  oneOf: (...values: string[]): ArgType => ({ kind: 'enum', values }),
  list: (of: ArgType, minItems?: number): ArgType => ({
    kind: 'list',
    of,
    ...(minItems !== undefined ? { minItems } : {}),
  }),
  call: (category: Category): ArgType => ({ kind: 'call', category }),
  mask: (): ArgType => ({ kind: 'mask' }),
  union: (...of: ArgType[]): ArgType => ({ kind: 'union', of }),
};

export function arg(name: string, type: ArgType, doc: string, opts: Opts = {}): ArgSpec {
  return { name, type, doc, ...opts };
}

/** Activation functions of conditioner nets (mlp/resnet/made) and masked convs. */
export const NET_ACTIVATIONS = ['relu', 'tanh', 'elu', 'gelu', 'leaky_relu'] as const;
