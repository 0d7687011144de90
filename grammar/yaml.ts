// parseFlowYaml: *.flow.yaml text → the same FileNode as the .flow form, with diagnostics whose
// spans point into the YAML. Steps: parse with `yaml` (node ranges kept), validate the plain
// data with ajv against the schema passed in (compiler/schema.ts generates it from the registry),
// report each schema error at its YAML node, then map nodes to the AST (grammar/yaml-map.ts).
// Never throws.
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Document, Node, Pair } from 'yaml';
import { ajv as ajvLib, yaml } from './lazy-deps.js';
import type { Comment, FileNode, Span } from './ast.js';
import { hasErrors, makeDiagnostic, type Diagnostic, type Result } from './diagnostic.js';
import { bidiWarnings } from './lexer.js';
import { MAX_YAML_DEPTH } from './limits.js';
import { MAX_SYNTAX_ERRORS, sizeCheck } from './parse.js';
import * as C from './syntax-codes.js';
import { duplicateKeys, yamlTooDeep } from './yaml-limits.js';
import { YamlToAst } from './yaml-map.js';
import { suggest } from './suggest.js';

const compiled = new WeakMap<object, ValidateFunction>();
let ajv: Ajv | undefined;

/** one compiled validator per schema object (compiling the generated schema takes a while) */
function validator(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    ajv ??= new (ajvLib().Ajv)({
      allErrors: true,
      strict: false,
      verbose: true,
      inlineRefs: false,
      code: { optimize: false },
    });
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

export function parseFlowYaml(text: string, file: string, schema: object): Result<FileNode> {
  try {
    return parseUnsafe(text, file, schema);
  } catch (err) {
    return {
      value: { kind: 'file', items: [], comments: [], span: { file, start: 0, end: text.length } },
      diagnostics: [
        makeDiagnostic(
          C.InternalParserError,
          { file, start: 0, end: 0 },
          { detail: err instanceof Error ? err.message : String(err) },
        ),
      ],
    };
  }
}

function parseUnsafe(text: string, file: string, schema: object): Result<FileNode> {
  const clamp = (n: number) => Math.min(Math.max(0, n), text.length);
  const at = (start: number, end: number): Span => ({
    file,
    start: clamp(start),
    end: Math.max(clamp(start), clamp(end)),
  });
  const empty: FileNode = { kind: 'file', items: [], comments: [], span: { file, start: 0, end: text.length } };
  const tooLarge = sizeCheck(text, file);
  if (tooLarge) return { value: empty, diagnostics: [tooLarge] };
  const deep = yamlTooDeep(text, MAX_YAML_DEPTH);
  if (deep !== undefined) {
    const tooDeep = makeDiagnostic(C.YamlTooDeep, at(deep, deep + 1), { limit: MAX_YAML_DEPTH });
    return { value: empty, diagnostics: [tooDeep] };
  }
  // uniqueKeys: false: the yaml package compares every pair of keys (100k keys: 72 s); duplicateKeys is linear
  const { doc, tokens } = parseOnce(text);
  const diagnostics: Diagnostic[] = bidiWarnings(text, 0, 'this file', file);
  for (const e of doc.errors) {
    // the composer recurses: a nesting the depth scan underestimated still ends here, not in a crash
    const def = /call stack/i.test(e.message) ? C.YamlTooDeep : C.YamlSyntax;
    const p = { detail: firstLine(e.message), limit: MAX_YAML_DEPTH };
    diagnostics.push(makeDiagnostic(def, at(e.pos[0], e.pos[1]), p));
  }
  if (!doc.errors.length) diagnostics.push(...duplicateKeys(doc, at));
  for (const w of doc.warnings)
    diagnostics.push(makeDiagnostic(C.YamlWarning, at(w.pos[0], w.pos[1]), { detail: firstLine(w.message) }));
  if (hasErrors(diagnostics)) return { value: empty, diagnostics: capped(diagnostics) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch {
    diagnostics.push(makeDiagnostic(C.YamlUnsupported, at(0, 0), { feature: 'an alias (*name)' }));
    return { value: empty, diagnostics };
  }
  const validate = validator(schema);
  const schemaErrors: Diagnostic[] = [];
  // each error is mapped with a linear search for its node: map no more than can be shown
  if (!validate(data ?? {})) {
    schemaErrors.push(...mapSchemaErrors((validate.errors ?? []).slice(0, MAX_SYNTAX_ERRORS + 1), doc, at));
  }

  const mapper = new YamlToAst(text, file);
  const value = { ...mapper.file(doc), comments: yamlComments(tokens, file) };
  // the schema's errors explain a malformed file better than the mapping's own; use them when present
  for (const d of schemaErrors.length ? schemaErrors : mapper.diagnostics) diagnostics.push(d);
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { value, diagnostics: capped(diagnostics) };
}

/** at most MAX_SYNTAX_ERRORS diagnostics, then one FC127 (as for .flow files) */
function capped(ds: Diagnostic[]): Diagnostic[] {
  if (ds.length <= MAX_SYNTAX_ERRORS) return ds;
  const last = ds[MAX_SYNTAX_ERRORS - 1].span;
  const more = ds.length - MAX_SYNTAX_ERRORS;
  const tooMany = makeDiagnostic(C.TooManyErrors, { ...last, start: last.end }, { limit: MAX_SYNTAX_ERRORS, more });
  return [...ds.slice(0, MAX_SYNTAX_ERRORS), tooMany];
}

/**
 * The document and the parser's CST tokens, from one pass (parseDocument would parse once, the
 * comments a second time). Only the first document counts, as in `yaml`'s parseDocument.
 */
function parseOnce(text: string): { doc: Document; tokens: unknown[] } {
  const { Parser, Composer } = yaml();
  const tokens = [...new Parser().parse(text)];
  const composer = new Composer({ keepSourceTokens: false, prettyErrors: false, uniqueKeys: false });
  let doc: Document | undefined;
  for (const d of composer.compose(tokens as never, true, text.length)) {
    if (!doc) doc = d as Document;
    else {
      doc.errors.push(
        new (yaml().YAMLParseError)(
          [d.range[0], d.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  return { doc: doc!, tokens };
}

/** the `#` comments of a YAML text, in source order (from the yaml package's CST) */
function yamlComments(tokens: unknown[], file: string): Comment[] {
  const out: Comment[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      x.forEach(walk);
      return;
    }
    if (!x || typeof x !== 'object') return;
    const t = x as { type?: string; offset?: number; source?: string };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
      out.push({ text: t.source, span: { file, start: t.offset, end: t.offset + t.source.length } });
      return;
    }
    for (const v of Object.values(x)) walk(v);
  };
  walk(tokens);
  return out.sort((a, b) => a.span.start - b.span.start);
}

const firstLine = (s: string): string => s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');

// ---------- schema errors → diagnostics at YAML nodes ----------
function pathOf(instancePath: string): string[] {
  return instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function nodeAt(doc: Document, path: string[]): Node | undefined {
  return (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | undefined;
}

/** the pair whose key is `key` in the mapping at `path` */
function pairAt(doc: Document, path: string[], key: string): Pair | undefined {
  const n = nodeAt(doc, path);
  const { isMap, isScalar } = yaml();
  return isMap(n) ? (n.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined;
}

function describeWhere(path: string[]): string {
  if (path.length === 0) return 'the file';
  if (path.length === 2 && path[0] === 'models') return `model '${path[1]}'`;
  const last = path[path.length - 1];
  if (/^\d+$/.test(last)) return `item ${Number(last) + 1} of '${path[path.length - 2] ?? 'list'}'`;
  if (last === 'train') return "'train'";
  if (path[0] === 'models' && path.length === 3) return `'${last}' of model '${path[1]}'`;
  return `the arguments of '${last}'`;
}

function describeData(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a name or string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'nothing',
};

const didYouMean = suggest;

function mapSchemaErrors(errors: ErrorObject[], doc: Document, at: (s: number, e: number) => Span): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const spanOf = (n: Node | null | undefined): Span => (n?.range ? at(n.range[0], n.range[1]) : at(0, 0));
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const path = pathOf(e.instancePath);
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}|${e.propertyName ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodeAt(doc, path);
    const parentSchema = (e.parentSchema ?? {}) as Record<string, unknown>;
    const where = describeWhere(path);
    if (e.propertyName !== undefined) {
      const p = pairAt(doc, path, e.propertyName);
      const allowed = (e.schema as unknown[] | undefined)?.map(String) ?? [];
      out.push(
        makeDiagnostic(C.YamlUnknownKind, spanOf(p?.key as Node), {
          name: e.propertyName,
          where,
          suggestion: didYouMean(e.propertyName, allowed),
        }),
      );
      continue;
    }
    switch (e.keyword) {
      case 'additionalProperties': {
        const k = String((e.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys((parentSchema.properties ?? {}) as object);
        const p = pairAt(doc, path, k);
        out.push(
          makeDiagnostic(C.YamlUnknownKey, spanOf(p?.key as Node), {
            key: k,
            where,
            suggestion: didYouMean(k, allowed),
            allowed,
          }),
        );
        break;
      }
      case 'required': {
        const k = String((e.params as { missingProperty: string }).missingProperty);
        const parentKey = path.length
          ? (pairAt(doc, path.slice(0, -1), path[path.length - 1])?.key as Node | undefined)
          : undefined;
        out.push(makeDiagnostic(C.YamlMissingKey, parentKey ? spanOf(parentKey) : spanOf(node), { key: k, where }));
        break;
      }
      case 'enum': {
        const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((x) => JSON.stringify(x));
        const found = typeof e.data === 'string' ? JSON.stringify(e.data) : describeData(e.data);
        const raw = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
        const sugg = typeof e.data === 'string' ? didYouMean(e.data, raw) : undefined;
        const suggestion = sugg && JSON.stringify(sugg);
        out.push(makeDiagnostic(C.YamlBadValue, spanOf(node), { found, allowed, suggestion }));
        break;
      }
      case 'type': {
        const types = String((e.params as { type: string | string[] }).type).split(',');
        out.push(
          makeDiagnostic(C.YamlWrongType, spanOf(node), {
            expected: types.map((t) => TYPE_WORDS[t] ?? t).join(' or '),
            found: describeData(e.data),
          }),
        );
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        out.push(
          makeDiagnostic(C.YamlOutOfRange, spanOf(node), {
            detail: `${String(e.data)} ${e.message ?? 'is out of range'}`,
          }),
        );
        break;
      case 'pattern':
        if (String((e.params as { pattern: string }).pattern).startsWith('^[A-Za-z_]')) {
          out.push(
            makeDiagnostic(C.YamlWrongType, spanOf(node), {
              expected: 'a number or a let name',
              found: describeData(e.data),
            }),
          );
        } else {
          out.push(makeDiagnostic(C.YamlBadType, spanOf(node), { text: String(e.data) }));
        }
        break;
      case 'additionalItems':
      case 'maxItems': {
        const limit = Number((e.params as { limit: number }).limit);
        const kind = /^\d+$/.test(path[path.length - 1] ?? '') ? 'this' : `'${path[path.length - 1]}'`;
        const detail =
          `${kind} takes ${limit || 'no'} positional value${limit === 1 ? '' : 's'}; ` +
          `give the others by name, e.g. { ${path[path.length - 1]}: { _: [...], name: value } }`;
        out.push(makeDiagnostic(C.YamlSchema, spanOf(node), { detail }));
        break;
      }
      case 'minProperties':
      case 'maxProperties':
        out.push(
          makeDiagnostic(C.YamlBadExpression, spanOf(node), {
            detail: 'a call is a mapping with exactly one key (the kind), e.g. { mlp: [64, 64] }',
          }),
        );
        break;
      default:
        out.push(makeDiagnostic(C.YamlSchema, spanOf(node), { detail: `${where} ${e.message ?? ''}`.trim() }));
    }
  }
  return onePerMistake(out);
}

/**
 * One mistake, one error: ajv reports a value that fits no branch once per rule it breaks (an enum and
 * a type, a call mapping and its unknown key). Keep the first error at a node and drop those inside it.
 */
function onePerMistake(ds: Diagnostic[]): Diagnostic[] {
  const within = (a: Span, b: Span) => a.start >= b.start && a.end <= b.end;
  // at one node, "not allowed here; allowed values: …" says more than "expected a name"
  const rank = (d: Diagnostic, i: number) => (d.code === C.YamlBadValue.code ? -1 : i);
  // a missing key is reported at its mapping's key: several are several mistakes, and hide nothing
  const apart = (d: Diagnostic) => d.code === C.YamlMissingKey.code;
  return ds.filter(
    (d, i) =>
      apart(d) ||
      !ds.some(
        (o, j) =>
          j !== i && !apart(o) && within(d.span, o.span) && (!within(o.span, d.span) || rank(o, j) < rank(d, i)),
      ),
  );
}
