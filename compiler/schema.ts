// generateSchema: the JSON Schema (draft-07, as ajv 8 reads it by default) of the YAML form,
// generated from the registry: every layer kind becomes a branch with its arguments, types,
// enums and required-ness, and unknown arguments are rejected (additionalProperties: false).
// docs/YAML_FORM.md describes the form; grammar/yaml.ts validates against this schema.
//
// Branches switch on the JSON type with if/then/else rather than anyOf, so a validator reports
// the errors of the branch the value is in (and not one per alternative).
import { REGISTRY } from './registry/index.js';
import type { ArgSpec, ArgType, Category, LayerKind } from './registry/types.js';

type Schema = Record<string, unknown> | boolean;

const IDENT = '^[A-Za-z_][A-Za-z0-9_]*$';
const ident: Schema = { type: 'string', pattern: IDENT };
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

/** if/then/else on the JSON type; types not listed fail with "must be <listed types>" */
function byType(
  branches: Partial<Record<'null' | 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object', Schema>>,
): Schema {
  const entries = Object.entries(branches) as [string, Schema][];
  if (entries.length === 0) return false;
  let acc: Schema = { type: entries.map(([t]) => t) };
  for (let i = entries.length - 1; i >= 0; i--) {
    const [t, s] = entries[i];
    acc = { if: { type: t }, then: s, else: acc };
  }
  return acc;
}

const kindsOf = (c: Category): LayerKind[] => REGISTRY.filter((k) => k.category === c);
/** kinds written as a bare word (no required argument) */
const bareKinds = (c: Category): string[] =>
  kindsOf(c)
    .filter((k) => !k.args.some((a) => a.required))
    .map((k) => k.name);
const positional = (k: LayerKind): ArgSpec[] => k.args.filter((a) => a.positional);
const flags = (k: LayerKind): string[] => k.args.filter((a) => a.flag).map((a) => a.name);
const slug = (k: LayerKind): string => `${k.category}.${k.name}`;

/** shared definitions of argument types, one per distinct type (keeps the schema small) */
let typeDefs: Map<string, { name: string; schema: Schema }> = new Map();
/** categories named by `call` argument types (each needs its definitions) */
let usedCategories = new Set<Category>();

function typeSchema(t: ArgType): Schema {
  const key = JSON.stringify(t);
  let d = typeDefs.get(key);
  if (!d) {
    d = { name: `type${typeDefs.size}`, schema: true };
    typeDefs.set(key, d);
    d.schema = typeSchemaInline(t);
  }
  return ref(d.name);
}

function typeSchemaInline(t: ArgType): Schema {
  switch (t.kind) {
    case 'int':
      return byType({
        integer: {
          type: 'integer',
          ...(t.min !== undefined ? { minimum: t.min } : {}),
          ...(t.max !== undefined ? { maximum: t.max } : {}),
        },
        string: ident,
      });
    case 'number': {
      const lo = t.min === undefined ? {} : t.exclusiveMin ? { exclusiveMinimum: t.min } : { minimum: t.min };
      const hi = t.max === undefined ? {} : t.exclusiveMax ? { exclusiveMaximum: t.max } : { maximum: t.max };
      return byType({ number: { type: 'number', ...lo, ...hi }, string: ident });
    }
    case 'bool':
      return { type: 'boolean' };
    case 'string':
      return { type: 'string' };
    case 'enum':
      return { type: 'string', enum: [...t.values] };
    case 'list':
      return byType({
        array: {
          type: 'array',
          items: typeSchema(t.of),
          ...(t.minItems !== undefined ? { minItems: t.minItems } : {}),
        },
        string: ident,
      });
    case 'call':
      usedCategories.add(t.category);
      return ref(`value.${t.category}`);
    case 'mask':
      return ref('mask');
    case 'union':
      return { anyOf: t.of.map(typeSchema) };
  }
}

/** one positional value of kind k at index i (flags may be written positionally too) */
function positionalItem(k: LayerKind, a: ArgSpec | undefined): Schema {
  const fl = flags(k);
  const base = a ? typeSchema(a.variadic && a.type.kind === 'list' ? a.type.of : a.type) : false;
  return fl.length ? { anyOf: [base, { type: 'string', enum: fl }] } : base;
}

