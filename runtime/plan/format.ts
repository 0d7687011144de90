// A plan in words: one line for `flowc train`'s first log line, a table for `flowc explain --plan`.
import type { Plan } from './planner.js';

/** `plan: wasm · 9 units (5 plain) · coupling:fused-mlp ×4, split:fused-split (s1)` */
export function planSummary(plan: Plan): string {
  const fast = plan.entries.filter((e) => e.kernels.length);
  const by = new Map<string, string[]>();
  for (const e of fast) for (const k of e.kernels) by.set(k, [...(by.get(k) ?? []), e.id]);
  const parts = [...by].map(([k, ids]) => (ids.length === 1 ? `${k} (${ids[0]})` : `${k} ×${ids.length}`));
  const n = plan.entries.length;
  return (
    `plan: ${plan.backend} · ${n} unit${n === 1 ? '' : 's'} (${n - fast.length} plain)` +
    (parts.length ? ` · ${parts.join(', ')}` : '')
  );
}

const short = (q: string, kind: string) => (q.startsWith(`${kind}:`) ? q.slice(kind.length + 1) : q);

/** one row per unit: id, kind, kernel(s) (or plain), and why each other kernel is not used */
export function planTable(plan: Plan): string {
  const rows = plan.entries.map((e) => [
    e.id,
    e.kind,
    e.kernels.length ? e.kernels.map((k) => short(k, e.kind)).join(' + ') : 'plain',
    e.rejected.map((r) => `${short(r.kernel, e.kind)}: ${r.why}`).join('; ') || '—',
  ]);
  const head = ['unit', 'kind', 'kernel', 'not used (why)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  return [`plan on backend ${plan.backend}:`, line(head), ...rows.map(line)].join('\n') + '\n';
}

export function planJson(plan: Plan): Plan {
  return { backend: plan.backend, entries: plan.entries.map((e) => ({ ...e })) };
}
