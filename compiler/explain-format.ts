// Text helpers for `explain`: numbers, shapes, domains and a plain aligned table.
import type { Domain, PriorIR, LikelihoodIR, VarIR } from './ir/types.js';

export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');

/** 1234 → "1.23k", 4.6e6 → "4.6M" (multiply-adds) */
export function fmtSI(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${+(n / v).toPrecision(3)}${u}`;
  return String(Math.round(n));
}

export const fmtShape = (s: readonly number[] | undefined): string => (s && s.length ? `[${s.join(', ')}]` : '[?]');

export function fmtDomain(d: Domain | undefined): string {
  if (!d) return '?';
  return d.kind === 'categorical' || d.kind === 'discrete' ? `${d.kind}(${d.K})` : d.kind;
}

export const fmtVar = (v: VarIR | undefined): string =>
  v ? `${v.name}: ${fmtDomain(v.domain)}${fmtShape(v.shape)}` : '?';

export function fmtPrior(p: PriorIR | undefined): string {
  if (!p) return 'none';
  switch (p.kind) {
    case 'normal':
      return p.learned ? 'normal(learned)' : p.mean === 0 && p.std === 1 ? 'N(0, I)' : `N(${p.mean}, ${p.std}²·I)`;
    case 'logistic':
    case 'laplace':
      return `${p.kind}(${p.loc}, ${p.scale})`;
    case 'mixture':
      return `mixture of ${p.k} ${p.component}`;
    default:
      return String((p as { kind?: unknown }).kind ?? '?');
  }
}

export function fmtLikelihood(l: LikelihoodIR | undefined): string {
  if (!l) return 'none';
  switch (l.kind) {
    case 'bernoulli':
      return 'Bernoulli(σ(logit_i))';
    case 'categorical':
      return `Categorical(softmax of ${l.K} logits)`;
    case 'logistic_mixture':
      return `discretized mixture of ${l.k} logistics over ${l.K} levels`;
    case 'gaussian':
      return l.learnedStd ? 'N(μ_i, σ_i²), σ learned' : 'N(μ_i, 1)';
    default:
      return String((l as { kind?: unknown }).kind ?? '?');
  }
}

/** A left-aligned table; columns listed in `right` are right-aligned. */
export function table(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - [...cell].length);
        return right.has(c) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}