function positionalList(k: LayerKind): Schema {
  const pos = positional(k);
  const variadic = pos.find((a) => a.variadic);
  if (variadic) return { type: 'array', items: positionalItem(k, variadic) };
  const n = pos.length + flags(k).length;
  if (n === 0) return { type: 'array', maxItems: 0 };
  const items = Array.from({ length: n }, (_, i) => positionalItem(k, pos[i]));
  return { type: 'array', items, additionalItems: false };
}

/** the object form of a kind's arguments: named args, `_` positional, `body` for blocks */
function argsObject(k: LayerKind, block?: Category): Schema {
  const properties: Record<string, Schema> = {};
  for (const a of k.args) properties[a.name] = typeSchema(a.type);
  if (positional(k).length || flags(k).length) {
    properties._ = { if: { type: 'array' }, then: positionalList(k), else: positionalItem(k, positional(k)[0]) };
  }
  if (block) properties.body = ref(`layers.${block}`);
  const required = k.args.filter((a) => a.required && !a.positional).map((a) => a.name);
  return {
    type: 'object',
    properties,
    additionalProperties: false,
    ...(required.length ? { required } : {}),
    description: k.doc,
  };
}

/** the value under a call's key: null (bare), a scalar or list (positional), or a mapping */
function argsValue(k: LayerKind): Schema {
  const hasPositional = positional(k).length > 0 || flags(k).length > 0;
  const first = positionalItem(k, positional(k)[0]);
  if (!hasPositional) return byType({ null: true, object: argsObject(k, k.block) });
  return {
    if: { type: 'null' },
    then: true,
    else: {
      if: { type: 'object' },
      then: argsObject(k, k.block),
      else: { if: { type: 'array' }, then: positionalList(k), else: first },
    },
  };
}

/**
 * a call of a category: a bare kind name, or { kind: args }. In argument position (`letRefs`)
 * any name is accepted, since it may name a `let` (`net: net` with `let net = resnet(...)`);
 * the checker resolves it.
 */
function callSchema(c: Category, exclude: string[] = [], letRefs = false): Schema {
  const kinds = kindsOf(c).filter((k) => !exclude.includes(k.name));
  const properties: Record<string, Schema> = {};
  for (const k of kinds) properties[k.name] = ref(`args.${slug(k)}`);
  const bare = bareKinds(c).filter((n) => !exclude.includes(n));
  return byType({
    ...(letRefs ? { string: ident } : bare.length ? { string: { enum: bare } } : {}),
    object: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      propertyNames: kinds.length ? { enum: kinds.map((k) => k.name) } : false,
      properties,
    },
  });
}

/** a list of layers of a block category; `repeat` and (for flows) `level` are structural */
function layersSchema(c: Category): Schema {
  const repeat: Schema = {
    type: 'object',
    required: ['repeat', 'body'],
    additionalProperties: false,
    properties: {
      repeat: byType({ integer: { type: 'integer', minimum: 0 }, string: ident }),
      body: ref(`layers.${c}`),
    },
  };
  const level = REGISTRY.find((k) => k.category === c && k.name === 'level');
  const obj: Schema = {
    if: { type: 'object', required: ['repeat'] },
    then: repeat,
    else: level
      ? {
          if: { type: 'object', required: ['level'] },
          then: {
            type: 'object',
            additionalProperties: false,
            required: ['level'],
            properties: { level: ref('level') },
          },
          else: callSchema(c, ['level']),
        }
      : callSchema(c),
  };
  const bare = bareKinds(c).filter((n) => n !== 'level');
  return { type: 'array', items: byType({ ...(bare.length ? { string: { enum: bare } } : {}), object: obj }) };
}

/** a flow block: a list of layers, or { args..., body: [layers] } */
function flowBlockSchema(): Schema {
  const postFlow = REGISTRY.find((k) => k.category === 'posterior' && k.name === 'flow');
  const args = postFlow
    ? (argsObject(postFlow, 'flow') as Record<string, unknown>)
    : { type: 'object', properties: { body: ref('layers.flow') }, additionalProperties: false };
  return byType({ array: ref('layers.flow'), object: { ...args, required: ['body'] } });
}

