// A plan in words: one line for `flowc train`'s first log line, a table for `flowc explain --plan`.
import type { Plan } from './planner.js';

/** `plan: wasm · 6 units, 4 plain · c1 coupling:fused-mlp, …` */
export function planSummary(plan: Plan): string {
  const fast = plan.entries.filter((e) => e.kernels.length);
  const plain = plan.entries.length - fast.length;
  const parts = fast.map((e) => `${e.id} ${e.kernels.join('+')}`);
  return `plan: ${plan.backend} · ${plan.entries.length} units, ${plain} plain`
    + (parts.length ? ` · ${parts.join(', ')}` : '');
}

/** one row per unit: id, kind, kernel(s) (or plain), and why each other kernel is not used */
export function planTable(plan: Plan): string {
  const rows = plan.entries.map((e) => [
    e.id, e.kind, e.kernels.length ? e.kernels.map((k) => k.slice(e.kind.length + 1)).join(' + ') : 'plain',
    e.rejected.map((r) => `${r.kernel.slice(e.kind.length + 1)}: ${r.why}`).join('; ') || '—',
  ]);
  const head = ['unit', 'kind', 'kernel', 'not used (why)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  return [`plan on backend ${plan.backend}:`, line(head), ...rows.map(line)].join('\n') + '\n';
}
