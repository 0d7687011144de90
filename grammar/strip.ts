// stripSpans: a deep copy of an AST (or any part) without source spans, for comparing trees
// from different sources (.flow vs .flow.yaml, original vs reformatted).

export type Stripped<T> = T extends (infer U)[]
  ? Stripped<U>[]
  : T extends object
    ? { [K in keyof T as K extends 'span' ? never : K]: Stripped<T[K]> }
    : T;

export function stripSpans<T>(node: T): Stripped<T> {
  if (Array.isArray(node)) return node.map((x) => stripSpans(x)) as Stripped<T>;
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'span' || v === undefined) continue;
      out[k] = stripSpans(v);
    }
    return out as Stripped<T>;
  }
  return node as Stripped<T>;
}
