// compiler/schema.ts: the YAML JSON Schema is generated from the registry. These tests drive it
// with the registry itself: every kind is accepted with its required arguments, rejects an unknown
// argument, enforces required ones and enum values, and an unknown kind is rejected.
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../compiler/registry/index.js';
import type { ArgType, Category, LayerKind } from '../../compiler/registry/types.js';
import { buildSchema, generateSchema } from '../../compiler/schema.js';

const schema = generateSchema();
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const errorsOf = (doc: unknown): ErrorObject[] => (validate(doc) ? [] : [...(validate.errors ?? [])]);

/** a valid value of an argument type (names stand for lets where the schema allows them) */
function sample(t: ArgType): unknown {
  switch (t.kind) {
    case 'int':
      return t.min ?? 1;
    case 'number':
      return t.max !== undefined ? t.max : (t.min ?? 0) + 1;
    case 'bool':
      return true;
    case 'string':
      return 'file.npy';
    case 'enum':
      return t.values[0];
    case 'list':
      return Array.from({ length: Math.max(1, t.minItems ?? 1) }, () => sample(t.of));
    case 'call':
      return 'somelet';
    case 'mask':
      return 'm';
    case 'union':
      return sample(t.of[0]);
  }
}

/** a whole file using `call` in the place its category belongs; undefined when it has no such place */
function placed(k: LayerKind, call: unknown): unknown {
  const model = (m: Record<string, unknown>) => ({ models: { M: m } });
  const slots: Partial<Record<Category, string>> = {
    prior: 'prior',
    likelihood: 'likelihood',
    conditional: 'conditional',
    net: 'encoder',
    target: 'target',
    order: 'order',
  };
  if (k.category === 'flow' && k.name !== 'level') return model({ flow: [call] });
  if (slots[k.category]) return model({ [slots[k.category]!]: call });
  if (k.category === 'posterior' && k.name !== 'flow') return model({ posterior: call });
  if (k.category === 'dataset') return model({ train: { data: call } });
  if (k.category === 'optimizer') return model({ train: { optimizer: call } });
  if (k.category === 'mask') return { mask: { m: call } };
  if (k.category === 'ar-layer') return model({ conditional: { pixelcnn: { body: [call] } } });
  return undefined;
}

const requiredArgs = (k: LayerKind) =>
  Object.fromEntries(k.args.filter((a) => a.required).map((a) => [a.name, sample(a.type)]));
const placeable = REGISTRY.filter((k) => placed(k, {}) !== undefined);

describe('generated JSON Schema', () => {
  it('is a valid draft-07 schema, deterministic, and fast to build', () => {
    expect(new Ajv({ strict: false }).validateSchema(schema)).toBe(true);
    const t0 = performance.now();
    const again = buildSchema();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(JSON.stringify(again)).toBe(JSON.stringify(schema));
  });

  it('covers the registry', () => {
    expect(placeable.length).toBeGreaterThan(20);
    const defs = (schema as { definitions: Record<string, unknown> }).definitions;
    for (const k of REGISTRY) expect(defs[`args.${k.category}.${k.name}`], `${k.category}.${k.name}`).toBeDefined();
  });

  it.each(placeable.map((k) => ({ id: `${k.category}.${k.name}`, k })))(
    '$id: accepted with its required args, rejects unknown ones',
    ({ k }) => {
      const ok = placed(k, { [k.name]: requiredArgs(k) });
      expect(errorsOf(ok)).toEqual([]);
      const bad = placed(k, { [k.name]: { ...requiredArgs(k), no_such_arg: 1 } });
      expect(
        errorsOf(bad).some(
          (e) =>
            e.keyword === 'additionalProperties' &&
            (e.params as { additionalProperty: string }).additionalProperty === 'no_such_arg',
        ),
      ).toBe(true);
      for (const a of k.args.filter((x) => x.required && !x.positional)) {
        const { [a.name]: _drop, ...rest } = requiredArgs(k);
        const missing = placed(k, { [k.name]: rest });
        expect(
          errorsOf(missing).some(
            (e) => e.keyword === 'required' && (e.params as { missingProperty: string }).missingProperty === a.name,
          ),
        ).toBe(true);
      }
      for (const a of k.args.filter((x) => x.type.kind === 'enum')) {
        const wrong = placed(k, { [k.name]: { ...requiredArgs(k), [a.name]: 'not_a_value' } });
        expect(errorsOf(wrong).some((e) => e.keyword === 'enum')).toBe(true);
      }
    },
  );

  it('rejects an unknown kind in every place', () => {
    for (const k of placeable) expect(errorsOf(placed(k, { no_such_kind: {} })).length).toBeGreaterThan(0);
  });

  it('accepts bare kind names only for kinds without required args', () => {
    for (const k of placeable.filter((x) => x.category === 'flow' || x.category === 'prior')) {
      const errs = errorsOf(placed(k, k.name));
      expect(errs.length === 0, `${k.name}`).toBe(!k.args.some((a) => a.required));
    }
  });
});
