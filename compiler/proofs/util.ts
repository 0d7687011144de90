// Small helpers shared by the proof checks.
import type { Span } from '../../grammar/ast.js';
import { makeDiagnostic, type DiagnosticDef, type Related } from '../../grammar/diagnostic.js';
import type { CheckContext, CheckedCall, CheckedLayer } from '../check/model.js';

export const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

export const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** name of a call-valued argument (`order: reverse`, `connectivity: random(seed: 1)`) */
export function callName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const k = (v as { kind?: unknown }).kind;
    if (k && typeof k === 'object' && typeof (k as { name?: unknown }).name === 'string')
      return (k as { name: string }).name;
    if (typeof k === 'string') return k;
  }
  return undefined;
}

export const callArgs = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && (v as { args?: unknown }).args && typeof (v as { args?: unknown }).args === 'object'
    ? (v as { args: Record<string, unknown> }).args
    : {};

/** the span of argument `name` of a call, or the callee / call span */
export function argSpan(c: CheckedCall, name?: string): Span {
  if (name && c.argSpans?.[name]) {
    const s = c.argSpans[name]!;
    // defaults are given the call's span; point at the callee instead, it reads better
    if (!(s.start === c.node.span.start && s.end === c.node.span.end)) return s;
  }
  return c.node.callee?.span ?? c.node.span;
}

/** layers with their nested children, depth first */
export function* allLayers(layers: readonly CheckedLayer[] | undefined): Generator<CheckedLayer> {
  for (const l of layers ?? []) {
    yield l;
    yield* allLayers(l.children);
  }
}

/**
 * A reporter that reports a finding at most once per source location and code (a `repeat`
 * body is checked once per copy, but the user wrote it once).
 */
export function onceReporter(ctx: CheckContext) {
  const seen = new Set<string>();
  return <P>(def: DiagnosticDef<P>, span: Span, p: P, related?: Related[]): void => {
    const key = `${def.code}@${span.file}:${span.start}:${span.end}`;
    if (seen.has(key)) return;
    seen.add(key);
    ctx.report(makeDiagnostic(def, span, p, related));
  };
}

/** the layer's shapes are known (shape inference reached it) */
export const shaped = (l: CheckedLayer): boolean => l.inShape.length > 0 && l.outShape.length > 0;