function typeStringSchema(): Schema {
  const domains = kindsOf('domain')
    .map((k) => k.name)
    .join('|');
  return {
    type: 'string',
    pattern: `^\\s*(${domains})\\s*(\\([^()]*\\))?\\s*\\[[^\\[\\]]*\\]\\s*$`,
    description: 'a data type such as "real[2]" or "discrete(256)[1, 28, 28]"',
  };
}

function modelSchema(): Schema {
  const vars: Schema = { type: 'object', additionalProperties: ref('type') };
  const posteriorFlow = REGISTRY.some((k) => k.category === 'posterior' && k.name === 'flow');
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      data: vars,
      latent: vars,
      condition: {
        type: 'object',
        additionalProperties: {
          type: 'string',
          pattern: '^\\s*(categorical\\s*\\([^()]*\\)|real\\s*\\[[^\\[\\]]*\\])\\s*$',
          description: 'what the model is conditioned on: "categorical(10)" (one label) or "real[8]"',
        },
      },
      order: byType({
        array: { type: 'array', items: { type: 'integer', minimum: 0 } },
        string: ref('call.order'),
        object: ref('call.order'),
      }),
      mask: { type: 'object', additionalProperties: ref('mask') },
      prior: ref('call.prior'),
      likelihood: ref('call.likelihood'),
      conditional: ref('call.conditional'),
      encoder: ref('call.net'),
      decoder: ref('call.net'),
      target: ref('call.target'),
      flow: ref('flowBlock'),
      posterior: posteriorFlow
        ? {
            if: { type: 'object', required: ['flow'] },
            then: { type: 'object', additionalProperties: false, properties: { flow: ref('flowBlock') } },
            else: callSchema('posterior', ['flow']),
          }
        : ref('call.posterior'),
      train: ref('args.train.train.object'),
    },
  };
}

let cached: object | undefined;

/** The JSON Schema of *.flow.yaml. Deterministic (registry order); computed once per process. */
export function generateSchema(): object {
  cached ??= buildSchema();
  return cached;
}

/** generateSchema without the cache (a fresh object each call) */
export function buildSchema(): object {
  typeDefs = new Map();
  usedCategories = new Set();
  const definitions: Record<string, Schema> = {};
  for (const k of REGISTRY) definitions[`args.${slug(k)}`] = argsValue(k);
  const train = REGISTRY.find((k) => k.category === 'train');
  definitions['args.train.train.object'] = train ? argsObject(train) : { type: 'object' };
  const blocks = [...new Set(REGISTRY.map((k) => k.block).filter((b): b is Category => !!b))];
  for (const c of new Set<Category>(['flow', ...blocks])) definitions[`layers.${c}`] = layersSchema(c);
  const level = REGISTRY.find((k) => k.category === 'flow' && k.name === 'level');
  definitions.level = level
    ? byType({ null: true, array: ref('layers.flow'), object: argsObject(level, 'flow') })
    : byType({ null: true, array: ref('layers.flow') });
  definitions.flowBlock = flowBlockSchema();
  definitions.type = typeStringSchema();
  definitions.mask = byType({
    string: ident,
    array: { type: 'array', items: { enum: [0, 1] } },
    object: {
      if: { type: 'object', required: ['not'] },
      then: { type: 'object', additionalProperties: false, properties: { not: ref('mask') } },
      else: ref('call.mask'),
    },
  });
  definitions.model = modelSchema();
  const slots: Category[] = ['order', 'prior', 'likelihood', 'conditional', 'net', 'target', 'posterior', 'mask'];
  const categories = [...new Set<Category>([...REGISTRY.map((k) => k.category), ...slots, ...usedCategories])];
  for (const c of categories) {
    definitions[`call.${c}`] = callSchema(c);
    definitions[`value.${c}`] = callSchema(c, [], true);
  }
  for (const { name, schema } of typeDefs.values()) definitions[name] = schema;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://flowc.dev/schema/flow.yaml.json',
    title: 'flowc model file (.flow.yaml)',
    type: 'object',
    additionalProperties: false,
    properties: {
      let: { type: 'object', additionalProperties: true, description: 'let name: value' },
      mask: { type: 'object', additionalProperties: ref('mask'), description: 'mask name: mask expression' },
      models: { type: 'object', additionalProperties: ref('model'), description: 'model name: model' },
    },
    definitions,
  };
}
