// The explain table beside the editor: `flowc explain --json`'s rows (compiler/explain.ts) as an HTML table.
import type { ExplainJson } from '../compiler/explain.js';
import { fmtInt, fmtShape, fmtSI } from '../compiler/explain-format.js';

export function renderExplain(el: HTMLElement, models: readonly ExplainJson[]): void {
  el.replaceChildren();
  if (!models.length) {
    el.textContent = 'the explain table appears when the spec checks without errors';
    return;
  }
  for (const m of models) {
    const h = document.createElement('div');
    h.innerHTML = '<b></b> <span class="muted"></span>';
    h.children[0]!.textContent = `${m.model} (${m.family})`;
    h.children[1]!.textContent = `${m.data}; ${m.objective.join(' ')}`;
    const t = document.createElement('table');
    const head = ['layer', 'kind', 'in → out', 'Jacobian', 'log-det', 'density', 'sample', 'params', 'FLOPs'];
    const th = (x: string) => Object.assign(document.createElement('th'), { textContent: x });
    t.createTHead()
      .insertRow()
      .append(...head.map(th));
    const body = t.createTBody();
    for (const r of m.rows) {
      const cells = [
        `${'  '.repeat(r.depth)}${r.id}`,
        r.kind,
        `${fmtShape(r.inShape)} → ${fmtShape(r.outShape)}`,
        r.jacobian,
        r.logDet,
        r.density,
        r.sample,
        fmtInt(r.params),
        fmtSI(r.flops),
      ];
      const row = body.insertRow();
      cells.forEach((c, i) => Object.assign(row.insertCell(), { textContent: c, className: i >= 7 ? 'num' : '' }));
    }
    const tot = body.insertRow();
    const totals = [
      'total',
      `${m.totals.layers} layers`,
      '',
      '',
      m.totals.logDet,
      '',
      '',
      fmtInt(m.totals.params),
      fmtSI(m.totals.flops),
    ];
    totals.forEach((c, i) => Object.assign(tot.insertCell(), { textContent: c, className: i >= 7 ? 'num' : '' }));
    el.append(h, t);
  }
}
